import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { accepts, buildDevRepo, captured, DevRepo, get, portsOf, waitFor } from './dev-app';
import { main } from '../../src/dev/cli';

/*
 * The platform-dev command in-process: main() with streams that keep what is written, a
 * synthesized service repository (a process service and an inline Lambda function, see
 * dev-app.ts), real processes and a real front door on loopback.
 */

let repo: DevRepo;
const saved = { FORCE_COLOR: process.env.FORCE_COLOR, NO_COLOR: process.env.NO_COLOR, TERM: process.env.TERM };

beforeAll(() => {
  repo = buildDevRepo(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-cli-')));
  // Colours depend on these (jest's workers set FORCE_COLOR): the tests say which they expect.
  delete process.env.FORCE_COLOR;
  delete process.env.NO_COLOR;
  process.env.TERM = 'xterm-256color';
});

afterAll(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  fs.rmSync(repo.root, { recursive: true, force: true });
});

/** Runs a test left going (it failed before it stopped them): stopped after it, so that no process outlives the tests. */
const going = new Set<{ exit: Promise<number>; handlers: Array<(s: NodeJS.Signals) => void> }>();

afterEach(async () => {
  for (const left of going) {
    for (const handler of left.handlers) handler('SIGTERM');
    await Promise.race([left.exit.catch(() => undefined), new Promise(resolve => setTimeout(resolve, 5000))]);
  }
  going.clear();
});

/** A main() call: its exit code to come, what it wrote, and the signal handlers it installed. */
function run(argv: string[], tty = false) {
  const stdout = captured(tty);
  const stderr = captured();
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const exit = main(argv, stdout, stderr);
  const installed = (signal: 'SIGINT' | 'SIGTERM') => process.listeners(signal).filter(l => !before[signal].includes(l));
  const entry = { exit, handlers: [...installed('SIGTERM'), ...installed('SIGINT')] as Array<(s: NodeJS.Signals) => void> };
  going.add(entry);
  void exit.finally(() => going.delete(entry)).catch(() => undefined);
  /** Delivers `signal` to the handlers main() installed (as process.emit would, without jest's own). */
  const signal = (name: 'SIGINT' | 'SIGTERM') => {
    const handlers = installed(name);
    expect(handlers).toHaveLength(1);
    for (const handler of handlers) (handler as (s: NodeJS.Signals) => void)(name);
  };
  return { exit, stdout, stderr, signal, installed };
}

/** A loopback port that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** How many live processes have `cmdline` in their command line (Linux: /proc; elsewhere 0). */
function processesRunning(cmdline: string): number {
  if (process.platform !== 'linux') return 0;
  return fs.readdirSync('/proc').filter(entry => {
    try {
      return /^\d+$/.test(entry) && fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(cmdline)
        && !/\) Z /.test(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'));
    } catch {
      return false;
    }
  }).length;
}

/** The lines of a stream's text (without the last newline). */
const lines = (text: string) => text.replace(/\n$/, '').split('\n');

describe('platform-dev: information and bad input', () => {
  test('--help prints the usage on stdout and exits 0; --version prints the package version', async () => {
    const help = run(['--help']);
    expect(await help.exit).toBe(0);
    expect(help.stdout.text).toMatch(/^usage: platform-dev \[cdk\.out\] \[options\]\n/);
    expect(help.stderr.text).toBe('');
    const version = run(['--version']);
    expect(await version.exit).toBe(0);
    expect(version.stdout.text).toBe(`${JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version}\n`);
  });

  test('a bad option: exit 2, one line on stderr, nothing on stdout', async () => {
    const bad = run([repo.assembly, '--bogus']);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr.text).toBe('platform-dev: unknown option --bogus (platform-dev --help lists the options)\n');
    expect(bad.stdout.text).toBe('');
    expect(bad.installed('SIGINT')).toHaveLength(0);
  });

  test('no assembly: exit 2, one line naming the folder and cdk synth', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-empty-'));
    try {
      const none = run([empty, '--port', '0']);
      expect(await none.exit).toBe(2);
      expect(lines(none.stderr.text)).toEqual([`platform-dev: no cloud assembly in ${empty}: run \`npx cdk synth\` first, or name the folder (platform-dev <cdk.out>)`]);
      expect(none.stdout.text).toBe('');
      // Its signal handlers are gone again.
      expect(none.installed('SIGINT')).toHaveLength(0);
      expect(none.installed('SIGTERM')).toHaveLength(0);
    } finally {
      fs.rmSync(empty, { recursive: true });
    }
  });

  test('--run naming an unknown service: exit 2, one line naming it and the services there are', async () => {
    const unknown = run([repo.assembly, '--port', '0', '--run', 'nope=node x.js']);
    expect(await unknown.exit).toBe(2);
    expect(lines(unknown.stderr.text)).toEqual(['platform-dev: --run nope=...: no service nope in the assembly (services: hello, web)']);
    expect(unknown.stdout.text).toBe('');
  });

  test('the port in use: exit 2, one line naming the port, nothing started', async () => {
    const taken = net.createServer();
    await new Promise<void>(resolve => taken.listen(0, '127.0.0.1', () => resolve()));
    const port = (taken.address() as net.AddressInfo).port;
    try {
      const busy = run([repo.assembly, '--port', String(port), '--env-file', repo.envFile]);
      expect(await busy.exit).toBe(2);
      expect(lines(busy.stderr.text)).toEqual([`platform-dev: port ${port} on 127.0.0.1 is in use: stop what listens there or choose another with --port`]);
      expect(busy.stdout.text).toBe('');
    } finally {
      await new Promise(resolve => taken.close(resolve));
    }
  });

  test('a missing secret: exit 2, one line naming the service and the secret, the door closed again', async () => {
    const port = await freePort();
    const missing = run([repo.assembly, '--port', String(port)]);
    expect(await missing.exit).toBe(2);
    expect(lines(missing.stderr.text)).toEqual(['platform-dev: web needs the secret WEB_TOKEN: set it in the environment or in a file given with --env-file']);
    expect(missing.stdout.text).toBe('');
    expect(await accepts(port)).toBe(false);
  });
});

describe('platform-dev: a run', () => {
  test('a service that never becomes healthy: exit 1 with its last lines', async () => {
    const started = Date.now();
    const never = run([repo.assembly, '--port', '0', '--env-file', repo.envFile, '--health-timeout', '2',
      '--run', 'web=echo booting web; echo still booting; sleep 30.0417']);
    expect(await never.exit).toBe(1);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(processesRunning('sleep\u000030.0417')).toBe(0);
    expect(never.stderr.text).toContain('platform-dev: web: not healthy after 2 s\n  booting web\n  still booting\n');
    expect(never.stdout.text).toContain('web   | booting web\n');
    expect(never.stdout.text).not.toContain('ready in');
  });

  test('a crash with --no-restart ends the run: exit 1, the crash and its last lines reported', async () => {
    const crash = run([repo.assembly, '--port', '0', '--env-file', repo.envFile, '--no-restart', '--run', 'web=node crash.js']);
    expect(await crash.exit).toBe(1);
    // It was healthy first (the table was printed), then exited.
    expect(crash.stdout.text).toContain('ready in');
    expect(crash.stderr.text).toContain('platform-dev: web stopped (exited with code 3); its last lines:\n  up, crashing soon\n');
    expect(crash.stderr.text).toContain('platform-dev: web crashed and --no-restart is set: stopping\n');
    expect(crash.stderr.text).not.toContain('restarts in');
  });

  test('a normal run: the table, a process service and a Lambda function through the door, SIGTERM stops all with exit 0', async () => {
    const dev = run([repo.assembly, '--port', '0', '--env-file', repo.envFile]);
    await waitFor('ready', () => dev.stdout.text.includes('ready in'));
    const { door, services } = portsOf(dev.stdout.text);
    expect(door).toBeGreaterThan(0);
    expect(dev.stdout.text).toMatch(new RegExp('^SERVICE +LOCAL URL +RUNS AS +STATUS\n'
      + `hello +http://127\\.0\\.0\\.1:${door}/hello +lambda index\\.handler \\(in-process\\) +ready\n`
      + `web +http://127\\.0\\.0\\.1:${door}/web +node server\\.js +port ${services.web}\n`, 'm'));
    // The process gets PORT and its secret from the --env-file; the path is kept.
    const web = await get(door, '/web/orders?id=1');
    expect(web.status).toBe(200);
    expect(JSON.parse(web.body)).toMatchObject({ service: 'web', url: '/web/orders?id=1', port: services.web, token: true });
    const hello = await get(door, '/hello/there');
    expect(hello).toEqual({ status: 200, body: 'hello v1 /hello/there' });
    expect((await get(door, '/nothing')).status).toBe(404);
    // Output is plain on a stream that is not a terminal.
    expect(dev.stdout.text).toContain('web   | web listening on');
    expect(dev.stdout.text + dev.stderr.text).not.toContain('\u001b');

    dev.signal('SIGTERM');
    expect(await dev.exit).toBe(0);
    expect(dev.stderr.text).toContain('platform-dev: SIGTERM: stopping every service ...\n');
    expect(dev.stderr.text).toMatch(/platform-dev: stopped\n$/);
    expect(await accepts(services.web)).toBe(false);
    expect(await accepts(door)).toBe(false);
    expect(dev.installed('SIGTERM')).toHaveLength(0);
  });

  test('on a terminal the table header and the services\' prefixes are coloured; Ctrl-C (SIGINT) stops with exit 0', async () => {
    const dev = run([repo.assembly, '--port', '0', '--env-file', repo.envFile], true);
    await waitFor('ready', () => dev.stdout.text.includes('ready in'));
    // hello is the first service (cyan), web the second (magenta), names padded to five characters.
    expect(dev.stdout.text).toContain('\u001b[1mSERVICE');
    expect(dev.stdout.text).toContain('\u001b[35mweb  \u001b[39m | web listening on');
    const { services } = portsOf(dev.stdout.text);
    dev.signal('SIGINT');
    expect(await dev.exit).toBe(0);
    expect(dev.stderr.text).toMatch(/platform-dev: SIGINT: stopping every service \.\.\.\n[^]*platform-dev: stopped\n$/);
    expect(await accepts(services.web)).toBe(false);
  });

  test('NO_COLOR on a terminal: no colours', async () => {
    process.env.NO_COLOR = '1';
    try {
      const dev = run([repo.assembly, '--port', '0', '--env-file', repo.envFile], true);
      await waitFor('ready', () => dev.stdout.text.includes('ready in'));
      dev.signal('SIGTERM');
      expect(await dev.exit).toBe(0);
      expect(dev.stdout.text).toContain('web   | web listening on');
      expect(dev.stdout.text).not.toContain('\u001b');
    } finally {
      delete process.env.NO_COLOR;
    }
  });

  test('--api-timeout 0: no time limit on the API paths (a slow answer and a Lambda answer arrive)', async () => {
    const dev = run([repo.assembly, '--port', '0', '--env-file', repo.envFile, '--api-timeout', '0']);
    await waitFor('ready', () => dev.stdout.text.includes('ready in'));
    const { door } = portsOf(dev.stdout.text);
    expect(await get(door, '/web/slow')).toEqual({ status: 200, body: 'slow' });
    expect(await get(door, '/hello/x')).toEqual({ status: 200, body: 'hello v1 /hello/x' });
    dev.signal('SIGTERM');
    expect(await dev.exit).toBe(0);
  });

  test('a signal while the front door binds: nothing starts, exit 0', async () => {
    const dev = run([repo.assembly, '--port', '0', '--env-file', repo.envFile, '--run', 'web=node server.js early-signal']);
    dev.signal('SIGINT');
    expect(await dev.exit).toBe(0);
    expect(dev.stderr.text).toMatch(/platform-dev: stopped\n$/);
    expect(dev.stdout.text).not.toContain('ready in');
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(processesRunning('server.js\u0000early-signal')).toBe(0);
  });

  test('a signal while a service waits for its health: stopped at once, exit 0, no process left', async () => {
    const dev = run([repo.assembly, '--port', '0', '--env-file', repo.envFile, '--run', 'web=echo booting web; sleep 30.0418']);
    await waitFor('the service', () => dev.stdout.text.includes('booting web'));
    const sent = Date.now();
    dev.signal('SIGTERM');
    expect(await dev.exit).toBe(0);
    expect(Date.now() - sent).toBeLessThan(3000);
    expect(dev.stderr.text).toMatch(/platform-dev: stopped\n$/);
    expect(processesRunning('sleep\u000030.0418')).toBe(0);
  });
});
