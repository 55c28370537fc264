/**
 * The endpoint expectations of `integ/contract/` run against the reference Jessica app on
 * loopback: the same checks `integ/integ.jessica.ts` runs against a real deployment. ElevenLabs
 * is replaced by a local stand-in (tests only) that streams a real MP3.
 */
import { createRequire } from 'node:module';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ElevenLabsStandIn, HELLO_MP3 } from './elevenlabs-stand-in';
import { readWithLastChunkHeld } from './stream-check';
import { platformExpectations, PROBE_TEXT, serviceExpectations } from '../../integ/contract/expectations';
import { probeAudioStream, probeWebSocket, WebSocketLike } from '../../integ/contract/probes';
import { buildApp } from '../../integ/jessica/src/app';
import { loadConfig } from '../../integ/jessica/src/config';
import { checkExpectation as check } from '../helpers/contract';

// The reference app's own `ws` package (integ/jessica/node_modules), as a client.
const requireFromJessica = createRequire(join(__dirname, '..', '..', 'integ', 'jessica', 'package.json'));
const WebSocketClient = requireFromJessica('ws') as new (url: string) => WebSocketLike;

type App = Awaited<ReturnType<typeof buildApp>>;

async function start(env: Record<string, string>): Promise<{ app: App; origin: string }> {
  const app = await buildApp(loadConfig({ ROOT_PATH: '/jessica', LOG_LEVEL: 'silent', ...env }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, origin: `http://127.0.0.1:${port}` };
}

describe('the Jessica contract on loopback (reference app + ElevenLabs stand-in)', () => {
  const standIn = new ElevenLabsStandIn();
  let app: App;
  let origin: string;

  beforeAll(async () => {
    await standIn.start();
    ({ app, origin } = await start({ ELEVENLABS_API_KEY: standIn.apiKey, ELEVENLABS_BASE_URL: standIn.url }));
  });

  afterAll(async () => {
    await app?.close();
    await standIn.stop();
  });

  test.each([...platformExpectations, ...serviceExpectations('/jessica', 'jessica')].map(e => [e.name, e] as const))(
    '%s', async (_name, expectation) => {
      expect(await check(origin, expectation)).toBeUndefined();
    });

  test('the speech stream answers 200 audio/mpeg with the MP3, read as a stream', async () => {
    const result = await probeAudioStream(fetch, `${origin}/jessica/api/v1/tts/stream`, PROBE_TEXT);
    expect(result).toEqual(expect.objectContaining({ status: 200, contentType: 'audio/mpeg', cacheControl: 'no-cache', mp3: true }));
    expect(result.bytes).toBe(HELLO_MP3.length);
    const held = await readWithLastChunkHeld(standIn, `${origin}/jessica/api/v1/tts/stream`, PROBE_TEXT);
    expect(held.bytesBeforeEnd).toBeGreaterThan(0);
    expect(held.bytesBeforeEnd).toBeLessThan(HELLO_MP3.length);
    expect(held.body.equals(HELLO_MP3)).toBe(true);
  });

  test('a WebSocket round trip gets audio_start, the chunks and audio_complete, every frame under 32 KB', async () => {
    const result = await probeWebSocket(WebSocketClient, `${origin.replace('http', 'ws')}/jessica/ws`, PROBE_TEXT, 10_000);
    expect(result.error).toBeUndefined();
    expect(result.firstType).toBe('audio_start');
    expect(result.types[result.types.length - 1]).toBe('audio_complete');
    expect(result.totalChunks).toBe(result.chunks);
    expect(result.bytes).toBe(HELLO_MP3.length);
    expect(result.largestFrame).toBeLessThan(32 * 1024);
  });
});

describe('the contract checks can fail', () => {
  const standIn = new ElevenLabsStandIn();
  let app: App;
  let origin: string;

  beforeAll(async () => {
    await standIn.start();
    // No ElevenLabs key: the service runs, but the contract of a configured service does not hold.
    ({ app, origin } = await start({ ELEVENLABS_BASE_URL: standIn.url }));
  });

  afterAll(async () => {
    await app?.close();
    await standIn.stop();
  });

  test('health without a key is reported as a mismatch', async () => {
    const health = serviceExpectations('/jessica', 'jessica').find(e => e.path === '/jessica/health')!;
    expect(await check(origin, health)).toMatch(/\$\.elevenlabs_api_key: expected true, got false/);
  });

  test('voices without a key is reported with the 503 status', async () => {
    const voices = serviceExpectations('/jessica', 'jessica').find(e => e.path.startsWith('/jessica/api/v1/voices'))!;
    expect(await check(origin, voices)).toMatch(/^status 503, expected 200/);
  });

  test('the WebSocket probe reports the service error', async () => {
    const result = await probeWebSocket(WebSocketClient, `${origin.replace('http', 'ws')}/jessica/ws`, PROBE_TEXT, 10_000);
    expect(result.firstType).toBe('error');
    expect(result.error).toMatch(/key/i);
  });

  test('a wrong service name is a mismatch', async () => {
    const health = serviceExpectations('/jessica', 'someone-else').find(e => e.path === '/jessica/health')!;
    expect(await check(origin, health)).toMatch(/\$\.service: expected "someone-else"/);
  });
});

describe('probeWebSocket', () => {
  test('measures frames in UTF-8 bytes, not characters', async () => {
    const audioStart = JSON.stringify({ type: 'audio_start', text: '€\u0001'.repeat(1000), voice_id: 'cgSgspJ2msm6clMCkdW9' });
    const complete = JSON.stringify({ type: 'audio_complete', total_chunks: 0 });
    /** Answers the tts_request with the two frames above. */
    class FakeSocket implements WebSocketLike {
      onopen: ((event: unknown) => void) | null = null;
      onmessage: ((event: { data: unknown }) => void) | null = null;
      onerror: ((event: unknown) => void) | null = null;
      onclose: ((event: unknown) => void) | null = null;
      constructor() {
        setImmediate(() => this.onopen?.({}));
      }
      send(): void {
        for (const data of [audioStart, complete]) this.onmessage?.({ data });
      }
      close(): void {}
    }
    const result = await probeWebSocket(FakeSocket, 'ws://fake/ws', PROBE_TEXT, 1000);
    expect(result.error).toBeUndefined();
    expect(result.types).toEqual(['audio_start', 'audio_complete']);
    expect(result.largestFrame).toBe(Buffer.byteLength(audioStart));
    expect(result.largestFrame).toBeGreaterThan(audioStart.length);
  });
});
