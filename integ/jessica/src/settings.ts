import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { autoPlaySchema, ConfigStore, modelIdSchema, ServiceSettings, stripUndefined, voiceIdSchema } from './config-store';
import { ApiError, invalidRequest } from './errors';
import { describeIssues, isJsonObject } from './validation';

/** `POST /api/v1/config`: any part of `{ default_voice_id, default_model_id, settings: { auto_play } }`. */
const configUpdateSchema = z.strictObject({
  default_voice_id: voiceIdSchema.optional(),
  default_model_id: modelIdSchema.optional(),
  settings: z.strictObject({ auto_play: autoPlaySchema.optional() }, { error: 'settings must be an object' }).optional(),
});

/** The API's view of the settings (`GET /api/v1/config`). */
export interface ConfigBody {
  readonly default_voice_id: string;
  readonly default_model_id: string;
  readonly settings: { readonly auto_play: boolean };
}

export function toConfigBody(settings: ServiceSettings): ConfigBody {
  return {
    default_voice_id: settings.default_voice_id,
    default_model_id: settings.default_model_id,
    settings: { auto_play: settings.auto_play },
  };
}

/**
 * The current settings, read through a `ConfigStore`. Reads are cached for `ttlMs` so that several
 * tasks sharing one store converge; when the store cannot be read the last known settings (at
 * first the defaults) apply, so speech keeps working.
 */
export class SettingsService {
  private current: ServiceSettings;
  private loadedAt = -Infinity;

  constructor(
    private readonly store: ConfigStore,
    defaults: ServiceSettings,
    private readonly log: FastifyBaseLogger,
    private readonly ttlMs = 30_000,
  ) {
    this.current = { ...defaults };
  }

  async get(): Promise<ServiceSettings> {
    if (Date.now() - this.loadedAt < this.ttlMs) return this.current;
    try {
      this.current = await this.store.load();
    } catch (err) {
      this.log.error({ err }, 'could not load the settings; using the last known ones');
    }
    // Also after a failure: retry at most once per ttl instead of on every request.
    this.loadedAt = Date.now();
    return this.current;
  }

  /** Validates a partial update, merges it into the stored settings and saves them. */
  async update(body: unknown): Promise<ServiceSettings> {
    if (!isJsonObject(body)) {
      throw invalidRequest('the request body must be a JSON object with default_voice_id, default_model_id and/or settings.auto_play');
    }
    const parsed = configUpdateSchema.safeParse(body);
    if (!parsed.success) throw invalidRequest(describeIssues(parsed.error.issues));
    const patch = stripUndefined({
      default_voice_id: parsed.data.default_voice_id,
      default_model_id: parsed.data.default_model_id,
      auto_play: parsed.data.settings?.auto_play,
    });
    let next: ServiceSettings;
    try {
      next = { ...await this.store.load(), ...patch };
      await this.store.save(next);
    } catch (err) {
      this.log.error({ err }, 'could not save the settings');
      throw new ApiError(503, 'config_store_unavailable', 'the settings could not be saved; try again later');
    }
    this.current = next;
    this.loadedAt = Date.now();
    return next;
  }
}
