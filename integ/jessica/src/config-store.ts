import { GetParameterCommand, PutParameterCommand, SSMClient, SSMClientConfig } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import { MODEL_ID_PATTERN, VOICE_ID_PATTERN } from './config';

/** The settings a user can change at run time (`/api/v1/config`). */
export interface ServiceSettings {
  readonly default_voice_id: string;
  readonly default_model_id: string;
  readonly auto_play: boolean;
}

/** Where the settings live between restarts. */
export interface ConfigStore {
  /** What kind of store this is, e.g. `memory` or `ssm` (reported by /health). */
  readonly kind: string;
  /**
   * The stored settings, or the defaults when nothing was stored yet.
   * @throws InvalidStoredSettingsError when what is stored is not valid settings
   */
  load(): Promise<ServiceSettings>;
  save(settings: ServiceSettings): Promise<void>;
}

export const voiceIdSchema = z.string({ error: 'default_voice_id must be a string' })
  .regex(VOICE_ID_PATTERN, { error: 'default_voice_id must be 10 to 40 letters and digits' });
export const modelIdSchema = z.string({ error: 'default_model_id must be a string' })
  .regex(MODEL_ID_PATTERN, { error: 'default_model_id must be 2 to 64 characters of a-z, 0-9 and "_"' });
export const autoPlaySchema = z.boolean({ error: 'auto_play must be true or false' });

/** The settings as stored (JSON in SSM), each field optional. */
const storedSettingsSchema = z.strictObject({
  default_voice_id: voiceIdSchema.optional(),
  default_model_id: modelIdSchema.optional(),
  auto_play: autoPlaySchema.optional(),
});

/** What is stored is not valid settings: saving new settings may replace it. */
export class InvalidStoredSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidStoredSettingsError';
  }
}

/** Keeps the settings in memory: they live as long as the store object (tests, single process). */
export class MemoryConfigStore implements ConfigStore {
  readonly kind = 'memory';
  private settings?: ServiceSettings;

  constructor(private readonly defaults: ServiceSettings) {}

  async load(): Promise<ServiceSettings> {
    return { ...(this.settings ?? this.defaults) };
  }

  async save(settings: ServiceSettings): Promise<void> {
    this.settings = { ...settings };
  }
}

/**
 * An SSM client that gives up quickly when SSM cannot be reached (the SDK's defaults wait without
 * limit): 1 s to connect, 2 s without an answer, 2 attempts. Without `throwOnRequestTimeout` the
 * request timeout only logs a warning.
 */
export function createSsmClient(config: SSMClientConfig = {}): SSMClient {
  return new SSMClient({
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 1000, requestTimeout: 2000, throwOnRequestTimeout: true },
    ...config,
  });
}

/** The part of `SSMClient` the store uses (tests pass a fake). */
export interface SsmLike {
  send(command: GetParameterCommand | PutParameterCommand): Promise<unknown>;
}

/**
 * Keeps the settings as JSON in an SSM String parameter, so that they survive restarts and are
 * shared by every task. A missing parameter means "nothing stored yet": the defaults apply.
 * Needs `ssm:GetParameter` and `ssm:PutParameter` on the parameter.
 */
export class SsmConfigStore implements ConfigStore {
  readonly kind = 'ssm';

  constructor(
    private readonly parameterName: string,
    private readonly defaults: ServiceSettings,
    private readonly client: SsmLike = createSsmClient(),
  ) {}

  async load(): Promise<ServiceSettings> {
    let value: string | undefined;
    try {
      const out = await this.client.send(new GetParameterCommand({ Name: this.parameterName })) as { Parameter?: { Value?: string } };
      value = out.Parameter?.Value;
    } catch (err) {
      if ((err as { name?: string })?.name === 'ParameterNotFound') return { ...this.defaults };
      throw err;
    }
    if (value === undefined) return { ...this.defaults };
    let stored: unknown;
    try {
      stored = JSON.parse(value);
    } catch {
      throw new InvalidStoredSettingsError(`SSM parameter ${this.parameterName} does not hold JSON`);
    }
    const parsed = storedSettingsSchema.safeParse(stored);
    if (!parsed.success) throw new InvalidStoredSettingsError(`SSM parameter ${this.parameterName} holds invalid settings: ${parsed.error.issues[0]?.message}`);
    return { ...this.defaults, ...stripUndefined(parsed.data) };
  }

  async save(settings: ServiceSettings): Promise<void> {
    await this.client.send(new PutParameterCommand({
      Name: this.parameterName,
      Value: JSON.stringify(settings),
      Type: 'String',
      Overwrite: true,
    }));
  }
}

export function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
