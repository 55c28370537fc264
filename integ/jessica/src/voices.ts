import { ElevenLabsClient, Voice } from './elevenlabs';
import { ApiError } from './errors';

/**
 * The account's voices, cached for `cacheSeconds` (0: no cache). Concurrent callers share one
 * upstream request; failures are not cached.
 */
export class VoiceCatalog {
  private cached?: { voices: Voice[]; expiresAt: number };
  private inFlight?: Promise<Voice[]>;

  constructor(
    private readonly client: ElevenLabsClient,
    private readonly cacheSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<Voice[]> {
    if (this.cached && this.cached.expiresAt > this.now()) return this.cached.voices;
    if (!this.inFlight) {
      this.inFlight = this.client.listVoices()
        .then((voices) => {
          if (this.cacheSeconds > 0) this.cached = { voices, expiresAt: this.now() + this.cacheSeconds * 1000 };
          return voices;
        })
        .finally(() => {
          this.inFlight = undefined;
        });
    }
    return this.inFlight;
  }

  /** @throws ApiError 422 `unknown_voice` when the id is not one of the account's voices */
  async assertKnownVoice(voiceId: string): Promise<void> {
    const voices = await this.list();
    if (!voices.some((v) => v.voice_id === voiceId)) {
      throw new ApiError(422, 'unknown_voice', `voice_id "${voiceId}" is not one of the account's voices (see GET /api/v1/voices)`);
    }
  }
}
