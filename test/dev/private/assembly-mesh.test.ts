import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LOCAL_RUN_METADATA, LOCAL_RUN_VERSION, LocalRunRecord } from '../../../src/contract/local-run';
import { readLocalApp } from '../../../src/dev/private/assembly';
import { buildRoutes, matchRoute } from '../../../src/dev/private/door-routes';
import { LocalService } from '../../../src/dev/private/model';
import { errorOf } from '../../helpers/errors';

/*
 * The service mesh's records (contract/local-run.ts) read into the LocalApp, from an assembly
 * written by hand in the shape `cdk synth` writes: a callee `orders` without public routes (its
 * container record carries serviceName, platformName, run and serviceConnect; its ecs target
 * record sits on the same construct) and a caller `web` with routes that calls it.
 */

const ROOT = fs.mkdtempSync(path.join(os.tmpdir(), 'platform-dev-mesh-'));
afterAll(() => fs.rmSync(ROOT, { recursive: true, force: true }));

/** A record as a construct adds it (`addLocalRunRecord` fills in the version). */
type RecordData = LocalRunRecord extends infer R ? R extends unknown ? Omit<R, 'version'> : never : never;
type Metadata = Record<string, RecordData[]>;

/** Writes a one-stack assembly `Mesh` with `metadata` and the task definitions of web and orders; returns its folder. */
function writeAssembly(name: string, metadata: Metadata): string {
  const dir = path.join(ROOT, name);
  fs.mkdirSync(dir, { recursive: true });
  const entries = Object.fromEntries(Object.entries(metadata).map(([at, records]) => [at,
    records.map(data => ({ type: LOCAL_RUN_METADATA, data: { ...data, version: LOCAL_RUN_VERSION } }))]));
  fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({
    version: '53.0.0',
    artifacts: { Mesh: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Mesh.template.json' }, metadata: entries } },
  }));
  const task = (image: string, environment: Record<string, string>) => ({
    Type: 'AWS::ECS::TaskDefinition',
    Properties: {
      ContainerDefinitions: [{ Name: 'app', Image: image, Environment: Object.entries(environment).map(([n, v]) => ({ Name: n, Value: v })) }],
    },
  });
  fs.writeFileSync(path.join(dir, 'Mesh.template.json'), JSON.stringify({
    Resources: {
      WebTask: task('public.ecr.aws/georgi/web:1', { ORDERS_URL: 'http://orders', STOCK_URL: 'http://stock' }),
      OrdersTask: task('public.ecr.aws/georgi/orders:1', { TABLE: 'orders', HOST: '0.0.0.0', PAYMENTS: 'https://api.georgi.io/payments' }),
    },
  }));
  return dir;
}

const ORDERS_RECORDS: Metadata = {
  '/Mesh/Orders': [
    {
      kind: 'container',
      serviceName: 'orders',
      platformName: 'georgi',
      healthCheckPath: '/health',
      writablePaths: ['/tmp'],
      serviceConnect: { alias: 'orders', calls: [] },
      run: { command: 'node orders.js', directory: 'orders', environment: { MODE: 'local' } },
      domainName: 'georgi.io',
      apiDomainName: 'api.georgi.io',
    },
    { kind: 'target', target: 'ecs', stack: 'Mesh', taskDefinition: 'OrdersTask', container: 'app', containerPort: 8080 },
  ],
};

const WEB_RECORDS: Metadata = {
  '/Mesh/Web/Routes': [
    {
      kind: 'routes',
      platformName: 'georgi',
      domainName: 'georgi.io',
      apiDomainName: 'api.georgi.io',
      serviceName: 'web',
      basePath: '/web',
      pathMode: 'keep',
      longLivedPaths: [],
      run: { command: 'node web.js', environment: { STOCK_URL: 'http://127.0.0.1:7000' } },
    },
    { kind: 'target', target: 'ecs', stack: 'Mesh', taskDefinition: 'WebTask', container: 'app', containerPort: 8080 },
  ],
  '/Mesh/Web': [{
    kind: 'container',
    serviceName: 'web',
    platformName: 'georgi',
    routes: 'Mesh/Web/Routes',
    healthCheckPath: '/web/health',
    writablePaths: [],
    serviceConnect: { alias: 'web', calls: [{ service: 'orders', variable: 'ORDERS_URL' }, { service: 'stock', variable: 'STOCK_URL' }] },
  }],
};

const BOTH = writeAssembly('both', { ...ORDERS_RECORDS, ...WEB_RECORDS });
const app = readLocalApp(BOTH, { run: new Map(), port: 8787 });
const service = (name: string): LocalService => app.services.find(s => s.name === name)!;

describe('readLocalApp: the service mesh', () => {
  test('a container service without routes is a service without a base path, run from its container record', () => {
    expect(app.services.map(s => s.name)).toEqual(['orders', 'web']);
    const orders = service('orders');
    expect(orders.basePath).toBeUndefined();
    expect(orders).toMatchObject({ healthCheckPath: '/health', mesh: { alias: 'orders', calls: [] }, definedIn: 'Mesh (Mesh/Orders)' });
    if (orders.target.kind !== 'process') throw new Error(`expected a process, got ${orders.target.kind}`);
    expect(orders.target.process).toMatchObject({
      command: 'node orders.js',
      directory: ROOT + path.sep + 'orders',
      containerPort: 8080,
      environment: expect.objectContaining({ TABLE: 'orders', HOST: '127.0.0.1', MODE: 'local' }),
      localVariables: ['MODE'],
    });
    expect(orders.target.process.image).toEqual({ name: 'public.ecr.aws/georgi/orders:1', readonlyRootFilesystem: false, writablePaths: ['/tmp'] });
  });

  test('a caller with routes has its calls from its container record, and its localRun variables marked as the developer\'s', () => {
    const web = service('web');
    expect(web).toMatchObject({ basePath: '/web', healthCheckPath: '/web/health' });
    expect(web.mesh).toEqual({ alias: 'web', calls: [{ service: 'orders', variable: 'ORDERS_URL' }, { service: 'stock', variable: 'STOCK_URL' }] });
    if (web.target.kind !== 'process') throw new Error('expected a process');
    // The task's value stays in the spec: the supervisor replaces it with the callee's local URL.
    expect(web.target.process.environment).toMatchObject({ ORDERS_URL: 'http://orders', STOCK_URL: 'http://127.0.0.1:7000' });
    expect(web.target.process.localVariables).toEqual(['STOCK_URL']);
  });

  test('the front door routes nothing to a service without a base path', () => {
    const routes = buildRoutes(app.services);
    expect(routes.map(r => r.service.name)).toEqual(['web']);
    expect(matchRoute(routes, '/orders')).toBeUndefined();
    expect(matchRoute(routes, '/orders/health')).toBeUndefined();
    expect(matchRoute(routes, '/web/x')?.service.name).toBe('web');
  });

  test('an assembly of internal services only is read (its platform from the container records); --run reaches them', () => {
    const only = writeAssembly('only', ORDERS_RECORDS);
    const read = readLocalApp(only, { run: new Map([['orders', 'npm start']]), port: 8787 });
    expect(read.services.map(s => s.name)).toEqual(['orders']);
    const target = read.services[0].target;
    expect(target.kind === 'process' && target.process.command).toBe('npm start');
    // The platform's API URL in its task environment points at the local door (the names come from its container record).
    expect(target.kind === 'process' && target.process.environment.PAYMENTS).toBe(
      (service('orders').target as any).process.environment.PAYMENTS);
    expect(target.kind === 'process' && target.process.environment.PAYMENTS).toMatch(/^http:\/\/(127\.0\.0\.1|localhost):8787\/payments$/);
    expect(errorOf(() => readLocalApp(only, { run: new Map(), port: 8787, platform: 'other' })).message)
      .toBe('--platform other: the assembly has services of georgi only');
  });

  test('a name used by a routed and an internal service is refused', () => {
    const twice = writeAssembly('twice', { ...WEB_RECORDS, '/Mesh/Orders': [{ ...ORDERS_RECORDS['/Mesh/Orders'][0], serviceName: 'web' } as any] });
    expect(errorOf(() => readLocalApp(twice, { run: new Map(), port: 8787 })).message)
      .toBe('service web is defined twice (Mesh/Web/Routes and Mesh/Orders): one service per name on a platform');
  });

  test('malformed serviceConnect entries are left out; a record without serviceConnect has no mesh', () => {
    const web = WEB_RECORDS['/Mesh/Web'][0];
    const odd = writeAssembly('odd', {
      ...ORDERS_RECORDS,
      '/Mesh/Web/Routes': WEB_RECORDS['/Mesh/Web/Routes'],
      '/Mesh/Web': [{ ...web, serviceConnect: { calls: [{ service: 'orders', variable: 'ORDERS_URL' }, { service: 1 }, null] } } as any],
    });
    const read = readLocalApp(odd, { run: new Map(), port: 8787 });
    expect(read.services.find(s => s.name === 'web')!.mesh).toEqual({ alias: undefined, calls: [{ service: 'orders', variable: 'ORDERS_URL' }] });
    const plain = writeAssembly('plain', { '/Mesh/Web/Routes': WEB_RECORDS['/Mesh/Web/Routes'] });
    expect(readLocalApp(plain, { run: new Map(), port: 8787 }).services[0].mesh).toBeUndefined();
  });
});
