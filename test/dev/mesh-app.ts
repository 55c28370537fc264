import * as fs from 'fs';
import * as path from 'path';
import { LOCAL_RUN_METADATA, LOCAL_RUN_VERSION } from '../../src/contract/local-run';

/*
 * A service repository whose two services call each other through the service mesh, for
 * platform-dev's loopback test, written into `root`:
 * - `orders`: no public routes (reached only through Service Connect), run by `node orders.js`;
 * - `web`: public routes under /web, run by `node web.js`; it calls `orders` (ORDERS_URL) and
 *   `stock` (STOCK_URL), a service of another repository that is not in this assembly.
 * `/web/orders` makes web call `${ORDERS_URL}/items?from=web` and answer with what orders said.
 * The assembly is `root/cdk.out`.
 */

/** The callee: answers its health path and, for any other path, who it is and what it was asked. */
const ORDERS = `
require('http').createServer((req, res) => {
  if (req.url === '/health' || req.url === '/orders/health') return res.end('ok');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ service: 'orders', url: req.url, port: Number(process.env.PORT) }));
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('orders listening on ' + process.env.PORT));
`;

/** The caller: `/web/orders` calls orders by its mesh variable; `/web/env` shows the mesh variables. */
const WEB = `
const http = require('http');
http.createServer((req, res) => {
  if (req.url === '/web/health') return res.end('ok');
  res.setHeader('content-type', 'application/json');
  if (req.url === '/web/env') return res.end(JSON.stringify({ ORDERS_URL: process.env.ORDERS_URL, STOCK_URL: process.env.STOCK_URL }));
  if (req.url !== '/web/orders') { res.statusCode = 404; return res.end('{}'); }
  http.get(process.env.ORDERS_URL + '/items?from=web', (answer) => {
    let body = '';
    answer.on('data', (c) => body += c);
    answer.on('end', () => res.end(JSON.stringify({ service: 'web', ordersUrl: process.env.ORDERS_URL, status: answer.statusCode, orders: JSON.parse(body) })));
  }).on('error', (e) => { res.statusCode = 502; res.end(JSON.stringify({ error: e.message })); });
}).listen(Number(process.env.PORT), '127.0.0.1', () => console.log('web listening on ' + process.env.PORT));
`;

/** Paths of the mesh repository. */
export interface MeshRepo {
  readonly root: string;
  readonly assembly: string;
}

/** The records and task definitions of the two services, as `cdk synth` writes them (see contract/local-run.ts). */
function writeAssembly(outdir: string): void {
  fs.mkdirSync(outdir, { recursive: true });
  const record = (data: object) => ({ type: LOCAL_RUN_METADATA, data: { ...data, version: LOCAL_RUN_VERSION } });
  const ecsTarget = (taskDefinition: string) => record({ kind: 'target', target: 'ecs', stack: 'Mesh', taskDefinition, container: 'app', containerPort: 8080 });
  const metadata = {
    '/Mesh/Orders': [
      record({
        kind: 'container',
        serviceName: 'orders',
        platformName: 'georgi',
        healthCheckPath: '/health',
        writablePaths: ['/tmp'],
        serviceConnect: { alias: 'orders', calls: [] },
        run: { command: 'node orders.js' },
      }),
      ecsTarget('OrdersTask'),
    ],
    '/Mesh/Web/Routes': [
      record({
        kind: 'routes',
        platformName: 'georgi',
        domainName: 'georgi.io',
        apiDomainName: 'api.georgi.io',
        serviceName: 'web',
        basePath: '/web',
        pathMode: 'keep',
        longLivedPaths: [],
        run: { command: 'node web.js' },
      }),
      ecsTarget('WebTask'),
    ],
    '/Mesh/Web': [record({
      kind: 'container',
      serviceName: 'web',
      platformName: 'georgi',
      routes: 'Mesh/Web/Routes',
      healthCheckPath: '/web/health',
      writablePaths: ['/tmp'],
      serviceConnect: { alias: 'web', calls: [{ service: 'orders', variable: 'ORDERS_URL' }, { service: 'stock', variable: 'STOCK_URL' }] },
    })],
  };
  fs.writeFileSync(path.join(outdir, 'manifest.json'), JSON.stringify({
    version: '53.0.0',
    artifacts: { Mesh: { type: 'aws:cloudformation:stack', properties: { templateFile: 'Mesh.template.json' }, metadata } },
  }));
  const task = (image: string, environment: Record<string, string>) => ({
    Type: 'AWS::ECS::TaskDefinition',
    Properties: {
      ContainerDefinitions: [{ Name: 'app', Image: image, Environment: Object.entries(environment).map(([Name, Value]) => ({ Name, Value })) }],
    },
  });
  fs.writeFileSync(path.join(outdir, 'Mesh.template.json'), JSON.stringify({
    Resources: {
      WebTask: task('public.ecr.aws/georgi/web:1', { ORDERS_URL: 'http://orders', STOCK_URL: 'http://stock' }),
      OrdersTask: task('public.ecr.aws/georgi/orders:1', {}),
    },
  }));
}

/** Writes the repository (both servers) and its assembly into `root`. */
export function buildMeshRepo(root: string): MeshRepo {
  fs.writeFileSync(path.join(root, 'orders.js'), ORDERS);
  fs.writeFileSync(path.join(root, 'web.js'), WEB);
  const assembly = path.join(root, 'cdk.out');
  writeAssembly(assembly);
  return { root, assembly };
}
