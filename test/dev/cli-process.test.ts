import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { accepts, buildDevRepo, DevRepo, get, portsOf, waitFor } from './dev-app';

/*
 * platform-dev as a process of its own (as `npx platform-dev` runs it): a real SIGINT or SIGTERM
 * stops every service and exits 0 within a few seconds.
 */

const ROOT = path.join(__dirname, '..', '..');
let repo: DevRepo;
const children: ChildProcess[] = [];

beforeAll(() => {
  repo = buildDevRepo(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-process-')));
});

afterEach(() => {
  // A failed test's command: asked to stop (it stops its services), then ended.
  for (const child of children.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 5000).unref();
  }
});

afterAll(() => fs.rmSync(repo.root, { recursive: true, force: true }));

/** Starts `platform-dev <assembly> --port 0 ...` from the sources; collects its output. */
function platformDev(...args: string[]) {
  const child = spawn(process.execPath, ['-r', 'ts-node/register', 'src/dev/cli.ts', repo.assembly, '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, TS_NODE_TRANSPILE_ONLY: '1', TS_NODE_PROJECT: 'tsconfig.dev.json', FORCE_COLOR: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const output = { stdout: '', stderr: '' };
  child.stdout!.on('data', (c: Buffer) => output.stdout += c.toString());
  child.stderr!.on('data', (c: Buffer) => output.stderr += c.toString());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(resolve => {
    child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now() }));
  });
  return { child, output, exited };
}

describe.each([['SIGINT'], ['SIGTERM']] as Array<[NodeJS.Signals]>)('platform-dev as a process, stopped by %s', signal => {
  test('exits 0 within 5 s, every service stopped', async () => {
    const dev = platformDev('--env-file', repo.envFile);
    await waitFor('ready', () => dev.output.stdout.includes('ready in') || dev.child.exitCode !== null, 20_000);
    expect(dev.output.stderr).not.toContain('Error');
    const { door, services } = portsOf(dev.output.stdout);
    expect((await get(door, '/web/')).status).toBe(200);
    expect(await get(door, '/hello/x')).toEqual({ status: 200, body: 'hello v1 /hello/x' });

    const sent = Date.now();
    dev.child.kill(signal);
    const { code, signal: killedBy, at } = await dev.exited;
    expect({ code, killedBy }).toEqual({ code: 0, killedBy: null });
    expect(at - sent).toBeLessThan(5000);
    expect(dev.output.stderr).toContain(`platform-dev: ${signal}: stopping every service ...\n`);
    expect(dev.output.stderr).toMatch(/platform-dev: stopped\n$/);
    expect(await accepts(services.web)).toBe(false);
    expect(await accepts(door)).toBe(false);
  }, 30_000);
});

describe('a second Ctrl-C', () => {
  test('a second or more after the first: exit 130 at once, a service that ignores SIGTERM killed', async () => {
    const dev = platformDev('--env-file', repo.envFile, '--run', 'web=node stubborn.js');
    await waitFor('ready', () => dev.output.stdout.includes('ready in') || dev.child.exitCode !== null, 20_000);
    const { services } = portsOf(dev.output.stdout);
    dev.child.kill('SIGINT');
    await waitFor('the stop', () => dev.output.stdout.includes('ignoring SIGTERM'));
    await new Promise(resolve => setTimeout(resolve, 1100));
    const sent = Date.now();
    dev.child.kill('SIGINT');
    const { code, at } = await dev.exited;
    expect(code).toBe(130);
    expect(at - sent).toBeLessThan(1000);
    await waitFor('the service gone', async () => !(await accepts(services.web)), 1000);
  }, 30_000);

  test('within a second of the first (npx forwarding the terminal\'s Ctrl-C): ignored, the stop ends with exit 0', async () => {
    const dev = platformDev('--env-file', repo.envFile, '--run', 'web=node stubborn.js');
    await waitFor('ready', () => dev.output.stdout.includes('ready in') || dev.child.exitCode !== null, 20_000);
    const { services } = portsOf(dev.output.stdout);
    dev.child.kill('SIGINT');
    await waitFor('the stop', () => dev.output.stdout.includes('ignoring SIGTERM'));
    dev.child.kill('SIGINT');
    // The stop waits its grace time (3 s) for the service, then kills it.
    const { code } = await dev.exited;
    expect(code).toBe(0);
    expect(dev.output.stderr).toMatch(/platform-dev: stopped\n$/);
    expect(await accepts(services.web)).toBe(false);
  }, 30_000);
});
