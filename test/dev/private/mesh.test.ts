import { meshEnvironment, meshUrlOf, planMesh } from '../../../src/dev/private/mesh';
import { LocalService, MeshCall, ProcessSpec } from '../../../src/dev/private/model';

/* The service mesh on a laptop: which calls platform-dev points at a local callee, and with what URL. */

function process(localVariables: string[] = []): LocalService['target'] {
  const spec: ProcessSpec = { command: 'node server.js', directory: '/app', environment: {}, unresolvedEnvironment: [], secrets: [], watch: [], localVariables };
  return { kind: 'process', process: spec };
}

function service(name: string, mesh?: LocalService['mesh'], target = process()): LocalService {
  return { name, basePath: `/${name}`, pathMode: 'keep', longLivedPaths: [], target, mesh, definedIn: `S (S/${name})` };
}

const ORDERS: MeshCall = { service: 'orders', variable: 'ORDERS_URL' };
const STOCK: MeshCall = { service: 'stock', variable: 'STOCK_URL' };

describe('meshUrlOf and meshEnvironment', () => {
  test('a process calls the callee\'s loopback port; a Docker container calls it through host.docker.internal', () => {
    expect(meshUrlOf(50123, false)).toBe('http://127.0.0.1:50123');
    expect(meshUrlOf(50123, true)).toBe('http://host.docker.internal:50123');
  });

  test('each call\'s variable names its callee\'s port; a callee without a port is left out', () => {
    const ports: Record<string, number> = { orders: 50001 };
    expect(meshEnvironment([ORDERS, STOCK], s => ports[s], false)).toEqual({ ORDERS_URL: 'http://127.0.0.1:50001' });
    expect(meshEnvironment([ORDERS], s => ports[s], true)).toEqual({ ORDERS_URL: 'http://host.docker.internal:50001' });
    expect(meshEnvironment([], s => ports[s], false)).toEqual({});
  });
});

describe('planMesh', () => {
  const orders = service('orders', { alias: 'orders', calls: [] });

  test('a started caller\'s call to a started callee is wired, without a warning', () => {
    const web = service('web', { alias: 'web', calls: [ORDERS] });
    const plan = planMesh([orders, web], new Set(['orders', 'web']), new Set());
    expect(plan.calls).toEqual(new Map([['web', [ORDERS]]]));
    expect(plan.warnings).toEqual([]);
  });

  test('the developer\'s value wins: localRun.environment or --env-file set the variable, so it is not wired', () => {
    const web = service('web', { calls: [ORDERS, STOCK] }, process(['ORDERS_URL']));
    const stock = service('stock', { alias: 'stock', calls: [] });
    const started = new Set(['orders', 'stock', 'web']);
    expect(planMesh([orders, stock, web], started, new Set()).calls).toEqual(new Map([['web', [STOCK]]]));
    expect(planMesh([orders, stock, web], started, new Set(['STOCK_URL'])).calls).toEqual(new Map());
    // A value set by the developer needs no warning, even for a callee that is not here.
    expect(planMesh([web], new Set(['web']), new Set(['STOCK_URL'])).warnings).toEqual([]);
  });

  test('a callee outside the assembly (another repository) keeps the task\'s value: one line names caller, variable, callee and how', () => {
    const web = service('web', { calls: [ORDERS] });
    const plan = planMesh([web], new Set(['web']), new Set());
    expect(plan.calls).toEqual(new Map());
    expect(plan.warnings).toEqual(['web: ORDERS_URL: orders is not in this assembly; set ORDERS_URL (e.g. --env-file) to where it runs']);
  });

  test('a callee in the assembly that is not started (no command, no Docker) is named as such', () => {
    const web = service('web', { calls: [ORDERS] });
    const plan = planMesh([orders, web], new Set(['web']), new Set());
    expect(plan.calls).toEqual(new Map());
    expect(plan.warnings).toEqual(['web: ORDERS_URL: orders is not started here; set ORDERS_URL (e.g. --env-file) to where it runs']);
  });

  test('a callee that takes no mesh calls on AWS (client-only, or no serviceConnect) is wired, with a warning', () => {
    const clientOnly = service('orders', { calls: [] });
    const web = service('web', { calls: [ORDERS] });
    const plan = planMesh([clientOnly, web], new Set(['orders', 'web']), new Set());
    expect(plan.calls.get('web')).toEqual([ORDERS]);
    expect(plan.warnings).toEqual(['web: ORDERS_URL: orders takes no calls through the mesh on AWS (no serviceConnect, or clientOnly): the call works here only']);
  });

  test('a caller that is not started needs nothing', () => {
    const web = service('web', { calls: [ORDERS] });
    expect(planMesh([web], new Set(), new Set())).toEqual({ calls: new Map(), warnings: [] });
  });
});
