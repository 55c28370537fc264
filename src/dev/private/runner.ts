import * as fs from 'fs';
import * as path from 'path';
import { DevArguments } from './arguments';
import { DevInputError, readLocalApp } from './assembly';
import { dockerAvailable } from './docker';
import { parseEnvFile } from './env-file';
import { FrontDoor, Upstream } from './front-door';
import { LambdaHost } from './lambda-host';
import { planMesh } from './mesh';
import { LambdaSpec, LocalApp, LocalService } from './model';
import { Supervisor, SupervisorEvent, SupervisedService } from './supervisor';
import { renderTable, serviceColour, Terminal } from './terminal';

/*
 * One run of platform-dev: read the assembly, bind the front door, start every service (processes
 * through the supervisor, Lambda functions in-process), print one table, and stop everything on
 * Ctrl-C or SIGTERM. The CLI (../cli.ts) only parses and prints.
 */

/** Where the run writes: the table and progress to `out`, problems to `err`. */
export interface RunnerIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly terminal: Terminal;
  readonly environment: NodeJS.ProcessEnv;
}

/** A run that failed after it started (a service that never became healthy, a crash with --no-restart). */
export class RunFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailed';
  }
}

/** The values of the --env-file files, later files over earlier ones. */
export function readEnvFiles(envFiles: string[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const file of envFiles) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new DevInputError(`cannot read --env-file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      Object.assign(merged, parseEnvFile(text, file));
    } catch (e) {
      throw new DevInputError((e as Error).message);
    }
  }
  return merged;
}

/** How a service runs, for the table. */
function runsAs(service: LocalService, docker: boolean): string {
  const target = service.target;
  switch (target.kind) {
    case 'process':
      if (target.process.command !== undefined) {
        const command = target.process.command;
        return command.length > 48 ? `${command.slice(0, 47)}…` : command;
      }
      return docker ? `docker: ${target.process.image?.name ?? path.basename(target.process.image?.directory ?? '')}` : 'not started';
    case 'lambda': return `lambda ${target.lambda.handler} (in-process)`;
    case 'url': return `forwarded to ${target.url}`;
    default: return 'not started';
  }
}

/** A running platform-dev. */
export class DevRun {
  /**
   * Reads the env files and the assembly (input errors throw here, before a port is taken or
   * anything starts); `begin()` then starts the run, and `stop()` works at any time.
   */
  public static create(args: DevArguments, io: RunnerIo): DevRun {
    const fileValues = readEnvFiles(args.envFiles);
    const app = readLocalApp(args.assembly, { run: args.run, port: args.port || 8787, platform: args.platform });
    return new DevRun(args, io, fileValues, app);
  }

  /** `create()` and `begin()`: resolves once every service that can run is healthy and the table is printed. */
  public static async start(args: DevArguments, io: RunnerIo): Promise<DevRun> {
    const run = DevRun.create(args, io);
    await run.begin();
    return run;
  }

  private app!: LocalApp;
  private door?: FrontDoor;
  private supervisor?: Supervisor;
  private readonly lambdas = new Map<string, LambdaHost>();
  private readonly stopped: Promise<number>;
  private finish!: (code: number) => void;
  private stopping = false;
  private docker = false;
  private manifestWatcher?: fs.FSWatcher;

  /** The developer's environment with the --env-file values over it: the base of every process, and where secrets are read. */
  private readonly environment: NodeJS.ProcessEnv;
  /** The --env-file values that are no service's secret: they replace the task's variables. */
  private readonly variables: Record<string, string>;

  private constructor(private readonly args: DevArguments, private readonly io: RunnerIo, fileValues: Record<string, string>,
    first: LocalApp) {
    this.stopped = new Promise(resolve => this.finish = resolve);
    this.environment = { ...io.environment, ...fileValues };
    const secrets = new Set(first.services.flatMap(s => s.target.kind === 'process' ? s.target.process.secrets : []));
    this.variables = Object.fromEntries(Object.entries(fileValues).filter(([name]) => !secrets.has(name)));
    this.app = first;
  }

  /** Resolves with the exit code once the run has stopped (Ctrl-C: 0; a failure: 1). */
  public get exited(): Promise<number> {
    return this.stopped;
  }

  /** The front door's port. */
  public get port(): number {
    return this.door?.port ?? 0;
  }

  /** One line of a service's output, prefixed with its name in its colour. */
  private output(name: string, line: string, stream: 'stdout' | 'stderr' = 'stdout'): void {
    const names = this.app.services.map(s => s.name);
    const width = Math.max(...names.map(n => n.length));
    const prefixed = `${this.io.terminal.paint(name.padEnd(width), serviceColour(Math.max(0, names.indexOf(name))))} | ${line}`;
    if (stream === 'stderr') this.io.err(prefixed);
    else this.io.out(prefixed);
  }

  /**
   * Binds the front door, starts every service and prints the table. A `stop()` meanwhile (Ctrl-C
   * while services start) ends it early: it then resolves without the table.
   */
  public async begin(): Promise<void> {
    const started = Date.now();
    const door = await FrontDoor.start({
      port: this.args.port,
      services: [],
      sites: [],
      upstreamOf: name => this.upstreamOf(name),
      apiTimeoutMs: this.args.apiTimeoutMs,
      log: line => this.io.err(`platform-dev: ${line}`),
    }).catch((e: Error) => {
      throw new DevInputError(e.message);
    });
    this.door = door;
    if (this.stopping) {
      await door.close();
      return;
    }
    if (door.port !== (this.args.port || 8787)) {
      this.app = readLocalApp(this.args.assembly, { run: this.args.run, port: door.port, platform: this.args.platform });
    }
    door.update(this.app.services, this.app.sites);
    for (const warning of this.app.warnings) this.io.err(`platform-dev: note: ${warning}`);

    this.docker = this.args.docker && this.app.services.some(s => s.target.kind === 'process' && s.target.process.command === undefined)
      ? await dockerAvailable() : false;
    this.supervisor = new Supervisor({
      environment: this.environment,
      restart: this.args.restart,
      watch: this.args.watch,
      healthTimeoutMs: this.args.healthTimeoutMs,
      docker: this.docker,
      output: (name, line, stream) => this.output(name, line, stream),
      events: event => this.onEvent(event),
    });
    const processes = this.processesOf(this.app);
    const missing = this.supervisor.missingSecrets(processes);
    if (missing.length > 0) {
      await this.door.close();
      throw new DevInputError(missing.map(m => `${m.service} needs the secret${m.names.length > 1 ? 's' : ''} ${m.names.join(', ')}:`
        + ' set it in the environment or in a file given with --env-file').join('; '));
    }
    for (const service of this.app.services) {
      if (this.runnable(service)) continue;
      const reason = service.target.kind === 'none' ? service.target.reason
        : 'its image needs Docker, and no Docker engine answers (or --no-docker)';
      this.io.err(`platform-dev: ${service.name} is not started: ${reason}; give a command with --run ${service.name}=<command>`
        + ' or the construct\'s localRun: { command }');
    }
    if (this.app.services.every(s => !this.runnable(s))) {
      await this.door.close();
      throw new DevInputError('no service can be started (see above)');
    }
    this.io.out(`platform-dev: starting ${processes.length + this.lambdaServices().length} service(s) behind http://127.0.0.1:${this.door.port} ...`);
    try {
      if (this.stopping) return;
      await Promise.all([this.supervisor.start(processes), this.startLambdas(this.app)]);
    } catch (e) {
      const interrupted = this.stopping;
      await this.stop();
      if (interrupted) return;
      throw new RunFailed((e as Error).message + ((e as { lastLines?: string[] }).lastLines?.length
        ? `\n${(e as { lastLines: string[] }).lastLines.map(l => `  ${l}`).join('\n')}` : ''));
    }
    if (this.stopping) return;
    this.printTable(Date.now() - started);
    if (this.args.watch) this.watchAssembly();
  }

  /** Kills every service process at once (a second Ctrl-C): nothing keeps running after the exit. */
  public killNow(): void {
    this.supervisor?.killNow();
  }

  private runnable(service: LocalService): boolean {
    const t = service.target;
    return t.kind === 'lambda' || t.kind === 'url' || (t.kind === 'process' && (t.process.command !== undefined || this.docker));
  }

  /** The services the supervisor runs, with their mesh calls to each other; the mesh's warnings are printed. */
  private processesOf(app: LocalApp): SupervisedService[] {
    const services = app.services.filter(s => s.target.kind === 'process' && this.runnable(s));
    const mesh = planMesh(app.services, new Set(services.map(s => s.name)), new Set(Object.keys(this.variables)));
    for (const warning of mesh.warnings) this.io.err(`platform-dev: note: ${warning}`);
    // The files' variables replace the task's (a local database, an empty settings parameter, ...).
    return services.map(s => {
      const spec = (s.target as { process: SupervisedService['spec'] }).process;
      return {
        name: s.name,
        spec: { ...spec, environment: { ...spec.environment, ...this.variables } },
        healthCheckPath: s.healthCheckPath,
        calls: mesh.calls.get(s.name),
      };
    });
  }

  private lambdaServices(): LocalService[] {
    return this.app.services.filter(s => s.target.kind === 'lambda');
  }

  private async startLambdas(app: LocalApp): Promise<void> {
    await Promise.all(app.services.map(async service => {
      if (service.target.kind !== 'lambda') return;
      await this.startLambda(service.name, service.target.lambda);
    }));
  }

  /** Loads a function in its worker (the --env-file variables over its environment); its console output is prefixed like a process's. */
  private async startLambda(name: string, spec: LambdaSpec): Promise<void> {
    const withVariables = { ...spec, environment: { ...spec.environment, ...this.variables } };
    const host = await LambdaHost.start(name, withVariables, { log: line => this.output(name, line) });
    if (this.stopping) await host.close();
    else this.lambdas.set(name, host);
  }

  private upstreamOf(name: string): Upstream {
    const service = this.app?.services.find(s => s.name === name);
    if (!service) return { kind: 'unavailable', reason: 'unknown service' };
    const target = service.target;
    if (target.kind === 'url') return { kind: 'url', url: target.url };
    if (target.kind === 'lambda') {
      const host = this.lambdas.get(name);
      return host ? { kind: 'lambda', host } : { kind: 'unavailable', reason: 'its function is loading' };
    }
    if (target.kind === 'none' || !this.runnable(service)) return { kind: 'unavailable', reason: 'it is not started' };
    const port = this.supervisor?.portOf(name);
    const state = this.supervisor?.state(name);
    return port !== undefined && state === 'healthy' ? { kind: 'http', port } : { kind: 'unavailable', reason: `it is ${state ?? 'starting'}` };
  }

  private onEvent(event: SupervisorEvent): void {
    const line = describeEvent(event);
    if (line) this.io.err(`platform-dev: ${line}`);
    if (event.type === 'fatal') {
      void this.stop(1);
    }
  }

  private printTable(elapsedMs: number): void {
    const base = `http://127.0.0.1:${this.port}`;
    const rows = this.app.services.map(s => [
      s.name,
      s.basePath !== undefined ? `${base}${s.basePath}` : meshOnlyUrl(this.supervisor?.portOf(s.name)),
      runsAs(s, this.docker),
      this.runnable(s) ? (s.target.kind === 'process' ? `port ${this.supervisor?.portOf(s.name)}` : 'ready') : 'not started',
    ]);
    for (const site of this.app.sites) rows.push([site.siteName, `http://${site.siteName}.localhost:${this.port}/`, 'web page', 'ready']);
    this.io.out(renderTable(['SERVICE', 'LOCAL URL', 'RUNS AS', 'STATUS'], rows, this.io.terminal));
    this.io.out(`platform-dev: ready in ${(elapsedMs / 1000).toFixed(1)} s on ${base} (Ctrl-C stops)`);
  }

  /** --watch: a new synth (cdk.out/manifest.json rewritten) updates routes, pages and functions. */
  private watchAssembly(): void {
    let timer: NodeJS.Timeout | undefined;
    const reload = async () => {
      try {
        const app = readLocalApp(this.args.assembly, { run: this.args.run, port: this.port, platform: this.args.platform });
        const previous = this.app;
        this.app = app;
        this.door?.update(app.services, app.sites);
        for (const service of app.services) {
          if (service.target.kind !== 'lambda') continue;
          const before = previous.services.find(s => s.name === service.name);
          if (before && JSON.stringify(before.target) === JSON.stringify(service.target)) continue;
          const old = this.lambdas.get(service.name);
          await this.startLambda(service.name, service.target.lambda);
          await old?.close();
          this.io.err(`platform-dev: ${service.name} reloaded (new synth)`);
        }
      } catch (e) {
        this.io.err(`platform-dev: the new cdk.out cannot be read, still running the previous one: ${(e as Error).message}`);
      }
    };
    this.manifestWatcher = fs.watch(this.app.assemblyDirectory, (_event, file) => {
      if (file !== 'manifest.json') return;
      clearTimeout(timer);
      timer = setTimeout(() => void reload(), 300);
    });
  }

  /** Stops every service and the front door; resolves with the exit code. Idempotent. */
  public async stop(code = 0): Promise<number> {
    if (this.stopping) return this.stopped;
    this.stopping = true;
    this.manifestWatcher?.close();
    await Promise.allSettled([
      this.supervisor?.stop(),
      ...[...this.lambdas.values()].map(l => l.close()),
      this.door?.close(),
    ]);
    this.finish(code);
    return code;
  }
}

/** The table's URL of a service without public routes: its own port (the front door has no route to it). */
function meshOnlyUrl(port: number | undefined): string {
  return port === undefined ? '(mesh only)' : `http://127.0.0.1:${port} (mesh only)`;
}

/** One line for a supervisor event, or undefined for none. */
function describeEvent(event: SupervisorEvent): string | undefined {
  const e = event as SupervisorEvent & Record<string, any>;
  switch (e.type) {
    case 'healthy': return `${e.service} is healthy${typeof e.afterMs === 'number' ? ` (${(e.afterMs / 1000).toFixed(1)} s)` : ''}`;
    case 'crashed': return `${e.service} stopped (${e.reason ?? 'exited'})${e.lastLines?.length ? `; its last lines:\n${e.lastLines.map((l: string) => `  ${l}`).join('\n')}` : ''}`;
    case 'restarting': return `${e.service} restarts in ${((e.inMs ?? 0) / 1000).toFixed(1)} s`;
    case 'watch-restart': return `${e.service} restarts: ${e.file ?? 'its files'} changed`;
    case 'fatal': return `${e.service} crashed and --no-restart is set: stopping`;
    default: return undefined;
  }
}
