import { ElevenLabsStandIn } from './elevenlabs-stand-in';

/** What `readWithLastChunkHeld` saw. */
export interface HeldStreamResult {
  readonly status: number;
  readonly contentType: string;
  /** Bytes the client had read while the stand-in still held its last chunk back. */
  readonly bytesBeforeEnd: number;
  /** The whole body, after the last chunk was released. */
  readonly body: Buffer;
}

/**
 * Proves a speech stream is streamed, whatever the machine's load: the ElevenLabs stand-in holds
 * its last chunk back, the client must read the first bytes before that chunk is released (a
 * buffering hop would never pass them on: the read times out), then the rest. Counting reads
 * instead depends on timing: under load every chunk can arrive in one read.
 */
export async function readWithLastChunkHeld(
  standIn: ElevenLabsStandIn, url: string, text: string, timeoutMs = 10_000,
): Promise<HeldStreamResult> {
  standIn.holdLastChunk();
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
    const reader = response.body!.getReader();
    const chunks: Buffer[] = [];
    const first = await withTimeout(reader.read(), 'the first audio bytes while the last chunk is held', timeoutMs);
    if (!first.done) chunks.push(Buffer.from(first.value));
    const bytesBeforeEnd = chunks.reduce((sum, c) => sum + c.length, 0);
    standIn.releaseLastChunk();
    for (;;) {
      const { done, value } = await withTimeout(reader.read(), 'the rest of the audio', timeoutMs);
      if (done) break;
      chunks.push(Buffer.from(value));
    }
    return {
      status: response.status,
      contentType: (response.headers.get('content-type') ?? '').split(';')[0],
      bytesBeforeEnd,
      body: Buffer.concat(chunks),
    };
  } finally {
    standIn.releaseLastChunk();
  }
}

function withTimeout<T>(promise: Promise<T>, what: string, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
