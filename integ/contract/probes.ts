/**
 * Checks that need more than one HTTP request and answer: a WebSocket round trip and a streamed
 * audio response (too large for an integ-runner assertion). Each function is self-contained (no
 * imports, no outer variables): `integ/integ.jessica.ts` inlines their source text into the probe
 * Lambda, and the local endpoint test calls them directly against the app on loopback.
 */

/** What `probeWebSocket` saw. */
export interface WebSocketProbeResult {
  /** Type of the first message the server sent (expected: `audio_start`). */
  readonly firstType: string;
  /** Types of all messages, in order, up to `audio_complete` or `error`. */
  readonly types: string[];
  /** Number of `audio_chunk` messages. */
  readonly chunks: number;
  /** Decoded audio bytes in all chunks. */
  readonly bytes: number;
  /** Largest frame received, in UTF-8 bytes (a WebSocket API would cap it at 32 KB). */
  readonly largestFrame: number;
  /** `total_chunks` of `audio_complete`, or -1. */
  readonly totalChunks: number;
  /** An error message from the server or the connection, if any. */
  readonly error?: string;
}

/** Minimal WebSocket surface shared by the WHATWG `WebSocket` (Node 22+, Lambda) and the `ws` package. */
export interface WebSocketLike {
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onclose: ((event: unknown) => void) | null;
  send(data: string): void;
  close(): void;
}

/**
 * Opens `url`, sends one `tts_request` and collects the answer until `audio_complete`, `error`
 * or `timeoutMs`.
 */
export function probeWebSocket(
  WebSocketImpl: new (url: string) => WebSocketLike, url: string, text: string, timeoutMs: number,
): Promise<WebSocketProbeResult> {
  return new Promise((resolve) => {
    const types: string[] = [];
    let chunks = 0;
    let bytes = 0;
    let largestFrame = 0;
    let totalChunks = -1;
    let done = false;
    const socket = new WebSocketImpl(url);
    const finish = (error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      try { socket.close(); } catch (e) { /* already closed */ }
      resolve({ firstType: types[0] ?? '', types, chunks, bytes, largestFrame, totalChunks, error });
    };
    const timer = setTimeout(() => finish(`timed out after ${timeoutMs} ms`), timeoutMs);
    socket.onopen = () => socket.send(JSON.stringify({ type: 'tts_request', text }));
    socket.onerror = () => finish('connection error');
    socket.onclose = () => finish(types.includes('audio_complete') ? undefined : 'connection closed');
    socket.onmessage = (event) => {
      const raw = typeof event.data === 'string' ? event.data : String(event.data);
      largestFrame = Math.max(largestFrame, Buffer.byteLength(raw, 'utf8'));
      let message: { type?: string; data?: string; total_chunks?: number; message?: string };
      try {
        message = JSON.parse(raw);
      } catch (e) {
        finish('a frame was not JSON');
        return;
      }
      types.push(String(message.type));
      if (message.type === 'audio_chunk' && typeof message.data === 'string') {
        chunks++;
        bytes += Math.floor((message.data.length * 3) / 4) - (message.data.endsWith('==') ? 2 : message.data.endsWith('=') ? 1 : 0);
      }
      if (message.type === 'audio_complete') {
        totalChunks = typeof message.total_chunks === 'number' ? message.total_chunks : -1;
        finish();
      }
      if (message.type === 'error') finish(String(message.message));
    };
  });
}

/** What `probeAudioStream` saw. */
export interface AudioProbeResult {
  readonly status: number;
  readonly contentType: string;
  readonly cacheControl: string;
  readonly bytes: number;
  /** Number of body chunks read (more than one shows streaming). */
  readonly reads: number;
  /** The body starts like an MP3 (ID3 tag or an MPEG frame sync). */
  readonly mp3: boolean;
}

/** POSTs `{ text }` to a streaming speech endpoint and reads the whole body chunk by chunk. */
export async function probeAudioStream(
  fetchImpl: (url: string, init: any) => Promise<any>, url: string, text: string,
): Promise<AudioProbeResult> {
  const response = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text }),
  });
  let bytes = 0;
  let reads = 0;
  let head: number[] = [];
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    reads++;
    if (head.length < 3) head = head.concat(Array.from(value.slice(0, 3 - head.length)));
    bytes += value.length;
  }
  const id3 = head[0] === 0x49 && head[1] === 0x44 && head[2] === 0x33;
  const frameSync = head[0] === 0xff && head[1] >= 0xe0;
  return {
    status: response.status,
    contentType: String(response.headers.get('content-type') ?? '').split(';')[0],
    cacheControl: String(response.headers.get('cache-control') ?? ''),
    bytes,
    reads,
    mp3: id3 || frameSync,
  };
}
