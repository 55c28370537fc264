/*
 * The CORS policy of a service and the one function that answers its preflights: the source
 * text of the platform's preflight responder (a Lambda function, routing/private/cors-preflight.ts)
 * and the local front door's (dev/) preflight answer. Dependency-free.
 */

/** The CORS policy the preflight responder applies. @internal */
export interface CorsPolicy {
  readonly allowOrigins: string[];
  readonly allowMethods: string[];
  readonly allowHeaders: string[];
  readonly allowCredentials: boolean;
  readonly maxAgeSeconds: number;
}

/** The subset of an HTTP API (payload 2.0) event the responder reads. @internal */
export interface PreflightEvent {
  readonly headers?: Record<string, string | undefined>;
}

/** What the responder returns. @internal */
export interface PreflightResult {
  readonly statusCode: number;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/**
 * Answers one CORS preflight request. Self-contained: its source text is the Lambda's code.
 * @internal
 */
export function respondToPreflight(event: PreflightEvent, policy: CorsPolicy): PreflightResult {
  const headers = event.headers ?? {};
  const origin = headers.origin;
  const anyOrigin = policy.allowOrigins.indexOf('*') >= 0;
  if (!origin || (!anyOrigin && policy.allowOrigins.indexOf(origin) < 0)) {
    return {
      statusCode: 403,
      headers: { 'content-type': 'application/json', 'vary': 'Origin' },
      body: JSON.stringify({ message: 'origin not allowed' }),
    };
  }
  const result: Record<string, string> = {
    'access-control-allow-origin': anyOrigin ? '*' : origin,
    'access-control-allow-methods': policy.allowMethods.join(','),
    'access-control-allow-headers': policy.allowHeaders.join(','),
    'access-control-max-age': String(policy.maxAgeSeconds),
    'vary': 'Origin',
  };
  if (policy.allowCredentials) result['access-control-allow-credentials'] = 'true';
  return { statusCode: 204, headers: result };
}

