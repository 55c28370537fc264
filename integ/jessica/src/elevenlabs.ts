import { ApiError, keyMissing } from './errors';

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
   * body as a stream of MP3 chunks (nothing is buffered); cancel the stream to abort the request.
   */
  async streamSpeech(request: SpeechRequest): Promise<ReadableStream<Uint8Array>> {
    const path = `/v1/text-to-speech/${encodeURIComponent(request.voiceId)}/stream`;
    const res = await this.call('POST', `${path}?output_format=${OUTPUT_FORMAT}`, {
      body: JSON.stringify({ text: request.text, model_id: request.modelId }),
      headers: { 'content-type': 'application/json', 'accept': 'audio/mpeg' },
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

  /** Sends one request; anything but a 2xx becomes a 502 (503 without a key). */
  private async call(method: string, pathAndQuery: string, init: RequestInit, label: string): Promise<Response> {
    const apiKey = this.options.apiKey;
    if (apiKey === undefined) throw keyMissing();
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    let res: Response;
    try {
      res = await this.fetchFn(`${this.options.baseUrl}${pathAndQuery}`, {
        ...init,
        method,
        headers: { ...init.headers as Record<string, string>, 'xi-api-key': apiKey },
        signal: controller.signal,
      });
    } catch (err) {
      const reason = controller.signal.aborted ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(err);
      throw new ApiError(502, 'upstream_error', `could not reach ElevenLabs (${method} ${label}): ${reason}`);
    } finally {
      clearTimeout(timer);
    }
    if (res.ok) return res;
    await res.body?.cancel().catch(() => undefined);
    if (res.status === 401 || res.status === 403) {
      throw new ApiError(502, 'upstream_error',
        `ElevenLabs rejected the API key (HTTP ${res.status} for ${method} ${label}); check ELEVENLABS_API_KEY`);
    }
    throw new ApiError(502, 'upstream_error', `ElevenLabs answered HTTP ${res.status} for ${method} ${label}`);
  }
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
