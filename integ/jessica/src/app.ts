import { IncomingMessage, ServerResponse, STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import websocket from '@fastify/websocket';
import Fastify, { FastifyInstance, FastifyReply } from 'fastify';
import { AppConfig } from './config';
import { ConfigStore, MemoryConfigStore, ServiceSettings, SsmConfigStore } from './config-store';
import { registerCors } from './cors';
import { ElevenLabsClient, FetchFn } from './elevenlabs';
import { ApiError, toApiError } from './errors';
import { ClientHub } from './hub';
import { MCP_METHOD_HINT, registerMcpRoutes } from './mcp';
import { registerHttpRoutes } from './routes';
import { SettingsService } from './settings';
import { SpeechService } from './speech';
import { InvalidJsonError, parseJson } from './validation';
import { packageVersion } from './version';
import { VoiceCatalog } from './voices';
import { closeAllClients, MAX_INCOMING_FRAME_BYTES, onWebSocketError, registerWebSocketRoute } from './websocket';

/** Methods a route of the service may have (HEAD: Fastify adds it to every GET route). */
const ROUTE_METHODS = ['DELETE', 'GET', 'HEAD', 'PATCH', 'POST', 'PUT'] as const;

/** What tests (or other hosts) may replace. */
export interface AppDependencies {
  /** @default globalThis.fetch */
  readonly fetch?: FetchFn;
  /** @default SsmConfigStore with CONFIG_PARAMETER_NAME, else MemoryConfigStore */
  readonly configStore?: ConfigStore;
  /** How long settings read from the store are reused, in ms. @default 30000 */
  readonly settingsCacheMs?: number;
  /** Where the JSON log lines go. @default stdout */
  readonly logStream?: { write(line: string): void };
}

/**
 * Builds the service: HTTP routes, `/ws` and `/mcp` under `config.rootPath`, JSON errors, CORS.
 * Resolves with a ready Fastify instance that is not listening yet.
 */
export async function buildApp(config: AppConfig, deps: AppDependencies = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers["xi-api-key"]', 'req.headers.authorization'], censor: '[redacted]' },
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    bodyLimit: config.bodyLimitBytes,
    // A request whose headers or body stop arriving is answered 408 after REQUEST_TIMEOUT_MS (Node
    // counts only the receiving of the request: responses, streams and WebSockets are not cut).
    // Node checks every connectionsCheckingInterval (default 30 s): often enough to keep the limit.
    requestTimeout: config.requestTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(config.requestTimeoutMs / 10))),
    },
    clientErrorHandler: onClientError,
    frameworkErrors: onFrameworkError,
    // Behind CloudFront and the platform's ALB or HTTP API, each appending the address it was
    // reached from to X-Forwarded-For: req.ip is the entry TRUSTED_PROXY_HOPS from the right (the
    // left-most entries are whatever the client sent). With 0 it is the connection's address.
    // (Fastify's number form, which its types do not list.)
    trustProxy: (_address: string, hop: number) => hop < config.trustedProxyHops,
  });
  // The client of the per-client speech queue: CLIENT_ADDRESS_HEADER when the front door sets it
  // (the platform's CloudFront Function replaces any value a client sends), else req.ip.
  app.decorateRequest('clientId', '');
  app.addHook('onRequest', async (req) => {
    const header = config.clientAddressHeader ? req.headers[config.clientAddressHeader] : undefined;
    req.clientId = typeof header === 'string' && header.trim() !== '' ? header.trim() : req.ip;
  });
  // JSON only: text/plain bodies are answered with 415 like any other type.
  app.removeContentTypeParser('text/plain');
  // Fastify's own JSON parser answers a `__proto__` or `constructor.prototype` key as invalid JSON;
  // this one refuses them with 400 forbidden_key, naming the key.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = body as string;
    if (text.length === 0) return done(new ApiError(400, 'invalid_json', 'the request body is empty; expected a JSON object'), undefined);
    try {
      return done(null, parseJson(text, 'the request body'));
    } catch (err) {
      return done(err instanceof InvalidJsonError ? new ApiError(400, 'invalid_json', 'the request body is not valid JSON') : err as Error, undefined);
    }
  });

  const version = packageVersion();
  const defaults: ServiceSettings = {
    default_voice_id: config.defaultVoiceId,
    default_model_id: config.defaultModelId,
    auto_play: true,
  };
  const store = deps.configStore ?? (config.configParameterName
    ? new SsmConfigStore(config.configParameterName, defaults)
    : new MemoryConfigStore(defaults));
  // ELEVENLABS_IDLE_TIMEOUT_MS bounds every wait for ElevenLabs: for the response headers here, and
  // for each piece of audio after them (SpeechService).
  const client = new ElevenLabsClient({
    apiKey: config.elevenLabsApiKey,
    baseUrl: config.elevenLabsBaseUrl,
    fetch: deps.fetch,
    timeoutMs: config.elevenLabsIdleTimeoutMs,
  });
  if (store.kind === 'memory') {
    app.log.warn('CONFIG_PARAMETER_NAME is not set: settings changed through /api/v1/config are kept in memory only '
      + '(lost at restart, not shared between tasks)');
  }
  const voices = new VoiceCatalog(client, config.voicesCacheSeconds);
  // Without a key the voices cannot be listed: a new default voice is then only checked for its format.
  const settings = new SettingsService(store, defaults, app.log, { ttlMs: deps.settingsCacheMs, voices: client.hasKey ? voices : undefined });
  const speech = new SpeechService(client, voices, settings, config.maxTextLength, config.elevenLabsIdleTimeoutMs);
  const hub = new ClientHub(speech, app.log, config.speechQueuePerClient);

  app.setErrorHandler((err, req, reply) => {
    const apiError = toApiError(err);
    if (apiError.code === 'internal_error') {
      req.log.error({ err }, 'unexpected error');
    } else {
      req.log.info({ status: apiError.status, code: apiError.code }, apiError.message);
    }
    return reply.code(apiError.status).headers(apiError.headers).send(apiError.toBody());
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    const shown = path.slice(0, 200);
    // A known path asked with another method: 405 with the methods it has (every route is static).
    const allowed = ROUTE_METHODS.filter((method) => app.hasRoute({ method, url: path }));
    if (allowed.length > 0) {
      // The CORS hook answers preflights (OPTIONS) of allowed origins on every path.
      const allow = [...allowed, ...(config.corsAllowOrigins.length > 0 ? ['OPTIONS'] : [])].sort().join(', ');
      // An OPTIONS that gets here was not a preflight of an allowed origin.
      const hint = req.method === 'OPTIONS' ? ' (OPTIONS answers only CORS preflights from an allowed origin)'
        : path === `${config.rootPath}/mcp` ? ` (${MCP_METHOD_HINT})` : '';
      return reply.code(405).header('allow', allow)
        .send(new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${shown}; allowed: ${allow}${hint}`).toBody());
    }
    return reply.code(404).send(new ApiError(404, 'not_found', `no route for ${req.method} ${shown}`).toBody());
  });
  registerCors(app, config.corsAllowOrigins);
  // Before the plugin's own preClose hook: tell the clients why they are being closed.
  app.addHook('preClose', async () => closeAllClients(hub, app.log));
  closeKeepAliveConnectionsWhenDone(app);
  await app.register(websocket, { options: { maxPayload: MAX_INCOMING_FRAME_BYTES }, errorHandler: onWebSocketError });

  await app.register(async (scope) => {
    registerHttpRoutes(scope, { serviceName: config.serviceName, version, client, voices, settings, speech, hub, configStore: store.kind });
    registerWebSocketRoute(scope, hub, speech);
    registerMcpRoutes(scope, {
      serviceName: config.serviceName,
      version,
      webSocketPath: `${config.rootPath}/ws`,
      hub,
      speech,
      voices,
    });
  }, { prefix: config.rootPath });

  await app.ready();
  return app;
}

/**
 * On `app.close()`, Node's `server.close()` ends the keep-alive connections that are idle at that
 * moment; a connection still busy with a response would stay open after it (until the client or
 * `keepAliveTimeout`, 72 s, ends it), holding the shutdown. So once closing has begun, every
 * response that finishes ends the connections that are idle by then. Requests arriving on such a
 * connection before that get Fastify's 503 with `Connection: close`.
 */
function closeKeepAliveConnectionsWhenDone(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    res.once('close', () => {
      // After the response's own bookkeeping, when its connection counts as idle.
      if (closing) setImmediate(() => app.server.closeIdleConnections());
    });
  });
}

/**
 * Errors Node's HTTP parser reports before Fastify sees a request (Fastify's `clientErrorHandler`):
 * answered on the raw socket in the service's error shape, then the connection is closed.
 */
function onClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  // A connection reset: nobody to answer.
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const error = describeClientError(err);
  this.log.info({ code: err.code, status: error.status }, `client error: ${error.message}`);
  if (socket.writable) {
    const body = JSON.stringify(error.toBody());
    socket.write(`HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? ''}\r\n`
      + 'Content-Type: application/json; charset=utf-8\r\n'
      + `Content-Length: ${Buffer.byteLength(body)}\r\n`
      + 'Connection: close\r\n\r\n'
      + body);
  }
  socket.destroy();
}

function describeClientError(err: NodeJS.ErrnoException): ApiError {
  switch (err.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, 'request_timeout', 'the request (headers and body) did not arrive in time');
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(431, 'header_too_large', 'the request headers are too large');
    case 'HPE_INVALID_CONTENT_LENGTH':
    case 'HPE_UNEXPECTED_CONTENT_LENGTH':
      return new ApiError(400, 'invalid_content_length', 'the Content-Length header is not valid (not a number, repeated with different values, or sent with Transfer-Encoding)');
    case 'HPE_INVALID_TRANSFER_ENCODING':
    case 'HPE_INVALID_CHUNK_SIZE':
      return new ApiError(400, 'invalid_transfer_encoding', 'the Transfer-Encoding header or the chunked body is not valid');
    default:
      // Node's parser codes (HPE_*) name the problem without quoting the request.
      return new ApiError(400, 'bad_request', `the request is not valid HTTP${typeof err.code === 'string' ? ` (${err.code})` : ''}`);
  }
}

/**
 * Errors Fastify's router meets before any route (Fastify's `frameworkErrors`): a URL whose
 * percent-encoding does not decode is 400 `bad_url`.
 */
function onFrameworkError(err: Error & { code?: string }, _req: unknown, reply: FastifyReply): void {
  const error = err.code === 'FST_ERR_BAD_URL'
    ? new ApiError(400, 'bad_url', 'the URL is not valid: a percent-encoded part does not decode')
    : toApiError(err);
  reply.code(error.status).send(error.toBody());
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Who the request counts for in the per-client speech queue (see CLIENT_ADDRESS_HEADER). */
    clientId: string;
  }
}
