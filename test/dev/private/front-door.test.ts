import * as http from 'node:http';
import * as net from 'node:net';
import { closeServer, Echo, echoServer, listen, request, service, sleep, ws, WsSocket } from './loopback';
import { FrontDoor, Upstream } from '../../../src/dev/private/front-door';

/* The local front door against real loopback services: routing, CORS, headers, limits, streams, WebSockets. */

const CORS = {
  allowOrigins: ['http://jessica.localhost:8787'],
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['content-type', 'authorization'],
  allowCredentials: true,
  maxAgeSeconds: 600,
};

let echo: http.Server;
let echoPort: number;
let door: FrontDoor;
const logs: string[] = [];
const upstreams = new Map<string, Upstream>();

beforeAll(async () => {
  echo = echoServer();
  echoPort = await listen(echo);
  upstreams.set('echo', { kind: 'http', port: echoPort });
  upstreams.set('strip', { kind: 'http', port: echoPort });
  upstreams.set('app', { kind: 'http', port: echoPort });
  upstreams.set('team', { kind: 'http', port: echoPort });
  upstreams.set('down', { kind: 'unavailable', reason: 'starting (waiting for /health)' });
  door = await FrontDoor.start({
    port: 0,
    services: [
      service('echo', { cors: CORS, longLivedPaths: ['/ws', '/stream'] }),
      service('strip', { pathMode: 'strip' }),
      service('team', { basePath: '/team' }),
      service('app', { basePath: '/team/app', pathMode: 'strip' }),
      service('down'),
      service('gone'),
    ],
    sites: [],
    upstreamOf: name => upstreams.get(name) ?? { kind: 'http', port: 1 },
    apiTimeoutMs: 300,
    maxBodyBytes: 1024,
    log: line => logs.push(line),
  });
});

afterAll(async () => {
  await door.close();
  await closeServer(echo);
});

async function echoed(path: string, options: http.RequestOptions & { body?: string } = {}): Promise<Echo> {
  const reply = await request(door.port, { path, ...options });
  expect(reply.status).toBe(200);
  expect(reply.headers['x-service']).toBe('echo');
  return JSON.parse(reply.body) as Echo;
}

describe('routing', () => {
  test('keep mode: the service sees the full path and query', async () => {
    expect((await echoed('/echo')).url).toBe('/echo');
    expect((await echoed('/echo/a/b?x=1&y=2')).url).toBe('/echo/a/b?x=1&y=2');
    expect((await echoed('/echo?q=1')).url).toBe('/echo?q=1');
  });

  test('strip mode: the base path is removed, the query kept', async () => {
    expect((await echoed('/strip')).url).toBe('/');
    expect((await echoed('/strip?q=1')).url).toBe('/?q=1');
    expect((await echoed('/strip/x?q=1')).url).toBe('/x?q=1');
    expect((await echoed('/strip/')).url).toBe('/');
  });

  test('multi-segment base paths: the longest base wins, then strip applies to it', async () => {
    expect((await echoed('/team/app/items?a=b')).url).toBe('/items?a=b');
    expect((await echoed('/team/app')).url).toBe('/');
    expect((await echoed('/team/apple')).url).toBe('/team/apple');
    expect((await echoed('/team')).url).toBe('/team');
  });

  test.each(['/', '/nope', '/echoes', '/echo-x/y', '/stripped', '/Echo'])('%s is 404 in the platform shape', async path => {
    const reply = await request(door.port, { path });
    expect(reply.status).toBe(404);
    expect(reply.headers['content-type']).toBe('application/json');
    expect(JSON.parse(reply.body)).toEqual({ message: 'Not Found' });
  });

  test('method and body pass through', async () => {
    const seen = await echoed('/echo/items', { method: 'PUT', body: 'hello', headers: { 'content-type': 'text/plain' } });
    expect(seen.method).toBe('PUT');
    expect(seen.body).toBe('hello');
  });

  test('update() replaces the routes live', async () => {
    door.update([service('echo', { basePath: '/renamed' })], []);
    try {
      expect((await request(door.port, { path: '/echo' })).status).toBe(404);
      expect((await echoed('/renamed/x')).url).toBe('/renamed/x');
    } finally {
      door.update([
        service('echo', { cors: CORS, longLivedPaths: ['/ws', '/stream'] }),
        service('strip', { pathMode: 'strip' }),
        service('team', { basePath: '/team' }),
        service('app', { basePath: '/team/app', pathMode: 'strip' }),
        service('down'),
        service('gone'),
      ], []);
    }
  });
});

describe('cors', () => {
  test('the door answers a preflight from an allowed origin without reaching the service', async () => {
    const reply = await request(door.port, {
      path: '/echo/items',
      method: 'OPTIONS',
      headers: { 'origin': 'http://jessica.localhost:8787', 'access-control-request-method': 'POST' },
    });
    expect(reply.status).toBe(204);
    expect(reply.headers['x-service']).toBeUndefined();
    expect(reply.headers['access-control-allow-origin']).toBe('http://jessica.localhost:8787');
    expect(reply.headers['access-control-allow-methods']).toBe('GET,POST');
    expect(reply.headers['access-control-allow-headers']).toBe('content-type,authorization');
    expect(reply.headers['access-control-allow-credentials']).toBe('true');
    expect(reply.headers['access-control-max-age']).toBe('600');
  });

  test('a preflight from another origin is refused', async () => {
    const reply = await request(door.port, { path: '/echo', method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    expect(reply.status).toBe(403);
    expect(reply.headers['x-service']).toBeUndefined();
    expect(reply.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('on a long-lived path OPTIONS reaches the service, as the load balancer forwards it', async () => {
    const seen = await echoed('/echo/ws', { method: 'OPTIONS', headers: { 'origin': 'http://jessica.localhost:8787', 'access-control-request-method': 'GET' } });
    expect(seen.method).toBe('OPTIONS');
    expect(seen.url).toBe('/echo/ws');
  });

  test('without cors, OPTIONS reaches the service like any method', async () => {
    const seen = await echoed('/strip/x', { method: 'OPTIONS', headers: { origin: 'http://evil.example' } });
    expect(seen.method).toBe('OPTIONS');
    expect(seen.url).toBe('/x');
  });
});

describe('host names', () => {
  test.each(['localhost', 'localhost:8787', '127.0.0.1:9', '[::1]:8787'])('%s reaches the services', async host => {
    expect((await request(door.port, { path: '/echo/x', headers: { host } })).status).toBe(200);
  });

  test('<name>.localhost passes the check: it names a web page (none here: 404)', async () => {
    expect((await request(door.port, { path: '/echo/x', headers: { host: 'nosite.localhost:8787' } })).status).toBe(404);
  });

  test.each(['evil.example', 'evil.example:8787', 'localhost.evil.example', '127.0.0.2'])(
    '%s is refused with 403 (DNS rebinding), for requests and WebSocket upgrades', async host => {
      const reply = await request(door.port, { path: '/echo/x', headers: { host } });
      expect([reply.status, JSON.parse(reply.body)]).toEqual([403, { message: 'Forbidden' }]);
      const refused = await new Promise<number>((resolve, reject) => {
        const socket = new ws.WebSocket(`ws://127.0.0.1:${door.port}/echo/ws`, { headers: { host } });
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
        socket.on('open', () => reject(new Error('upgraded')));
      });
      expect(refused).toBe(403);
    });
});

describe('headers', () => {
  test('x-origin-verify is stripped, x-viewer-address replaced, x-forwarded-for appended, host kept', async () => {
    const seen = await echoed('/echo', {
      headers: {
        'x-origin-verify': 'guessed-secret',
        'x-viewer-address': '6.6.6.6',
        'x-forwarded-for': '10.0.0.1',
        'x-forwarded-proto': 'https',
        'host': 'localhost:1234',
        'x-custom': 'kept',
      },
    });
    expect(seen.headers['x-origin-verify']).toBeUndefined();
    expect(seen.headers['x-viewer-address']).toBe('127.0.0.1');
    expect(seen.headers['x-forwarded-for']).toBe('10.0.0.1, 127.0.0.1');
    expect(seen.headers['x-forwarded-proto']).toBe('http');
    expect(seen.headers.host).toBe('localhost:1234');
    expect(seen.headers['x-custom']).toBe('kept');
  });

  test('expect: 100-continue is answered by the door, not passed on', async () => {
    const seen = await echoed('/echo', { method: 'POST', headers: { expect: '100-continue' }, body: 'after continue' });
    expect(seen.headers.expect).toBeUndefined();
    expect(seen.body).toBe('after continue');
  });

  test('without a client x-forwarded-for, it is the caller', async () => {
    const seen = await echoed('/echo');
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
  });
});

describe('unavailable services and limits', () => {
  test('an unavailable service is 503 JSON, logged once per state', async () => {
    const before = logs.length;
    for (let i = 0; i < 3; i++) {
      const reply = await request(door.port, { path: '/down/x' });
      expect(reply.status).toBe(503);
      expect(JSON.parse(reply.body)).toEqual({ message: 'Service Unavailable' });
    }
    const lines = logs.slice(before);
    expect(lines).toEqual(['down: 503 Service Unavailable: starting (waiting for /health)']);
  });

  test('a refused connection is 503 JSON', async () => {
    const reply = await request(door.port, { path: '/gone' });
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({ message: 'Service Unavailable' });
    expect(logs.some(l => l.startsWith('gone: 503 Service Unavailable: ECONNREFUSED'))).toBe(true);
  });

  test('a body over the limit is 413 (content-length), and under it passes', async () => {
    const big = await request(door.port, { path: '/echo', method: 'POST', body: 'x'.repeat(1025) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual({ message: 'Request Entity Too Large' });
    expect((await echoed('/echo', { method: 'POST', body: 'x'.repeat(1024) })).body).toHaveLength(1024);
  });

  test('a chunked body over the limit is 413 too', async () => {
    const reply = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: door.port, path: '/echo', method: 'POST', agent: false }, res => {
        let body = '';
        res.on('data', (c: Buffer) => body += c.toString());
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      req.on('error', reject);
      for (let i = 0; i < 5; i++) req.write('y'.repeat(300));
      req.end();
    });
    expect(reply.status).toBe(413);
    expect(JSON.parse(reply.body)).toEqual({ message: 'Request Entity Too Large' });
  });
});

/** A service whose answers are slow or streamed, to test the API time limit and streaming. */
function slowServer(): http.Server {
  return http.createServer((req, res) => {
    if (req.url!.includes('head-first')) {
      // An event stream: the head at once, the first event much later.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.flushHeaders();
      setTimeout(() => res.end('data: late\n\n'), 2000).unref();
      return;
    }
    if (req.url!.includes('cut-by-service')) {
      res.writeHead(200, { 'content-length': '100' });
      res.write('part');
      setTimeout(() => res.destroy(), 50).unref();
      return;
    }
    if (req.url!.includes('slow-first-byte')) {
      setTimeout(() => res.end('late'), 3000).unref();
      return;
    }
    // Streams a chunk every 100 ms for ~900 ms: past the 300 ms API limit.
    res.writeHead(200, { 'content-type': 'text/plain' });
    let n = 0;
    const timer = setInterval(() => {
      res.write(`chunk${n++}\n`);
      if (n === 9) {
        clearInterval(timer);
        res.end();
      }
    }, 100);
    res.on('close', () => clearInterval(timer));
  });
}

describe('url upstreams', () => {
  afterAll(() => upstreams.set('strip', { kind: 'http', port: echoPort }));

  test('a URL target gets the path (per path mode) appended and its own Host', async () => {
    upstreams.set('strip', { kind: 'url', url: `http://127.0.0.1:${echoPort}/` });
    const seen = await echoed('/strip/items?q=1', { headers: { 'host': 'localhost:8787', 'x-origin-verify': 'x' } });
    expect(seen.url).toBe('/items?q=1');
    expect(seen.headers.host).toBe(`127.0.0.1:${echoPort}`);
    expect(seen.headers['x-origin-verify']).toBeUndefined();
  });

  test('a URL target that does not parse is 502, logged', async () => {
    upstreams.set('strip', { kind: 'url', url: 'not a url' });
    expect((await request(door.port, { path: '/strip/x' })).status).toBe(502);
    expect(logs.some(l => l.startsWith('strip: 502 Bad Gateway: cannot forward GET /x: Invalid URL'))).toBe(true);
  });

  test('a URL target that refuses is 503', async () => {
    upstreams.set('strip', { kind: 'url', url: 'http://127.0.0.1:1' });
    expect((await request(door.port, { path: '/strip/x' })).status).toBe(503);
  });
});

describe('kept-alive upstream connections', () => {
  let flaky: net.Server;
  let connections = 0;
  beforeAll(async () => {
    // Answers the first request on each connection and resets the connection on the second,
    // as a service does whose keep-alive timeout ran out just as the door reused the socket.
    flaky = net.createServer(socket => {
      connections++;
      let requests = 0;
      let buffered = '';
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString();
        while (buffered.includes('\r\n\r\n')) {
          buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
          requests++;
          if (requests === 1) socket.write('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok');
          else socket.resetAndDestroy();
        }
      });
      socket.on('error', () => undefined);
    });
    upstreams.set('team', { kind: 'http', port: await listen(flaky) });
  });
  afterAll(async () => {
    upstreams.set('team', { kind: 'http', port: echoPort });
    await new Promise<void>(resolve => flaky.close(() => resolve()));
  });

  test('a GET on a kept-alive connection the service reset is retried once on a new connection', async () => {
    const first = await request(door.port, { path: '/team/a' });
    expect(first.status).toBe(200);
    const second = await request(door.port, { path: '/team/b' });
    expect(second.status).toBe(200);
    expect(second.body).toBe('ok');
    expect(connections).toBe(2);
  });

  test('a POST with a body is not retried: 503', async () => {
    expect((await request(door.port, { path: '/team/c', method: 'POST', body: 'x' })).status).toBe(503);
  });
});

describe('time limit and streaming', () => {
  let slow: http.Server;
  beforeAll(async () => {
    slow = slowServer();
    upstreams.set('echo', { kind: 'http', port: await listen(slow) });
  });
  afterAll(async () => {
    upstreams.set('echo', { kind: 'http', port: echoPort });
    await closeServer(slow);
  });

  test('a slow first byte on a normal path is 503 after apiTimeoutMs', async () => {
    const started = Date.now();
    const reply = await request(door.port, { path: '/echo/slow-first-byte' });
    expect(reply.status).toBe(503);
    expect(JSON.parse(reply.body)).toEqual({ message: 'Service Unavailable' });
    expect(Date.now() - started).toBeLessThan(2500); // the service waits far longer
  });

  test('apiTimeoutMs 0 (--api-timeout 0) sets no limit', async () => {
    const unlimited = await FrontDoor.start({
      port: 0,
      services: [service('echo')],
      sites: [],
      upstreamOf: () => upstreams.get('echo')!,
      apiTimeoutMs: 0,
    });
    try {
      const reply = await request(unlimited.port, { path: '/echo/slow-first-byte' });
      expect(reply.status).toBe(200);
    } finally {
      await unlimited.close();
    }
  });

  test('a stream on a long-lived path runs past apiTimeoutMs, uncut, and chunks arrive before it ends', async () => {
    const arrivals: number[] = [];
    const result = await new Promise<{ body: string; ended: number }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: door.port, path: '/echo/stream/feed', agent: false }, res => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
          arrivals.push(Date.now());
        });
        res.on('end', () => resolve({ body, ended: Date.now() }));
        res.on('error', reject);
      }).on('error', reject);
    });
    expect(result.body).toBe(Array.from({ length: 9 }, (_, i) => `chunk${i}\n`).join(''));
    expect(arrivals.length).toBeGreaterThanOrEqual(5); // unbuffered: several separate arrivals
    expect(result.ended - arrivals[0]).toBeGreaterThan(500); // the first chunk came long before the end
  });

  test('on a long-lived path the head reaches the client before the first body byte', async () => {
    const started = Date.now();
    const { headAfter, body } = await new Promise<{ headAfter: number; body: Promise<string> }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port: door.port, path: '/echo/stream/head-first', agent: false }, res => {
        resolve({
          headAfter: Date.now() - started,
          body: new Promise(done => {
            let text = '';
            res.on('data', (c: Buffer) => text += c.toString());
            res.on('end', () => done(text));
          }),
        });
      }).on('error', reject);
    });
    expect(headAfter).toBeLessThan(1500);
    expect(await body).toBe('data: late\n\n');
  });

  test('a response the service cuts is cut for the client too (not ended cleanly)', async () => {
    const outcome = await new Promise<string>(resolve => {
      http.get({ host: '127.0.0.1', port: door.port, path: '/echo/stream/cut-by-service', agent: false }, res => {
        let body = '';
        res.on('data', (c: Buffer) => body += c.toString());
        res.on('end', () => resolve(`ended:${body}`));
        res.on('error', () => resolve(`cut:${body}`));
      }).on('error', () => resolve('cut'));
    });
    expect(outcome).toBe('cut:part');
    expect(logs.some(l => /^echo: response cut by 127\.0\.0\.1:\d+$/.test(l))).toBe(true);
  });

  test('the same stream on a normal path is cut at apiTimeoutMs (headers already sent)', async () => {
    const outcome = await new Promise<string>(resolve => {
      http.get({ host: '127.0.0.1', port: door.port, path: '/echo/feed', agent: false }, res => {
        let body = '';
        res.on('data', (c: Buffer) => body += c.toString());
        res.on('end', () => resolve(`ended:${body}`));
        res.on('error', () => resolve(`cut:${body}`));
      }).on('error', () => resolve('cut'));
    });
    expect(outcome.startsWith('cut')).toBe(true);
    expect(outcome).toContain('chunk0'); // streamed before the cut
    await sleep(50);
    expect(logs.filter(l => l.startsWith('echo: ')).slice(-2)).toEqual([
      'echo: response cut by 127.0.0.1:' + (upstreams.get('echo') as { port: number }).port, // from the previous test
      'echo: no complete response within 300 ms (the HTTP API\'s integration limit)',
    ]);
  });
});

describe('websockets', () => {
  let wsHttp: http.Server;
  beforeAll(async () => {
    wsHttp = echoServer();
    const wss = new ws.WebSocketServer({ server: wsHttp });
    wss.on('connection', (socket, req) => {
      socket.send(JSON.stringify({ url: req.url, viewer: req.headers['x-viewer-address'], verify: req.headers['x-origin-verify'] }));
      socket.on('message', data => socket.send(`echo:${data.toString()}`));
    });
    upstreams.set('echo', { kind: 'http', port: await listen(wsHttp) });
  });
  afterAll(async () => {
    upstreams.set('echo', { kind: 'http', port: echoPort });
    await closeServer(wsHttp);
  });

  function open(path: string, headers: Record<string, string> = {}): Promise<{ socket: WsSocket; first: string }> {
    return new Promise((resolve, reject) => {
      const socket = new ws.WebSocket(`ws://127.0.0.1:${door.port}${path}`, { headers });
      socket.on('message', data => resolve({ socket, first: data.toString() }));
      socket.on('error', reject);
    });
  }

  test('an upgrade on a long-lived path passes through both ways, with the header rules', async () => {
    const { socket, first } = await open('/echo/ws?room=1', { 'x-origin-verify': 'x', 'x-viewer-address': '6.6.6.6' });
    expect(JSON.parse(first)).toEqual({ url: '/echo/ws?room=1', viewer: '127.0.0.1' });
    const answer = await new Promise<string>(resolve => {
      socket.on('message', data => resolve(data.toString()));
      socket.send('ping');
    });
    expect(answer).toBe('echo:ping');
    socket.close();
  });

  test('an upgrade on another path is 426 naming the long-lived paths', async () => {
    const refused = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const socket = new ws.WebSocket(`ws://127.0.0.1:${door.port}/echo/api`);
      socket.on('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => body += c.toString());
        res.on('end', () => resolve({ status: res.statusCode!, body }));
      });
      socket.on('open', () => reject(new Error('upgraded')));
    });
    expect(refused.status).toBe(426);
    expect(JSON.parse(refused.body).message).toMatch(/longLivedPaths \(\/ws, \/stream\)/);
  });

  test('an upgrade for an unknown path is 404', async () => {
    const status = await new Promise<number>(resolve => {
      const socket = new ws.WebSocket(`ws://127.0.0.1:${door.port}/echoes/ws`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
    });
    expect(status).toBe(404);
  });

  test('an upgrade to a service that refuses is 503', async () => {
    const previous = upstreams.get('echo')!;
    upstreams.set('echo', { kind: 'http', port: 1 });
    try {
      const status = await new Promise<number>(resolve => {
        const socket = new ws.WebSocket(`ws://127.0.0.1:${door.port}/echo/ws`);
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode!));
        socket.on('error', () => resolve(0));
      });
      expect(status).toBe(503);
    } finally {
      upstreams.set('echo', previous);
    }
  });

  test('close() ends open WebSockets promptly', async () => {
    const other = await FrontDoor.start({
      port: 0,
      services: [service('echo', { longLivedPaths: ['/ws'] })],
      sites: [],
      upstreamOf: () => upstreams.get('echo')!,
    });
    const socket = await new Promise<WsSocket>((resolve, reject) => {
      const s = new ws.WebSocket(`ws://127.0.0.1:${other.port}/echo/ws`);
      s.on('message', () => resolve(s));
      s.on('error', reject);
    });
    const closed = new Promise<number>(resolve => socket.on('close', () => resolve(Date.now())));
    const started = Date.now();
    await other.close();
    expect((await closed) - started).toBeLessThan(3000);
    expect(Date.now() - started).toBeLessThan(3000);
  });
});

describe('start', () => {
  test('a port in use is one clear line', async () => {
    const blocker = net.createServer();
    const port = await listen(blocker);
    try {
      await expect(FrontDoor.start({ port, services: [], sites: [], upstreamOf: () => ({ kind: 'unavailable', reason: '' }) }))
        .rejects.toThrow(`port ${port} on 127.0.0.1 is in use: stop what listens there or choose another with --port`);
    } finally {
      blocker.close();
    }
  });

  test('close() is prompt with an idle keep-alive client connected', async () => {
    const other = await FrontDoor.start({ port: 0, services: [], sites: [], upstreamOf: () => ({ kind: 'unavailable', reason: '' }) });
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>(resolve => http.get({ host: '127.0.0.1', port: other.port, path: '/', agent }, res => {
      res.resume();
      res.on('end', () => resolve());
    }));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(2000);
    agent.destroy();
    await sleep(0);
  });
});
