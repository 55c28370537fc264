import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { alive, buildDevRepo, captured, DevRepo, get, portsOf, synthDevApp, waitFor } from './dev-app';
import { main } from '../../src/dev/cli';

/*
 * `platform-dev --watch` in-process: a change in a service's folder restarts it, and a new synth
 * of the app (cdk.out rewritten) reloads a changed Lambda function, with platform-dev running on.
 */

let repo: DevRepo;
const stdout = captured();
const stderr = captured();
let exit: Promise<number>;
let stopRun: () => void;
let door: number;
let settled = false;
const forceColor = process.env.FORCE_COLOR;

/** The web service's answer, once it answers 200. */
async function web(): Promise<{ pid: number; version: string }> {
  const reply = await get(door, '/web/');
  if (reply.status !== 200) throw new Error(`web answered ${reply.status}`);
  return JSON.parse(reply.body);
}

beforeAll(async () => {
  process.env.FORCE_COLOR = '0'; // plain output whatever the terminal (jest's workers set FORCE_COLOR=1 when it paints)
  repo = buildDevRepo(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-watch-')));
  const before = process.listeners('SIGTERM');
  exit = main([repo.assembly, '--port', '0', '--env-file', repo.envFile, '--watch'], stdout, stderr);
  void exit.finally(() => settled = true);
  const handler = process.listeners('SIGTERM').find(l => !before.includes(l)) as (s: NodeJS.Signals) => void;
  stopRun = () => handler('SIGTERM');
  await waitFor('ready', () => stdout.text.includes('ready in'));
  door = portsOf(stdout.text).door;
}, 30_000);

afterAll(async () => {
  stopRun();
  expect(await exit).toBe(0);
  fs.rmSync(repo.root, { recursive: true, force: true });
  if (forceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = forceColor;
});

describe('platform-dev --watch', () => {
  test('a changed file in the service\'s folder restarts it: the output says so and the new process answers', async () => {
    const first = await web();
    expect(first.version).toBe('v1');
    fs.writeFileSync(path.join(repo.webDirectory, 'version.txt'), 'v2\n');
    await waitFor('the restart', () => stderr.text.includes(`platform-dev: web restarts: ${path.join(repo.webDirectory, 'version.txt')} changed\n`));
    let second = first;
    await waitFor('the new process', async () => {
      second = await web().catch(() => first);
      return second.version === 'v2';
    });
    expect(second.pid).not.toBe(first.pid);
    expect(alive(first.pid)).toBe(false);
    expect(stdout.text).toMatch(/web   \| web listening on \d+ \(v2\)\n/);
    expect(settled).toBe(false);
  });

  test('a new synth is picked up: the Lambda route answers with the new code, platform-dev and its processes run on', async () => {
    expect(await get(door, '/hello/x')).toEqual({ status: 200, body: 'hello v1 /hello/x' });
    const { pid } = await web();
    synthDevApp(repo.root, 'v3');
    await waitFor('the new function', async () => (await get(door, '/hello/x')).body === 'hello v3 /hello/x');
    // The line comes once the old function has closed, which can be after the new one answers.
    await waitFor('the reload line', async () => stderr.text.includes('platform-dev: hello reloaded (new synth)\n'));
    // The same run: the same door, the same web process, no new table.
    expect((await web()).pid).toBe(pid);
    expect(stdout.text.match(/ready in/g)).toHaveLength(1);
    expect(settled).toBe(false);
  });
});
