import { ChildProcess, spawn, spawnSync } from 'child_process';
import { containerName, dockerPlan } from './docker';
import { meshEnvironment } from './mesh';
import type { MeshCall, ProcessSpec } from './model';
import { freePort, groupAlive, probe, signalGroup, sleep, watchTree } from './process-tree';
import { LineSplitter } from './terminal';

/*
 * The process supervisor of `platform-dev`: starts each service's process (its command in a
 * shell, or its image with Docker) on a free loopback port, waits for its health path, restarts a
 * crashed one with back-off, restarts on source changes under --watch, and stops every process
 * tree. Each child runs in its own process group (detached), so SIGTERM/SIGKILL reach the
 * shell's children too (POSIX only: `platform-dev` targets macOS and Linux).
 */

/** A service the supervisor runs. */
export interface SupervisedService {
  readonly name: string;
  readonly spec: ProcessSpec;
  /** The health path as the service sees it; undefined: wait for the port to accept connections. */
  readonly healthCheckPath?: string;
  /**
   * Its calls through the service mesh to services of this supervisor: each variable is set to the
   * callee's loopback port (`http://127.0.0.1:<port>`, or `http://host.docker.internal:<port>` in Docker).
   */
  readonly calls?: MeshCall[];
}

/** The state of a supervised service. */
export type ServiceState = 'starting' | 'healthy' | 'crashed' | 'restarting' | 'stopped';

/** What happens to services, for the command line to print. */
export type SupervisorEvent = Readonly<
  | { type: 'started'; service: string; port: number; pid: number }
  | { type: 'healthy'; service: string; port: number; afterMs: number }
  | { type: 'crashed'; service: string; code: number | null; signal: string | null; reason: string; lastLines: string[] }
  | { type: 'restarting'; service: string; inMs: number; attempt: number }
  | { type: 'watch-restart'; service: string; file: string }
  | { type: 'stopped'; service: string }
  /** A crash with `restart: false`: the run should end (the caller calls `stop()`). */
  | { type: 'fatal'; service: string; error: ServiceStartError }
>;

/** How the supervisor runs services. */
export interface SupervisorOptions {
  /** The developer's environment (PATH, HOME, ... and the secrets; `--env-file` values merged in by the caller). */
  readonly environment: NodeJS.ProcessEnv;
  /** Restart a crashed service with back-off; false: a crash is `fatal`. */
  readonly restart: boolean;
  /** Restart a service when files under its `spec.watch` change. */
  readonly watch: boolean;
  /** How long a service may take to become healthy (the CLI's default: 60 000). */
  readonly healthTimeoutMs: number;
  /** Whether a Docker engine answers (services with an image and no command run in Docker). */
  readonly docker: boolean;
  /** One call per line of a service's output. */
  readonly output: (serviceName: string, line: string, stream: 'stdout' | 'stderr') => void;
  readonly events: (event: SupervisorEvent) => void;
  /** The first restart's delay, doubled each time up to `maxBackoffMs`. @default 1000 */
  readonly backoffMs?: number;
  /** @default 30000 */
  readonly maxBackoffMs?: number;
  /** Healthy this long, the next crash starts the back-off again from `backoffMs`. @default 60000 */
  readonly backoffResetMs?: number;
  /** Changes within this time restart once. @default 300 */
  readonly watchDebounceMs?: number;
  /** SIGTERM, then SIGKILL after this time. @default 3000 */
  readonly stopGraceMs?: number;
  /** How often the health path is polled. @default 150 */
  readonly pollMs?: number;
}

/** A service that did not start (exited, never healthy, missing secrets, no way to run it). */
export class ServiceStartError extends Error {
  constructor(readonly service: string, readonly reason: string, readonly lastLines: string[] = []) {
    super(`${service}: ${reason}`);
    this.name = 'ServiceStartError';
  }
}

const LAST_LINES = 20;

/** One launch of a service's process. */
interface Run {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: string | null }>;
  /** Set when the supervisor ends it (stop, watch restart, health timeout): its exit is no crash. */
  intentional: boolean;
  code?: number | null;
  signal?: string | null;
}

interface Entry {
  readonly service: SupervisedService;
  port: number;
  state: ServiceState;
  run?: Run;
  lastLines: string[];
  attempt: number;
  healthySince?: number;
  restartTimer?: NodeJS.Timeout;
  /** Closes the service's watches. */
  watchers: Array<() => void>;
  watchTimer?: NodeJS.Timeout;
}

/** Starts, watches, restarts and stops the services' processes. */
export class Supervisor {
  private readonly entries = new Map<string, Entry>();
  private stopping?: Promise<void>;

  constructor(private readonly options: SupervisorOptions) {}

  /** The secrets each service needs that the environment does not have (check before `start`). */
  missingSecrets(services: SupervisedService[]): Array<{ service: string; names: string[] }> {
    return services
      .map((s) => ({ service: s.name, names: s.spec.secrets.filter((n) => this.options.environment[n] === undefined) }))
      .filter((m) => m.names.length > 0);
  }

  /**
   * Takes a free loopback port for every service first (a caller's mesh variables name its
   * callees' ports), then starts them in parallel and waits until each is healthy.
   * @throws ServiceStartError for the first service that cannot start, exits or is not healthy in
   * time (the others keep running: the caller calls `stop()`)
   */
  async start(services: SupervisedService[]): Promise<void> {
    for (const s of services) {
      if (this.entries.has(s.name)) throw new ServiceStartError(s.name, 'started twice');
      if (!s.spec.command && !(this.options.docker && s.spec.image)) {
        const docker = s.spec.image ? 'a running Docker engine (none answers)' : 'Docker (it has no image)';
        throw new ServiceStartError(s.name, `no way to run it: give \`--run ${s.name}=<command>\` or the construct's `
          + `\`localRun.command\`, or run it with ${docker}`);
      }
    }
    const missing = this.missingSecrets(services);
    if (missing.length > 0) {
      throw new ServiceStartError(missing[0].service, `missing secret(s) ${missing[0].names.join(', ')}: `
        + 'set them in the environment or an --env-file');
    }
    const ports = new Set<number>();
    const entries: Entry[] = [];
    for (const s of services) {
      let port = await freePort();
      // Each port was free when taken and is closed again at once: the system may hand it out twice.
      while (ports.has(port)) port = await freePort();
      ports.add(port);
      const entry: Entry = { service: s, port, state: 'starting', lastLines: [], attempt: 0, watchers: [] };
      this.entries.set(s.name, entry);
      entries.push(entry);
    }
    await Promise.all(entries.map((entry) => this.launchAndWait(entry, true)));
    if (this.options.watch && !this.stopping) for (const e of this.entries.values()) this.watch(e);
  }

  /** The service's port (kept across restarts). */
  portOf(name: string): number | undefined {
    return this.entries.get(name)?.port;
  }

  /** The service's state (`stopped` for an unknown name). */
  state(name: string): ServiceState {
    return this.entries.get(name)?.state ?? 'stopped';
  }

  /** SIGTERM to every process group, SIGKILL after the grace time; resolves when all are gone. Idempotent. */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = Promise.all([...this.entries.values()].map(async (e) => {
        for (const close of e.watchers) close();
        clearTimeout(e.restartTimer);
        clearTimeout(e.watchTimer);
        await this.end(e);
        e.state = 'stopped';
        this.options.events({ type: 'stopped', service: e.service.name });
      })).then(() => undefined);
    }
    return this.stopping;
  }

  /**
   * SIGKILL to every process group at once, synchronously (and `docker rm --force` for containers):
   * for an exit that cannot wait, such as a second Ctrl-C.
   */
  killNow(): void {
    for (const e of this.entries.values()) {
      const pid = e.run?.child.pid;
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
      if (!e.service.spec.command && e.service.spec.image) {
        spawnSync('docker', ['rm', '--force', containerName(e.service.name)], { stdio: 'ignore', env: this.options.environment, timeout: 5000 });
      }
    }
  }

  /** Launches the service and waits for its health; a failure rejects (initial start) or counts as a crash. */
  private async launchAndWait(e: Entry, initial: boolean): Promise<void> {
    const name = e.service.name;
    const began = Date.now();
    let run: Run;
    try {
      run = await this.launch(e);
    } catch (err) {
      const error = err instanceof ServiceStartError ? err : new ServiceStartError(name, (err as Error).message, e.lastLines.slice());
      if (initial) throw error;
      this.crashed(e, null, null, error.reason);
      return;
    }
    const failure = await this.waitHealthy(e, run);
    if (failure === undefined) {
      e.state = 'healthy';
      e.healthySince = Date.now();
      this.options.events({ type: 'healthy', service: name, port: e.port, afterMs: Date.now() - began });
      return;
    }
    if (this.stopping || run.intentional) {
      if (initial) throw new ServiceStartError(name, 'stopped before it was healthy', e.lastLines.slice());
      return;
    }
    if (failure !== 'exited') await this.end(e); // never healthy: end it
    const reason = failure === 'exited' ? exitReason(run.code ?? null, run.signal ?? null) : failure;
    if (initial) throw new ServiceStartError(name, reason, e.lastLines.slice());
    this.crashed(e, run.code ?? null, run.signal ?? null, reason);
  }

  /** Spawns the service's process (building its image first for Docker). */
  private async launch(e: Entry): Promise<Run> {
    const name = e.service.name;
    const spec = e.service.spec;
    if (this.stopping) throw new ServiceStartError(name, 'stopped before it started');
    e.lastLines = [];
    e.state = 'starting';
    const env: NodeJS.ProcessEnv = { ...this.options.environment, ...spec.environment };
    // Each service gets its own secrets only, not the other services' (an --env-file may hold them all).
    for (const other of this.entries.values()) {
      for (const secret of other.service.spec.secrets) if (!(secret in spec.environment)) delete env[secret];
    }
    for (const secret of spec.secrets) env[secret] = this.options.environment[secret];
    const calls = e.service.calls ?? [];
    const mesh = meshEnvironment(calls, (callee) => this.entries.get(callee)?.port, !spec.command);
    Object.assign(env, mesh);
    let run: Run;
    if (spec.command) {
      env.PORT = String(e.port);
      run = this.spawnRun(e, spec.command, [], { shell: true, env });
    } else {
      const plan = dockerPlan(name, spec, e.port, { variables: Object.keys(mesh), hostGateway: calls.length > 0 });
      if (plan.build) {
        const build = this.spawnRun(e, 'docker', plan.build, { env: this.options.environment });
        e.run = build;
        const { code, signal } = await build.exited;
        if (build.intentional || this.stopping) throw new ServiceStartError(name, 'stopped during docker build');
        if (code !== 0) throw new ServiceStartError(name, `docker build ${exitReason(code, signal)}`, e.lastLines.slice());
      }
      env.PORT = String(plan.containerPort); // inside the container; the host side is e.port
      run = this.spawnRun(e, 'docker', plan.run, { env });
    }
    e.run = run;
    this.options.events({ type: 'started', service: name, port: e.port, pid: run.child.pid ?? 0 });
    void run.exited.then(({ code, signal }) => {
      if (run.intentional || this.stopping || e.run !== run || e.state === 'starting') return; // waitHealthy handles starting
      this.crashed(e, code, signal, exitReason(code, signal));
    });
    return run;
  }

  /** Spawns a process in its own process group, its output split into lines. */
  private spawnRun(e: Entry, command: string, args: string[], opts: { shell?: boolean; env: NodeJS.ProcessEnv }): Run {
    const child = spawn(command, args, {
      cwd: e.service.spec.directory, env: opts.env, shell: opts.shell, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const line = (stream: 'stdout' | 'stderr') => (l: string) => {
      e.lastLines.push(l);
      if (e.lastLines.length > LAST_LINES) e.lastLines.shift();
      this.options.output(e.service.name, l, stream);
    };
    const out = new LineSplitter(line('stdout'));
    const err = new LineSplitter(line('stderr'));
    child.stdout!.on('data', (c: Buffer) => out.write(c));
    child.stderr!.on('data', (c: Buffer) => err.write(c));
    const run: Run = {
      child,
      intentional: false,
      exited: new Promise((resolve) => {
        child.on('error', (error) => {
          line('stderr')(`${command}: ${error.message}`);
          run.code = 127;
          resolve({ code: 127, signal: null });
        });
        // A process outside the group (a daemon) may hold the pipes: 'close' then comes 500 ms after 'exit'.
        child.on('exit', () => setTimeout(() => [child.stdout, child.stderr].forEach((st) => st?.destroy()), 500).unref());
        child.on('close', (code, signal) => {
          out.flush();
          err.flush();
          run.code = code;
          run.signal = signal;
          resolve({ code, signal });
        });
      }),
    };
    return run;
  }

  /** Undefined when healthy; `exited`, or the reason it is not healthy in time. */
  private async waitHealthy(e: Entry, run: Run): Promise<undefined | 'exited' | string> {
    const deadline = Date.now() + this.options.healthTimeoutMs;
    let exited = false;
    void run.exited.then(() => { exited = true; });
    const poll = this.options.pollMs ?? 150;
    while (!exited && !this.stopping && !run.intentional) {
      if (await probe(e.port, e.service.healthCheckPath, Math.min(1000, Math.max(1, deadline - Date.now())))) {
        if (!exited) return undefined;
      }
      if (Date.now() >= deadline) return `not healthy after ${seconds(this.options.healthTimeoutMs)}`;
      await sleep(Math.min(poll, Math.max(0, deadline - Date.now())));
    }
    return 'exited';
  }

  /** A crash: reported, then restarted with back-off or `fatal`. */
  private crashed(e: Entry, code: number | null, signal: string | null, reason: string): void {
    const name = e.service.name;
    e.state = 'crashed';
    this.options.events({ type: 'crashed', service: name, code, signal, reason, lastLines: e.lastLines.slice() });
    if (!this.options.restart) {
      this.options.events({ type: 'fatal', service: name, error: new ServiceStartError(name, reason, e.lastLines.slice()) });
      return;
    }
    if (e.healthySince !== undefined && Date.now() - e.healthySince >= (this.options.backoffResetMs ?? 60_000)) e.attempt = 0;
    e.healthySince = undefined;
    const inMs = Math.min((this.options.backoffMs ?? 1000) * 2 ** e.attempt, this.options.maxBackoffMs ?? 30_000);
    e.attempt++;
    e.state = 'restarting';
    this.options.events({ type: 'restarting', service: name, inMs, attempt: e.attempt });
    e.restartTimer = setTimeout(() => {
      // What the crashed shell left behind (a child still holding the port) goes first.
      if (!this.stopping) void this.end(e).then(() => (this.stopping ? undefined : this.launchAndWait(e, false)));
    }, inMs);
  }

  /** Watches the service's `spec.watch` paths; a change (debounced) restarts it at once. */
  private watch(e: Entry): void {
    for (const target of e.service.spec.watch) {
      e.watchers.push(watchTree(target, changed => {
        clearTimeout(e.watchTimer);
        e.watchTimer = setTimeout(() => void this.watchRestart(e, changed), this.options.watchDebounceMs ?? 300);
      }, message => this.options.output(e.service.name, `platform-dev: ${message}`, 'stderr')));
    }
  }

  private async watchRestart(e: Entry, file: string): Promise<void> {
    if (this.stopping) return;
    this.options.events({ type: 'watch-restart', service: e.service.name, file });
    clearTimeout(e.restartTimer);
    e.attempt = 0;
    await this.end(e);
    if (!this.stopping) await this.launchAndWait(e, false);
  }

  /** Ends the service's current process group: SIGTERM, SIGKILL after the grace time; resolves when it is gone. */
  private async end(e: Entry): Promise<void> {
    const run = e.run;
    if (!run) return;
    run.intentional = true;
    const pid = run.child.pid;
    if (pid === undefined) return;
    signalGroup(pid, 'SIGTERM');
    const termDeadline = Date.now() + (this.options.stopGraceMs ?? 3000);
    while (groupAlive(pid) && Date.now() < termDeadline) await sleep(50);
    if (groupAlive(pid)) {
      signalGroup(pid, 'SIGKILL');
      // `docker run` killed: the container may outlive its client (only a machine with Docker confirms `docker rm -f`).
      if (!e.service.spec.command && e.service.spec.image) {
        spawn('docker', ['rm', '--force', containerName(e.service.name)], { stdio: 'ignore', env: this.options.environment })
          .on('error', () => undefined);
      }
      const killDeadline = Date.now() + 1000; // a zombie no one reaps must not hold `stop()` forever
      while (groupAlive(pid) && Date.now() < killDeadline) await sleep(50);
    }
    await Promise.race([run.exited, sleep(1000)]);
  }
}

function exitReason(code: number | null, signal: string | null): string {
  return signal ? `killed by ${signal}` : `exited with code ${code ?? 'unknown'}`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}
