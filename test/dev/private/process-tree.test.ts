import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { watchTree } from '../../../src/dev/private/process-tree';

/** Waits until `predicate` holds, polling, or fails after `ms`. */
async function until(predicate: () => boolean, ms = 3000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise(r => setTimeout(r, 25));
  }
}

describe('watchTree', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'watch-tree-'));
  const changes: string[] = [];
  const problems: string[] = [];
  let close: () => void;

  beforeAll(() => {
    for (const dir of ['src/lib', 'node_modules/pkg/lib', '.git/objects', 'cdk.out/asset.1']) fs.mkdirSync(path.join(root, dir), { recursive: true });
    close = watchTree(root, file => changes.push(path.relative(root, file)), message => problems.push(message));
  });

  afterAll(() => {
    close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  beforeEach(() => changes.splice(0));

  test('a change in a nested source folder is seen', async () => {
    fs.writeFileSync(path.join(root, 'src', 'lib', 'a.ts'), 'x');
    await until(() => changes.includes(path.join('src', 'lib', 'a.ts')));
  });

  test('node_modules, .git and cdk.out are not watched', async () => {
    fs.writeFileSync(path.join(root, 'node_modules', 'pkg', 'lib', 'b.js'), 'x');
    fs.writeFileSync(path.join(root, '.git', 'objects', 'c'), 'x');
    fs.writeFileSync(path.join(root, 'cdk.out', 'asset.1', 'd'), 'x');
    fs.writeFileSync(path.join(root, 'src', 'marker.ts'), 'x');
    await until(() => changes.includes(path.join('src', 'marker.ts')));
    await new Promise(r => setTimeout(r, 200));
    expect(changes.filter(c => /node_modules|\.git|cdk\.out/.test(c))).toEqual([]);
  });

  test('a folder created later is watched too', async () => {
    fs.mkdirSync(path.join(root, 'src', 'new'));
    await until(() => changes.includes(path.join('src', 'new')));
    await new Promise(r => setTimeout(r, 100));
    fs.writeFileSync(path.join(root, 'src', 'new', 'e.ts'), 'x');
    await until(() => changes.includes(path.join('src', 'new', 'e.ts')));
    expect(problems).toEqual([]);
  });

  test('a missing path is a problem, not a crash', () => {
    const missing: string[] = [];
    watchTree(path.join(root, 'nowhere'), () => undefined, m => missing.push(m))();
    expect(missing).toEqual([expect.stringMatching(/^cannot watch .*nowhere: /)]);
  });
});
