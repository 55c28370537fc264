import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { ElevenLabsClient } from './elevenlabs';
import { invalidRequest } from './errors';
import { ClientHub } from './hub';
import { SettingsService, toConfigBody } from './settings';
import { SpeechService } from './speech';
import { VoiceCatalog } from './voices';

export interface RouteContext {
  readonly serviceName: string;
  readonly version: string;
  readonly client: ElevenLabsClient;
  readonly voices: VoiceCatalog;
  readonly settings: SettingsService;
  readonly speech: SpeechService;
  readonly hub: ClientHub;
  /** Where the settings live (`ConfigStore.kind`), reported by /health. */
  readonly configStore: string;
}

/** The HTTP routes, relative to ROOT_PATH. */
export function registerHttpRoutes(scope: FastifyInstance, ctx: RouteContext): void {
  // Health checks come every 30 s: keep them out of the info log.
  scope.get('/health', { logLevel: 'warn' }, async () => ({
    status: 'ok',
    service: ctx.serviceName,
    elevenlabs_api_key: ctx.client.hasKey,
    version: ctx.version,
    websocket_clients: ctx.hub.size,
    config_store: ctx.configStore,
  }));

  scope.get('/api/v1/voices', async (req) => {
    const limit = parseLimit((req.query as Record<string, unknown>).limit);
    const voices = await ctx.voices.list();
    return limit === undefined ? voices : voices.slice(0, limit);
  });

  scope.get('/api/v1/models', async () => ctx.client.listModels());

  // Validated and queued; the audio goes to the WebSocket clients.
  scope.post('/api/v1/tts', async (req, reply) => {
    const request = await ctx.speech.resolve(ctx.speech.parse(req.body));
    if (ctx.hub.size === 0) req.log.info('POST /api/v1/tts without WebSocket clients: nothing to synthesize');
    // Failures reach the clients as `error` messages (and the log); the caller already has its 202.
    ctx.hub.enqueue(request, undefined, req.clientId).catch(() => undefined);
    return reply.code(202).send({});
  });

  // The MP3 as it arrives from ElevenLabs. Every check and the first audio bytes come before the
  // headers, so any failure up to there is a clean JSON error.
  scope.post('/api/v1/tts/stream', async (req, reply) => {
    // First of all: a caller that goes away at any point (also before the first audio bytes)
    // aborts the upstream request at once.
    const callerGone = new AbortController();
    reply.raw.once('close', () => {
      if (!reply.raw.writableFinished) callerGone.abort();
    });
    const request = await ctx.speech.resolve(ctx.speech.parse(req.body));
    const audio = await ctx.speech.open(request, callerGone.signal);
    if (callerGone.signal.aborted) {
      // Gone while the first bytes arrived: nothing to send to.
      await audio.cancel();
      return undefined;
    }
    const body = Readable.from(audio, { objectMode: false });
    body.on('error', (err) => {
      if (!callerGone.signal.aborted) req.log.warn({ err }, 'the audio stream broke off after the headers were sent');
    });
    return reply
      .header('content-type', 'audio/mpeg')
      .header('cache-control', 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  });

  scope.get('/api/v1/config', async () => toConfigBody(await ctx.settings.get()));

  scope.post('/api/v1/config', async (req) => toConfigBody(await ctx.settings.update(req.body)));
}

function parseLimit(raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !/^\d{1,3}$/.test(raw) || Number(raw) < 1 || Number(raw) > 100) {
    throw invalidRequest('limit must be an integer from 1 to 100');
  }
  return Number(raw);
}
