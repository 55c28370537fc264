import type { FastifyBaseLogger } from 'fastify';
import { z } from 'zod';
import { autoPlaySchema, ConfigStore, InvalidStoredSettingsError, modelIdSchema, ServiceSettings, stripUndefined, voiceIdSchema } from './config-store';
import { ApiError, invalidRequest } from './errors';
import { describeIssues, isJsonObject } from './validation';
import { VoiceCatalog } from './voices';

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

export interface SettingsOptions {
  /** How long settings read from the store are reused, in ms. @default 30000 */
  readonly ttlMs?: number;
  /** Checks `default_voice_id` against the account's voices; without it only the format is checked. */
  readonly voices?: VoiceCatalog;
}

/**
 * The current settings, read through a `ConfigStore`. Reads are cached for `ttlMs` so that several
 * tasks sharing one store converge. Only the first read is waited for: later ones refresh the cache
 * in the background (one at a time), and when the store cannot be read the last known settings (at
 * first the defaults) apply, so speech never waits for a slow or unreachable store.
 */
export class SettingsService {
  private current: ServiceSettings;
  private loadedAt = -Infinity;
  private refreshing?: Promise<void>;
  private firstLoad?: Promise<void>;
  /** Bumped by every update, so that a refresh that started before it does not undo it. */
  private updates = 0;
  private readonly ttlMs: number;

  constructor(
    private readonly store: ConfigStore,
    defaults: ServiceSettings,
    private readonly log: FastifyBaseLogger,
    private readonly options: SettingsOptions = {},
  ) {
    this.current = { ...defaults };
    this.ttlMs = options.ttlMs ?? 30_000;
  }

  async get(): Promise<ServiceSettings> {
    if (Date.now() - this.loadedAt >= this.ttlMs) {
      const refresh = this.refresh();
      this.firstLoad ??= refresh;
    }
    await this.firstLoad;
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
    // A default voice the account does not have would make every later speech request fail.
    if (patch.default_voice_id !== undefined) await this.options.voices?.assertKnownVoice(patch.default_voice_id);
    let next: ServiceSettings;
    try {
      next = { ...await this.loadForUpdate(), ...patch };
      await this.store.save(next);
    } catch (err) {
      this.log.error({ err }, 'could not save the settings');
      throw new ApiError(503, 'config_store_unavailable', 'the settings could not be saved; try again later');
    }
    this.updates++;
    this.current = next;
    this.loadedAt = Date.now();
    return next;
  }

  /** Reads the store into the cache; concurrent callers share one read. */
  private refresh(): Promise<void> {
    if (!this.refreshing) {
      const updates = this.updates;
      this.refreshing = this.store.load().then((settings) => {
        if (updates === this.updates) this.current = settings;
      }, (err: unknown) => {
        this.log.warn({ err }, 'could not load the settings; using the last known ones');
      }).finally(() => {
        // Also after a failure: retry at most once per ttl instead of on every request.
        this.loadedAt = Date.now();
        this.refreshing = undefined;
      });
    }
    return this.refreshing;
  }

  /** The stored settings to apply an update to; invalid stored settings are replaced, starting from the current ones. */
  private async loadForUpdate(): Promise<ServiceSettings> {
    try {
      return await this.store.load();
    } catch (err) {
      if (!(err instanceof InvalidStoredSettingsError)) throw err;
      this.log.warn({ err }, 'the stored settings are invalid; the update replaces them');
      return this.current;
    }
  }
}
