/**
 * Configuration from environment variables. Every value is checked at startup so that a typo in the
 * deployment fails loudly instead of silently running with a default (the original's defect 3).
 */

/** Pino log levels accepted for LOG_LEVEL. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = typeof LOG_LEVELS[number];

export const DEFAULT_VOICE_ID = 'cgSgspJ2msm6clMCkdW9';
export const DEFAULT_MODEL_ID = 'eleven_flash_v2_5';
/**
 * The value of the `api_key` field in the secret that TtsService creates, until the operator puts
 * the real key in (the library's `TtsService.PLACEHOLDER_API_KEY`; a test keeps both equal).
 */
export const PLACEHOLDER_API_KEY = 'replace-with-your-elevenlabs-api-key';
/** ElevenLabs voice ids: letters and digits. */
export const VOICE_ID_PATTERN = /^[A-Za-z0-9]{10,40}$/;
/** ElevenLabs model ids, e.g. `eleven_flash_v2_5`. */
export const MODEL_ID_PATTERN = /^[a-z0-9_]{2,64}$/;

export interface AppConfig {
  readonly port: number;
  readonly host: string;
  /** '' or '/segment[/segment...]' without a trailing slash. */
  readonly rootPath: string;
  readonly serviceName: string;
  /** undefined when ELEVENLABS_API_KEY is unset or empty. */
  readonly elevenLabsApiKey?: string;
  readonly elevenLabsBaseUrl: string;
  /** Longest wait for ElevenLabs, in ms: for the response headers of every call, then for each piece of audio (also the first). */
  readonly elevenLabsIdleTimeoutMs: number;
  readonly defaultVoiceId: string;
  readonly defaultModelId: string;
  readonly logLevel: LogLevel;
  readonly maxTextLength: number;
  readonly bodyLimitBytes: number;
  /**
   * Longest time for receiving a whole request (headers and body), in ms; then 408. Responses,
   * WebSockets and streams are not limited by it.
   */
  readonly requestTimeoutMs: number;
  /** Speech jobs one client may have queued or playing at once (of the 16 all share). */
  readonly speechQueuePerClient: number;
  /**
   * Proxies in front of the service that each append one address to X-Forwarded-For (CloudFront,
   * then the ALB or the HTTP API: 2). The client is the entry that many places from the right;
   * entries further left are the client's own and ignored. 0: the connection's address.
   */
  readonly trustedProxyHops: number;
  /**
   * A header that carries the client's address, set by a proxy that replaces any value a client
   * sends (the platform's front door: `x-viewer-address`). Undefined: X-Forwarded-For and
   * `trustedProxyHops`.
   */
  readonly clientAddressHeader?: string;
  /** Exact origins such as `https://jessica.example.com`, or `*`. Empty: no CORS headers. */
  readonly corsAllowOrigins: readonly string[];
  /** SSM parameter holding the persisted settings; undefined keeps them in memory. */
  readonly configParameterName?: string;
  readonly voicesCacheSeconds: number;
}

/** Thrown by `loadConfig` with every problem found, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Reads and validates the configuration. Unset or empty variables take their defaults.
 *
 * @throws ConfigError listing every invalid variable
 */
export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const str = (name: string, fallback: string): string => {
    const value = env[name]?.trim();
    return value ? value : fallback;
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}="${raw}": expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  };
  const matching = (name: string, fallback: string, pattern: RegExp, expected: string): string => {
    const value = str(name, fallback);
    if (!pattern.test(value)) problems.push(`${name}="${value}": expected ${expected}`);
    return value;
  };

  const port = int('PORT', 9020, 0, 65535);
  const host = str('HOST', '0.0.0.0');

  const rootPath = env.ROOT_PATH?.trim() ?? '';
  if (rootPath !== '' && !/^(\/[A-Za-z0-9._~-]+)+$/.test(rootPath)) {
    problems.push(`ROOT_PATH="${rootPath}": expected '' or a path such as "/jessica" (starting with "/", no trailing "/")`);
  }

  const serviceName = matching('SERVICE_NAME', 'jessica', /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'a name of letters, digits, ".", "_" or "-"');

  // An empty value, or the placeholder that the platform's TtsService writes into the secret it
  // creates, counts as missing: the service starts and reports the key as missing.
  const key = env.ELEVENLABS_API_KEY?.trim();
  const elevenLabsApiKey = key && key !== PLACEHOLDER_API_KEY ? key : undefined;
  if (!key && env.ELEVEN_LABS_API_KEY?.trim()) {
    // The original deployment injected this misspelled name (defect 3): say so instead of ignoring it.
    problems.push('ELEVEN_LABS_API_KEY is set but the service reads ELEVENLABS_API_KEY (no underscore between ELEVEN and LABS)');
  }

  const elevenLabsBaseUrl = str('ELEVENLABS_BASE_URL', 'https://api.elevenlabs.io').replace(/\/+$/, '');
  if (!isHttpUrl(elevenLabsBaseUrl)) {
    problems.push(`ELEVENLABS_BASE_URL="${elevenLabsBaseUrl}": expected an http(s):// URL`);
  }

  const elevenLabsIdleTimeoutMs = int('ELEVENLABS_IDLE_TIMEOUT_MS', 20_000, 100, 300_000);

  const defaultVoiceId = matching('DEFAULT_VOICE_ID', DEFAULT_VOICE_ID, VOICE_ID_PATTERN, '10 to 40 letters and digits');
  const defaultModelId = matching('DEFAULT_MODEL_ID', DEFAULT_MODEL_ID, MODEL_ID_PATTERN, '2 to 64 characters of a-z, 0-9 and "_"');

  const logLevel = str('LOG_LEVEL', 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL="${logLevel}": expected one of ${LOG_LEVELS.join(', ')}`);
  }

  const maxTextLength = int('MAX_TEXT_LENGTH', 5000, 1, 100_000);
  const bodyLimitBytes = int('BODY_LIMIT_BYTES', 65536, 1024, 10 * 1024 * 1024);
  const requestTimeoutMs = int('REQUEST_TIMEOUT_MS', 30_000, 100, 600_000);
  const speechQueuePerClient = int('SPEECH_QUEUE_PER_CLIENT', 4, 1, 16);
  const trustedProxyHops = int('TRUSTED_PROXY_HOPS', 2, 0, 10);
  const clientAddressHeader = (env.CLIENT_ADDRESS_HEADER ?? '').trim().toLowerCase() || undefined;
  if (clientAddressHeader !== undefined && !/^[a-z0-9-]{1,64}$/.test(clientAddressHeader)) {
    problems.push(`CLIENT_ADDRESS_HEADER="${env.CLIENT_ADDRESS_HEADER}": expected a header name of letters, digits and -, such as x-viewer-address`);
  }
  const voicesCacheSeconds = int('VOICES_CACHE_SECONDS', 300, 0, 86_400);

  const corsAllowOrigins = (env.CORS_ALLOW_ORIGINS ?? '').split(',').map((o) => o.trim()).filter((o) => o !== '');
  for (const origin of corsAllowOrigins) {
    if (origin !== '*' && !/^https?:\/\/[^\s/]+$/.test(origin)) {
      problems.push(`CORS_ALLOW_ORIGINS entry "${origin}": expected "*" or a scheme and host such as "https://jessica.example.com" (no path, no trailing slash)`);
    }
  }

  const parameterName = env.CONFIG_PARAMETER_NAME?.trim();
  const configParameterName = parameterName ? parameterName : undefined;
  if (configParameterName !== undefined && !/^[A-Za-z0-9_.\-/]{1,1011}$/.test(configParameterName)) {
    problems.push(`CONFIG_PARAMETER_NAME="${configParameterName}": expected an SSM parameter name such as "/jessica/config"`);
  }

  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host,
    rootPath,
    serviceName,
    elevenLabsApiKey,
    elevenLabsBaseUrl,
    elevenLabsIdleTimeoutMs,
    defaultVoiceId,
    defaultModelId,
    logLevel: logLevel as LogLevel,
    maxTextLength,
    bodyLimitBytes,
    requestTimeoutMs,
    speechQueuePerClient,
    trustedProxyHops,
    clientAddressHeader,
    corsAllowOrigins,
    configParameterName,
    voicesCacheSeconds,
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
