import type { FastifyBaseLogger, FastifyInstance, FastifyRequest } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { ApiError, toApiError } from './errors';
import { ClientHub } from './hub';
import { SpeechService } from './speech';
import { InvalidJsonError, isJsonObject, parseJson } from './validation';

/** Largest frame a client may send; larger ones close the connection with 1009 (ws library). */
export const MAX_INCOMING_FRAME_BYTES = 64 * 1024;
/** Ping interval; a client that did not answer the previous ping is dropped. */
const HEARTBEAT_MS = 30_000;

/**
 * `GET /ws`: the browser's audio channel. Clients send
 * `{ "type": "tts_request", "text": "...", "voice_id"?: "..." }` and receive `audio_start`,
 * `audio_chunk`s and `audio_complete` (or `error`); clips from `POST /api/v1/tts` and the MCP
 * tool `speak_text` arrive the same way. A bad frame gets an `error` message, never a disconnect.
 */
export function registerWebSocketRoute(scope: FastifyInstance, hub: ClientHub, speech: SpeechService): void {
  const alive = new WeakMap<WebSocket, boolean>();
  const sockets = new Set<WebSocket>();
  const heartbeat = setInterval(() => {
    for (const socket of sockets) {
      if (alive.get(socket) === false) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  scope.addHook('onClose', async () => clearInterval(heartbeat));

  scope.route({
    method: 'GET',
    url: '/ws',
    // ws would answer a bad handshake itself, in plain text: check it first (errors in JSON).
    onRequest: async (req) => checkHandshake(req),
    // A plain GET (no Upgrade header) lands here.
    handler: async () => {
      throw new ApiError(426, 'upgrade_required', 'this endpoint speaks WebSocket: connect with ws:// or wss://');
    },
    wsHandler: (socket, req) => {
      const log = req.log;
      hub.add(socket);
      sockets.add(socket);
      alive.set(socket, true);
      log.info({ clients: hub.size }, 'WebSocket client connected');
      socket.on('pong', () => alive.set(socket, true));
      socket.on('close', () => {
        sockets.delete(socket);
        log.info({ clients: hub.size }, 'WebSocket client disconnected');
      });
      socket.on('message', (data, isBinary) => {
        handleMessage(socket, data, isBinary, req.clientId).catch((err: unknown) => {
          const apiError = toApiError(err);
          if (apiError.status >= 500 && apiError.code === 'internal_error') log.error({ err }, 'WebSocket message failed');
          hub.send(socket, { type: 'error', message: apiError.message });
        });
      });
    },
  });

  /** `clientId`: the address of the client that opened the socket (its upgrade request's `req.ip`). */
  async function handleMessage(socket: WebSocket, data: RawData, isBinary: boolean, clientId: string): Promise<void> {
    if (isBinary) throw invalidMessage('expected a JSON text frame, got a binary frame');
    let message: unknown;
    try {
      message = parseJson(rawToString(data), 'the message');
    } catch (err) {
      if (err instanceof InvalidJsonError) throw invalidMessage('the message is not valid JSON');
      throw err;
    }
    if (!isJsonObject(message)) throw invalidMessage('the message must be a JSON object with a "type" field');
    if (message.type !== 'tts_request') {
      const type = typeof message.type === 'string' ? `"${message.type.slice(0, 40)}"` : 'missing';
      throw invalidMessage(`unknown message type (${type}); expected "tts_request"`);
    }
    const { type: _type, ...body } = message;
    const request = await speech.resolve(speech.parse(body));
    // Errors during the synthesis reach the client as an `error` message from the hub.
    hub.enqueue(request, socket, clientId).catch(() => undefined);
  }
}

/** A base64 nonce of 16 bytes, as RFC 6455 requires for Sec-WebSocket-Key. */
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{21}[AQgw]==$/;

/**
 * An upgrade request to `/ws` with a missing or bad `Sec-WebSocket-Key` or `Sec-WebSocket-Version`
 * is 400 `invalid_websocket_handshake` (with `Sec-WebSocket-Version: 13` for a bad version).
 */
function checkHandshake(req: FastifyRequest): void {
  if ((req.headers.upgrade ?? '').toLowerCase() !== 'websocket') return;
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !WEBSOCKET_KEY.test(key.trim())) {
    throw new ApiError(400, 'invalid_websocket_handshake', 'missing or invalid Sec-WebSocket-Key header (expected a base64 nonce of 16 bytes)');
  }
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') {
    throw new ApiError(400, 'invalid_websocket_handshake', 'missing or unsupported Sec-WebSocket-Version header (expected 13)',
      { 'sec-websocket-version': '13, 8' });
  }
}

function invalidMessage(message: string): ApiError {
  return new ApiError(400, 'invalid_message', message);
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

/**
 * Errors of an open WebSocket: a client breaking the protocol (invalid UTF-8, a frame over the
 * limit: `ws` error codes `WS_ERR_*`, the connection is already being closed) is the client's
 * fault and logged as such; anything else is an error. The socket is dropped either way.
 */
export function onWebSocketError(err: Error, socket: WebSocket, req: FastifyRequest): void {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && code.startsWith('WS_ERR_')) req.log.info({ code }, `WebSocket client broke the protocol: ${err.message}`);
  else req.log.error({ err }, 'WebSocket error');
  socket.terminate();
}

export function closeAllClients(hub: ClientHub, log: FastifyBaseLogger): void {
  if (hub.size > 0) log.info({ clients: hub.size }, 'closing WebSocket clients');
  hub.closeAll(1001, 'server shutting down');
}
