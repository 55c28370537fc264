import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/*
 * API Gateway HTTP API payload format 2.0, as the local front door hands it to an in-process
 * Lambda function: the event built from a request, and the function's result mapped back to an
 * HTTP response. Reference: "Working with AWS Lambda proxy integrations for HTTP APIs" (API
 * Gateway developer guide), payload format version 2.0.
 */

/** What the door knows about a request besides the request itself. */
export interface EventContext {
  /** The service's base path, e.g. `/jessica`. */
  readonly basePath: string;
  /** The path as the client sent it (percent-encoded, without the query string). */
  readonly rawPath: string;
  /** The query string without `?` (empty string when none). */
  readonly rawQueryString: string;
  /** The caller's address. */
  readonly sourceIp: string;
  /** The request body. */
  readonly body: Buffer;
  /** The request headers the function sees (lower-case names, repeated values joined by `,`). */
  readonly headers: Record<string, string>;
}

/** A payload format 2.0 event (the fields API Gateway sends). */
export interface EventV2 {
  readonly version: '2.0';
  readonly routeKey: string;
  readonly rawPath: string;
  readonly rawQueryString: string;
  readonly cookies?: string[];
  readonly headers: Record<string, string>;
  readonly queryStringParameters?: Record<string, string>;
  readonly pathParameters?: Record<string, string>;
  readonly requestContext: Record<string, unknown>;
  readonly body?: string;
  readonly isBase64Encoded: boolean;
}

/** An HTTP response mapped from a function's result. */
export interface MappedResponse {
  readonly statusCode: number;
  /** Header names and values; `set-cookie` may hold several values. */
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** API Gateway's `requestContext.time` format: `12/Mar/2020:19:03:58 +0000`. */
function requestTime(date: Date): string {
  const pad = (n: number) => (n < 10 ? `0${n}` : String(n));
  return `${pad(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:`
    + `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} +0000`;
}

/** Whether API Gateway passes a body of this content type as text (else base64). */
export function isTextContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  const type = contentType.split(';', 1)[0].trim().toLowerCase();
  return type.startsWith('text/')
    || type === 'application/json' || type.endsWith('+json')
    || type === 'application/xml' || type.endsWith('+xml')
    || type === 'application/javascript'
    || type === 'application/x-www-form-urlencoded';
}

/**
 * The request's headers as payload 2.0 carries them: lower-case names, repeated values joined
 * by `,` (from `rawHeaders`, so every repetition counts).
 */
export function joinedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    out[name] = out[name] === undefined ? value : `${out[name]},${value}`;
  }
  return out;
}

/** Builds the payload 2.0 event of one request routed to a Lambda function. */
export function buildEventV2(req: IncomingMessage, ctx: EventContext): EventV2 {
  const now = new Date();
  const headers: Record<string, string> = { ...ctx.headers };
  // Payload 2.0 moves the Cookie header to `cookies`.
  let cookies: string[] | undefined;
  if (headers.cookie !== undefined) {
    cookies = headers.cookie.split(/;\s*/).filter(c => c.length > 0);
    delete headers.cookie;
  }
  let queryStringParameters: Record<string, string> | undefined;
  if (ctx.rawQueryString.length > 0) {
    queryStringParameters = {};
    for (const [key, value] of new URLSearchParams(ctx.rawQueryString)) {
      const previous = queryStringParameters[key];
      queryStringParameters[key] = previous === undefined ? value : `${previous},${value}`;
    }
  }
  const isProxy = ctx.rawPath.length > ctx.basePath.length && ctx.basePath !== '/';
  const routeKey = isProxy ? `ANY ${ctx.basePath}/{proxy+}` : `ANY ${ctx.basePath}`;
  const host = headers.host ?? 'localhost';
  const domainName = host.replace(/:\d+$/, '');
  const method = req.method ?? 'GET';
  const hasBody = ctx.body.length > 0;
  const asText = isTextContentType(headers['content-type']);
  let pathParameters: Record<string, string> | undefined;
  if (isProxy) {
    const proxy = ctx.rawPath.slice(ctx.basePath.length + 1);
    let decoded = proxy;
    try {
      decoded = decodeURIComponent(proxy);
    } catch {
      // API Gateway would refuse a malformed escape; the raw value is the best local answer.
    }
    pathParameters = { proxy: decoded };
  }
  return {
    version: '2.0',
    routeKey,
    rawPath: ctx.rawPath,
    rawQueryString: ctx.rawQueryString,
    ...(cookies ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    ...(pathParameters ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName,
      domainPrefix: domainName.split('.', 1)[0],
      http: {
        method,
        path: ctx.rawPath,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: ctx.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: requestTime(now),
      timeEpoch: now.getTime(),
    },
    ...(hasBody ? { body: asText ? ctx.body.toString('utf8') : ctx.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !asText,
  };
}

/** Thrown by `mapResultV2` for a result API Gateway could not map (it answers 500). */
export class MalformedResultError extends Error {}

/**
 * Maps a function's result to an HTTP response as payload format 2.0 does: a result with
 * `statusCode` gives that status, its `headers`, `cookies` (as `set-cookie`) and `body`
 * (base64-decoded when `isBase64Encoded`); any other result is a 200 JSON response whose body
 * is the result (a string as it is, anything else JSON-encoded).
 */
export function mapResultV2(result: unknown): MappedResponse {
  if (result !== null && typeof result === 'object' && !Array.isArray(result) && 'statusCode' in result) {
    const r = result as Record<string, unknown>;
    const status = r.statusCode;
    if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
      throw new MalformedResultError(`statusCode ${JSON.stringify(status)} is not an HTTP status`);
    }
    const headers: Record<string, string | string[]> = {};
    if (r.headers !== undefined && r.headers !== null) {
      if (typeof r.headers !== 'object' || Array.isArray(r.headers)) throw new MalformedResultError('headers is not an object');
      for (const [name, value] of Object.entries(r.headers as Record<string, unknown>)) {
        if (value === undefined || value === null) continue;
        if (typeof value === 'object') throw new MalformedResultError(`header ${name} is not a string, number or boolean`);
        headers[name.toLowerCase()] = String(value);
      }
    }
    if (r.cookies !== undefined && r.cookies !== null) {
      if (!Array.isArray(r.cookies) || r.cookies.some(c => typeof c !== 'string')) {
        throw new MalformedResultError('cookies is not an array of strings');
      }
      if (r.cookies.length > 0) headers['set-cookie'] = r.cookies as string[];
    }
    let body = Buffer.alloc(0);
    if (r.body !== undefined && r.body !== null) {
      if (typeof r.body !== 'string') throw new MalformedResultError('body is not a string');
      body = r.isBase64Encoded === true ? Buffer.from(r.body, 'base64') : Buffer.from(r.body, 'utf8');
    }
    return { statusCode: status, headers, body };
  }
  const text = typeof result === 'string' ? result : JSON.stringify(result);
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(text ?? '', 'utf8'),
  };
}
