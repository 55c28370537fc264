import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import { SpeechRequest } from './elevenlabs';
import { toApiError, tooManyRequests } from './errors';
import { SpeechService } from './speech';

/** Raw audio bytes per `audio_chunk` message: base64 makes 21848 characters, well under a 32 KB frame. */
export const AUDIO_CHUNK_BYTES = 16384;
/**
 * Most of the clip's text that `audio_start` echoes, in bytes of its JSON string (UTF-8, escapes
 * included); a longer text is cut and marked `text_truncated` so that the frame stays far under 32 KB.
 */
export const ECHOED_TEXT_BYTES = 2048;
/** Speech jobs waiting for their turn; more are refused with 429. */
export const MAX_PENDING_JOBS = 16;
/** Finished jobs whose durations make the `Retry-After` estimate of a full queue. */
const DURATION_SAMPLES = 8;
/** A client that has this much unsent data is too slow and is dropped. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

export type ServerMessage =
  | { type: 'audio_start'; text: string; text_truncated?: true; voice_id: string }
  | { type: 'audio_chunk'; chunk_index: number; data: string }
  | { type: 'audio_complete'; total_chunks: number }
  | { type: 'error'; message: string };

export interface PushResult {
  /** Clients that were sent the clip. */
  readonly clients: number;
  readonly bytes: number;
  readonly chunks: number;
}

/**
 * The connected WebSocket clients and the speech jobs that push audio to them. Jobs run one at a
 * time, so the `audio_start` ... `audio_complete` sequences of two clips never interleave on a
 * client (the messages carry no clip id).
 */
export class ClientHub {
  private readonly clients = new Set<WebSocket>();
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;
  /** When the job being played started (undefined: none). */
  private runningSince?: number;
  /** Durations of the last finished jobs, in ms. */
  private readonly durations: number[] = [];

  /** The client of each queued job, in order (the first is being played); '' for none. */
  private readonly queue: string[] = [];

  constructor(
    private readonly speech: SpeechService,
    private readonly log: FastifyBaseLogger,
    /** Jobs one client may have queued or playing at once (SPEECH_QUEUE_PER_CLIENT). */
    private readonly perClient: number = MAX_PENDING_JOBS,
  ) {}

  get size(): number {
    return this.clients.size;
  }

  add(socket: WebSocket): void {
    this.clients.add(socket);
    socket.once('close', () => this.clients.delete(socket));
  }

  send(socket: WebSocket, message: ServerMessage): boolean {
    if (socket.readyState !== socket.OPEN) return false;
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.log.warn('dropping a WebSocket client that does not keep up');
      socket.terminate();
      return false;
    }
    socket.send(JSON.stringify(message));
    return true;
  }

  /** Closes every client (shutdown). */
  closeAll(code: number, reason: string): void {
    for (const socket of this.clients) socket.close(code, reason);
  }

  /**
   * Queues a clip for `targets` (every client connected when the job starts, or one client) on
   * behalf of `clientId` (the caller's address, see `TRUSTED_PROXY_HOPS`). Resolves when the clip
   * was delivered; rejects with an ApiError (which the targets also got as an `error` message) when
   * the synthesis failed.
   *
   * @throws ApiError 429 `client_queue_full` (with `Retry-After`) when `clientId` already has its
   * share of jobs queued or playing, `too_many_requests` when the queue is full
   */
  enqueue(request: SpeechRequest, target?: WebSocket, clientId = ''): Promise<PushResult> {
    if (this.pending >= MAX_PENDING_JOBS) {
      throw tooManyRequests('too_many_requests', `${MAX_PENDING_JOBS} speech requests are already waiting`, this.secondsUntilNextSlot());
    }
    if (clientId !== '') {
      const mine = this.queue.filter((c) => c === clientId).length;
      if (mine >= this.perClient) {
        throw tooManyRequests('client_queue_full',
          `this client already has ${mine} speech requests queued or playing (at most ${this.perClient} per client)`,
          this.secondsUntilClientSlot(clientId));
      }
    }
    this.pending++;
    this.queue.push(clientId);
    const job = this.tail.then(() => this.push(request, target)).finally(() => {
      this.pending--;
      // Jobs run one at a time in order: the one that ended is the first.
      this.queue.shift();
    });
    this.tail = job.catch(() => undefined);
    return job;
  }

  /**
   * When the first job of `clientId` should end: what the playing job should still take, plus the
   * average duration for each job before that one, in seconds (at least 1).
   */
  secondsUntilClientSlot(clientId: string, now = Date.now()): number {
    const position = this.queue.indexOf(clientId);
    if (position <= 0) return this.secondsUntilNextSlot(now);
    return this.secondsUntilNextSlot(now) + Math.ceil((position * this.averageMs()) / 1000);
  }

  /**
   * When the job being played should end and free a place in the queue: the average duration of
   * the last finished jobs minus the time it has run, in seconds (1 when it is overdue or nothing
   * finished yet).
   */
  secondsUntilNextSlot(now = Date.now()): number {
    if (this.runningSince === undefined || this.durations.length === 0) return 1;
    return Math.max(1, Math.ceil((this.averageMs() - (now - this.runningSince)) / 1000));
  }

  /** Average duration of the last played jobs, in ms (0 before the first). */
  private averageMs(): number {
    return this.durations.length === 0 ? 0 : this.durations.reduce((sum, d) => sum + d, 0) / this.durations.length;
  }

  private async push(request: SpeechRequest, target?: WebSocket): Promise<PushResult> {
    const targets = (target ? [target] : [...this.clients]).filter((s) => s.readyState === s.OPEN);
    // Nobody to play it: do not spend ElevenLabs credits.
    if (targets.length === 0) return { clients: 0, bytes: 0, chunks: 0 };
    const started = Date.now();
    this.runningSince = started;
    try {
      return await this.play(request, targets);
    } finally {
      this.runningSince = undefined;
      this.durations.push(Date.now() - started);
      if (this.durations.length > DURATION_SAMPLES) this.durations.shift();
    }
  }

  private async play(request: SpeechRequest, targets: WebSocket[]): Promise<PushResult> {
    const sendAll = (message: ServerMessage): number => targets.filter((s) => this.send(s, message)).length;

    let bytes = 0;
    let chunks = 0;
    try {
      const audio = await this.speech.open(request);
      // Every target went away: stop the synthesis at once.
      let abandoned = false;
      const onClose = (): void => {
        if (targets.some((s) => s.readyState === s.OPEN)) return;
        abandoned = true;
        audio.cancel().catch(() => undefined);
      };
      for (const s of targets) s.on('close', onClose);
      onClose(); // some may have gone while the synthesis started
      try {
        sendAll({ type: 'audio_start', ...echoedText(request.text), voice_id: request.voiceId });
        let buffered: Buffer[] = [];
        let bufferedBytes = 0;
        const flush = (all: boolean): void => {
          let data = Buffer.concat(buffered, bufferedBytes);
          while (data.length >= AUDIO_CHUNK_BYTES || (all && data.length > 0)) {
            const piece = data.subarray(0, AUDIO_CHUNK_BYTES);
            sendAll({ type: 'audio_chunk', chunk_index: chunks, data: piece.toString('base64') });
            chunks++;
            data = data.subarray(piece.length);
          }
          buffered = data.length > 0 ? [data] : [];
          bufferedBytes = data.length;
        };
        for await (const chunk of audio) {
          bytes += chunk.byteLength;
          buffered.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          bufferedBytes += chunk.byteLength;
          if (bufferedBytes >= AUDIO_CHUNK_BYTES) flush(false);
        }
        if (abandoned) {
          this.log.info('all WebSocket targets disconnected; synthesis cancelled');
          return { clients: 0, bytes, chunks };
        }
        flush(true);
        const clients = sendAll({ type: 'audio_complete', total_chunks: chunks });
        return { clients, bytes, chunks };
      } finally {
        for (const s of targets) s.off('close', onClose);
      }
    } catch (err) {
      const apiError = toApiError(err);
      this.log.warn({ code: apiError.code }, `speech push failed: ${apiError.message}`);
      sendAll({ type: 'error', message: apiError.message });
      throw apiError;
    }
  }
}

/** `text` for `audio_start`: whole if it fits ECHOED_TEXT_BYTES, else its start (whole characters). */
function echoedText(text: string): { text: string; text_truncated?: true } {
  const jsonBytes = (s: string): number => Buffer.byteLength(JSON.stringify(s)) - 2;
  if (jsonBytes(text) <= ECHOED_TEXT_BYTES) return { text };
  let bytes = 0;
  let end = 0;
  for (const char of text) {
    bytes += jsonBytes(char);
    if (bytes > ECHOED_TEXT_BYTES) break;
    end += char.length;
  }
  return { text: text.slice(0, end), text_truncated: true };
}
