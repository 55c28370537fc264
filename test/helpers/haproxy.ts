import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where Debian and most distributions put the binary, after `$HAPROXY_PATH` and `$PATH`. */
const CANDIDATES = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy'];

/**
 * The HAProxy binary the loopback tests and the benchmark run: `$HAPROXY_PATH`, else `haproxy`
 * on `$PATH`, else the usual system places. No silent skip: without one, a clear error saying how
 * to install it (`.ci/run` installs Debian's `haproxy` when none is on `$PATH`).
 */
export function haproxyPath(): string {
  const fromEnv = process.env.HAPROXY_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`HAPROXY_PATH is '${fromEnv}', which is not an executable file`);
    return fromEnv;
  }
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(d => d).map(d => path.join(d, 'haproxy'));
  const found = [...onPath, ...CANDIDATES].find(isExecutable);
  if (!found) {
    throw new Error(`no haproxy found (looked on $PATH and in ${CANDIDATES.join(', ')}): install Debian's haproxy `
      + '(apt-get install -y haproxy, as root or with sudo) or set HAPROXY_PATH to the binary');
  }
  return found;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** `haproxy -v`'s first line, e.g. `HAProxy version 2.6.12-1+deb12u4 ...`. */
export function haproxyVersion(): string {
  return execFileSync(haproxyPath(), ['-v'], { encoding: 'utf8' }).split('\n')[0];
}

/** What `haproxy -c` says of a configuration: `ok` (exit status 0) and its output (stdout and stderr: warnings too). */
export function checkHaproxyConfig(text: string): { ok: boolean; output: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-check-'));
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(file, text);
  try {
    const result = spawnSync(haproxyPath(), ['-c', '-f', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}` };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A free TCP port on 127.0.0.1 (closed again at once; HAProxy binds it next). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>(resolve => server.close(() => resolve()));
  return port;
}

/** One process of `show proc` on the master CLI. */
interface ProcLine { readonly pid: number; readonly type: string; readonly reloads: string }

/**
 * A real HAProxy for tests, in master-worker mode (`-W`, as systemd runs it on the instance) with a
 * master CLI socket (`-S`): started on a configuration text written to a temporary directory,
 * `reload()` after `rewrite()` (SIGUSR2 to the master: a new worker on the new file, the old one
 * keeps its connections until they close or `hard-stop-after`), `stop()`.
 */
export class Haproxy {
  /**
   * Starts HAProxy on `text` and waits until `port` (the frontend's, on 127.0.0.1) accepts
   * connections. The configuration goes to `dir` (kept: the caller's, e.g. with PEM keys in it)
   * or to a new temporary directory (removed by `stop()`).
   */
  public static async start(text: string, port: number, dir?: string): Promise<Haproxy> {
    const proxy = new Haproxy(dir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-test-')), !dir);
    proxy.rewrite(text);
    await proxy.launch(port);
    return proxy;
  }

  /** What HAProxy wrote (stdout and stderr, with its `log stdout` lines), the last 256 KB. */
  public output = '';
  public readonly configFile: string;
  public readonly masterSocket: string;
  private child?: ChildProcess;
  private exited?: Promise<void>;

  private constructor(public readonly dir: string, private readonly ownsDir: boolean) {
    this.configFile = path.join(dir, 'haproxy.cfg');
    this.masterSocket = path.join(dir, 'master.sock');
  }

  /** Replaces the configuration file (takes effect at the next `reload()`). */
  public rewrite(text: string): void {
    fs.writeFileSync(this.configFile, text);
  }

  /** The master's process id. */
  public get pid(): number {
    return this.child!.pid!;
  }

  /** `show proc` on the master CLI: the master, current and old workers. */
  public async processes(): Promise<ProcLine[]> {
    const text = await this.masterCommand('show proc');
    return text.split('\n').filter(l => /^\d+\s/.test(l)).map(l => {
      const [pid, type, ...rest] = l.trim().split(/\s+/);
      return { pid: Number(pid), type, reloads: rest.join(' ') };
    });
  }

  /** The current workers' process ids (old workers that still hold connections excluded). */
  public async workers(): Promise<number[]> {
    const text = await this.masterCommand('show proc');
    const current = text.split('# old workers')[0];
    return current.split('\n').filter(l => /^\d+\s+worker\s/.test(l)).map(l => Number(l.trim().split(/\s+/)[0]));
  }

  /** Sends a command to the master CLI and returns its answer. */
  public masterCommand(command: string): Promise<string> {
    return new Promise((resolve, reject) => {
      const socket = net.createConnection(this.masterSocket);
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('connect', () => socket.end(`${command}\n`));
      socket.on('data', d => answer += d);
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });
  }

  /**
   * Reloads: SIGUSR2 to the master, then waits until a new worker has replaced the current one.
   * Throws with HAProxy's output if none comes (e.g. the new configuration is invalid).
   */
  public async reload(timeoutMs = 15_000): Promise<void> {
    const before = await this.workers();
    process.kill(this.pid, 'SIGUSR2');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const now = await this.workers();
        if (now.length > 0 && now.every(pid => !before.includes(pid))) return;
      } catch {
        // The master re-executes itself on a reload: its socket is briefly gone.
      }
      if (Date.now() > deadline) throw new Error(`haproxy did not reload within ${timeoutMs} ms:\n${this.output}`);
      await sleep(100);
    }
  }

  /** Hard stop (SIGTERM to the master: workers close their connections), then SIGKILL after 5 s. */
  public async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child?.kill('SIGKILL'), 5_000);
      await this.exited;
      clearTimeout(timer);
    }
    if (this.ownsDir) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(port: number): Promise<void> {
    const child = spawn(haproxyPath(), ['-W', '-S', this.masterSocket, '-f', this.configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (d: Buffer) => {
      this.output += d;
      if (this.output.length > 512 * 1024) this.output = this.output.slice(-256 * 1024);
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise(resolve => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`haproxy exited (${child.exitCode ?? child.signalCode}) before listening on ${port}:\n${this.output}`);
      }
      if (await accepts(port)) return;
      if (Date.now() > deadline) {
        await this.stop();
        throw new Error(`haproxy did not listen on 127.0.0.1:${port} within 10 s:\n${this.output}`);
      }
      await sleep(50);
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = net.createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
