import { z } from 'zod';
import { MODEL_ID_PATTERN, VOICE_ID_PATTERN } from './config';
import { ElevenLabsClient, SpeechRequest } from './elevenlabs';
import { ApiError, invalidRequest, keyMissing } from './errors';
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
   * is still a clean 502 (nothing was sent to the caller yet).
   */
  async open(request: SpeechRequest): Promise<SpeechAudio> {
    const stream = await this.client.streamSpeech(request);
    const reader = stream.getReader();
    let first: Uint8Array | undefined;
    try {
      first = await nextChunk(reader);
    } catch (err) {
      await reader.cancel().catch(() => undefined);
      throw err;
    }
    if (first === undefined) throw new ApiError(502, 'upstream_error', 'ElevenLabs sent no audio');
    return new SpeechAudio(first, reader);
  }
}

/**
 * An MP3 stream whose first chunk has arrived. Iterate it once; leaving the loop early (or
 * `cancel()`) aborts the upstream request.
 */
export class SpeechAudio implements AsyncIterable<Uint8Array> {
  private done = false;

  constructor(private readonly first: Uint8Array, private readonly reader: ReadableStreamDefaultReader<Uint8Array>) {}

  async cancel(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.reader.cancel().catch(() => undefined);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      yield this.first;
      for (;;) {
        const chunk = await nextChunk(this.reader);
        if (chunk === undefined) {
          this.done = true;
          return;
        }
        yield chunk;
      }
    } finally {
      await this.cancel();
    }
  }
}

/** The next non-empty chunk, undefined at the end; a broken stream becomes a 502. */
async function nextChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<Uint8Array | undefined> {
  for (;;) {
    let result: Awaited<ReturnType<typeof reader.read>>;
    try {
      result = await reader.read();
    } catch {
      throw new ApiError(502, 'upstream_error', 'the audio stream from ElevenLabs broke off');
    }
    if (result.done) return undefined;
    if (result.value.byteLength > 0) return result.value;
  }
}
