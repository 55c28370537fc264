import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { captured, get, portsOf, waitFor } from './dev-app';
import { buildMeshRepo, MeshRepo } from './mesh-app';
import { main } from '../../src/dev/cli';

/*
 * The service mesh on loopback: platform-dev runs a caller (`web`, public routes) and its callee
 * (`orders`, no public routes) from one assembly (mesh-app.ts); a request through the local front
 * door makes web call orders by its mesh variable, straight to orders' port.
 */

jest.setTimeout(30_000);

let repo: MeshRepo;
const forceColor = process.env.FORCE_COLOR;

beforeAll(() => {
  process.env.FORCE_COLOR = '0'; // plain output (jest's workers set FORCE_COLOR=1 when it paints)
  repo = buildMeshRepo(fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-mesh-')));
});

afterAll(() => {
  fs.rmSync(repo.root, { recursive: true, force: true });
  if (forceColor === undefined) delete process.env.FORCE_COLOR;
  else process.env.FORCE_COLOR = forceColor;
});

interface Ready {
  readonly door: number;
  readonly services: Record<string, number>;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs platform-dev with `args` until `body` is done (the run must be ready), then stops it (exit 0). */
async function during(args: string[], body: (run: Ready) => Promise<void>) {
  const stdout = captured();
  const stderr = captured();
  const before = process.listeners('SIGTERM');
  const exit = main([repo.assembly, '--port', '0', ...args], stdout, stderr);
  const handler = process.listeners('SIGTERM').find(l => !before.includes(l)) as ((s: NodeJS.Signals) => void) | undefined;
  let settled = false;
  void exit.finally(() => settled = true).catch(() => undefined);
  try {
    await waitFor('ready', () => stdout.text.includes('ready in') || settled, 20_000);
    if (!stdout.text.includes('ready in')) throw new Error(`not ready:\n${stdout.text}\n${stderr.text}`);
    const ports = portsOf(stdout.text);
    await body({ ...ports, stdout: stdout.text, stderr: stderr.text });
  } finally {
    handler?.('SIGTERM');
    expect(await exit).toBe(0);
  }
}

describe('platform-dev: the service mesh on loopback', () => {
  test('a request through the door reaches web, whose call to ORDERS_URL goes straight to orders; orders has no route on the door', async () => {
    await during([], async ({ door, services, stdout, stderr }) => {
      const orders = services.orders;
      expect(orders).toBeGreaterThan(0);
      const reply = await get(door, '/web/orders');
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body)).toEqual({
        service: 'web',
        ordersUrl: `http://127.0.0.1:${orders}`,
        status: 200,
        // The mesh passes the path as the caller wrote it.
        orders: { service: 'orders', url: '/items?from=web', port: orders },
      });
      // Internal only: the door routes nothing to it; the table shows its own URL.
      expect((await get(door, '/orders/health')).status).toBe(404);
      expect((await get(door, '/orders')).status).toBe(404);
      expect(stdout).toMatch(new RegExp(`^orders\\s+http://127\\.0\\.0\\.1:${orders} \\(mesh only\\)\\s+node orders\\.js\\s+port ${orders}$`, 'm'));
      expect(stdout).toMatch(new RegExp(`^web\\s+http://127\\.0\\.0\\.1:${door}/web\\s+node web\\.js\\s+port ${services.web}$`, 'm'));
      // stock lives in another repository: the task's value stays, and one line says how to point web at it.
      expect(JSON.parse((await get(door, '/web/env')).body)).toEqual({ ORDERS_URL: `http://127.0.0.1:${orders}`, STOCK_URL: 'http://stock' });
      expect(stderr).toContain('platform-dev: note: web: STOCK_URL: stock is not in this assembly; set STOCK_URL (e.g. --env-file) to where it runs\n');
    });
  });

  test('--env-file wins over the computed URL, and silences the warning for the variable it sets', async () => {
    const envFile = path.join(repo.root, 'mesh.env');
    fs.writeFileSync(envFile, 'ORDERS_URL=http://127.0.0.1:9/elsewhere\nSTOCK_URL=http://127.0.0.1:7000\n');
    await during(['--env-file', envFile], async ({ door, stderr }) => {
      expect(JSON.parse((await get(door, '/web/env')).body)).toEqual({ ORDERS_URL: 'http://127.0.0.1:9/elsewhere', STOCK_URL: 'http://127.0.0.1:7000' });
      expect(stderr).not.toContain('STOCK_URL: stock');
    });
  });
});
