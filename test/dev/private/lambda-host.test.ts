import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { request, service } from './loopback';
import { FrontDoor, Upstream } from '../../../src/dev/private/front-door';
import { LambdaHost } from '../../../src/dev/private/lambda-host';
import type { LambdaSpec } from '../../../src/dev/private/model';

/* Lambda functions in worker threads, alone and behind the front door (payload format 2.0). */

let root: string;
const hosts: LambdaHost[] = [];

function spec(props: Partial<LambdaSpec>): LambdaSpec {
  return { handler: 'index.handler', runtime: 'nodejs20.x', environment: {}, timeoutSeconds: 3, ...props };
}

async function start(name: string, props: Partial<LambdaSpec>): Promise<LambdaHost> {
  const host = await LambdaHost.start(name, spec(props));
  hosts.push(host);
  return host;
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'lambda-host-'));
  fs.mkdirSync(path.join(root, 'cjs', 'lib'), { recursive: true });
  fs.writeFileSync(path.join(root, 'cjs', 'lib', 'app.js'),
    'exports.main = async (event, context) => ({ kind: "cjs", fn: context.functionName, got: event.n });');
  fs.mkdirSync(path.join(root, 'esm'));
  fs.writeFileSync(path.join(root, 'esm', 'index.mjs'), 'export const handler = async (event) => ({ kind: "esm", got: event.n });');
  fs.mkdirSync(path.join(root, 'typemodule'));
  fs.writeFileSync(path.join(root, 'typemodule', 'package.json'), '{"type":"module"}');
  fs.writeFileSync(path.join(root, 'typemodule', 'index.js'), 'export const handler = async () => "esm in .js";');
  fs.mkdirSync(path.join(root, 'callback'));
  fs.writeFileSync(path.join(root, 'callback', 'index.js'),
    'exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { cb: event.n }), 5); };');
});

afterAll(async () => {
  await Promise.all(hosts.map(h => h.close()));
  fs.rmSync(root, { recursive: true, force: true });
});

describe('LambdaHost', () => {
  test('an asset folder with a .js handler in a subfolder (CommonJS)', async () => {
    const host = await start('cjs-fn', { codeDirectory: path.join(root, 'cjs'), handler: 'lib/app.main' });
    expect(await host.invoke({ n: 1 })).toEqual({ kind: 'cjs', fn: 'cjs-fn', got: 1 });
  });

  test('an asset folder with an .mjs handler (ES module)', async () => {
    const host = await start('esm-fn', { codeDirectory: path.join(root, 'esm') });
    expect(await host.invoke({ n: 2 })).toEqual({ kind: 'esm', got: 2 });
  });

  test('a .js handler in a "type": "module" package', async () => {
    const host = await start('typemodule-fn', { codeDirectory: path.join(root, 'typemodule') });
    expect(await host.invoke({})).toBe('esm in .js');
  });

  test('a callback-style handler', async () => {
    const host = await start('callback-fn', { codeDirectory: path.join(root, 'callback') });
    expect(await host.invoke({ n: 3 })).toEqual({ cb: 3 });
  });

  test('inline code runs as index.js (CommonJS) and can require built-ins', async () => {
    const host = await start('inline-fn', {
      inlineCode: 'const os = require("node:os"); exports.handler = async () => ({ eol: os.EOL.length });',
    });
    expect(await host.invoke({})).toEqual({ eol: 1 });
  });

  test('each function has its own environment: same variable, different values', async () => {
    const code = 'exports.handler = async () => ({ value: process.env.SHARED_NAME, fn: process.env.AWS_LAMBDA_FUNCTION_NAME });';
    const a = await start('fn-a', { inlineCode: code, environment: { SHARED_NAME: 'from-a' } });
    const b = await start('fn-b', { inlineCode: code, environment: { SHARED_NAME: 'from-b' } });
    const [ra, rb] = await Promise.all([a.invoke({}), b.invoke({})]);
    expect(ra).toEqual({ value: 'from-a', fn: 'fn-a' });
    expect(rb).toEqual({ value: 'from-b', fn: 'fn-b' });
    expect(process.env.SHARED_NAME).toBeUndefined();
  });

  test('a thrown error rejects with its message', async () => {
    const host = await start('throws-fn', { inlineCode: 'exports.handler = async () => { throw new Error("boom"); };' });
    await expect(host.invoke({})).rejects.toThrow('boom');
    // The environment survives an error (as in Lambda) and answers again.
    await expect(host.invoke({})).rejects.toThrow('boom');
  });

  test('a timeout rejects with timedOut, and the next invocation gets a fresh environment', async () => {
    const host = await start('slow-fn', {
      inlineCode: 'let calls = 0; exports.handler = async (e) => { calls++; if (e.spin) { for (;;) {} } return calls; };',
      timeoutSeconds: 1,
    });
    expect(await host.invoke({})).toBe(1);
    const started = Date.now();
    const err = await host.invoke({ spin: true }).then(() => undefined, (e: Error & { timedOut?: boolean }) => e);
    expect(err?.timedOut).toBe(true);
    expect(err?.message).toBe('lambda slow-fn timed out after 1 s');
    expect(Date.now() - started).toBeLessThan(2500);
    expect(await host.invoke({})).toBe(1); // a new environment: the counter starts again
  });

  test('with a log option, the function\'s console output arrives line by line', async () => {
    const lines: string[] = [];
    const host = await LambdaHost.start('logging-fn', spec({
      inlineCode: 'exports.handler = async () => { console.log("one"); console.error("two\\nthree"); return 1; };',
    }), { log: line => lines.push(line) });
    hosts.push(host);
    expect(await host.invoke({})).toBe(1);
    for (let i = 0; i < 50 && lines.length < 3; i++) await new Promise(r => setTimeout(r, 10));
    expect(lines.sort()).toEqual(['one', 'three', 'two']);
  });

  test('an uncaught exception ends the environment: the invocation fails, the next one starts afresh', async () => {
    const host = await start('crash-fn', {
      inlineCode: `let calls = 0;
        exports.handler = async (e) => {
          calls++;
          if (e.crash) { setTimeout(() => { throw new Error('async boom'); }, 0); return new Promise(() => {}); }
          return calls;
        };`,
    });
    expect(await host.invoke({})).toBe(1);
    await expect(host.invoke({ crash: true })).rejects.toThrow('lambda crash-fn: the function crashed: async boom');
    expect(await host.invoke({})).toBe(1);
  });

  test.each([
    [{ codeDirectory: '/nonexistent-folder-xyz' }, /lambda bad: cannot load handler 'index.handler' from \/nonexistent-folder-xyz: no index.js, .cjs or .mjs/],
    [{ inlineCode: 'exports.other = 1;' }, /lambda bad: cannot load handler 'index.handler' from inline code: the inline code exports no function 'handler'/],
    [{ inlineCode: 'this is not javascript' }, /lambda bad: cannot load handler 'index.handler' from inline code: Unexpected identifier/],
    [{ inlineCode: 'x', runtime: 'python3.12' }, /lambda bad: runtime python3.12 cannot run locally/],
    [{ inlineCode: 'x', handler: 'nodot' }, /handler 'nodot' is not <file>.<function>/],
  ])('a handler that cannot load is a clear error (%o)', async (props, message) => {
    await expect(LambdaHost.start('bad', spec(props))).rejects.toThrow(message);
  });
});

describe('behind the front door (payload format 2.0)', () => {
  let door: FrontDoor;
  const upstreams = new Map<string, Upstream>();
  const logs: string[] = [];

  beforeAll(async () => {
    upstreams.set('fn', { kind: 'lambda', host: await start('fn', { inlineCode: 'exports.handler = async (event) => event;' }) });
    upstreams.set('shaped', {
      kind: 'lambda',
      host: await start('shaped', {
        inlineCode: `exports.handler = async (event) => {
          switch (event.rawPath) {
            case '/shaped/full': return { statusCode: 201, headers: { 'x-a': 'b', 'content-type': 'text/plain' },
              cookies: ['a=1; Path=/', 'b=2'], body: 'created' };
            case '/shaped/binary': return { statusCode: 200, headers: { 'content-type': 'application/octet-stream' },
              body: Buffer.from([1, 2, 3, 255]).toString('base64'), isBase64Encoded: true };
            case '/shaped/string': return 'just text';
            case '/shaped/object': return { hello: 'world' };
            case '/shaped/throw': throw new Error('handler broke');
            case '/shaped/malformed': return { statusCode: 'two hundred' };
            case '/shaped/slow': await new Promise(r => setTimeout(r, 3000)); return 'late';
          }
          return { statusCode: 404 };
        };`,
        timeoutSeconds: 1,
      }),
    });
    door = await FrontDoor.start({
      port: 0,
      services: [service('fn'), service('shaped')],
      sites: [],
      upstreamOf: name => upstreams.get(name)!,
      apiTimeoutMs: 5000,
      log: line => logs.push(line),
    });
  });

  afterAll(() => door.close());

  test('the event has the payload 2.0 fields', async () => {
    const reply = await request(door.port, {
      path: '/fn/items/a%20b?x=1&x=2&y=3',
      method: 'POST',
      headers: {
        'host': 'localhost:8787',
        'content-type': 'application/json',
        'cookie': 'c1=v1; c2=v2',
        'x-origin-verify': 'nope',
        'x-viewer-address': '6.6.6.6',
        'user-agent': 'door-test',
      },
      body: '{"a":1}',
    });
    expect(reply.status).toBe(200);
    expect(reply.headers['content-type']).toBe('application/json');
    const event = JSON.parse(reply.body);
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'ANY /fn/{proxy+}',
      rawPath: '/fn/items/a%20b',
      rawQueryString: 'x=1&x=2&y=3',
      cookies: ['c1=v1', 'c2=v2'],
      queryStringParameters: { x: '1,2', y: '3' },
      pathParameters: { proxy: 'items/a b' },
      body: '{"a":1}',
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method: 'POST', path: '/fn/items/a%20b', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'door-test' },
        routeKey: 'ANY /fn/{proxy+}',
        stage: '$default',
      },
    });
    expect(event.headers['x-origin-verify']).toBeUndefined();
    expect(event.headers['x-viewer-address']).toBe('127.0.0.1');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.requestContext.time).toMatch(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/);
    expect(typeof event.requestContext.timeEpoch).toBe('number');
  });

  test('the base route and a binary body', async () => {
    const reply = await request(door.port, {
      path: '/fn',
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: Buffer.from([0, 1, 2]),
    });
    const event = JSON.parse(reply.body);
    expect(event.routeKey).toBe('ANY /fn');
    expect(event.pathParameters).toBeUndefined();
    expect(event.queryStringParameters).toBeUndefined();
    expect(event.isBase64Encoded).toBe(true);
    expect(event.body).toBe(Buffer.from([0, 1, 2]).toString('base64'));
  });

  test('statusCode, headers, cookies and body map to the response', async () => {
    const reply = await request(door.port, { path: '/shaped/full' });
    expect(reply.status).toBe(201);
    expect(reply.headers['x-a']).toBe('b');
    expect(reply.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(reply.body).toBe('created');
  });

  test('isBase64Encoded bodies are decoded', async () => {
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: door.port, path: '/shaped/binary' }, res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks)));
      }).on('error', reject);
    });
    expect([...bytes]).toEqual([1, 2, 3, 255]);
  });

  test('a string result is a 200 with that body; an object is 200 JSON', async () => {
    const text = await request(door.port, { path: '/shaped/string' });
    expect(text.status).toBe(200);
    expect(text.body).toBe('just text');
    const object = await request(door.port, { path: '/shaped/object' });
    expect(object.status).toBe(200);
    expect(object.headers['content-type']).toBe('application/json');
    expect(JSON.parse(object.body)).toEqual({ hello: 'world' });
  });

  test('a thrown error and a malformed result are 500, logged', async () => {
    const thrown = await request(door.port, { path: '/shaped/throw' });
    expect(thrown.status).toBe(500);
    expect(JSON.parse(thrown.body)).toEqual({ message: 'Internal Server Error' });
    const failure = logs.find(l => l.startsWith('shaped: the function failed: Error: handler broke (at '));
    expect(failure).toMatch(/\(inline code of shaped\)\/index\.js:\d+:\d+\)+$/);
    expect(failure).not.toContain('\n');
    const malformed = await request(door.port, { path: '/shaped/malformed' });
    expect(malformed.status).toBe(500);
    expect(logs).toContain('shaped: malformed Lambda result: statusCode "two hundred" is not an HTTP status');
  });

  test('the API limit applies to a function whose own timeout is longer: 503', async () => {
    const slow = await start('patient', {
      inlineCode: 'exports.handler = async () => { await new Promise(r => setTimeout(r, 5000)); return "late"; };',
      timeoutSeconds: 10,
    });
    const other = await FrontDoor.start({
      port: 0,
      services: [service('patient')],
      sites: [],
      upstreamOf: () => ({ kind: 'lambda', host: slow }),
      apiTimeoutMs: 300,
      log: line => logs.push(line),
    });
    try {
      const started = Date.now();
      const reply = await request(other.port, { path: '/patient' });
      expect(reply.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(3000);
      expect(logs).toContain('patient: no response within 300 ms (the HTTP API\'s integration limit)');
    } finally {
      await other.close();
    }
  });

  test('a body over the limit is 413 before the function runs (chunked and content-length)', async () => {
    const counter = await start('counter', { inlineCode: 'let n = 0; exports.handler = async () => String(++n);' });
    const other = await FrontDoor.start({
      port: 0,
      services: [service('counter')],
      sites: [],
      upstreamOf: () => ({ kind: 'lambda', host: counter }),
      maxBodyBytes: 100,
    });
    try {
      const chunked = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: other.port, path: '/counter', method: 'POST', agent: false }, res => {
          res.resume();
          resolve(res.statusCode!);
        });
        req.on('error', reject);
        for (let i = 0; i < 3; i++) req.write('z'.repeat(50));
        req.end();
      });
      expect(chunked).toBe(413);
      expect((await request(other.port, { path: '/counter', method: 'POST', body: 'z'.repeat(101) })).status).toBe(413);
      expect((await request(other.port, { path: '/counter', method: 'POST', body: 'z'.repeat(100) })).body).toBe('1');
    } finally {
      await other.close();
    }
  });

  test('a function timeout is a function error: 500, logged', async () => {
    const reply = await request(door.port, { path: '/shaped/slow' });
    expect(reply.status).toBe(500);
    expect(JSON.parse(reply.body)).toEqual({ message: 'Internal Server Error' });
    expect(logs).toContain('shaped: lambda shaped timed out after 1 s');
    expect((await request(door.port, { path: '/shaped/string' })).body).toBe('just text'); // recovers
  });
});
