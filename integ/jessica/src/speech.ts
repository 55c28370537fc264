import { z } from 'zod';
import { MODEL_ID_PATTERN, VOICE_ID_PATTERN } from './config';
import { ElevenLabsClient, SpeechRequest } from './elevenlabs';
import { ApiError, callerGone, invalidRequest, keyMissing } from './errors';
import { SettingsService } from './settings';
import { describeIssues, isJsonObject } from './validation';
import { VoiceCatalog } from './voices';

/** `{ text, voice_id?, model_id? }` as sent to `/api/v1/tts`, `/api/v1/tts/stream`, `/ws` and MCP. */
const speechInputSchema = z.strictObject({
  text: z.string({ error: (issue) => (issue.input === undefined ? 'text is required' : 'text must be a string') })
    .refine((text) => text.trim() !== '', { error: 'text must not be empty' }),
  voice_id: z.string({ error: 'voice_id must be a string' })
    .regex(VOICE_ID_PATTERN, { error: 'voice_id must be 10 to 40 letters and digits' })
    .optional(),
  model_id: z.string({ error: 'model_id must be a string' })
    .regex(MODEL_ID_PATTERN, { error: 'model_id must be 2 to 64 characters of a-z, 0-9 and "_"' })
    .optional(),
});

export interface SpeechInput {
  readonly text: string;
  readonly voice_id?: string;
  readonly model_id?: string;
}

/** Validation, defaults and the upstream call shared by every way of asking for speech. */
export class SpeechService {
  constructor(
    private readonly client: ElevenLabsClient,
    private readonly voices: VoiceCatalog,
    private readonly settings: SettingsService,
    private readonly maxTextLength: number,
    /** Longest wait for the next piece of audio (also the first one), in ms. */
    private readonly idleTimeoutMs: number,
  ) {}

  /** Checks the shape of a request: 400 `invalid_request` or `text_too_long`. */
  parse(body: unknown): SpeechInput {
    if (!isJsonObject(body)) throw invalidRequest('the request body must be a JSON object with a "text" field');
    const parsed = speechInputSchema.safeParse(body);
    if (!parsed.success) throw invalidRequest(describeIssues(parsed.error.issues));
    const text = parsed.data.text.trim();
    if (text.length > this.maxTextLength) {
      throw new ApiError(400, 'text_too_long', `text has ${text.length} characters; at most ${this.maxTextLength} are allowed`);
    }
    return { ...parsed.data, text };
  }

  /**
   * Fills in the defaults and checks what needs ElevenLabs: 503 without a key, 422 for a voice that
   * is not in the account, 502 when the voice list cannot be fetched.
   */
  async resolve(input: SpeechInput): Promise<SpeechRequest> {
    if (!this.client.hasKey) throw keyMissing();
    const settings = await this.settings.get();
    if (input.voice_id !== undefined) await this.voices.assertKnownVoice(input.voice_id);
    return {
      text: input.text,
      voiceId: input.voice_id ?? settings.default_voice_id,
      modelId: input.model_id ?? settings.default_model_id,
    };
  }

  /**
   * Starts the synthesis and waits for the first audio bytes, so that a failure before any audio
   * is still a clean 502 (nothing was sent to the caller yet). Aborting `signal` (the caller went
   * away) aborts the upstream request at any point, also before the first bytes.
   */
  async open(request: SpeechRequest, signal?: AbortSignal): Promise<SpeechAudio> {
    const stream = await this.client.streamSpeech(request, signal);
    const audio = new SpeechAudio(stream.getReader(), this.idleTimeoutMs, signal);
    await audio.start();
    return audio;
  }
}

/**
 * An MP3 stream whose first chunk has arrived (`SpeechService.open`). Iterate it once; leaving the
 * loop early (or `cancel()`) aborts the upstream request. A pause of more than `idleTimeoutMs`
 * between two chunks ends it with a 502, so that a stalled synthesis cannot hold the clips queued
 * behind it.
 */
export class SpeechAudio implements AsyncIterable<Uint8Array> {
  private done = false;
  private first?: Uint8Array;

  constructor(
    private readonly reader: ReadableStreamDefaultReader<Uint8Array>,
    private readonly idleTimeoutMs: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Waits for the first chunk. */
  async start(): Promise<void> {
    this.first = await this.next();
    if (this.first === undefined) throw new ApiError(502, 'upstream_error', 'ElevenLabs sent no audio');
  }

  async cancel(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.reader.cancel().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      if (this.first === undefined) throw new Error('SpeechAudio iterated before start()');
      yield this.first;
      for (;;) {
        const chunk = await this.next();
        if (chunk === undefined) return;
        yield chunk;
      }
    } finally {
      await this.cancel();
    }
  }

  /** The next non-empty chunk, undefined at the end; a broken or stalled stream is cancelled and becomes a 502. */
  private async next(): Promise<Uint8Array | undefined> {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const idle = new Promise<'idle'>((resolve) => {
        timer = setTimeout(() => resolve('idle'), this.idleTimeoutMs);
      });
      let result: Awaited<ReturnType<typeof this.reader.read>> | 'idle';
      try {
        result = await Promise.race([this.reader.read(), idle]);
      } catch {
        await this.cancel();
        throw this.signal?.aborted ? callerGone() : new ApiError(502, 'upstream_error', 'the audio stream from ElevenLabs broke off');
      } finally {
        clearTimeout(timer);
      }
      if (result === 'idle') {
        await this.cancel();
        throw new ApiError(502, 'upstream_error', `ElevenLabs sent no audio for ${this.idleTimeoutMs} ms; the synthesis was given up`);
      }
      if (result.done) {
        this.done = true;
        return undefined;
      }
      if (result.value.byteLength > 0) return result.value;
    }
  }
}
