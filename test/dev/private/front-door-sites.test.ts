import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rawRequest, request, service } from './loopback';
import { FrontDoor } from '../../../src/dev/private/front-door';

/* Web pages on `<site>.localhost`, served by the local front door from their folders. */

let root: string;
let door: FrontDoor;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'door-sites-'));
  const site = path.join(root, 'jessica');
  fs.mkdirSync(path.join(site, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(site, 'index.html'), '<h1>jessica</h1>');
  fs.writeFileSync(path.join(site, 'assets', 'app.mjs'), 'export const x = 1;');
  fs.writeFileSync(path.join(site, 'assets', 'logo.svg'), '<svg/>');
  fs.writeFileSync(path.join(site, 'assets', 'font.woff2'), Buffer.from([0, 1, 2, 3]));
  fs.writeFileSync(path.join(root, 'secret.txt'), 'outside the site');
  fs.mkdirSync(path.join(root, 'plain'));
  fs.writeFileSync(path.join(root, 'plain', 'index.html'), '<h1>plain</h1>');
  fs.symlinkSync(path.join(root, 'secret.txt'), path.join(site, 'link.txt'));
  door = await FrontDoor.start({
    port: 0,
    services: [service('jessica')],
    sites: [
      {
        siteName: 'jessica',
        directory: site,
        config: { apiUrl: 'http://127.0.0.1:8787/jessica', wsUrl: 'ws://127.0.0.1:8787/jessica/ws' },
        contentSecurityPolicy: "default-src 'self'; connect-src http://127.0.0.1:8787",
        spaFallback: true,
      },
      { siteName: 'plain', directory: path.join(root, 'plain'), spaFallback: false },
    ],
    upstreamOf: () => ({ kind: 'unavailable', reason: 'test' }),
  });
});

afterAll(async () => {
  await door.close();
  fs.rmSync(root, { recursive: true, force: true });
});

const get = (host: string, p: string) => request(door.port, { path: p, headers: { host } });

test('/ is index.html with the security headers and the CSP', async () => {
  const reply = await get(`jessica.localhost:${door.port}`, '/');
  expect(reply.status).toBe(200);
  expect(reply.body).toBe('<h1>jessica</h1>');
  expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
  expect(reply.headers['content-security-policy']).toBe("default-src 'self'; connect-src http://127.0.0.1:8787");
  expect(reply.headers['x-content-type-options']).toBe('nosniff');
  expect(reply.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
  expect(reply.headers['x-frame-options']).toBe('DENY');
});

test('a host without the port works too, and the name is case-insensitive', async () => {
  expect((await get('Jessica.LOCALHOST', '/')).body).toBe('<h1>jessica</h1>');
});

test('config.json is the site config as JSON', async () => {
  const reply = await get(`jessica.localhost:${door.port}`, '/config.json');
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(reply.body)).toEqual({ apiUrl: 'http://127.0.0.1:8787/jessica', wsUrl: 'ws://127.0.0.1:8787/jessica/ws' });
});

test.each([
  ['/assets/app.mjs', 'text/javascript; charset=utf-8'],
  ['/assets/logo.svg', 'image/svg+xml'],
  ['/assets/font.woff2', 'font/woff2'],
])('%s has content type %s', async (p, type) => {
  const reply = await get('jessica.localhost', p);
  expect(reply.status).toBe(200);
  expect(reply.headers['content-type']).toBe(type);
});

test('an unknown path falls back to index.html with spaFallback', async () => {
  const reply = await get('jessica.localhost', '/some/client/route?x=1');
  expect(reply.status).toBe(200);
  expect(reply.body).toBe('<h1>jessica</h1>');
});

test('without spaFallback an unknown path is 404, and no config.json is made up', async () => {
  expect((await get('plain.localhost', '/')).body).toBe('<h1>plain</h1>');
  expect((await get('plain.localhost', '/missing')).status).toBe(404);
  expect((await get('plain.localhost', '/config.json')).status).toBe(404);
});

test.each([
  '/..%2fsecret.txt',
  '/%2e%2e/secret.txt',
  '/../secret.txt',
  '/assets/..%2f..%2fsecret.txt',
])('traversal %s is refused', async p => {
  const answer = await rawRequest(door.port, `GET ${p} HTTP/1.1\r\nHost: jessica.localhost\r\nConnection: close\r\n\r\n`);
  expect(answer).toMatch(/^HTTP\/1\.1 403 /);
  expect(answer).not.toContain('outside the site');
});

test('a symbolic link out of the folder is refused', async () => {
  const reply = await get('jessica.localhost', '/link.txt');
  expect(reply.status).toBe(403);
  expect(reply.body).not.toContain('outside the site');
});

test('an unknown site is 404 JSON; the API host is not a site', async () => {
  const reply = await get(`nobody.localhost:${door.port}`, '/');
  expect(reply.status).toBe(404);
  expect(JSON.parse(reply.body)).toEqual({ message: 'Not Found' });
  const api = await get(`localhost:${door.port}`, '/jessica');
  expect(api.status).toBe(503); // routed to the (unavailable) service, not to the page
});

test('a write method is 405', async () => {
  const reply = await request(door.port, { path: '/', method: 'POST', headers: { host: 'jessica.localhost' } });
  expect(reply.status).toBe(405);
});
