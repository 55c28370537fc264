import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { ProcessSpec } from '../../../src/dev/private/model';
import { ServiceStartError, SupervisedService, Supervisor, SupervisorEvent, SupervisorOptions } from '../../../src/dev/private/supervisor';

jest.setTimeout(20_000);

/*
 * Real child processes: small `node -e` servers started through a shell, as `--run` commands are.
 */

const NODE = JSON.stringify(process.execPath);

/** A shell command running `source` with node (the script reads PORT). */
function nodeCommand(source: string): string {
  const file = path.join(tmp, `svc-${Math.random().toString(36).slice(2)}.js`);
  fs.writeFileSync(file, source);
  return `${NODE} ${JSON.stringify(file)}`;
}

/** A server answering `/health` 200 and `/env` with the variables named in `?names=`. */
const SERVER = `
const http = require('http');
console.log('booting on ' + process.env.PORT);
http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/env') {
    const names = (url.searchParams.get('names') || '').split(',');
    res.end(JSON.stringify(Object.fromEntries(names.map((n) => [n, process.env[n] ?? null]))));
    return;
  }
  res.statusCode = url.pathname === '/health' ? 200 : 404;
  res.end('ok');
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('listening'));
`;

let tmp: string;
let supervisor: Supervisor | undefined;

beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'supervisor-'));
});

afterEach(async () => {
  await supervisor?.stop();
  supervisor = undefined;
  fs.rmSync(tmp, { recursive: true, force: true });
});

function spec(command: string | undefined, extra: Partial<ProcessSpec> = {}): ProcessSpec {
  return { command, directory: tmp, environment: {}, unresolvedEnvironment: [], secrets: [], watch: [], ...extra };
}

interface Recorder {
  readonly events: SupervisorEvent[];
  readonly lines: Array<[string, string, string]>;
  next(type: SupervisorEvent['type'], service?: string): Promise<SupervisorEvent>;
}

function make(options: Partial<SupervisorOptions> = {}): { sup: Supervisor; rec: Recorder } {
  const events: SupervisorEvent[] = [];
  const lines: Array<[string, string, string]> = [];
  const waiters: Array<() => void> = [];
  let cursor = 0;
  const sup = new Supervisor({
    environment: { PATH: process.env.PATH, HOME: process.env.HOME },
    restart: false,
    watch: false,
    healthTimeoutMs: 5000,
    docker: false,
    output: (name, line, stream) => lines.push([name, line, stream]),
    events: (e) => {
      events.push(e);
      waiters.splice(0).forEach((w) => w());
    },
    backoffMs: 100,
    stopGraceMs: 1000,
    ...options,
  });
  supervisor = sup;
  const rec: Recorder = {
    events,
    lines,
    next: (type, service) => new Promise((resolve, reject) => {
      // Events are consumed in order: each call finds the first matching one after the last found.
      const timer = setTimeout(() => reject(new Error(`no ${type} event; got ${events.map((e) => e.type).join(',')}`)), 10_000);
      const check = (): void => {
        const index = events.findIndex((e, i) => i >= cursor && e.type === type && (!service || e.service === service));
        if (index >= 0) {
          cursor = index + 1;
          clearTimeout(timer);
          resolve(events[index]);
        } else {
          waiters.push(check);
        }
      };
      check();
    }),
  };
  return { sup, rec };
}

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => { body += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Whether a process exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('Supervisor', () => {
  test('gives each service a free PORT, waits for its health path, passes the task environment and secrets', async () => {
    const { sup, rec } = make({ environment: { PATH: process.env.PATH, API_KEY: 's3cret', UNRELATED: 'dev' } });
    const services: SupervisedService[] = ['one', 'two'].map((name) => ({
      name,
      healthCheckPath: '/health',
      spec: spec(nodeCommand(SERVER), { environment: { STAGE: `local-${name}` }, secrets: ['API_KEY'], containerPort: 8080 }),
    }));
    expect(sup.missingSecrets(services)).toEqual([]);
    await sup.start(services);
    const one = sup.portOf('one')!;
    const two = sup.portOf('two')!;
    expect(one).toBeGreaterThan(0);
    expect(one).not.toBe(two);
    expect(one).not.toBe(8080); // PORT is the runner's port, not the container port
    expect(sup.state('one')).toBe('healthy');
    const env = JSON.parse((await get(one, '/env?names=PORT,STAGE,API_KEY,UNRELATED,PATH')).body);
    expect(env).toEqual({ PORT: String(one), STAGE: 'local-one', API_KEY: 's3cret', UNRELATED: 'dev', PATH: process.env.PATH });
    expect(rec.lines).toContainEqual(['two', `booting on ${two}`, 'stdout']);
    expect(rec.events.filter((e) => e.type === 'healthy').map((e) => e.service).sort()).toEqual(['one', 'two']);
  });

  test('the mesh: every port is taken before any launch, so a caller starts with its callee\'s URL in place of the task\'s', async () => {
    // The caller asks its callee at start-up: with the port taken only inside the parallel launch, the variable could not be set yet.
    const caller = nodeCommand(`
const http = require('http');
const target = process.env.ORDERS_URL;
const call = (tries) => http.get(target + '/who', (r) => { let b = ''; r.on('data', (c) => b += c); r.on('end', () => {
  http.createServer((req, res) => res.end(JSON.stringify({ target, answer: b, other: process.env.OTHER_URL })))
    .listen(Number(process.env.PORT), '127.0.0.1');
}); }).on('error', (e) => {
  // The callee starts beside it: retried while it boots.
  if (tries > 0) return setTimeout(() => call(tries - 1), 100);
  console.error('call failed: ' + e.message); process.exit(4);
});
call(40);`);
    const callee = nodeCommand(`require('http').createServer((q, s) => s.end('orders on ' + process.env.PORT + q.url))
  .listen(Number(process.env.PORT), '127.0.0.1');`);
    const { sup } = make();
    await sup.start([
      {
        name: 'web',
        spec: spec(caller, { environment: { ORDERS_URL: 'http://orders', OTHER_URL: 'http://other' } }),
        calls: [{ service: 'orders', variable: 'ORDERS_URL' }, { service: 'other', variable: 'OTHER_URL' }],
      },
      { name: 'orders', spec: spec(callee) },
    ]);
    const orders = sup.portOf('orders')!;
    expect(orders).not.toBe(sup.portOf('web'));
    expect(JSON.parse((await get(sup.portOf('web')!, '/')).body)).toEqual({
      target: `http://127.0.0.1:${orders}`,
      answer: `orders on ${orders}/who`,
      // A callee the supervisor does not run: the task's value stays.
      other: 'http://other',
    });
  });

  test('without a health path, waits for the port to accept connections', async () => {
    const { sup } = make();
    const late = nodeCommand('setTimeout(() => require(\'net\').createServer().listen(Number(process.env.PORT), \'127.0.0.1\'), 400);');
    const began = Date.now();
    await sup.start([{ name: 'tcp', spec: spec(late) }]);
    expect(Date.now() - began).toBeGreaterThanOrEqual(350);
    expect(sup.state('tcp')).toBe('healthy');
  });

  test('names a missing secret before anything starts', async () => {
    const { sup, rec } = make({ environment: { PATH: process.env.PATH, PRESENT: 'x' } });
    const services = [{ name: 'api', spec: spec('exit 0', { secrets: ['PRESENT', 'DB_PASSWORD', 'TOKEN'] }) }];
    expect(sup.missingSecrets(services)).toEqual([{ service: 'api', names: ['DB_PASSWORD', 'TOKEN'] }]);
    await expect(sup.start(services)).rejects.toThrow('api: missing secret(s) DB_PASSWORD, TOKEN');
    expect(rec.events).toEqual([]);
  });

  test('a service with neither a command nor Docker is refused, naming both ways to run it', async () => {
    const { sup } = make({ docker: false });
    const image = { directory: tmp, readonlyRootFilesystem: true, writablePaths: [] };
    const error = await sup.start([{ name: 'orders', spec: spec(undefined, { image }) }]).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceStartError);
    expect(error.message).toMatch(/^orders: no way to run it: give `--run orders=<command>` or the construct's `localRun.command`, or .*Docker/);
  });

  test('a service never healthy: ServiceStartError with its last lines, within the timeout', async () => {
    const { sup } = make({ healthTimeoutMs: 1500 });
    const lines = Array.from({ length: 25 }, (_, i) => `console.log('line ${i}');`).join('');
    const command = nodeCommand(`${lines} http = require('http'); http.createServer((q, s) => { s.statusCode = 500; s.end(); })`
      + '.listen(Number(process.env.PORT), "127.0.0.1");');
    const began = Date.now();
    const error: ServiceStartError = await sup.start([{ name: 'sick', healthCheckPath: '/health', spec: spec(command) }]).catch((e) => e);
    const took = Date.now() - began;
    expect(error).toBeInstanceOf(ServiceStartError);
    expect(error.message).toBe('sick: not healthy after 1.5 s');
    expect(error.service).toBe('sick');
    expect(error.lastLines).toHaveLength(20);
    expect(error.lastLines[19]).toBe('line 24');
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(4000);
  });

  test('a service that exits while starting: ServiceStartError with its exit code and last lines', async () => {
    const { sup } = make();
    const error: ServiceStartError = await sup.start([{ name: 'bad', spec: spec('echo "cannot connect to db" >&2; exit 3') }]).catch((e) => e);
    expect(error.message).toBe('bad: exited with code 3');
    expect(error.lastLines).toEqual(['cannot connect to db']);
  });

  test('a crash is reported with its last lines and restarted with back-off on the same port', async () => {
    const marker = path.join(tmp, 'crashes');
    // Crashes 1 s after becoming healthy, the first two times; then stays up.
    const command = nodeCommand(`${SERVER}
      const fs = require('fs'); const n = fs.existsSync(${JSON.stringify(marker)}) ? fs.readFileSync(${JSON.stringify(marker)}, 'utf8').length : 0;
      if (n < 2) setTimeout(() => { fs.appendFileSync(${JSON.stringify(marker)}, 'x'); console.error('boom ' + n); process.exit(7); }, 300);`);
    const { sup, rec } = make({ restart: true, backoffMs: 200 });
    await sup.start([{ name: 'flaky', healthCheckPath: '/health', spec: spec(command) }]);
    const port = sup.portOf('flaky');
    const crash = await rec.next('crashed');
    expect(crash).toMatchObject({ service: 'flaky', code: 7, reason: 'exited with code 7' });
    expect(crash.type === 'crashed' && crash.lastLines.slice(-1)).toEqual(['boom 0']);
    expect(await rec.next('restarting')).toMatchObject({ inMs: 200, attempt: 1 });
    await rec.next('healthy');
    expect(await rec.next('restarting')).toMatchObject({ inMs: 400, attempt: 2 }); // doubled
    await rec.next('healthy');
    expect(sup.portOf('flaky')).toBe(port);
    expect((await get(port!, '/health')).status).toBe(200);
  });

  test('healthy longer than backoffResetMs: the next crash starts the back-off again', async () => {
    const marker = path.join(tmp, 'crashes');
    const command = nodeCommand(`${SERVER}
      const fs = require('fs'); const n = fs.existsSync(${JSON.stringify(marker)}) ? fs.readFileSync(${JSON.stringify(marker)}, 'utf8').length : 0;
      if (n < 2) setTimeout(() => { fs.appendFileSync(${JSON.stringify(marker)}, 'x'); process.exit(1); }, 500);`);
    const { sup, rec } = make({ restart: true, backoffMs: 150, backoffResetMs: 200 });
    await sup.start([{ name: 'steady', healthCheckPath: '/health', spec: spec(command) }]);
    expect(await rec.next('restarting')).toMatchObject({ inMs: 150, attempt: 1 });
    await rec.next('healthy');
    expect(await rec.next('restarting')).toMatchObject({ inMs: 150, attempt: 1 }); // not 300: it was healthy 500 ms
    await rec.next('healthy');
  });

  test('Docker (no command, an engine answers): builds, then runs with -e names; the client gets values and PORT', async () => {
    // A fake `docker` on PATH: records its arguments; `run` serves on the published host port and reports
    // the variables it was given (what the real client copies into the container for `-e NAME`).
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    const log = path.join(tmp, 'docker.log');
    const server = nodeCommand(`const env = process.env; const hostPort = Number(process.argv[2]);
      require('http').createServer((q, s) => s.end(JSON.stringify({ PORT: env.PORT, STAGE: env.STAGE, TOKEN: env.TOKEN, PLAIN_URL: env.PLAIN_URL })))
        .listen(hostPort, '127.0.0.1');`);
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh
echo "$*" >> ${JSON.stringify(log)}
[ "$1" = build ] && echo "built" && exit 0
port=$(echo "$*" | sed -n 's/.*-p 127.0.0.1:\\([0-9]*\\):.*/\\1/p')
exec ${server} "$port"
`, { mode: 0o755 });
    const image = { directory: path.join(tmp, 'asset'), readonlyRootFilesystem: true, writablePaths: ['/tmp'], user: '1000:1000' };
    const { sup, rec } = make({ docker: true, environment: { PATH: `${bin}:${process.env.PATH}`, TOKEN: 't0ken' } });
    await sup.start([{
      name: 'boxed',
      healthCheckPath: '/',
      spec: spec(undefined, { image, containerPort: 8080, environment: { STAGE: 'local' }, secrets: ['TOKEN'] }),
      calls: [{ service: 'plain', variable: 'PLAIN_URL' }],
    }, { name: 'plain', spec: spec(nodeCommand(SERVER)) }]);
    const port = sup.portOf('boxed')!;
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n');
    expect(calls[0]).toBe(`build --tag platform-dev/boxed:local ${image.directory}`);
    expect(calls[1]).toContain(`--read-only --tmpfs /tmp --user 1000:1000 --cap-drop ALL --security-opt no-new-privileges -p 127.0.0.1:${port}:8080`);
    // A caller in a container reaches a callee on the host through host.docker.internal.
    expect(calls[1]).toContain(`-p 127.0.0.1:${port}:8080 --add-host host.docker.internal:host-gateway -e PLAIN_URL -e PORT -e STAGE -e TOKEN platform-dev/boxed:local`);
    expect(calls.join(' ')).not.toContain('t0ken');
    expect(JSON.parse((await get(port, '/')).body)).toEqual({
      PORT: '8080', STAGE: 'local', TOKEN: 't0ken', PLAIN_URL: `http://host.docker.internal:${sup.portOf('plain')}`,
    });
    expect(rec.lines).toContainEqual(['boxed', 'built', 'stdout']);
  });

  test('restart off: a crash is fatal, so the caller can end the run', async () => {
    const { sup, rec } = make({ restart: false });
    const command = nodeCommand(`${SERVER}; setTimeout(() => { console.error('fell over'); process.exit(2); }, 300);`);
    await sup.start([{ name: 'once', healthCheckPath: '/health', spec: spec(command) }]);
    const fatal = await rec.next('fatal');
    expect(fatal.type === 'fatal' && fatal.error.message).toBe('once: exited with code 2');
    expect(fatal.type === 'fatal' && fatal.error.lastLines).toContain('fell over');
    expect(rec.events.some((e) => e.type === 'restarting')).toBe(false);
    expect(sup.state('once')).toBe('crashed');
  });

  test('--watch: a changed file restarts the service; node_modules and hidden folders do not', async () => {
    const src = path.join(tmp, 'src');
    fs.mkdirSync(path.join(src, 'node_modules'), { recursive: true });
    fs.mkdirSync(path.join(src, '.cache'), { recursive: true });
    fs.writeFileSync(path.join(src, 'app.js'), '1');
    const { sup, rec } = make({ watch: true, watchDebounceMs: 100 });
    await sup.start([{ name: 'w', healthCheckPath: '/health', spec: spec(nodeCommand(SERVER), { watch: [src] }) }]);
    const firstPid = (rec.events.find((e) => e.type === 'started') as { pid: number }).pid;
    fs.writeFileSync(path.join(src, 'node_modules', 'dep.js'), '2');
    fs.writeFileSync(path.join(src, '.cache', 'x'), '2');
    await new Promise((r) => setTimeout(r, 400));
    expect(rec.events.some((e) => e.type === 'watch-restart')).toBe(false);
    fs.writeFileSync(path.join(src, 'app.js'), '3');
    expect(await rec.next('watch-restart')).toMatchObject({ service: 'w', file: path.join(src, 'app.js') });
    const started = await rec.next('started');
    await rec.next('healthy');
    expect((started as { pid: number }).pid).not.toBe(firstPid);
    expect(alive(firstPid)).toBe(false);
    expect(rec.events.some((e) => e.type === 'crashed')).toBe(false);
  });

  test('stop() ends the whole process tree (a shell and the child it started) within a few seconds, and is idempotent', async () => {
    const pidFile = path.join(tmp, 'child.pid');
    // The shell starts a node child (which ignores SIGTERM) in the background and waits: both must go.
    const child = nodeCommand(`require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid));
      process.on('SIGTERM', () => console.log('ignoring SIGTERM'));
      require('net').createServer().listen(Number(process.env.PORT), '127.0.0.1');`);
    const { sup, rec } = make({ stopGraceMs: 1000 });
    await sup.start([{ name: 'tree', spec: spec(`${child} & echo shell $$; wait`) }]);
    const shellPid = (rec.events.find((e) => e.type === 'started') as { pid: number }).pid;
    const childPid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(alive(shellPid)).toBe(true);
    expect(alive(childPid)).toBe(true);
    const began = Date.now();
    await Promise.all([sup.stop(), sup.stop()]);
    expect(Date.now() - began).toBeLessThan(3000);
    expect(alive(shellPid)).toBe(false);
    expect(alive(childPid)).toBe(false);
    expect(sup.state('tree')).toBe('stopped');
    expect(rec.events.filter((e) => e.type === 'stopped')).toHaveLength(1);
    expect(rec.events.some((e) => e.type === 'crashed')).toBe(false);
    await sup.stop();
  });
});
