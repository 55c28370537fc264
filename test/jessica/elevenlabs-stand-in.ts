import { readFileSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';

/** The real MP3 the stand-in streams for every text-to-speech request. */
export const HELLO_MP3 = readFileSync(join(__dirname, '..', 'fixtures', 'audio', 'hello.mp3'));

export interface RecordedRequest {
  readonly method: string;
  /** Path and query, e.g. `/v1/text-to-speech/<voice>/stream?output_format=mp3_44100_128`. */
  readonly url: string;
  readonly apiKey?: string;
  readonly contentType?: string;
  readonly body: string;
}

export const STAND_IN_VOICES = [
  { voice_id: 'cgSgspJ2msm6clMCkdW9', name: 'Jessica', category: 'premade' },
  { voice_id: '21m00Tcm4TlvDq8ikWAM', name: 'Rachel', category: 'premade' },
  { voice_id: 'EXAVITQu4vr4xnSDxMaL', name: 'Sarah', category: 'premade' },
];

export const STAND_IN_MODELS = [
  { model_id: 'eleven_flash_v2_5', name: 'Eleven Flash v2.5', can_do_text_to_speech: true },
  { model_id: 'eleven_multilingual_v2', name: 'Eleven Multilingual v2', can_do_text_to_speech: true },
  // Speech to speech only: the service leaves it out of /api/v1/models.
  { model_id: 'eleven_english_sts_v2', name: 'Eleven English v2 (speech to speech)', can_do_text_to_speech: false },
];

const FAIL_DETAIL = { status: 'internal_error', message: 'stand-in told to fail' };

/**
 * A tiny imitation of the ElevenLabs endpoints Jessica uses (`GET /v1/voices`, `GET /v1/models`,
 * `POST /v1/text-to-speech/{voice_id}/stream`), on 127.0.0.1 and a free port. It checks the
 * `xi-api-key` header (401 if wrong), records every request, streams `hello.mp3` in
 * `chunkCount` pieces with small delays, answers 404 for voices it does not know, and can be told
 * to fail (`failStatus`, `failDetail`), to break a stream after its first chunk
 * (`breakAfterFirstChunk`), to send no audio at all after the headers (`stallAfterHeaders`), to
 * wait before the headers (`headersDelayMs`), or to
 * hold the last chunk back until released (`holdLastChunk`).
 */
export class ElevenLabsStandIn {
  readonly apiKey: string;
  readonly requests: RecordedRequest[] = [];
  /** Answer every request with this status (and an ElevenLabs-like JSON error). */
  failStatus?: number;
  /** The `detail` of the error body with `failStatus`. */
  failDetail: unknown = FAIL_DETAIL;
  /** Send the first chunk of the audio, then destroy the connection. */
  breakAfterFirstChunk = false;
  /** Send the headers of the audio, then nothing until the service closes the connection. */
  stallAfterHeaders = false;
  /** Wait this long before sending the headers of the audio (0: at once). */
  headersDelayMs = 0;
  /** Pieces the MP3 is sent in, and the pause before each. */
  chunkCount = 4;
  chunkDelayMs = 5;
  /** Audio chunks written so far (all streams). */
  chunksWritten = 0;
  /** Text-to-speech streams the service closed before the stand-in finished them (counted at once). */
  abortedStreams = 0;
  completedStreams = 0;

  private server?: Server;
  private gate?: { promise: Promise<void>; release: () => void };
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  constructor(apiKey = 'sk_test_standin_0123456789abcdef') {
    this.apiKey = apiKey;
  }

  /** `http://127.0.0.1:<port>` once started. */
  get url(): string {
    const address = this.server?.address() as AddressInfo | null;
    if (!address) throw new Error('stand-in not started');
    return `http://127.0.0.1:${address.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch(() => res.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.releaseLastChunk();
    for (const timer of this.pendingTimers) clearTimeout(timer);
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    this.server = undefined;
  }

  /** Forget the recorded requests and every failure mode. */
  reset(): void {
    this.requests.length = 0;
    this.failStatus = undefined;
    this.failDetail = FAIL_DETAIL;
    this.breakAfterFirstChunk = false;
    this.stallAfterHeaders = false;
    this.headersDelayMs = 0;
    this.chunkCount = 4;
    this.chunkDelayMs = 5;
    this.chunksWritten = 0;
    this.abortedStreams = 0;
    this.completedStreams = 0;
    this.releaseLastChunk();
  }

  /** From now on, streams wait before their last chunk until `releaseLastChunk()`. */
  holdLastChunk(): void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => {
      release = resolve;
    });
    this.gate = { promise, release };
  }

  releaseLastChunk(): void {
    this.gate?.release();
    this.gate = undefined;
  }

  /** Requests to the text-to-speech endpoint. */
  get ttsRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.url.startsWith('/v1/text-to-speech/'));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const header = (name: string): string | undefined => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      apiKey: header('xi-api-key'),
      contentType: header('content-type'),
      body: Buffer.concat(chunks).toString('utf8'),
    });

    if (header('xi-api-key') !== this.apiKey) {
      return json(res, 401, { detail: { status: 'invalid_api_key', message: 'Invalid API key' } });
    }
    if (this.failStatus !== undefined) {
      return json(res, this.failStatus, { detail: this.failDetail });
    }
    const url = new URL(req.url ?? '/', 'http://stand-in');
    if (req.method === 'GET' && url.pathname === '/v1/voices') return json(res, 200, { voices: STAND_IN_VOICES });
    if (req.method === 'GET' && url.pathname === '/v1/models') return json(res, 200, STAND_IN_MODELS);
    const tts = /^\/v1\/text-to-speech\/([^/]+)\/stream$/.exec(url.pathname);
    if (req.method === 'POST' && tts) {
      if (!STAND_IN_VOICES.some((v) => v.voice_id === decodeURIComponent(tts[1]))) {
        return json(res, 404, { detail: { status: 'voice_not_found', message: 'A voice with the voice_id was not found.' } });
      }
      let body: { text?: unknown; model_id?: unknown };
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return json(res, 400, { detail: { status: 'invalid_json' } });
      }
      if (typeof body.text !== 'string' || body.text === '' || url.searchParams.get('output_format') !== 'mp3_44100_128') {
        return json(res, 422, { detail: { status: 'invalid_request' } });
      }
      return this.streamAudio(res);
    }
    return json(res, 404, { detail: 'Not Found' });
  }

  private async streamAudio(res: ServerResponse): Promise<void> {
    let closedEarly = false;
    let breaking = false;
    res.on('close', () => {
      if (res.writableFinished || breaking) return;
      closedEarly = true;
      this.abortedStreams++;
    });
    if (this.headersDelayMs > 0) {
      await Promise.race([this.delay(this.headersDelayMs), new Promise((resolve) => res.once('close', resolve))]);
      if (closedEarly) return;
    }
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'transfer-encoding': 'chunked' });
    if (this.stallAfterHeaders) {
      res.flushHeaders();
      if (!closedEarly) await new Promise((resolve) => res.once('close', resolve));
      return;
    }
    const size = Math.ceil(HELLO_MP3.length / this.chunkCount);
    for (let i = 0; i < this.chunkCount; i++) {
      const last = i === this.chunkCount - 1;
      if (last && this.gate) await this.gate.promise;
      await this.delay(this.chunkDelayMs);
      if (closedEarly || res.destroyed) return;
      res.write(HELLO_MP3.subarray(i * size, (i + 1) * size));
      this.chunksWritten++;
      if (i === 0 && this.breakAfterFirstChunk) {
        await this.delay(this.chunkDelayMs);
        breaking = true;
        res.destroy();
        return;
      }
    }
    res.end();
    this.completedStreams++;
  }

  private delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pendingTimers.delete(timer);
        resolve();
      }, ms);
      this.pendingTimers.add(timer);
    });
  }
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
