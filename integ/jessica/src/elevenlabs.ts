import { ApiError, callerGone, keyMissing } from './errors';

/** The subset of `fetch` the client uses; tests inject their own. */
export type FetchFn = (url: string, init: RequestInit) => Promise<Response>;

export interface Voice {
  readonly voice_id: string;
  readonly name: string;
}

export interface Model {
  readonly model_id: string;
  readonly name: string;
}

export interface SpeechRequest {
  readonly text: string;
  readonly voiceId: string;
  readonly modelId: string;
}

export interface ElevenLabsClientOptions {
  /** undefined: every call fails with 503 `elevenlabs_key_missing`. */
  readonly apiKey?: string;
  /** e.g. `https://api.elevenlabs.io`, without a trailing slash. */
  readonly baseUrl: string;
  /** @default globalThis.fetch */
  readonly fetch?: FetchFn;
  /** Time allowed until the response headers arrive. @default 30000 */
  readonly timeoutMs?: number;
}

/** The audio format asked for: MP3, 44.1 kHz, 128 kbit/s. */
export const OUTPUT_FORMAT = 'mp3_44100_128';
/** How much of an error response is read for its `detail`. */
const ERROR_BODY_BYTES = 4096;
/** Longest `detail` text quoted in an error message. */
const ERROR_DETAIL_CHARS = 300;

/**
 * A small ElevenLabs client over plain `fetch`. The key travels only in the `xi-api-key` header and
 * never appears in an error message.
 */
export class ElevenLabsClient {
  private readonly fetchFn: FetchFn;
  private readonly timeoutMs: number;

  constructor(private readonly options: ElevenLabsClientOptions) {
    this.fetchFn = options.fetch ?? ((url, init) => fetch(url, init));
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  get hasKey(): boolean {
    return this.options.apiKey !== undefined;
  }

  /** GET /v1/voices: the voices of the account. */
  async listVoices(): Promise<Voice[]> {
    const body = await this.getJson('/v1/voices') as { voices?: unknown };
    if (!body || !Array.isArray(body.voices)) throw unexpected('/v1/voices');
    return body.voices.flatMap((v: unknown) => {
      const voice = v as { voice_id?: unknown; name?: unknown };
      return typeof voice?.voice_id === 'string'
        ? [{ voice_id: voice.voice_id, name: typeof voice.name === 'string' ? voice.name : voice.voice_id }]
        : [];
    });
  }

  /** GET /v1/models: the models that can do text to speech. */
  async listModels(): Promise<Model[]> {
    const body = await this.getJson('/v1/models');
    if (!Array.isArray(body)) throw unexpected('/v1/models');
    return body.flatMap((m: unknown) => {
      const model = m as { model_id?: unknown; name?: unknown; can_do_text_to_speech?: unknown };
      if (typeof model?.model_id !== 'string' || model.can_do_text_to_speech === false) return [];
      return [{ model_id: model.model_id, name: typeof model.name === 'string' ? model.name : model.model_id }];
    });
  }

  /**
   * POST /v1/text-to-speech/{voice_id}/stream. Resolves when the response headers arrive, with the
   * body as a stream of MP3 chunks (nothing is buffered); cancel the stream, or abort `signal`
   * (also before the headers), to abort the request.
   */
  async streamSpeech(request: SpeechRequest, signal?: AbortSignal): Promise<ReadableStream<Uint8Array>> {
    const path = `/v1/text-to-speech/${encodeURIComponent(request.voiceId)}/stream`;
    const res = await this.call('POST', `${path}?output_format=${OUTPUT_FORMAT}`, {
      body: JSON.stringify({ text: request.text, model_id: request.modelId }),
      headers: { 'content-type': 'application/json', 'accept': 'audio/mpeg' },
      signal,
    }, '/v1/text-to-speech/{voice_id}/stream');
    if (!res.body) throw new ApiError(502, 'upstream_error', 'ElevenLabs answered without audio');
    return res.body as ReadableStream<Uint8Array>;
  }

  private async getJson(path: string): Promise<unknown> {
    const res = await this.call('GET', path, { headers: { accept: 'application/json' } }, path);
    try {
      return await res.json();
    } catch {
      throw unexpected(path);
    }
  }

  /**
   * Sends one request; anything but a 2xx becomes a 502 quoting ElevenLabs' `detail` (503 without a
   * key). `init.signal` is the caller's: aborting it ends the request with `callerGone()`.
   */
  private async call(method: string, pathAndQuery: string, init: RequestInit, label: string): Promise<Response> {
    const apiKey = this.options.apiKey;
    if (apiKey === undefined) throw keyMissing();
    const caller = init.signal ?? undefined;
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.timeoutMs);
    try {
      let res: Response;
      try {
        res = await this.fetchFn(`${this.options.baseUrl}${pathAndQuery}`, {
          ...init,
          method,
          headers: { ...init.headers as Record<string, string>, 'xi-api-key': apiKey },
          signal: caller ? AbortSignal.any([timeout.signal, caller]) : timeout.signal,
        });
      } catch (err) {
        if (caller?.aborted) throw callerGone();
        const reason = timeout.signal.aborted ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(err);
        throw new ApiError(502, 'upstream_error', `could not reach ElevenLabs (${method} ${label}): ${reason}`);
      }
      if (res.ok) return res;
      // Still under the timeout: an error body that never ends cannot hold the request.
      const detail = parseDetail(await readStart(res, ERROR_BODY_BYTES), apiKey);
      // ElevenLabs answers 401 also for quota_exceeded, detected_unusual_activity, ...: only blame
      // the key when it says so (or says nothing).
      const keyRejected = (res.status === 401 || res.status === 403) && (detail === undefined || detail.status === 'invalid_api_key');
      throw new ApiError(502, 'upstream_error', `ElevenLabs answered HTTP ${res.status} for ${method} ${label}`
        + (detail ? ` (${detail.text})` : '')
        + (keyRejected ? ': it rejected the API key; check ELEVENLABS_API_KEY' : ''));
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The first `limit` bytes of the body as text (less if it breaks off); the rest is not read. */
async function readStart(res: Response, limit: number): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // Broken off or timed out: use what arrived.
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/**
 * ElevenLabs' error `{ "detail": { "status": "quota_exceeded", "message": "..." } }` (or a string
 * detail) as one short line without control characters or the key; undefined if there is none.
 */
function parseDetail(body: string, apiKey: string): { status?: string; text: string } | undefined {
  let detail: unknown;
  try {
    detail = (JSON.parse(body) as { detail?: unknown } | null)?.detail;
  } catch {
    return undefined;
  }
  const { status, message } = (typeof detail === 'object' && detail !== null ? detail : {}) as { status?: unknown; message?: unknown };
  const parts = typeof detail === 'string' ? [detail] : [status, message].filter((p): p is string => typeof p === 'string' && p !== '');
  if (parts.length === 0) return undefined;
  const text = parts.join(': ').split(apiKey).join('[redacted]').replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return {
    status: typeof status === 'string' ? status : undefined,
    text: text.length > ERROR_DETAIL_CHARS ? `${text.slice(0, ERROR_DETAIL_CHARS)}...` : text,
  };
}

function unexpected(path: string): ApiError {
  return new ApiError(502, 'upstream_error', `ElevenLabs sent an unexpected response for GET ${path}`);
}

/** The error's code or name only: messages of fetch errors may quote request details. */
function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown } })?.cause;
  if (cause && typeof cause.code === 'string') return cause.code;
  return err instanceof Error ? err.name : 'network error';
}
