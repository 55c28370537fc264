import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ContainerService } from '../../src';
import { importedPlatform } from '../helpers/fixtures';

/*
 * A service repository whose two services call each other through the service mesh (ECS Service
 * Connect), for platform-dev's loopback test, written into `root`:
 * - `orders`: ContainerService with `publicRoutes: false` and `serviceConnect: {}` (reached only
 *   through the mesh), run by `node orders.js`;
 * - `web`: ContainerService with public routes under /web, run by `node web.js`; it calls `orders`
 *   (ORDERS_URL) and `stock` (STOCK_URL), a service of another repository (not in this assembly).
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

/** The app: both services on the platform `georgi` (imported by name), synthesized into `outdir`. */
function synthMeshApp(outdir: string): void {
  const { app, stack, platform } = importedPlatform(true, new App({ outdir }), 'Mesh');
  const image = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/mesh:1');
  const orders = new ContainerService(stack, 'Orders', {
    platform,
    serviceName: 'orders',
    image,
    publicRoutes: false,
    serviceConnect: {},
    localRun: { command: 'node orders.js' },
  });
  const web = new ContainerService(stack, 'Web', {
    platform,
    serviceName: 'web',
    image,
    serviceConnect: { calls: ['orders', 'stock'] },
    localRun: { command: 'node web.js' },
  });
  orders.allowServiceConnectFrom(web);
  app.synth();
}

/** Writes the repository (both servers) and its assembly into `root`. */
export function buildMeshRepo(root: string): MeshRepo {
  fs.writeFileSync(path.join(root, 'orders.js'), ORDERS);
  fs.writeFileSync(path.join(root, 'web.js'), WEB);
  const assembly = path.join(root, 'cdk.out');
  synthMeshApp(assembly);
  return { root, assembly };
}
