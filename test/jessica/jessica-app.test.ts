/**
 * The Jessica reference service (integ/jessica) against an ElevenLabs stand-in: every route, the
 * errors, streaming without buffering, the WebSocket protocol, MCP, settings persistence and CORS.
 *
 * The `ws` client comes from integ/jessica/node_modules (a dependency of @fastify/websocket there);
 * the root package does not depend on it, so it is loaded with a `createRequire` anchored in that
 * package and typed with the small interface below.
 */
import { createServer, request as httpRequest } from 'node:http';
import { createRequire } from 'node:module';
import { AddressInfo, connect } from 'node:net';
import { join } from 'node:path';
import { ElevenLabsStandIn, HELLO_MP3, STAND_IN_MODELS, STAND_IN_VOICES } from './elevenlabs-stand-in';
import { AppDependencies, buildApp } from '../../integ/jessica/src/app';
import { ConfigError, loadConfig, PLACEHOLDER_API_KEY } from '../../integ/jessica/src/config';
import { MemoryConfigStore, ServiceSettings, SsmConfigStore, SsmLike } from '../../integ/jessica/src/config-store';
import { TtsService } from '../../src';

/** The part of the `ws` client API the tests use. */
interface WsLike {
  readonly readyState: number;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'open', listener: () => void): this;
  on(event: 'error', listener: (err: Error) => void): this;
  send(data: string | Buffer, options?: { binary?: boolean }): void;
  close(code?: number): void;
  terminate(): void;
}
const requireFromJessica = createRequire(join(__dirname, '..', '..', 'integ', 'jessica', 'package.json'));
const WebSocketClient = requireFromJessica('ws') as new (url: string) => WsLike;

type Json = Record<string, any>;

const JESSICA = 'cgSgspJ2msm6clMCkdW9';
const RACHEL = '21m00Tcm4TlvDq8ikWAM';
const UNKNOWN_VOICE = 'ZZZZZZZZZZZZZZZZZZZZ';
const MAX_TEXT = 200;
const DEFAULT_SETTINGS: ServiceSettings = { default_voice_id: JESSICA, default_model_id: 'eleven_flash_v2_5', auto_play: true };
const WAIT_MS = 5000;

const standIn = new ElevenLabsStandIn();
const openApps: Array<{ close(): Promise<unknown> }> = [];
const openClients: TestClient[] = [];
const processProblems: unknown[] = [];
const onProblem = (err: unknown): void => {
  processProblems.push(err);
};

beforeAll(async () => {
  process.on('unhandledRejection', onProblem);
  process.on('uncaughtException', onProblem);
  await standIn.start();
});

afterAll(async () => {
  await standIn.stop();
  process.off('unhandledRejection', onProblem);
  process.off('uncaughtException', onProblem);
});

beforeEach(() => standIn.reset());

afterEach(async () => {
  for (const client of openClients.splice(0)) client.terminate();
  for (const app of openApps.splice(0)) await app.close();
  standIn.releaseLastChunk();
});

function env(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ROOT_PATH: '/jessica',
    ELEVENLABS_API_KEY: standIn.apiKey,
    ELEVENLABS_BASE_URL: standIn.url,
    LOG_LEVEL: 'silent',
    MAX_TEXT_LENGTH: String(MAX_TEXT),
    ...overrides,
  };
}

/** A ready app, not listening (for `inject`). */
async function makeApp(overrides: Record<string, string | undefined> = {}, deps?: AppDependencies) {
  const app = await buildApp(loadConfig(env(overrides)), deps);
  openApps.push(app);
  return app;
}

/** A listening app on 127.0.0.1 and a free port. */
async function startApp(overrides: Record<string, string | undefined> = {}, deps?: AppDependencies) {
  const app = await makeApp(overrides, deps);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as AddressInfo).port;
  const root = overrides.ROOT_PATH ?? '/jessica';
  return { app, base: `http://127.0.0.1:${port}${root}`, wsUrl: `ws://127.0.0.1:${port}${root}/ws` };
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function withTimeout<T>(promise: Promise<T>, what: string, ms = WAIT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function waitUntil(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A `ws` client that keeps every message and lets the test read them in order. */
class TestClient {
  static async connect(url: string): Promise<TestClient> {
    const client = new TestClient(new WebSocketClient(url));
    openClients.push(client);
    await withTimeout(new Promise<void>((resolve, reject) => {
      client.socket.on('open', resolve);
      client.socket.on('error', reject);
    }), `WebSocket ${url} to open`);
    return client;
  }

  readonly messages: Json[] = [];
  /** Size of every text frame received, in bytes. */
  readonly frameSizes: number[] = [];
  closed?: { code: number };
  private cursor = 0;
  private wake?: () => void;

  private constructor(readonly socket: WsLike) {
    socket.on('message', (data) => {
      this.frameSizes.push(data.length);
      this.messages.push(JSON.parse(data.toString('utf8')));
      this.wake?.();
    });
    socket.on('close', (code) => {
      this.closed = { code };
      this.wake?.();
    });
    socket.on('error', () => undefined);
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next unread message. */
  async next(): Promise<Json> {
    await withTimeout(new Promise<void>((resolve) => {
      const check = (): void => {
        if (this.messages.length > this.cursor) resolve();
        else if (this.closed) resolve();
        else this.wake = check;
      };
      check();
    }), 'a WebSocket message');
    if (this.messages.length <= this.cursor) throw new Error(`socket closed with ${this.closed?.code}`);
    return this.messages[this.cursor++];
  }

  /** Reads one clip: `audio_start`, the chunks, `audio_complete`; or up to an `error`. */
  async clip(): Promise<{ start?: Json; chunks: Json[]; complete?: Json; error?: Json; audio: Buffer }> {
    const chunks: Json[] = [];
    let start: Json | undefined;
    for (;;) {
      const message = await this.next();
      if (message.type === 'error') return { start, chunks, error: message, audio: Buffer.alloc(0) };
      if (message.type === 'audio_start') start = message;
      if (message.type === 'audio_chunk') chunks.push(message);
      if (message.type === 'audio_complete') {
        return { start, chunks, complete: message, audio: Buffer.concat(chunks.map((c) => Buffer.from(c.data, 'base64'))) };
      }
    }
  }

  async waitClosed(): Promise<number> {
    await waitUntil(() => this.closed !== undefined, 'the WebSocket to close');
    return this.closed!.code;
  }

  terminate(): void {
    this.socket.terminate();
  }
}

/** One JSON-RPC request to POST /mcp. */
async function mcp(base: string, id: number, method: string, params: Json = {}): Promise<{ status: number; body: Json }> {
  const res = await postJson(`${base}/mcp`, { jsonrpc: '2.0', id, method, params }, { accept: 'application/json, text/event-stream' });
  return { status: res.status, body: await res.json() as Json };
}

/** What came back on a raw TCP connection, and when the server closed it. */
interface RawAnswer {
  readonly status?: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** ms from the first byte sent until the server closed the connection (undefined: still open at `waitMs`). */
  readonly closedAfterMs?: number;
}

/**
 * Writes `data` (exactly these bytes, nothing more) on a new TCP connection to `port` and reads
 * what comes back until the server closes the connection or `waitMs` passes.
 */
function rawRequest(port: number, data: string | Buffer, waitMs = WAIT_MS): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let sentAt = 0;
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split >= 0 ? text.slice(0, split).split('\r\n') : [];
      const status = /^HTTP\/1\.1 (\d{3})/.exec(head[0] ?? '')?.[1];
      const headers: Record<string, string> = {};
      for (const line of head.slice(1)) {
        const colon = line.indexOf(':');
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      resolve({
        status: status === undefined ? undefined : Number(status),
        headers,
        body: split >= 0 ? Buffer.from(text.slice(split + 4), 'latin1').toString('utf8') : '',
        closedAfterMs: closed ? Date.now() - sentAt : undefined,
      });
    };
    const timer = setTimeout(() => {
      socket.destroy();
      finish(false);
    }, waitMs);
    socket.on('connect', () => {
      sentAt = Date.now();
      socket.write(data);
    });
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', () => {
      if (sentAt === 0) reject(new Error('could not connect'));
      else finish(true);
    });
    socket.on('error', () => undefined);
  });
}

const INITIALIZE = { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'jest', version: '1.0.0' } };

// ---------------------------------------------------------------------------------------------

describe('configuration', () => {
  test('defaults', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 9020,
      host: '0.0.0.0',
      rootPath: '',
      serviceName: 'jessica',
      elevenLabsApiKey: undefined,
      elevenLabsBaseUrl: 'https://api.elevenlabs.io',
      elevenLabsIdleTimeoutMs: 20000,
      defaultVoiceId: 'cgSgspJ2msm6clMCkdW9',
      defaultModelId: 'eleven_flash_v2_5',
      logLevel: 'info',
      maxTextLength: 5000,
      bodyLimitBytes: 65536,
      requestTimeoutMs: 30000,
      speechQueuePerClient: 4,
      trustedProxyHops: 2,
      corsAllowOrigins: [],
      configParameterName: undefined,
      voicesCacheSeconds: 300,
    });
  });

  test('an empty key counts as missing; lists are split', () => {
    const config = loadConfig({ ELEVENLABS_API_KEY: '  ', CORS_ALLOW_ORIGINS: 'https://a.example.com, https://b.example.com', ROOT_PATH: '/team/jessica' });
    expect(config.elevenLabsApiKey).toBeUndefined();
    expect(config.corsAllowOrigins).toEqual(['https://a.example.com', 'https://b.example.com']);
    expect(config.rootPath).toBe('/team/jessica');
  });

  test.each([
    ['ROOT_PATH', 'jessica'],
    ['ROOT_PATH', '/jessica/'],
    ['ROOT_PATH', '/'],
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['MAX_TEXT_LENGTH', '0'],
    ['BODY_LIMIT_BYTES', '-1'],
    ['VOICES_CACHE_SECONDS', '1.5'],
    ['ELEVENLABS_IDLE_TIMEOUT_MS', '50'],
    ['REQUEST_TIMEOUT_MS', '99'],
    ['SPEECH_QUEUE_PER_CLIENT', '17'],
    ['TRUSTED_PROXY_HOPS', 'two'],
    ['ELEVENLABS_BASE_URL', 'ftp://example.com'],
    ['DEFAULT_VOICE_ID', 'bad id'],
    ['DEFAULT_MODEL_ID', 'Eleven-Flash'],
    ['CORS_ALLOW_ORIGINS', 'https://a.example.com/'],
    ['ELEVEN_LABS_API_KEY', 'a-key-under-the-wrong-name'],
  ])('%s=%s is a startup error naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(name);
  });
});

describe('health and the path prefix', () => {
  test('GET /jessica/health', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/jessica/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok', service: 'jessica', elevenlabs_api_key: true, version: '1.0.0', websocket_clients: 0, config_store: 'memory',
    });
  });

  test('health names the settings store; settings kept in memory are warned about at startup', async () => {
    const lines: string[] = [];
    const app = await makeApp({ LOG_LEVEL: 'warn' }, { logStream: { write: (line) => void lines.push(line) } });
    expect((await app.inject({ method: 'GET', url: '/jessica/health' })).json()).toMatchObject({ config_store: 'memory' });
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(expect.objectContaining({
      level: 40, msg: expect.stringMatching(/CONFIG_PARAMETER_NAME is not set.*in memory only/),
    }));

    lines.length = 0;
    const ssm: SsmLike = { send: async () => ({}) };
    const persistent = await makeApp({ LOG_LEVEL: 'warn' }, {
      configStore: new SsmConfigStore('/platform/jessica/config', DEFAULT_SETTINGS, ssm),
      logStream: { write: (line) => void lines.push(line) },
    });
    expect((await persistent.inject({ method: 'GET', url: '/jessica/health' })).json()).toMatchObject({ config_store: 'ssm' });
    expect(lines.join('')).not.toContain('in memory only');
  });

  test.each([
    ['GET', '/health'],
    ['GET', '/api/v1/voices'],
    ['GET', '/jessica'],
    ['GET', '/jessica/'],
    ['GET', '/jessica/unknown'],
    ['GET', '/jessica/api/v1'],
    ['GET', '/jessica/index.html'],
    ['POST', '/jessica/api/v1/unknown'],
    ['GET', '/other/health'],
    ['PUT', '/jessica/api/v1/unknown'],
    ['DELETE', '/jessica/api/v1/config/x'],
    ['PUT', '/config'],
  ])('%s %s is a JSON 404 (no catch-all)', async (method, url) => {
    const app = await makeApp();
    const res = await app.inject({ method: method as 'GET', url });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers.allow).toBeUndefined();
    expect(res.json()).toEqual({ error: 'not_found', message: expect.stringContaining(url) });
  });

  test.each([
    ['PUT', '/jessica/api/v1/config', 'GET, HEAD, POST'],
    ['DELETE', '/jessica/api/v1/config', 'GET, HEAD, POST'],
    ['POST', '/jessica/health', 'GET, HEAD'],
    ['DELETE', '/jessica/health', 'GET, HEAD'],
    ['PATCH', '/jessica/api/v1/voices', 'GET, HEAD'],
    ['POST', '/jessica/api/v1/models?x=1', 'GET, HEAD'],
    ['GET', '/jessica/api/v1/tts', 'POST'],
    ['PUT', '/jessica/api/v1/tts/stream', 'POST'],
    ['POST', '/jessica/ws', 'GET, HEAD'],
    ['PUT', '/jessica/mcp', 'POST'],
    ['GET', '/jessica/mcp', 'POST'],
  ])('%s %s (a known path) is a JSON 405 with Allow: %s', async (method, url, allow) => {
    const app = await makeApp();
    const res = await app.inject({ method: method as 'GET', url, payload: method === 'GET' ? undefined : {} });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe(allow);
    expect(res.json()).toEqual({ error: 'method_not_allowed', message: expect.any(String) });
    expect(res.json().message).toMatch(new RegExp(`^${method} is not allowed on ${url.split('?')[0]}; allowed: ${allow}($| \\(the MCP endpoint is stateless)`));
    // Every method Allow names is served (not 404/405).
    for (const listed of allow.split(', ')) {
      const served = await app.inject({ method: listed as 'GET', url, payload: listed === 'POST' ? {} : undefined, headers: { accept: 'application/json, text/event-stream' } });
      expect([listed, served.statusCode]).not.toEqual([listed, 404]);
      expect([listed, served.statusCode]).not.toEqual([listed, 405]);
    }
  });

  test('HEAD on a POST-only path is 405; with CORS the Allow header names OPTIONS', async () => {
    const app = await makeApp({ CORS_ALLOW_ORIGINS: 'https://jessica.example.com' });
    const head = await app.inject({ method: 'HEAD', url: '/jessica/api/v1/tts' });
    expect(head.statusCode).toBe(405);
    expect(head.headers.allow).toBe('OPTIONS, POST');
    const put = await app.inject({ method: 'PUT', url: '/jessica/api/v1/config' });
    expect(put.headers.allow).toBe('GET, HEAD, OPTIONS, POST');
    const preflight = await app.inject({ method: 'OPTIONS', url: '/jessica/api/v1/config', headers: { 'origin': 'https://jessica.example.com', 'access-control-request-method': 'POST' } });
    expect(preflight.statusCode).toBe(204);
  });

  test('root mode (ROOT_PATH empty) serves /health, not /jessica/health', async () => {
    const app = await makeApp({ ROOT_PATH: '', SERVICE_NAME: 'speaker' });
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toMatchObject({ status: 'ok', service: 'speaker' });
    expect((await app.inject({ method: 'GET', url: '/api/v1/voices' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/jessica/health' })).statusCode).toBe(404);
  });

  test('a nested prefix', async () => {
    const app = await makeApp({ ROOT_PATH: '/team/jessica' });
    expect((await app.inject({ method: 'GET', url: '/team/jessica/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/jessica/health' })).statusCode).toBe(404);
  });
});

describe('voices and models', () => {
  test('GET /api/v1/voices lists { voice_id, name } with the key in xi-api-key', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/jessica/api/v1/voices' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(STAND_IN_VOICES.map((v) => ({ voice_id: v.voice_id, name: v.name })));
    expect(standIn.requests).toEqual([expect.objectContaining({ method: 'GET', url: '/v1/voices', apiKey: standIn.apiKey })]);
  });

  test('the voice list is cached for VOICES_CACHE_SECONDS', async () => {
    const cached = await makeApp();
    await cached.inject({ method: 'GET', url: '/jessica/api/v1/voices' });
    await cached.inject({ method: 'GET', url: '/jessica/api/v1/voices' });
    expect(standIn.requests).toHaveLength(1);

    standIn.reset();
    const uncached = await makeApp({ VOICES_CACHE_SECONDS: '0' });
    await uncached.inject({ method: 'GET', url: '/jessica/api/v1/voices' });
    await uncached.inject({ method: 'GET', url: '/jessica/api/v1/voices' });
    expect(standIn.requests).toHaveLength(2);
  });

  test('?limit=N returns the first N', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/jessica/api/v1/voices?limit=2' });
    expect(res.json()).toHaveLength(2);
  });

  test.each(['0', '101', 'abc', '1.5', ''])('?limit=%s is 400 invalid_request', async (limit) => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: `/jessica/api/v1/voices?limit=${limit}` });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', message: expect.stringContaining('limit') });
  });

  test('GET /api/v1/models lists the text-to-speech models', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/jessica/api/v1/models' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(STAND_IN_MODELS.filter((m) => m.can_do_text_to_speech).map((m) => ({ model_id: m.model_id, name: m.name })));
  });
});

describe('POST /api/v1/tts/stream', () => {
  test('streams the MP3 as it arrives, without buffering the clip', async () => {
    const { base } = await startApp();
    standIn.holdLastChunk();
    const res = await postJson(`${base}/api/v1/tts/stream`, { text: 'Hello from Jessica' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('audio/mpeg');
    expect(res.headers.get('cache-control')).toBe('no-cache');

    const reader = res.body!.getReader();
    const received: Buffer[] = [];
    const first = await withTimeout(reader.read(), 'the first audio bytes');
    expect(first.done).toBe(false);
    received.push(Buffer.from(first.value!));
    // The stand-in is still holding its last chunk back: the service cannot have the whole clip.
    expect(standIn.chunksWritten).toBeLessThan(standIn.chunkCount);
    expect(standIn.completedStreams).toBe(0);

    standIn.releaseLastChunk();
    for (;;) {
      const { done, value } = await withTimeout(reader.read(), 'more audio');
      if (done) break;
      received.push(Buffer.from(value));
    }
    expect(Buffer.concat(received).equals(HELLO_MP3)).toBe(true);

    const [upstream] = standIn.ttsRequests;
    expect(upstream.url).toBe(`/v1/text-to-speech/${JESSICA}/stream?output_format=mp3_44100_128`);
    expect(upstream.apiKey).toBe(standIn.apiKey);
    expect(upstream.contentType).toBe('application/json');
    expect(JSON.parse(upstream.body)).toEqual({ text: 'Hello from Jessica', model_id: 'eleven_flash_v2_5' });
  });

  test('voice_id and model_id are passed on', async () => {
    const { base } = await startApp();
    const res = await postJson(`${base}/api/v1/tts/stream`, { text: 'Hi', voice_id: RACHEL, model_id: 'eleven_multilingual_v2' });
    expect(Buffer.from(await res.arrayBuffer()).equals(HELLO_MP3)).toBe(true);
    const [upstream] = standIn.ttsRequests;
    expect(upstream.url).toContain(`/v1/text-to-speech/${RACHEL}/stream`);
    expect(JSON.parse(upstream.body)).toEqual({ text: 'Hi', model_id: 'eleven_multilingual_v2' });
  });

  test('a client that goes away cancels the upstream request', async () => {
    const { base } = await startApp();
    standIn.holdLastChunk();
    // node:http rather than fetch: an aborted fetch makes undici open a spare idle connection, which
    // would hold app.close() until the server's headers timeout.
    const req = httpRequest(`${base}/api/v1/tts/stream`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    const firstBytes = new Promise<number>((resolve) => req.on('response', (res) => res.once('data', (data: Buffer) => resolve(data.length))));
    req.end(JSON.stringify({ text: 'Hello' }));
    expect(await withTimeout(firstBytes, 'the first audio bytes')).toBeGreaterThan(0);
    req.destroy();
    // The upstream request is cancelled while the stand-in still holds its last chunk back, i.e.
    // at once and not when the next chunk arrives.
    await waitUntil(() => standIn.abortedStreams === 1, 'the upstream request to be cancelled');
    standIn.releaseLastChunk();
    expect(standIn.completedStreams).toBe(0);
  });

  test('a client that goes away before the first audio bytes cancels the upstream request too', async () => {
    const { base } = await startApp();
    standIn.stallAfterHeaders = true;
    const req = httpRequest(`${base}/api/v1/tts/stream`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(JSON.stringify({ text: 'Hello' }));
    // The stand-in has the request and sends no audio: the service is waiting for the first bytes.
    await waitUntil(() => standIn.ttsRequests.length === 1, 'the upstream request');
    req.destroy();
    await waitUntil(() => standIn.abortedStreams === 1, 'the upstream request to be cancelled');
    expect(processProblems).toEqual([]);
  });

  test('an upstream stream that sends no audio after its headers is 502 after ELEVENLABS_IDLE_TIMEOUT_MS', async () => {
    const { base } = await startApp({ ELEVENLABS_IDLE_TIMEOUT_MS: '300' });
    standIn.stallAfterHeaders = true;
    const res = await withTimeout(postJson(`${base}/api/v1/tts/stream`, { text: 'Hello' }), 'the answer to a stalled synthesis');
    expect(res.status).toBe(502);
    expect(await res.json()).toEqual({ error: 'upstream_error', message: expect.stringContaining('no audio for 300 ms') });
    await waitUntil(() => standIn.abortedStreams === 1, 'the stalled upstream request to be cancelled');
  });

  test('an upstream stream that stalls mid-clip ends the response after ELEVENLABS_IDLE_TIMEOUT_MS', async () => {
    const { base } = await startApp({ ELEVENLABS_IDLE_TIMEOUT_MS: '300' });
    standIn.holdLastChunk();
    const res = await postJson(`${base}/api/v1/tts/stream`, { text: 'Hello' });
    expect(res.status).toBe(200);
    const bytes = await withTimeout(res.arrayBuffer().then((b) => b.byteLength, () => -1), 'the stalled response to end');
    expect(bytes).not.toBe(HELLO_MP3.length);
    await waitUntil(() => standIn.abortedStreams === 1, 'the stalled upstream request to be cancelled');
  });

  test('an upstream that sends no headers within ELEVENLABS_IDLE_TIMEOUT_MS is 502 after about that time, not after 30 s', async () => {
    const { base } = await startApp({ ELEVENLABS_IDLE_TIMEOUT_MS: '300' });
    standIn.headersDelayMs = 3000;
    const started = Date.now();
    const res = await withTimeout(postJson(`${base}/api/v1/tts/stream`, { text: 'Hello' }), 'the answer to a synthesis without headers');
    const elapsed = Date.now() - started;
    const body = await res.text();
    expect(res.status).toBe(502);
    expect(JSON.parse(body)).toEqual({ error: 'upstream_error', message: expect.stringContaining('no answer within 300 ms') });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2000);
    await waitUntil(() => standIn.abortedStreams === 1, 'the upstream request to be cancelled');
  });

  test('an upstream stream that breaks after the headers ends the response early; the service survives', async () => {
    const { base } = await startApp();
    standIn.breakAfterFirstChunk = true;
    const res = await postJson(`${base}/api/v1/tts/stream`, { text: 'Hello' });
    expect(res.status).toBe(200);
    const read = res.arrayBuffer().then((b) => b.byteLength, () => -1);
    const bytes = await withTimeout(read, 'the broken response');
    expect(bytes).not.toBe(HELLO_MP3.length);
    expect((await fetch(`${base}/health`)).status).toBe(200);
  });
});

describe('bad input is a JSON 4xx', () => {
  const speechPaths = ['/jessica/api/v1/tts', '/jessica/api/v1/tts/stream'];
  const jsonPaths = [...speechPaths, '/jessica/api/v1/config', '/jessica/mcp'];

  test.each(jsonPaths)('%s: malformed JSON is 400 invalid_json', async (url) => {
    const app = await makeApp();
    for (const payload of ['{"text": ', '{text: "hi"}', '{"text": "hi"} x']) {
      const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'invalid_json', message: expect.any(String) });
    }
    const empty = await app.inject({ method: 'POST', url, payload: '', headers: { 'content-type': 'application/json' } });
    expect(empty.json()).toMatchObject({ error: 'invalid_json' });
  });

  test.each(jsonPaths)('%s: a __proto__ or constructor.prototype key (valid JSON) is 400 forbidden_key naming the key', async (url) => {
    const app = await makeApp();
    const cases: Array<[string, string]> = [
      ['{"text": "hi", "__proto__": {"polluted": true}}', '"__proto__"'],
      ['{"text": "hi", "voice": {"__proto__": {"polluted": true}}}', '"__proto__"'],
      ['{"text": "hi", "\\u005f_proto__": {}}', '"__proto__"'],
      ['{"text": "hi", "constructor": {"prototype": {"polluted": true}}}', '"constructor" holding a "prototype"'],
      ['[{"constructor": {"prototype": {}}}]', '"constructor" holding a "prototype"'],
    ];
    for (const [payload, key] of cases) {
      const res = await app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', 'accept': 'application/json, text/event-stream' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'forbidden_key', message: expect.stringContaining(`the request body contains the key ${key}`) });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(standIn.ttsRequests).toHaveLength(0);
  });

  test('"constructor" as a plain field is an unknown field, not a forbidden key', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: '{"text": "hi", "constructor": 1}', headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', message: 'unknown field: constructor' });
  });

  test.each(jsonPaths)('%s: a non-JSON content type is 415 unsupported_media_type', async (url) => {
    const app = await makeApp();
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml']) {
      const res = await app.inject({ method: 'POST', url, payload: 'text=hi', headers: { 'content-type': contentType } });
      expect(res.statusCode).toBe(415);
      expect(res.json()).toEqual({ error: 'unsupported_media_type', message: expect.stringContaining('application/json') });
    }
    const charset = await app.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: '{}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(charset.statusCode).toBe(200);
  });

  test.each([
    ['missing text', {}, 'text is required'],
    ['empty text', { text: '' }, 'text must not be empty'],
    ['blank text', { text: '   ' }, 'text must not be empty'],
    ['numeric text', { text: 42 }, 'text must be a string'],
    ['null text', { text: null }, 'text must be a string'],
    ['array text', { text: ['a'] }, 'text must be a string'],
    ['numeric voice_id', { text: 'hi', voice_id: 7 }, 'voice_id must be a string'],
    ['malformed voice_id', { text: 'hi', voice_id: '../../v1/user' }, 'voice_id must be'],
    ['malformed model_id', { text: 'hi', model_id: 'Eleven Flash' }, 'model_id must be'],
    ['unknown field', { text: 'hi', voiceId: RACHEL }, 'unknown field: voiceId'],
    ['a JSON array', ['hi'], 'JSON object'],
    ['a JSON string', 'hi', 'JSON object'],
  ])('%s is 400 invalid_request naming the field', async (_name, body, message) => {
    const app = await makeApp();
    for (const url of speechPaths) {
      const res = await app.inject({ method: 'POST', url, payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toEqual({ error: 'invalid_request', message: expect.stringContaining(message) });
    }
    expect(standIn.ttsRequests).toHaveLength(0);
  });

  test('text over MAX_TEXT_LENGTH is 400 text_too_long; at the limit it is accepted', async () => {
    const app = await makeApp();
    const tooLong = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: { text: 'a'.repeat(MAX_TEXT + 1) } });
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json()).toEqual({ error: 'text_too_long', message: expect.stringContaining(String(MAX_TEXT)) });
    const atLimit = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: { text: 'a'.repeat(MAX_TEXT) } });
    expect(atLimit.statusCode).toBe(200);
    expect(atLimit.rawPayload.equals(HELLO_MP3)).toBe(true);
  });

  test('a body over BODY_LIMIT_BYTES is 413 payload_too_large', async () => {
    const app = await makeApp({ MAX_TEXT_LENGTH: '100000' });
    for (const url of jsonPaths) {
      const res = await app.inject({ method: 'POST', url, payload: { text: 'a'.repeat(70_000) }, headers: { accept: 'application/json, text/event-stream' } });
      expect(res.statusCode).toBe(413);
      expect(res.json()).toEqual({ error: 'payload_too_large', message: expect.any(String) });
    }
    expect(standIn.ttsRequests).toHaveLength(0);
    const small = await makeApp({ BODY_LIMIT_BYTES: '2048' });
    const res2 = await small.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { default_model_id: 'a'.repeat(3000) } });
    expect(res2.statusCode).toBe(413);
  });

  test('a voice_id that is not in the voice list is 422 unknown_voice, before any synthesis', async () => {
    const app = await makeApp();
    for (const url of speechPaths) {
      const res = await app.inject({ method: 'POST', url, payload: { text: 'hi', voice_id: UNKNOWN_VOICE } });
      expect(res.statusCode).toBe(422);
      expect(res.json()).toEqual({ error: 'unknown_voice', message: expect.stringContaining(UNKNOWN_VOICE) });
    }
    expect(standIn.ttsRequests).toHaveLength(0);
  });
});

describe('without an API key', () => {
  test('the placeholder of the secret that TtsService creates counts as no key: health false, speech 503, ElevenLabs never called', async () => {
    expect(PLACEHOLDER_API_KEY).toBe(TtsService.PLACEHOLDER_API_KEY);
    expect(loadConfig({ ELEVENLABS_API_KEY: ` ${TtsService.PLACEHOLDER_API_KEY} ` }).elevenLabsApiKey).toBeUndefined();
    const app = await makeApp({ ELEVENLABS_API_KEY: TtsService.PLACEHOLDER_API_KEY });
    const health = await app.inject({ method: 'GET', url: '/jessica/health' });
    expect(health.json()).toMatchObject({ status: 'ok', elevenlabs_api_key: false });
    const speech = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: { text: 'hi' } });
    expect(speech.statusCode).toBe(503);
    expect(speech.json()).toEqual({ error: 'elevenlabs_key_missing', message: expect.stringContaining('ELEVENLABS_API_KEY') });
    expect(standIn.requests).toHaveLength(0);
  });

  test('speech, voices and models are 503 elevenlabs_key_missing; health says false', async () => {
    const app = await makeApp({ ELEVENLABS_API_KEY: '' });
    const health = await app.inject({ method: 'GET', url: '/jessica/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toMatchObject({ status: 'ok', elevenlabs_api_key: false });

    for (const [method, url] of [['GET', '/api/v1/voices'], ['GET', '/api/v1/models'], ['POST', '/api/v1/tts'], ['POST', '/api/v1/tts/stream']]) {
      const res = await app.inject({ method: method as 'GET', url: `/jessica${url}`, ...(method === 'POST' ? { payload: { text: 'hi' } } : {}) });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: 'elevenlabs_key_missing', message: expect.stringContaining('ELEVENLABS_API_KEY') });
    }
    // Settings do not need ElevenLabs: a new default voice is only checked for its format.
    expect((await app.inject({ method: 'GET', url: '/jessica/api/v1/config' })).statusCode).toBe(200);
    const voice = await app.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { default_voice_id: UNKNOWN_VOICE } });
    expect(voice.statusCode).toBe(200);
    expect(voice.json()).toMatchObject({ default_voice_id: UNKNOWN_VOICE });
    expect(standIn.requests).toHaveLength(0);
  });

  test('a WebSocket tts_request gets an error message; MCP speak_text and list_voices are tool errors', async () => {
    const { base, wsUrl } = await startApp({ ELEVENLABS_API_KEY: undefined });
    const client = await TestClient.connect(wsUrl);
    client.send({ type: 'tts_request', text: 'hi' });
    expect(await client.next()).toEqual({ type: 'error', message: expect.stringContaining('ELEVENLABS_API_KEY') });

    const speak = await mcp(base, 1, 'tools/call', { name: 'speak_text', arguments: { text: 'hi' } });
    expect(speak.body.result).toEqual({ isError: true, content: [{ type: 'text', text: expect.stringContaining('ELEVENLABS_API_KEY is not configured') }] });
    const voices = await mcp(base, 2, 'tools/call', { name: 'list_voices', arguments: {} });
    expect(voices.body.result.isError).toBe(true);
  });
});

describe('upstream failures are 502 upstream_error', () => {
  test('ElevenLabs answering 500', async () => {
    const app = await makeApp();
    standIn.failStatus = 500;
    for (const [method, url] of [['GET', '/api/v1/voices'], ['GET', '/api/v1/models'], ['POST', '/api/v1/tts/stream']]) {
      const res = await app.inject({ method: method as 'GET', url: `/jessica${url}`, ...(method === 'POST' ? { payload: { text: 'hi' } } : {}) });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual({ error: 'upstream_error', message: expect.stringContaining('HTTP 500') });
    }
    // The voice list is needed to check a voice: it fails the same way.
    const withVoice = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts', payload: { text: 'hi', voice_id: RACHEL } });
    expect(withVoice.statusCode).toBe(502);
  });

  test('ElevenLabs rejecting the key (401): 502 saying so, never the key', async () => {
    const wrongKey = 'sk_wrong_key_must_never_leak_42';
    const app = await makeApp({ ELEVENLABS_API_KEY: wrongKey });
    for (const [method, url] of [['GET', '/api/v1/voices'], ['POST', '/api/v1/tts/stream']]) {
      const res = await app.inject({ method: method as 'GET', url: `/jessica${url}`, ...(method === 'POST' ? { payload: { text: 'hi' } } : {}) });
      expect(res.statusCode).toBe(502);
      expect(res.json()).toEqual({ error: 'upstream_error', message: expect.stringContaining('rejected the API key; check ELEVENLABS_API_KEY') });
      expect(res.json().message).toContain('invalid_api_key');
      expect(res.body).not.toContain(wrongKey);
      expect(res.body).not.toContain(standIn.apiKey);
      expect(res.body).not.toMatch(/\bat .+:\d+:\d+/); // no stack trace
    }
    expect(standIn.requests.every((r) => r.apiKey === wrongKey)).toBe(true);
  });

  test('ElevenLabs not knowing the configured default voice (404)', async () => {
    // Stored while the voice still existed (POST /api/v1/config refuses unknown voices).
    const app = await makeApp({}, { configStore: new MemoryConfigStore({ ...DEFAULT_SETTINGS, default_voice_id: UNKNOWN_VOICE }) });
    const res = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: { text: 'hi' } });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({ error: 'upstream_error', message: expect.stringContaining('HTTP 404') });
    expect(res.json().message).toContain('voice_not_found');
    expect(standIn.ttsRequests[0].url).toContain(UNKNOWN_VOICE);
  });

  test.each([
    ['quota_exceeded', 401, { status: 'quota_exceeded', message: 'This request exceeds your quota of 10000.' }, ['HTTP 401', 'quota_exceeded: This request exceeds your quota']],
    ['detected_unusual_activity', 401, { status: 'detected_unusual_activity', message: 'Unusual activity detected.' }, ['HTTP 401', 'detected_unusual_activity']],
    ['a string detail', 429, 'Too many concurrent requests', ['HTTP 429', '(Too many concurrent requests)']],
    ['control characters and the key in the detail', 400, { status: 'bad', message: `line one\nline two ${standIn.apiKey}` }, ['bad: line one line two [redacted]']],
  ])('ElevenLabs answering an error with %s: 502 quoting it, not blaming the key', async (_name, status, detail, expected) => {
    const app = await makeApp();
    standIn.failStatus = status;
    standIn.failDetail = detail;
    for (const [method, url] of [['GET', '/api/v1/models'], ['POST', '/api/v1/tts/stream']]) {
      const res = await app.inject({ method: method as 'GET', url: `/jessica${url}`, ...(method === 'POST' ? { payload: { text: 'hi' } } : {}) });
      expect(res.statusCode).toBe(502);
      const { error, message } = res.json();
      expect(error).toBe('upstream_error');
      for (const part of expected) expect(message).toContain(part);
      expect(message).not.toContain('ELEVENLABS_API_KEY');
      expect(message).not.toContain(standIn.apiKey);
    }
  });

  test('ElevenLabs answering 401 without a detail: 502 blaming the key', async () => {
    const app = await makeApp();
    standIn.failStatus = 401;
    standIn.failDetail = null;
    const res = await app.inject({ method: 'GET', url: '/jessica/api/v1/models' });
    expect(res.json()).toEqual({ error: 'upstream_error', message: expect.stringContaining('HTTP 401 for GET /v1/models: it rejected the API key') });
  });

  test('a long detail is quoted in part', async () => {
    const app = await makeApp();
    standIn.failStatus = 500;
    standIn.failDetail = { status: 'internal_error', message: 'y'.repeat(1000) };
    const { message } = (await app.inject({ method: 'GET', url: '/jessica/api/v1/models' })).json();
    expect(message).toBe(`ElevenLabs answered HTTP 500 for GET /v1/models (internal_error: ${'y'.repeat(284)}...)`);
  });

  test('a huge error body is read only in part and not quoted', async () => {
    const app = await makeApp();
    standIn.failStatus = 500;
    standIn.failDetail = { status: 'internal_error', message: 'x'.repeat(1_000_000) };
    const res = await withTimeout(app.inject({ method: 'GET', url: '/jessica/api/v1/models' }), 'the answer');
    expect(res.statusCode).toBe(502);
    expect(res.json().message).toBe('ElevenLabs answered HTTP 500 for GET /v1/models');
  });

  test('ElevenLabs not reachable', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const app = await makeApp({ ELEVENLABS_BASE_URL: `http://127.0.0.1:${port}` });
    const res = await app.inject({ method: 'GET', url: '/jessica/api/v1/voices' });
    expect(res.statusCode).toBe(502);
    expect(res.json()).toEqual({ error: 'upstream_error', message: expect.stringContaining('could not reach ElevenLabs') });
  });

  test('an injected fetch that fails (deps.fetch)', async () => {
    const calls: Array<{ url: string; key?: string }> = [];
    const app = await makeApp({}, {
      fetch: async (url, init) => {
        calls.push({ url, key: (init.headers as Record<string, string>)['xi-api-key'] });
        throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      },
    });
    const res = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: { text: 'hi' } });
    expect(res.statusCode).toBe(502);
    expect(res.json().message).toContain('ECONNRESET');
    expect(calls).toEqual([{ url: `${standIn.url}/v1/text-to-speech/${JESSICA}/stream?output_format=mp3_44100_128`, key: standIn.apiKey }]);
  });
});

describe('WebSocket /ws', () => {
  test('tts_request: audio_start, chunks of at most 16384 bytes that make up the MP3, audio_complete', async () => {
    const { base, wsUrl } = await startApp();
    const client = await TestClient.connect(wsUrl);
    await waitUntil(async () => (await (await fetch(`${base}/health`)).json() as Json).websocket_clients === 1, 'health to count the client');

    client.send({ type: 'tts_request', text: 'Hello over the socket', voice_id: RACHEL });
    const clip = await client.clip();
    expect(clip.error).toBeUndefined();
    expect(clip.start).toEqual({ type: 'audio_start', text: 'Hello over the socket', voice_id: RACHEL });
    expect(clip.chunks.length).toBeGreaterThanOrEqual(2);
    clip.chunks.forEach((chunk, index) => {
      expect(Object.keys(chunk).sort()).toEqual(['chunk_index', 'data', 'type']);
      expect(chunk.chunk_index).toBe(index);
      expect(Buffer.from(chunk.data, 'base64').length).toBeLessThanOrEqual(16384);
    });
    expect(clip.complete).toEqual({ type: 'audio_complete', total_chunks: clip.chunks.length });
    expect(clip.audio.equals(HELLO_MP3)).toBe(true);
    expect(Math.max(...client.frameSizes)).toBeLessThan(32 * 1024);
    expect(standIn.ttsRequests[0].url).toContain(RACHEL);
  });

  test('bad frames get an error message and the connection keeps working', async () => {
    const { wsUrl } = await startApp();
    const client = await TestClient.connect(wsUrl);
    const cases: Array<[unknown, string]> = [
      ['{not json', 'not valid JSON'],
      ['[1,2]', 'JSON object'],
      [{ type: 'say', text: 'hi' }, 'unknown message type'],
      [{ text: 'hi' }, 'unknown message type'],
      [{ type: 'tts_request' }, 'text is required'],
      [{ type: 'tts_request', text: '' }, 'text must not be empty'],
      [{ type: 'tts_request', text: 5 }, 'text must be a string'],
      [{ type: 'tts_request', text: 'a'.repeat(MAX_TEXT + 1) }, `at most ${MAX_TEXT}`],
      [{ type: 'tts_request', text: 'hi', voice_id: UNKNOWN_VOICE }, 'not one of the account'],
      ['{"type": "tts_request", "text": "hi", "__proto__": {"type": "x"}}', 'the message contains the key "__proto__"'],
      ['{"type": "tts_request", "text": "hi", "constructor": {"prototype": {}}}', 'the message contains the key "constructor"'],
    ];
    for (const [frame, message] of cases) {
      client.send(frame);
      expect(await client.next()).toEqual({ type: 'error', message: expect.stringContaining(message) });
    }
    client.socket.send(Buffer.from([1, 2, 3]));
    // ws sends Buffers as binary frames.
    expect(await client.next()).toEqual({ type: 'error', message: expect.stringContaining('binary') });

    client.send({ type: 'tts_request', text: 'still here' });
    const clip = await client.clip();
    expect(clip.audio.equals(HELLO_MP3)).toBe(true);
    expect(standIn.ttsRequests).toHaveLength(1);
  });

  test('an upstream failure is an error message', async () => {
    const { wsUrl } = await startApp();
    const client = await TestClient.connect(wsUrl);
    standIn.failStatus = 500;
    client.send({ type: 'tts_request', text: 'hi' });
    expect(await client.next()).toEqual({ type: 'error', message: expect.stringContaining('HTTP 500') });

    standIn.failStatus = undefined;
    standIn.breakAfterFirstChunk = true;
    client.send({ type: 'tts_request', text: 'hi' });
    const clip = await client.clip();
    expect(clip.start).toMatchObject({ type: 'audio_start' });
    expect(clip.error).toEqual({ type: 'error', message: expect.stringContaining('broke off') });
  });

  test('a clip whose upstream stream stalls ends with an error after ELEVENLABS_IDLE_TIMEOUT_MS; the next clip plays', async () => {
    const { wsUrl } = await startApp({ ELEVENLABS_IDLE_TIMEOUT_MS: '300' });
    const client = await TestClient.connect(wsUrl);
    standIn.holdLastChunk();
    client.send({ type: 'tts_request', text: 'one' });
    client.send({ type: 'tts_request', text: 'two' });
    const one = await client.clip();
    expect(one.start).toMatchObject({ type: 'audio_start', text: 'one' });
    expect(one.error).toEqual({ type: 'error', message: expect.stringContaining('no audio for 300 ms') });
    await waitUntil(() => standIn.abortedStreams === 1, 'the stalled upstream request to be cancelled');
    standIn.releaseLastChunk();
    const two = await client.clip();
    expect(two.start?.text).toBe('two');
    expect(two.audio.equals(HELLO_MP3)).toBe(true);
  });

  test('a stream that sends no audio at all is an error message too; the next clip plays', async () => {
    const { wsUrl } = await startApp({ ELEVENLABS_IDLE_TIMEOUT_MS: '300' });
    const client = await TestClient.connect(wsUrl);
    standIn.stallAfterHeaders = true;
    client.send({ type: 'tts_request', text: 'one' });
    client.send({ type: 'tts_request', text: 'two' });
    // The second job starts only when the first is given up: clear the stall before that.
    await waitUntil(() => standIn.ttsRequests.length === 1, 'the first upstream request');
    standIn.stallAfterHeaders = false;
    expect(await client.next()).toEqual({ type: 'error', message: expect.stringContaining('no audio for 300 ms') });
    const two = await client.clip();
    expect(two.start?.text).toBe('two');
    expect(two.audio.equals(HELLO_MP3)).toBe(true);
  });

  test('audio_start of a maximum-length text with non-ASCII and control characters: every frame under 32 KB', async () => {
    const { base, wsUrl } = await startApp({ MAX_TEXT_LENGTH: '100000', BODY_LIMIT_BYTES: String(1024 * 1024) });
    const client = await TestClient.connect(wsUrl);
    const text = '\u0001ü€😀'.repeat(20_000);
    expect(text.length).toBe(100_000);
    expect((await postJson(`${base}/api/v1/tts`, { text })).status).toBe(202);
    const clip = await client.clip();
    expect(clip.audio.equals(HELLO_MP3)).toBe(true);
    expect(clip.start).toEqual({ type: 'audio_start', text: expect.any(String), text_truncated: true, voice_id: JESSICA });
    expect(clip.start!.text.length).toBeGreaterThan(0);
    expect(text.startsWith(clip.start!.text)).toBe(true);
    expect(client.frameSizes[0]).toBeLessThanOrEqual(2048 + 100);
    expect(Math.max(...client.frameSizes)).toBeLessThan(32 * 1024);
    // The whole text was synthesized.
    expect(JSON.parse(standIn.ttsRequests[0].body).text).toBe(text);
  });

  test('a text frame that is not valid UTF-8 closes that connection (1007); the service and other clients are unaffected', async () => {
    const lines: string[] = [];
    const { base, wsUrl } = await startApp({ LOG_LEVEL: 'info' }, { logStream: { write: (line) => void lines.push(line) } });
    const bad = await TestClient.connect(wsUrl);
    const other = await TestClient.connect(wsUrl);
    bad.socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await bad.waitClosed()).toBe(1007);
    other.send({ type: 'tts_request', text: 'hi' });
    expect((await other.clip()).audio.equals(HELLO_MP3)).toBe(true);
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(processProblems).toEqual([]);
    // The client's fault: logged, but not as a service error.
    const logged = lines.map((line) => JSON.parse(line));
    expect(logged).toContainEqual(expect.objectContaining({ level: 30, code: 'WS_ERR_INVALID_UTF8' }));
    expect(logged.filter((entry) => entry.level >= 50)).toEqual([]);
  });

  test('a frame over 64 KB closes that connection (1009); others are unaffected', async () => {
    const { wsUrl } = await startApp();
    const big = await TestClient.connect(wsUrl);
    const other = await TestClient.connect(wsUrl);
    big.send({ type: 'tts_request', text: 'a'.repeat(70 * 1024) });
    expect(await big.waitClosed()).toBe(1009);
    other.send({ type: 'tts_request', text: 'hi' });
    expect((await other.clip()).audio.equals(HELLO_MP3)).toBe(true);
  });

  test('POST /api/v1/tts answers 202 {} and pushes the clip to every connected client', async () => {
    const { base, wsUrl } = await startApp();
    const first = await TestClient.connect(wsUrl);
    const second = await TestClient.connect(wsUrl);
    const res = await postJson(`${base}/api/v1/tts`, { text: 'To everyone' });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({});
    for (const client of [first, second]) {
      const clip = await client.clip();
      expect(clip.start).toEqual({ type: 'audio_start', text: 'To everyone', voice_id: JESSICA });
      expect(clip.audio.equals(HELLO_MP3)).toBe(true);
    }
    // One synthesis for all clients.
    expect(standIn.ttsRequests).toHaveLength(1);
  });

  test('two clips never interleave on a client', async () => {
    const { base, wsUrl } = await startApp();
    const client = await TestClient.connect(wsUrl);
    expect((await postJson(`${base}/api/v1/tts`, { text: 'one' })).status).toBe(202);
    expect((await postJson(`${base}/api/v1/tts`, { text: 'two' })).status).toBe(202);
    const one = await client.clip();
    const two = await client.clip();
    expect([one.start?.text, two.start?.text]).toEqual(['one', 'two']);
    expect(one.audio.equals(HELLO_MP3) && two.audio.equals(HELLO_MP3)).toBe(true);
  });

  test('a client that disconnects mid-clip cancels the upstream request', async () => {
    const { wsUrl } = await startApp();
    const client = await TestClient.connect(wsUrl);
    standIn.holdLastChunk();
    client.send({ type: 'tts_request', text: 'Hello' });
    expect(await client.next()).toMatchObject({ type: 'audio_start' });
    client.terminate();
    // Cancelled while the stand-in still holds its last chunk back.
    await waitUntil(() => standIn.abortedStreams === 1, 'the upstream request to be cancelled');
    expect(standIn.completedStreams).toBe(0);
  });

  test('more than 16 waiting clips is 429 too_many_requests', async () => {
    const { base, wsUrl } = await startApp({ SPEECH_QUEUE_PER_CLIENT: '16' });
    const client = await TestClient.connect(wsUrl);
    standIn.holdLastChunk();
    for (let i = 0; i < 16; i++) {
      expect((await postJson(`${base}/api/v1/tts`, { text: `clip ${i}` })).status).toBe(202);
    }
    const refused = await postJson(`${base}/api/v1/tts`, { text: 'one too many' });
    expect(refused.status).toBe(429);
    // Nothing finished yet: the smallest honest estimate.
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ error: 'too_many_requests', message: expect.stringContaining('try again in 1 s') });
    // A tts_request over the socket is refused the same way, as an error message.
    client.send({ type: 'tts_request', text: 'one too many, over the socket' });
    const beforeError: string[] = [];
    for (let message = await client.next(); message.type !== 'error'; message = await client.next()) beforeError.push(message.type);
    expect(client.messages[client.messages.length - 1]).toEqual({ type: 'error', message: expect.stringContaining('already waiting') });
    // Only the parts of the first clip that were sent before the refusal.
    expect(beforeError[0]).toBe('audio_start');
    expect(beforeError).not.toContain('audio_complete');
    standIn.releaseLastChunk();
    const first = await client.clip();
    expect(first.audio.length).toBeGreaterThan(0);
    for (let i = 1; i < 16; i++) {
      const clip = await client.clip();
      expect(clip.start?.text).toBe(`clip ${i}`);
      expect(clip.audio.equals(HELLO_MP3)).toBe(true);
    }
  });

  test('the Retry-After of a full queue is the time the playing clip should still take, from the last clips', async () => {
    const { base, wsUrl } = await startApp({ SPEECH_QUEUE_PER_CLIENT: '16' });
    const client = await TestClient.connect(wsUrl);
    // One clip of about 3.2 s (4 chunks, 800 ms before each) to learn from.
    standIn.chunkDelayMs = 800;
    const started = Date.now();
    expect((await postJson(`${base}/api/v1/tts`, { text: 'a slow clip' })).status).toBe(202);
    expect((await client.clip()).audio.equals(HELLO_MP3)).toBe(true);
    const clipMs = Date.now() - started;
    standIn.holdLastChunk();
    const filled = Date.now();
    for (let i = 0; i < 16; i++) expect((await postJson(`${base}/api/v1/tts`, { text: `clip ${i}` })).status).toBe(202);
    const refused = await postJson(`${base}/api/v1/tts`, { text: 'one too many' });
    const elapsed = Date.now() - filled;
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(Math.max(1, Math.floor((clipMs - elapsed) / 1000) - 1));
    expect(retryAfter).toBeLessThanOrEqual(Math.ceil(clipMs / 1000));
    expect(retryAfter).toBeGreaterThanOrEqual(2);
    expect((await refused.json()).message).toContain(`try again in ${retryAfter} s`);
  });

  test('one client gets at most SPEECH_QUEUE_PER_CLIENT clips of the queue (429 client_queue_full), others are still served; the client is the X-Forwarded-For entry TRUSTED_PROXY_HOPS from the right', async () => {
    const { base, wsUrl } = await startApp({ TRUSTED_PROXY_HOPS: '2' });
    const listener = await TestClient.connect(wsUrl);
    standIn.holdLastChunk();
    // As CloudFront and the ALB send it: <what the client sent>, <client>, <CloudFront>. The
    // client-supplied entry changes with every request; the client stays 203.0.113.7.
    const asClient = (client: string, spoofed: string): Record<string, string> => ({ 'x-forwarded-for': `${spoofed}, ${client}, 10.0.0.99` });
    for (let i = 0; i < 4; i++) {
      expect((await postJson(`${base}/api/v1/tts`, { text: `a ${i}` }, asClient('203.0.113.7', `198.51.100.${i}`))).status).toBe(202);
    }
    const refused = await postJson(`${base}/api/v1/tts`, { text: 'a 4' }, asClient('203.0.113.7', '198.51.100.200'));
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^[1-9]\d*$/);
    expect(await refused.json()).toEqual({ error: 'client_queue_full', message: expect.stringContaining('at most 4 per client') });
    // Another client is served while the first one's share is full.
    expect((await postJson(`${base}/api/v1/tts`, { text: 'b 0' }, asClient('203.0.113.8', '198.51.100.0'))).status).toBe(202);
    // The WebSocket client's own requests count under its address (no X-Forwarded-For: the connection's).
    listener.send({ type: 'tts_request', text: 'c 0' });
    standIn.releaseLastChunk();
    const texts: string[] = [];
    for (let i = 0; i < 6; i++) texts.push((await listener.clip()).start?.text);
    expect(texts).toEqual(['a 0', 'a 1', 'a 2', 'a 3', 'b 0', 'c 0']);
    // Once its clips are done, the first client is served again.
    expect((await postJson(`${base}/api/v1/tts`, { text: 'a 5' }, asClient('203.0.113.7', '198.51.100.201'))).status).toBe(202);
  });

  test('with CLIENT_ADDRESS_HEADER (the front door\'s x-viewer-address) the client is that header: a forged X-Forwarded-For changes nothing', async () => {
    const { base, wsUrl } = await startApp({ CLIENT_ADDRESS_HEADER: 'x-viewer-address', TRUSTED_PROXY_HOPS: '2' });
    const listener = await TestClient.connect(wsUrl);
    standIn.holdLastChunk();
    // Every request forges another X-Forwarded-For chain (as a client behind an HTTP API that
    // passes it on unchanged could); the header the front door sets stays 203.0.113.7.
    const asViewer = (viewer: string, i: number): Record<string, string> => ({
      'x-viewer-address': viewer, 'x-forwarded-for': `198.51.100.${i}, 192.0.2.${i}, 10.0.0.${i}`,
    });
    for (let i = 0; i < 4; i++) {
      expect((await postJson(`${base}/api/v1/tts`, { text: `a ${i}` }, asViewer('203.0.113.7', i))).status).toBe(202);
    }
    const refused = await postJson(`${base}/api/v1/tts`, { text: 'a 4' }, asViewer('203.0.113.7', 99));
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ error: 'client_queue_full' });
    expect((await postJson(`${base}/api/v1/tts`, { text: 'b 0' }, asViewer('203.0.113.8', 5))).status).toBe(202);
    standIn.releaseLastChunk();
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) texts.push((await listener.clip()).start?.text);
    expect(texts).toEqual(['a 0', 'a 1', 'a 2', 'a 3', 'b 0']);
  });

  test('a bad CLIENT_ADDRESS_HEADER stops the start with a message naming it', () => {
    expect(() => loadConfig({ CLIENT_ADDRESS_HEADER: 'x viewer' })).toThrow(/CLIENT_ADDRESS_HEADER="x viewer": expected a header name/);
  });

  test('a plain GET /ws is 426 JSON', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/jessica/ws' });
    expect(res.statusCode).toBe(426);
    expect(res.json()).toMatchObject({ error: 'upgrade_required' });
  });

  test('closing the app closes the clients with 1001', async () => {
    const { app, wsUrl } = await startApp();
    const client = await TestClient.connect(wsUrl);
    await app.close();
    expect(await client.waitClosed()).toBe(1001);
  });
});

describe('REQUEST_TIMEOUT_MS', () => {
  const portOf = (app: Awaited<ReturnType<typeof startApp>>['app']): number => (app.server.address() as AddressInfo).port;

  test('a body that stops arriving is answered 408 request_timeout (JSON) and closed after about REQUEST_TIMEOUT_MS', async () => {
    const { app } = await startApp({ REQUEST_TIMEOUT_MS: '500' });
    const partial = 'POST /jessica/api/v1/tts/stream HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"text": "He';
    const answer = await rawRequest(portOf(app), partial, 5000);
    expect(answer.status).toBe(408);
    expect(answer.headers.connection).toBe('close');
    expect(JSON.parse(answer.body)).toEqual({ error: 'request_timeout', message: expect.stringContaining('did not arrive in time') });
    expect(answer.closedAfterMs).toBeGreaterThanOrEqual(450);
    expect(answer.closedAfterMs).toBeLessThan(2000);
    expect(standIn.ttsRequests).toHaveLength(0);
    expect((await fetch(`http://127.0.0.1:${portOf(app)}/jessica/health`)).status).toBe(200);
  });

  test('headers that stop arriving are answered 408 request_timeout (JSON) too', async () => {
    const { app } = await startApp({ REQUEST_TIMEOUT_MS: '500' });
    const answer = await rawRequest(portOf(app), 'GET /jessica/health HTTP/1.1\r\nHost: x\r\nX-Slow: ', 5000);
    expect(answer.status).toBe(408);
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'request_timeout' });
    expect(answer.closedAfterMs).toBeLessThan(2000);
  });

  test('a speech stream that takes longer than REQUEST_TIMEOUT_MS to send is not cut (the limit covers the request only)', async () => {
    const { base } = await startApp({ REQUEST_TIMEOUT_MS: '300' });
    standIn.chunkDelayMs = 250; // 4 chunks: about 1 s, over three times the limit
    const started = Date.now();
    const res = await postJson(`${base}/api/v1/tts/stream`, { text: 'Hello' });
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(HELLO_MP3)).toBe(true);
    expect(Date.now() - started).toBeGreaterThan(900);
  });

  test('a WebSocket open longer than REQUEST_TIMEOUT_MS keeps working', async () => {
    const { wsUrl } = await startApp({ REQUEST_TIMEOUT_MS: '300' });
    const client = await TestClient.connect(wsUrl);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    client.send({ type: 'tts_request', text: 'still connected' });
    expect((await client.clip()).audio.equals(HELLO_MP3)).toBe(true);
    expect(client.closed).toBeUndefined();
  });
});

describe('errors of the HTTP layer and the router are in the service\'s JSON shape too', () => {
  const upgrade = (headers: string): string => `GET /jessica/ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n${headers}\r\n`;
  const KEY = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n';
  test.each([
    ['a Content-Length that is not a number', 400, 'invalid_content_length', 'POST /jessica/api/v1/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}'],
    ['two different Content-Lengths', 400, 'invalid_content_length', 'POST /jessica/api/v1/config HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}'],
    ['headers over the limit', 431, 'header_too_large', `GET /jessica/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['a request line that is not HTTP', 400, 'bad_request', 'HELLO\r\n\r\n'],
    ['a bad percent-encoding in the path', 400, 'bad_url', 'GET /jessica/health%ff HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['a bad percent-encoding in an unknown path', 400, 'bad_url', 'GET /jessica/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
    ['a WebSocket upgrade without Sec-WebSocket-Key', 400, 'invalid_websocket_handshake', upgrade('Sec-WebSocket-Version: 13\r\n')],
    ['a WebSocket upgrade with a malformed Sec-WebSocket-Key', 400, 'invalid_websocket_handshake', upgrade('Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: not-a-nonce\r\n')],
    ['a WebSocket upgrade with an unsupported Sec-WebSocket-Version', 400, 'invalid_websocket_handshake', upgrade(`Sec-WebSocket-Version: 7\r\n${KEY}`)],
    ['a WebSocket upgrade without Sec-WebSocket-Version', 400, 'invalid_websocket_handshake', upgrade(KEY)],
  ])('%s is %i %s', async (_name, status, code, raw) => {
    const { app } = await startApp();
    const port = (app.server.address() as AddressInfo).port;
    const answer = await rawRequest(port, raw, 3000);
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ error: code, message: expect.any(String) });
    expect(Object.keys(JSON.parse(answer.body))).toEqual(['error', 'message']);
    if (code === 'invalid_websocket_handshake' && raw.includes('Version: 7')) expect(answer.headers['sec-websocket-version']).toBe('13, 8');
    // The service is unaffected.
    expect((await fetch(`http://127.0.0.1:${port}/jessica/health`)).status).toBe(200);
  });

  test('a valid WebSocket handshake still connects', async () => {
    const { wsUrl } = await startApp();
    const client = await TestClient.connect(wsUrl);
    expect(client.socket.readyState).toBe(1);
  });
});

describe('MCP /mcp', () => {
  test('initialize, tools/list', async () => {
    const { base } = await startApp();
    const init = await mcp(base, 1, 'initialize', INITIALIZE);
    expect(init.status).toBe(200);
    expect(init.body.result.serverInfo).toEqual({ name: 'jessica', version: '1.0.0' });
    expect(init.body.result.capabilities.tools).toBeDefined();

    const list = await mcp(base, 2, 'tools/list');
    expect(list.status).toBe(200);
    const tools = list.body.result.tools as Json[];
    expect(tools.map((t) => t.name).sort()).toEqual(['list_voices', 'speak_text']);
    const speak = tools.find((t) => t.name === 'speak_text')!;
    expect(speak.inputSchema.required).toEqual(['text']);
    expect(Object.keys(speak.inputSchema.properties).sort()).toEqual(['text', 'voice_id']);
  });

  test('speak_text pushes the audio to the WebSocket clients and reports it', async () => {
    const { base, wsUrl } = await startApp();
    const client = await TestClient.connect(wsUrl);
    const [call, clip] = await Promise.all([
      mcp(base, 3, 'tools/call', { name: 'speak_text', arguments: { text: 'Hello from MCP' } }),
      client.clip(),
    ]);
    expect(clip.start).toEqual({ type: 'audio_start', text: 'Hello from MCP', voice_id: JESSICA });
    expect(clip.audio.equals(HELLO_MP3)).toBe(true);
    const result = call.body.result;
    expect(result.isError).toBeFalsy();
    expect(result.content[0].text).toContain('14 characters');
    expect(result.content[0].text).toContain(`${HELLO_MP3.length} bytes`);
    expect(result.content[0].text).toContain('1 WebSocket client');
  });

  test('speak_text errors: nobody listening, bad input, unknown voice', async () => {
    const { base, wsUrl } = await startApp();
    const nobody = await mcp(base, 1, 'tools/call', { name: 'speak_text', arguments: { text: 'hi' } });
    expect(nobody.body.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('/jessica/ws') }] });
    expect(standIn.ttsRequests).toHaveLength(0);

    await TestClient.connect(wsUrl);
    const tooLong = await mcp(base, 2, 'tools/call', { name: 'speak_text', arguments: { text: 'a'.repeat(MAX_TEXT + 1) } });
    expect(tooLong.body.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining(`at most ${MAX_TEXT}`) }] });
    const wrongType = await mcp(base, 3, 'tools/call', { name: 'speak_text', arguments: { text: 5 } });
    expect(wrongType.body.result.isError).toBe(true);
    const missing = await mcp(base, 5, 'tools/call', { name: 'speak_text', arguments: {} });
    expect(missing.status).toBe(200);
    expect(missing.body.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('text') }] });
    const empty = await mcp(base, 6, 'tools/call', { name: 'speak_text', arguments: { text: '  ' } });
    expect(empty.body.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('text must not be empty') }] });
    const unknownVoice = await mcp(base, 4, 'tools/call', { name: 'speak_text', arguments: { text: 'hi', voice_id: UNKNOWN_VOICE } });
    expect(unknownVoice.body.result).toMatchObject({ isError: true, content: [{ text: expect.stringContaining('not one of the account') }] });
    expect(standIn.ttsRequests).toHaveLength(0);
  });

  test('list_voices returns the voices as JSON text', async () => {
    const { base } = await startApp();
    const res = await mcp(base, 5, 'tools/call', { name: 'list_voices', arguments: {} });
    expect(JSON.parse(res.body.result.content[0].text)).toEqual(STAND_IN_VOICES.map((v) => ({ voice_id: v.voice_id, name: v.name })));
  });

  test('GET and DELETE /mcp are 405 JSON', async () => {
    const app = await makeApp();
    for (const method of ['GET', 'DELETE'] as const) {
      const res = await app.inject({ method, url: '/jessica/mcp' });
      expect(res.statusCode).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(res.json()).toEqual({ error: 'method_not_allowed', message: expect.stringContaining('POST') });
    }
  });

  test('malformed JSON to /mcp is 400 invalid_json', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'POST', url: '/jessica/mcp', payload: '{', headers: { 'content-type': 'application/json' } });
    expect(res.json()).toMatchObject({ error: 'invalid_json' });
  });
});

describe('settings /api/v1/config', () => {
  const defaults: ServiceSettings = { default_voice_id: JESSICA, default_model_id: 'eleven_flash_v2_5', auto_play: true };

  test('GET, then a partial POST, saved through the store', async () => {
    const store = new MemoryConfigStore(defaults);
    const app = await makeApp({}, { configStore: store });
    expect((await app.inject({ method: 'GET', url: '/jessica/api/v1/config' })).json()).toEqual({
      default_voice_id: JESSICA, default_model_id: 'eleven_flash_v2_5', settings: { auto_play: true },
    });
    const res = await app.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { settings: { auto_play: false } } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ default_voice_id: JESSICA, default_model_id: 'eleven_flash_v2_5', settings: { auto_play: false } });
    const res2 = await app.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { default_voice_id: RACHEL, default_model_id: 'eleven_multilingual_v2' } });
    expect(res2.json()).toEqual({ default_voice_id: RACHEL, default_model_id: 'eleven_multilingual_v2', settings: { auto_play: false } });
    expect(await store.load()).toEqual({ default_voice_id: RACHEL, default_model_id: 'eleven_multilingual_v2', auto_play: false });
  });

  test.each([
    [{ default_voice_id: 'short' }, 'default_voice_id'],
    [{ default_voice_id: 'has spaces in the id!' }, 'default_voice_id'],
    [{ default_voice_id: 12345678901 }, 'default_voice_id must be a string'],
    [{ default_model_id: 'Eleven-Flash' }, 'default_model_id'],
    [{ settings: { auto_play: 'yes' } }, 'auto_play must be true or false'],
    [{ settings: 'on' }, 'settings must be an object'],
    [{ auto_play: false }, 'unknown field: auto_play'],
    [{ settings: { volume: 3 } }, 'unknown field: settings.volume'],
    [{ theme: 'dark' }, 'unknown field: theme'],
    [[], 'JSON object'],
  ])('POST %j is 400 invalid_request', async (body, message) => {
    const store = new MemoryConfigStore(defaults);
    const app = await makeApp({}, { configStore: store });
    const res = await app.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: 'invalid_request', message: expect.stringContaining(message) });
    expect(await store.load()).toEqual(defaults);
  });

  test('settings survive a restart (two app instances, one store) and are used for speech', async () => {
    const store = new MemoryConfigStore(defaults);
    const before = await makeApp({}, { configStore: store });
    await before.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { default_voice_id: RACHEL, settings: { auto_play: false } } });
    await before.close();

    const after = await makeApp({}, { configStore: store });
    expect((await after.inject({ method: 'GET', url: '/jessica/api/v1/config' })).json()).toEqual({
      default_voice_id: RACHEL, default_model_id: 'eleven_flash_v2_5', settings: { auto_play: false },
    });
    const speech = await after.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: { text: 'hi' } });
    expect(speech.statusCode).toBe(200);
    expect(standIn.ttsRequests[0].url).toContain(`/v1/text-to-speech/${RACHEL}/stream`);
  });

  test('SsmConfigStore: defaults while the parameter is missing, then a String parameter with Overwrite', async () => {
    const parameters = new Map<string, string>();
    const puts: Json[] = [];
    const ssm: SsmLike = {
      async send(command) {
        const input = command.input as Json;
        if (command.constructor.name === 'GetParameterCommand') {
          const value = parameters.get(input.Name);
          if (value === undefined) throw Object.assign(new Error('parameter not found'), { name: 'ParameterNotFound' });
          return { Parameter: { Name: input.Name, Value: value } };
        }
        puts.push(input);
        parameters.set(input.Name, input.Value);
        return {};
      },
    };
    const first = await makeApp({}, { configStore: new SsmConfigStore('/platform/jessica/config', defaults, ssm) });
    expect((await first.inject({ method: 'GET', url: '/jessica/api/v1/config' })).json()).toMatchObject({ default_voice_id: JESSICA });
    await first.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { default_model_id: 'eleven_multilingual_v2' } });
    expect(puts).toEqual([{
      Name: '/platform/jessica/config',
      Type: 'String',
      Overwrite: true,
      Value: JSON.stringify({ ...defaults, default_model_id: 'eleven_multilingual_v2' }),
    }]);
    await first.close();

    const second = await makeApp({}, { configStore: new SsmConfigStore('/platform/jessica/config', defaults, ssm) });
    expect((await second.inject({ method: 'GET', url: '/jessica/api/v1/config' })).json()).toMatchObject({ default_model_id: 'eleven_multilingual_v2' });
  });

  test('a default_voice_id that is not one of the account\'s voices is 422 unknown_voice and not saved', async () => {
    const store = new MemoryConfigStore(defaults);
    const app = await makeApp({}, { configStore: store });
    const res = await app.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { default_voice_id: UNKNOWN_VOICE, settings: { auto_play: false } } });
    expect(res.statusCode).toBe(422);
    // The same answer as the speech endpoints give for that voice.
    const speech = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: { text: 'hi', voice_id: UNKNOWN_VOICE } });
    expect(res.json()).toEqual(speech.json());
    expect(res.json()).toEqual({ error: 'unknown_voice', message: expect.stringContaining(UNKNOWN_VOICE) });
    expect(await store.load()).toEqual(defaults);
    expect(standIn.ttsRequests).toHaveLength(0);
  });

  test('once loaded, settings are served from the cache while the store is refreshed in the background, one load at a time', async () => {
    let loads = 0;
    let hang = false;
    const slow = {
      kind: 'test',
      load: async (): Promise<ServiceSettings> => {
        loads++;
        return hang ? new Promise<ServiceSettings>(() => undefined) : { ...defaults, default_voice_id: RACHEL };
      },
      save: async () => undefined,
    };
    const app = await makeApp({}, { configStore: slow, settingsCacheMs: 50 });
    const get = () => app.inject({ method: 'GET', url: '/jessica/api/v1/config' });
    // The first load is waited for, by every request at once.
    const first = await Promise.all([get(), get(), get()]);
    expect(first.map((r) => r.json().default_voice_id)).toEqual([RACHEL, RACHEL, RACHEL]);
    expect(loads).toBe(1);

    // The store stops answering (e.g. SSM unreachable); the cached settings keep speech going.
    hang = true;
    await new Promise((resolve) => setTimeout(resolve, 100));
    const speech = await withTimeout(app.inject({ method: 'POST', url: '/jessica/api/v1/tts/stream', payload: { text: 'hi' } }), 'speech while the store hangs', 2000);
    expect(speech.statusCode).toBe(200);
    expect(standIn.ttsRequests[0].url).toContain(RACHEL);
    const more = await withTimeout(Promise.all([get(), get(), get()]), 'settings while the store hangs', 2000);
    expect(more.map((r) => r.json().default_voice_id)).toEqual([RACHEL, RACHEL, RACHEL]);
    expect(loads).toBe(2);
  });

  test('a store that fails: reads fall back to the defaults, saving is 503 config_store_unavailable', async () => {
    const broken = { kind: 'test', load: async () => Promise.reject(new Error('down')), save: async () => Promise.reject(new Error('down')) };
    const app = await makeApp({}, { configStore: broken });
    expect((await app.inject({ method: 'GET', url: '/jessica/api/v1/config' })).json()).toMatchObject({ default_voice_id: JESSICA });
    const res = await app.inject({ method: 'POST', url: '/jessica/api/v1/config', payload: { settings: { auto_play: false } } });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ error: 'config_store_unavailable', message: expect.any(String) });
  });
});

describe('CORS', () => {
  const allowed = 'https://jessica.example.com';

  test('an allowed origin gets Access-Control-Allow-Origin and Vary; its preflight is 204', async () => {
    const app = await makeApp({ CORS_ALLOW_ORIGINS: `${allowed},https://other.example.com` });
    const res = await app.inject({ method: 'GET', url: '/jessica/health', headers: { origin: allowed } });
    expect(res.headers['access-control-allow-origin']).toBe(allowed);
    expect(res.headers.vary).toContain('Origin');

    const preflight = await app.inject({
      method: 'OPTIONS',
      url: '/jessica/api/v1/tts/stream',
      headers: { 'origin': allowed, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.statusCode).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(allowed);
    expect(preflight.headers['access-control-allow-methods']).toContain('POST');
    expect(preflight.headers['access-control-allow-headers']).toContain('content-type');

    // Errors carry the headers too, so that the page can read the JSON error.
    const error = await app.inject({ method: 'POST', url: '/jessica/api/v1/tts', payload: {}, headers: { origin: allowed } });
    expect(error.statusCode).toBe(400);
    expect(error.headers['access-control-allow-origin']).toBe(allowed);
  });

  test('other origins get no CORS headers', async () => {
    const app = await makeApp({ CORS_ALLOW_ORIGINS: allowed });
    const res = await app.inject({ method: 'GET', url: '/jessica/health', headers: { origin: 'https://evil.example.com' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await app.inject({
      method: 'OPTIONS', url: '/jessica/api/v1/tts', headers: { 'origin': 'https://evil.example.com', 'access-control-request-method': 'POST' },
    });
    expect(preflight.statusCode).toBe(405);
    expect(preflight.json()).toEqual({ error: 'method_not_allowed', message: expect.stringContaining('only CORS preflights from an allowed origin') });
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('without CORS_ALLOW_ORIGINS there are no CORS headers', async () => {
    const app = await makeApp();
    const res = await app.inject({ method: 'GET', url: '/jessica/health', headers: { origin: allowed } });
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  test('the hijacked MCP response carries the CORS headers', async () => {
    const { base } = await startApp({ CORS_ALLOW_ORIGINS: allowed });
    const res = await postJson(`${base}/mcp`, { jsonrpc: '2.0', id: 1, method: 'initialize', params: INITIALIZE }, {
      accept: 'application/json, text/event-stream', origin: allowed,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowed);
    await res.arrayBuffer();
  });
});

describe('robustness', () => {
  test('after everything above the process had no unhandled errors and a fresh app is healthy', async () => {
    const { base } = await startApp();
    expect((await fetch(`${base}/health`)).status).toBe(200);
    expect(processProblems).toEqual([]);
  });
});
