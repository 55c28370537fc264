/**
 * The proxy instance's HAProxy configuration, run: a real HAProxy (Debian's, `.ci/run` installs
 * it) on 127.0.0.1 with the text `renderHaproxyConfig` renders, its resolver the DNS stand-in
 * answering Cloud Map-shaped SRV records, in front of
 * - the reference Jessica app (integ/jessica, ElevenLabs stand-in) as service `jessica` on `/ws`
 *   and `/mcp`: the WebSocket TTS probe and the official MCP TypeScript SDK client;
 * - stand-in services (test/helpers/proxy-stand-in.ts): `echo` (WebSocket echo), `stream` (a JWT
 *   record; a 90 s stream), and services for a task that moves, failing health checks, a reload.
 * One HAProxy and one Jessica for the file; the 90 s stream starts in beforeAll and runs while
 * the other tests do.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROBE_TEXT } from '../../../../integ/contract/expectations';
import { probeWebSocket, WebSocketLike } from '../../../../integ/contract/probes';
import { buildApp } from '../../../../integ/jessica/src/app';
import { loadConfig } from '../../../../integ/jessica/src/config';
import { HaproxyConfigInput, renderHaproxyConfig } from '../../../../src/routing/private/proxy/haproxy-config';
import { DnsStandIn } from '../../../helpers/dns-server';
import { freePort, Haproxy } from '../../../helpers/haproxy';
import { StandInTask, WebSocketClient, WsSocket } from '../../../helpers/proxy-stand-in';
import { ElevenLabsStandIn, HELLO_MP3 } from '../../../jessica/elevenlabs-stand-in';

const requireFromJessica = createRequire(path.join(__dirname, '..', '..', '..', '..', 'integ', 'jessica', 'package.json'));
const NAMESPACE = 'georgi.internal';
const srv = (service: string) => `_${service}._tcp.${NAMESPACE}`;
const ISSUER = 'https://issuer.example.com/';
const AUDIENCE = 'long-lived-api';
const STREAM_LINES = 18;
const STREAM_EVERY_MS = 5_000;

type App = Awaited<ReturnType<typeof buildApp>>;

function route(service: string, paths: string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, service, basePath: `/${service}`, paths, srv: srv(service), healthCheckPath: `/${service}/health`, ...extra };
}

const b64url = (value: Buffer | string) => Buffer.from(value).toString('base64url');

/** A compact JWS: `sign` gets the signing input and returns the signature (or '' for alg none). */
function jwt(header: Record<string, unknown>, claims: Record<string, unknown>, sign: (input: string) => Buffer | string): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  const signature = sign(input);
  return `${input}.${typeof signature === 'string' ? signature : b64url(signature)}`;
}

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes; the last error names what was seen. */
async function eventually<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last error: ${String(last)})`);
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** Opens a WebSocket and resolves once it is open (rejects with the HTTP status if the upgrade is refused). */
function openSocket(url: string, headers?: Record<string, string>): Promise<WsSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocketClient(url, { headers });
    socket.once('open', () => resolve(socket));
    socket.on('unexpected-response', (_req, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

function roundTrip(socket: WsSocket, message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no echo of ${message} within 5 s`)), 5_000);
    socket.once('message', data => {
      clearTimeout(timer);
      resolve(data.toString());
    });
    socket.send(message);
  });
}

describe('HAProxy on loopback with the configuration renderHaproxyConfig renders', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'haproxy-loopback-'));
  const dns = new DnsStandIn();
  const elevenLabs = new ElevenLabsStandIn();
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  // The issuer's second key (a key set during a rotation, or an EC issuer): ES256.
  const ec = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const keyFile = path.join(dir, 'keys', 'stream-key-1.pem');
  const ecKeyFile = path.join(dir, 'keys', 'stream-key-2.pem');
  const tasks: Record<string, StandInTask> = {};
  let jessica: App;
  let proxy: Haproxy;
  let port: number;
  let origin: string;
  let input: HaproxyConfigInput;
  /** The 90 s stream through the proxy, started in beforeAll and checked by the last test. */
  let longStream: Promise<{ status: number; lines: string[]; gaps: number[]; error?: string }>;

  const now = () => Math.floor(Date.now() / 1000);
  const claims = (extra: Record<string, unknown> = {}) => ({ iss: ISSUER, aud: AUDIENCE, sub: 'user-1', iat: now() - 10, exp: now() + 600, ...extra });
  const rs256 = (body: Record<string, unknown>, key: crypto.KeyObject = privateKey, header: Record<string, unknown> = {}) =>
    jwt({ alg: 'RS256', typ: 'JWT', kid: 'key-1', ...header }, body, signed => crypto.sign('sha256', Buffer.from(signed), key));

  beforeAll(async () => {
    await dns.start();
    await elevenLabs.start();
    jessica = await buildApp(loadConfig({
      ROOT_PATH: '/jessica', LOG_LEVEL: 'silent', ELEVENLABS_API_KEY: elevenLabs.apiKey, ELEVENLABS_BASE_URL: elevenLabs.url,
    }));
    await jessica.listen({ port: 0, host: '127.0.0.1' });
    for (const [name, base] of [['echo', '/echo'], ['stream', '/stream'], ['moverA', '/mover'], ['moverB', '/mover'],
      ['sick', '/sick'], ['mixedOk', '/mixed'], ['mixedSick', '/mixed'], ['late', '/late'], ['goneA', '/gone'], ['goneB', '/gone'], ['locked', '/locked']] as const) {
      tasks[name] = await StandInTask.start(name, base);
    }
    tasks.sick.healthStatus = 500;
    tasks.mixedSick.healthStatus = 500;
    const at = (task: StandInTask) => ({ address: '127.0.0.1', port: task.port });
    dns.setSrv(srv('jessica'), [{ address: '127.0.0.1', port: (jessica.server.address() as AddressInfo).port }]);
    dns.setSrv(srv('echo'), [at(tasks.echo)]);
    dns.setSrv(srv('stream'), [at(tasks.stream)]);
    dns.setSrv(srv('mover'), [at(tasks.moverA)]);
    dns.setSrv(srv('sick'), [at(tasks.sick)]);
    dns.setSrv(srv('mixed'), [at(tasks.mixedSick), at(tasks.mixedOk)]);
    dns.setSrv(srv('late'), [at(tasks.late)]);
    dns.setSrv(srv('gone'), [at(tasks.goneA), at(tasks.goneB)]);
    dns.setSrv(srv('locked'), [at(tasks.locked)]);

    fs.mkdirSync(path.dirname(keyFile));
    fs.writeFileSync(keyFile, publicKey.export({ type: 'spki', format: 'pem' }));
    fs.writeFileSync(ecKeyFile, ec.publicKey.export({ type: 'spki', format: 'pem' }));
    port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    input = {
      bind: `127.0.0.1:${port}`,
      nameserver: `127.0.0.1:${dns.port}`,
      idleTimeoutSeconds: 600,
      tasksPerService: 4,
      maxConnections: 1000,
      log: 'stdout format raw local0',
      routes: [
        route('jessica', ['/ws', '/mcp']),
        route('echo', ['/ws']),
        route('stream', ['/mcp'], { jwt: { issuer: ISSUER, audiences: ['other-api', AUDIENCE], audienceClaim: 'aud', jwksUri: `${ISSUER}.well-known/jwks.json` } }),
        route('mover', ['/ws']),
        route('sick', ['/ws']),
        route('mixed', ['/ws']),
        route('gone', ['/ws']),
        // Its key file is never written: HAProxy loads anyway.
        route('locked', ['/ws'], { jwt: { issuer: ISSUER, audiences: [AUDIENCE], audienceClaim: 'aud', jwksUri: `${ISSUER}jwks` } }),
      ],
      keys: {
        stream: [{ kid: 'key-1', alg: 'RS256', file: keyFile }, { kid: 'key-2', alg: 'ES256', file: ecKeyFile }],
        locked: [{ kid: 'key-1', alg: 'RS256', file: path.join(dir, 'keys', 'never-written.pem') }],
      },
    };
    const config = renderHaproxyConfig(input);
    expect(config.warnings).toEqual([]);
    proxy = await Haproxy.start(config.text, port, dir);
    // Ready once the resolver has answered and the first health checks passed.
    // (Jessica answers a plain GET on /ws herself, not 200: any answer but the proxy's 503 will do.)
    for (const base of ['/jessica/ws', '/echo/ws', '/mover/ws']) {
      await eventually(`${base} through the proxy`, 30_000, async () => ((await fetch(`${origin}${base}`)).status !== 503 ? true : undefined));
    }
    await eventually('/stream/mcp through the proxy', 30_000, async () =>
      ((await fetch(`${origin}/stream/mcp`, { headers: { authorization: `Bearer ${rs256(claims())}` } })).status === 200 ? true : undefined));

    longStream = (async () => {
      const lines: string[] = [];
      const gaps: number[] = [];
      try {
        const response = await fetch(`${origin}/stream/mcp?lines=${STREAM_LINES}&everyMs=${STREAM_EVERY_MS}`, {
          headers: { authorization: `Bearer ${rs256(claims())}` },
        });
        const reader = response.body!.getReader();
        let text = '';
        let last = Date.now();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          gaps.push(Date.now() - last);
          last = Date.now();
          text += Buffer.from(value).toString('utf8');
        }
        lines.push(...text.split('\n').filter(l => l));
        return { status: response.status, lines, gaps };
      } catch (e) {
        return { status: 0, lines, gaps, error: String(e) };
      }
    })();
  }, 90_000);

  afterAll(async () => {
    await proxy?.stop();
    await jessica?.close();
    for (const task of Object.values(tasks)) await task.stop();
    await elevenLabs.stop();
    await dns.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('Jessica as service jessica on /ws and /mcp', () => {
    test('the WebSocket TTS probe through the proxy: audio_start, every chunk, audio_complete', async () => {
      const result = await probeWebSocket(WebSocketClient as unknown as new (url: string) => WebSocketLike,
        `ws://127.0.0.1:${port}/jessica/ws`, PROBE_TEXT, 15_000);
      expect(result.error).toBeUndefined();
      expect(result.firstType).toBe('audio_start');
      expect(result.types[result.types.length - 1]).toBe('audio_complete');
      expect(result.totalChunks).toBe(result.chunks);
      expect(result.bytes).toBe(HELLO_MP3.length);
    });

    test('an MCP session through the official MCP TypeScript SDK client on /jessica/mcp', async () => {
      const { Client } = requireFromJessica('@modelcontextprotocol/sdk/client/index.js');
      const { StreamableHTTPClientTransport } = requireFromJessica('@modelcontextprotocol/sdk/client/streamableHttp.js');
      const client = new Client({ name: 'haproxy-loopback-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/jessica/mcp`)));
      try {
        expect(client.getServerVersion()?.name).toBe('jessica');
        const { tools } = await client.listTools();
        expect(tools.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['speak_text', 'list_voices']));
        const voices = await client.callTool({ name: 'list_voices', arguments: {} });
        expect(voices.isError).toBeFalsy();
        expect(JSON.stringify(voices.content)).toContain('cgSgspJ2msm6clMCkdW9');
      } finally {
        await client.close();
      }
    });

    test('Jessica\'s other paths are not long-lived routes: 404 from the proxy', async () => {
      const health = await fetch(`${origin}/jessica/health`);
      expect([health.status, await health.json()]).toEqual([404, { message: 'Not Found' }]);
    });
  });

  describe('routing and 404', () => {
    test('a WebSocket echo on /echo/ws, with X-Forwarded-Proto https and the caller in X-Forwarded-For', async () => {
      const socket = await openSocket(`ws://127.0.0.1:${port}/echo/ws`);
      try {
        expect(await roundTrip(socket, 'hello through haproxy')).toBe('hello through haproxy');
        expect(await roundTrip(socket, 'whoami')).toBe('echo');
      } finally {
        socket.close();
      }
      const seen = tasks.echo.requests.filter(r => r.url === '/echo/ws').pop()!;
      expect(seen).toEqual(expect.objectContaining({ forwardedProto: 'https', forwardedFor: '127.0.0.1' }));
    });

    test('below a long-lived path (<base><path>/...) routes too', async () => {
      const response = await fetch(`${origin}/echo/ws/room/7?x=1`);
      expect([response.status, await response.json()]).toEqual([200, { task: 'echo', method: 'GET', path: '/echo/ws/room/7' }]);
    });

    test.each(['/nowhere/ws', '/echo/wsx', '/echo', '/echo/', '/echo/health', '/', '/ECHO/ws', '/jessica/mcpx'])(
      '%s answers 404 {"message":"Not Found"} from the proxy', async (urlPath) => {
        const before = tasks.echo.count();
        const response = await fetch(`${origin}${urlPath}`);
        expect(response.status).toBe(404);
        expect(response.headers.get('content-type')).toBe('application/json');
        expect(await response.json()).toEqual({ message: 'Not Found' });
        expect(tasks.echo.count()).toBe(before);
      });

    test('a WebSocket upgrade on an unknown path is refused with 404', async () => {
      await expect(openSocket(`ws://127.0.0.1:${port}/echo/wsx`)).rejects.toThrow('upgrade refused: 404');
    });
  });

  describe('JWT on the stream service', () => {
    const call = async (token?: string, method = 'GET') => {
      const response = await fetch(`${origin}/stream/mcp`, { method, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
      return { status: response.status, body: response.status === 204 ? '' : await response.text(), auth: response.headers.get('www-authenticate') };
    };

    test('a token signed by the issuer\'s key, with the right claims, is accepted (and forwarded)', async () => {
      const token = rs256(claims());
      const before = tasks.stream.count();
      const result = await call(token);
      expect(result.status).toBe(200);
      expect(JSON.parse(result.body)).toEqual({ task: 'stream', method: 'GET', path: '/stream/mcp' });
      expect(tasks.stream.requests[before].authorization).toBe(`Bearer ${token}`);
    });

    test('the other listed audience and a token without kid are accepted too', async () => {
      expect((await call(rs256(claims({ aud: 'other-api' })))).status).toBe(200);
      expect((await call(jwt({ alg: 'RS256', typ: 'JWT' }, claims(), i => crypto.sign('sha256', Buffer.from(i), privateKey)))).status).toBe(200);
    });

    const es256 = (body: Record<string, unknown>, header: Record<string, unknown> = {}) =>
      jwt({ alg: 'ES256', typ: 'JWT', kid: 'key-2', ...header }, body,
        signed => crypto.sign('sha256', Buffer.from(signed), { key: ec.privateKey, dsaEncoding: 'ieee-p1363' }));

    test('a token signed by the second key of the set (ES256, kid key-2) is accepted, with and without its kid', async () => {
      expect((await call(es256(claims()))).status).toBe(200);
      expect((await call(es256(claims(), { kid: undefined }))).status).toBe(200);
    });

    test.each([
      ['no token', () => undefined],
      ['an RS256 token naming the ES256 key\'s kid', () => rs256(claims(), privateKey, { kid: 'key-2' })],
      ['an ES256 token naming the RS256 key\'s kid', () => es256(claims(), { kid: 'key-1' })],
      ['an ES256 token signed by another EC key', () => jwt({ alg: 'ES256', typ: 'JWT', kid: 'key-2' }, claims(),
        signed => crypto.sign('sha256', Buffer.from(signed), { key: crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, dsaEncoding: 'ieee-p1363' }))],
      ['an ES256 token with a wrong audience', () => es256(claims({ aud: 'someone-else' }))],
      ['a wrong signature (another key)', () => rs256(claims(), other.privateKey)],
      ['a tampered payload', () => {
        const [h, , s] = rs256(claims()).split('.');
        return `${h}.${b64url(JSON.stringify(claims({ sub: 'admin' })))}.${s}`;
      }],
      ['an expired token', () => rs256(claims({ exp: now() - 5 }))],
      ['no exp', () => rs256({ iss: ISSUER, aud: AUDIENCE, iat: now() })],
      ['a wrong issuer', () => rs256(claims({ iss: 'https://evil.example.com/' }))],
      ['a wrong audience', () => rs256(claims({ aud: 'someone-else' }))],
      ['an audience list', () => rs256(claims({ aud: [AUDIENCE] }))],
      ['nbf in the future', () => rs256(claims({ nbf: now() + 300 }))],
      ['iat in the future', () => rs256(claims({ iat: now() + 300 }))],
      ['alg none', () => jwt({ alg: 'none', typ: 'JWT', kid: 'key-1' }, claims(), () => '')],
      ['HS256 with the public key as the secret', () => jwt({ alg: 'HS256', typ: 'JWT', kid: 'key-1' }, claims(),
        i => crypto.createHmac('sha256', publicKey.export({ type: 'spki', format: 'pem' })).update(i).digest())],
      ['an unknown kid', () => rs256(claims(), privateKey, { kid: 'key-2' })],
      ['garbage', () => 'not.a.jwt'],
    ])('refused with 401 JSON: %s', async (_name, token) => {
      const before = tasks.stream.count();
      const result = await call(token());
      expect([result.status, result.body, result.auth]).toEqual([401, '{"message":"Unauthorized"}', 'Bearer']);
      expect(tasks.stream.count()).toBe(before);
    });

    test('a key file missing when HAProxy starts: it loads anyway and refuses every token (fails closed)', async () => {
      const before = tasks.locked.count();
      const response = await fetch(`${origin}/locked/ws`, { headers: { authorization: `Bearer ${rs256(claims())}` } });
      expect([response.status, await response.text()]).toEqual([401, '{"message":"Unauthorized"}']);
      expect(tasks.locked.count()).toBe(before);
      // Not a word at start (a reload only warns "file not found"): the agent must check its files.
      expect(proxy.output).not.toMatch(/never-written/);
    });

    test('a WebSocket upgrade without a token is refused with 401', async () => {
      await expect(openSocket(`ws://127.0.0.1:${port}/stream/mcp`)).rejects.toThrow('upgrade refused: 401');
    });

    test('a CORS preflight (OPTIONS) passes without a token and gets the service\'s answer', async () => {
      const before = tasks.stream.count();
      const result = await call(undefined, 'OPTIONS');
      expect(result.status).toBe(204);
      expect(tasks.stream.requests[before]).toEqual(expect.objectContaining({ method: 'OPTIONS', url: '/stream/mcp' }));
    });
  });

  describe('tasks found through SRV records', () => {
    test('a task that moves (SRV answer from task A to task B) is followed', async () => {
      expect(JSON.parse(await (await fetch(`${origin}/mover/ws`)).text()).task).toBe('moverA');
      dns.setSrv(srv('mover'), [{ address: '127.0.0.1', port: tasks.moverB.port }]);
      const moved = Date.now();
      // Followed once ten requests in a row reach B.
      let streak = 0;
      await eventually('every request reaching task B', 60_000, async () => {
        const body = await (await fetch(`${origin}/mover/ws`)).json() as { task?: string };
        streak = body.task === 'moverB' ? streak + 1 : 0;
        return streak >= 10 ? true : undefined;
      });
      console.log(`proxy followed the moved task in ${Date.now() - moved} ms`);
      const seenByA = tasks.moverA.count();
      for (let i = 0; i < 10; i++) expect((await (await fetch(`${origin}/mover/ws`)).json() as { task: string }).task).toBe('moverB');
      expect(tasks.moverA.count()).toBe(seenByA);
    }, 90_000);

    test('a task that stops (its record gone, its port closed) costs no request: they go to the other task', async () => {
      await eventually('both tasks of gone answering', 30_000, async () => {
        for (let i = 0; i < 4; i++) await fetch(`${origin}/gone/ws`);
        return tasks.goneA.count() > 0 && tasks.goneB.count() > 0 ? true : undefined;
      });
      await tasks.goneA.stop();
      dns.setSrv(srv('gone'), [{ address: '127.0.0.1', port: tasks.goneB.port }]);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) {
        statuses.push((await fetch(`${origin}/gone/ws`)).status);
        await new Promise(resolve => setTimeout(resolve, 100));
      }
      expect(statuses).toEqual(Array(40).fill(200));
    }, 30_000);

    test('a task whose health check answers 500 gets no traffic: 503 when it is the only one', async () => {
      await eventually('503 from the proxy for the sick service', 60_000, async () =>
        ((await fetch(`${origin}/sick/ws`)).status === 503 ? true : undefined));
      const response = await fetch(`${origin}/sick/ws`);
      expect(response.status).toBe(503);
      expect(tasks.sick.healthChecks).toBeGreaterThan(0);
    }, 90_000);

    test('...and with a healthy task next to it, every request goes to the healthy one', async () => {
      await eventually('the failing task taken out', 60_000, async () => {
        const sickBefore = tasks.mixedSick.count();
        for (let i = 0; i < 10; i++) await fetch(`${origin}/mixed/ws`);
        return tasks.mixedSick.count() === sickBefore ? true : undefined;
      });
      const okBefore = tasks.mixedOk.count();
      const sickBefore = tasks.mixedSick.count();
      for (let i = 0; i < 20; i++) expect((await fetch(`${origin}/mixed/ws`)).status).toBe(200);
      expect([tasks.mixedOk.count() - okBefore, tasks.mixedSick.count() - sickBefore]).toEqual([20, 0]);
      expect(tasks.mixedSick.healthChecks).toBeGreaterThan(0);
    }, 90_000);
  });

  test('a reload with an extra service keeps an open WebSocket working and routes the new service', async () => {
    const socket = await openSocket(`ws://127.0.0.1:${port}/echo/ws`);
    try {
      expect(await roundTrip(socket, 'before the reload')).toBe('before the reload');
      expect((await fetch(`${origin}/late/ws`)).status).toBe(404);
      const config = renderHaproxyConfig({ ...input, routes: [...input.routes, route('late', ['/ws'])] });
      expect(config.services).toContain('late');
      proxy.rewrite(config.text);
      const workersBefore = await proxy.workers();
      await proxy.reload();
      expect(await proxy.workers()).not.toEqual(workersBefore);
      // The new worker resolves its servers again (init-addr none): the services already routed
      // must not answer 503 meanwhile.
      const statuses = [];
      for (let i = 0; i < 20; i++) statuses.push((await fetch(`${origin}/echo/ws`)).status);
      expect(statuses).toEqual(Array(20).fill(200));
      expect(await roundTrip(socket, 'after the reload')).toBe('after the reload');
      const late = await eventually('the new service routed', 30_000, async () => {
        const response = await fetch(`${origin}/late/ws`);
        return response.status === 200 ? response.json() : undefined;
      });
      expect(late).toEqual({ task: 'late', method: 'GET', path: '/late/ws' });
      expect(await roundTrip(socket, 'still open')).toBe('still open');
    } finally {
      socket.close();
    }
  }, 60_000);

  test('a 90 s stream (a line every 5 s) arrives complete, not cut, through the proxy and its reload', async () => {
    const result = await longStream;
    expect(result.error).toBeUndefined();
    expect(result.status).toBe(200);
    expect(result.lines).toEqual(Array.from({ length: STREAM_LINES }, (_, i) => `line ${i + 1} of ${STREAM_LINES} from stream`));
    // Streamed, not buffered: the lines came in separate reads, about 5 s apart.
    expect(result.gaps.length).toBeGreaterThanOrEqual(STREAM_LINES - 1);
    expect(Math.max(...result.gaps)).toBeLessThan(STREAM_EVERY_MS * 2);
  }, 120_000);
});

describe('HAProxy on loopback: the idle timeout (the ALB\'s idleTimeout) closes a silent WebSocket, not a busy one', () => {
  const dns = new DnsStandIn();
  let task: StandInTask;
  let proxy: Haproxy;
  let port: number;

  beforeAll(async () => {
    await dns.start();
    task = await StandInTask.start('idle', '/idle');
    dns.setSrv(srv('idle'), [{ address: '127.0.0.1', port: task.port }]);
    port = await freePort();
    const config = renderHaproxyConfig({
      bind: `127.0.0.1:${port}`,
      nameserver: `127.0.0.1:${dns.port}`,
      idleTimeoutSeconds: 2,
      tasksPerService: 2,
      maxConnections: 100,
      log: 'stdout format raw local0',
      routes: [route('idle', ['/ws'])],
      keys: {},
    });
    proxy = await Haproxy.start(config.text, port);
    await eventually('/idle/ws through the proxy', 30_000, async () => ((await fetch(`http://127.0.0.1:${port}/idle/ws`)).status === 200 ? true : undefined));
  }, 60_000);

  afterAll(async () => {
    await proxy?.stop();
    await task?.stop();
    await dns.stop();
  });

  test('idle 2 s: a socket that sends every 0.5 s stays open for 4 s; a silent one is closed after about 2 s', async () => {
    const busy = await openSocket(`ws://127.0.0.1:${port}/idle/ws`);
    const silent = await openSocket(`ws://127.0.0.1:${port}/idle/ws`);
    const opened = Date.now();
    const silentClosed = new Promise<number>(resolve => silent.once('close', () => resolve(Date.now() - opened)));
    let busyClosed = false;
    busy.once('close', () => busyClosed = true);
    try {
      for (let i = 0; i < 8; i++) {
        expect(await roundTrip(busy, `tick ${i}`)).toBe(`tick ${i}`);
        await new Promise(resolve => setTimeout(resolve, 500));
      }
      expect(busyClosed).toBe(false);
      const after = await silentClosed;
      expect(after).toBeGreaterThanOrEqual(1_900);
      expect(after).toBeLessThan(4_000);
    } finally {
      busy.close();
      silent.terminate();
    }
  }, 30_000);
});
