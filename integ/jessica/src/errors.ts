/** The JSON body of every error response. */
export interface ErrorBody {
  /** A stable, machine-readable code such as `invalid_request`. */
  readonly error: string;
  /** Human-readable text; never contains secrets or stack traces. */
  readonly message: string;
}

/** An error with the HTTP status and code to answer with. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Response headers that go with the error, e.g. `retry-after`. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ErrorBody {
    return { error: this.code, message: this.message };
  }
}

/** 429 with `Retry-After` in whole seconds (at least 1), also said in the message. */
export function tooManyRequests(code: string, message: string, retryAfterSeconds: number): ApiError {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new ApiError(429, code, `${message}; try again in ${seconds} s`, { 'retry-after': String(seconds) });
}

export const invalidRequest = (message: string): ApiError => new ApiError(400, 'invalid_request', message);

/** The caller went away before its answer was ready (nginx's 499: logged, never seen by anyone). */
export const callerGone = (): ApiError => new ApiError(499, 'client_closed_request', 'the caller closed the connection');

export const keyMissing = (): ApiError => new ApiError(503, 'elevenlabs_key_missing',
  'ELEVENLABS_API_KEY is not configured: speech, voices and models are unavailable');

/**
 * Converts anything thrown into the status and body to answer with. Fastify's own errors (body
 * parsing, limits) keep their meaning; anything unexpected becomes a bare 500 without details.
 */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = (err ?? {}) as { code?: unknown; statusCode?: unknown; message?: unknown };
  switch (e.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError(415, 'unsupported_media_type', 'expected Content-Type: application/json');
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError(413, 'payload_too_large', 'the request body is too large');
    default:
      break;
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    // Other client errors from Fastify (bad Content-Length, URL, ...): their messages carry no secrets.
    return new ApiError(status, 'bad_request', typeof e.message === 'string' ? e.message : 'bad request');
  }
  return new ApiError(500, 'internal_error', 'internal server error');
}
