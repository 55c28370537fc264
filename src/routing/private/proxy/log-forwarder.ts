/**
 * The proxy publisher's second task: the log lines the proxy instance uploads to the proxy
 * bucket (`logs/<instance-id>/<epoch-ms>.log.gz`) go to the platform's log group.
 *
 * `forwardLogs` is self-contained on purpose (no imports, no outer variables): its source text
 * is part of the publisher's inline code (`publisherCode` in ./publisher-code), and the tests
 * call it directly with a stand-in `io`.
 */

/** The S3 prefix under which the instance uploads its log batches. @internal */
export const PROXY_LOGS_PREFIX = 'logs/';

/** What `forwardLogs` needs from the outside world (the tests pass their own). @internal */
export interface LogIo {
  /** The objects under `logs/` (every page). */
  listLogs(): Promise<Array<{ key: string }>>;
  /** An object's text (gunzipped). */
  readLog(key: string): Promise<string>;
  deleteLog(key: string): Promise<void>;
  /** Creates the stream; one that exists already is not an error. */
  createLogStream(group: string, stream: string): Promise<void>;
  putLogEvents(group: string, stream: string, events: Array<{ timestamp: number; message: string }>): Promise<void>;
  now(): number;
}

/** What one log forwarding did. @internal */
export interface ForwardSummary {
  /** Objects forwarded and deleted. */
  readonly objects: number;
  readonly events: number;
  /** PutLogEvents calls. */
  readonly batches: number;
  /** One line per object left for the next run, and why. */
  readonly warnings: string[];
}

/**
 * Forwards the log batches the instance uploads (`logs/<instance-id>/<epoch-ms>.log.gz`, oldest
 * first; gzip'ed `journalctl -o short-iso` lines after an optional `#platform-proxy-log` header)
 * to the stream `proxy/<instance-id>` of `env.LOG_GROUP`, then deletes each object. Events are
 * sorted by time and sent in batches within the PutLogEvents limits (10,000 events, 1,048,576
 * bytes counting 26 per event, 24 hours); a line over 256 KB is truncated. An object that cannot
 * be read stays for the next run; a failed call stops the run and leaves the object (its
 * batches sent before the failure are sent again next time).
 * @internal
 */
export async function forwardLogs(io: LogIo, env: Record<string, string | undefined>): Promise<ForwardSummary> {
  const MAX_EVENTS = 10_000;
  const MAX_BYTES = 1_048_576;
  const OVERHEAD = 26;
  const MAX_MESSAGE = 262_144 - OVERHEAD;
  const MAX_SPAN = 24 * 3_600_000;
  const KEY_RE = /^logs\/([A-Za-z0-9_.-]{1,64})\/(\d{1,16})\.log\.gz$/;
  const TIME_RE = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})\s/;
  const group = env.LOG_GROUP ?? '';
  const maxObjects = Number(env.MAX_LOG_OBJECTS) > 0 ? Number(env.MAX_LOG_OBJECTS) : 200;
  const warnings: string[] = [];
  let objects = 0;
  let events = 0;
  let batches = 0;
  const created = new Set<string>();
  const listed = (await io.listLogs())
    .map(o => ({ key: o.key, match: KEY_RE.exec(o.key) }))
    .filter(o => o.match !== null)
    .sort((a, b) => Number(a.match![2]) - Number(b.match![2]) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const { key, match } of listed.slice(0, maxObjects)) {
    let text: string;
    try {
      text = await io.readLog(key);
    } catch (err) {
      warnings.push(`${key}: not read (${err instanceof Error ? err.message : String(err)}), left for the next run`);
      continue;
    }
    const stream = `proxy/${match![1]}`;
    let last = Number(match![2]);
    const list: Array<{ timestamp: number; message: string }> = [];
    for (const line of text.split('\n')) {
      if (line.length === 0 || line.startsWith('#platform-proxy-log')) continue;
      const t = TIME_RE.exec(line);
      if (t) {
        const zone = t[3] === 'Z' ? 'Z' : `${t[3].slice(0, 3)}:${t[3].slice(-2)}`;
        const parsed = Date.parse(`${t[1]}${(t[2] ?? '').slice(0, 4)}${zone}`);
        if (Number.isFinite(parsed)) last = parsed;
      }
      // A line without a time (a continuation) keeps the time of the line before it.
      let messageText = line;
      if (Buffer.byteLength(messageText, 'utf8') > MAX_MESSAGE) {
        messageText = Buffer.from(messageText, 'utf8').subarray(0, MAX_MESSAGE - 3).toString('utf8');
        while (Buffer.byteLength(messageText, 'utf8') > MAX_MESSAGE - 3) messageText = messageText.slice(0, -1);
        messageText += '...';
      }
      list.push({ timestamp: last, message: messageText });
    }
    // Stable: lines of the same second keep their order.
    list.sort((a, b) => a.timestamp - b.timestamp);
    const groups: Array<typeof list> = [];
    let current: typeof list = [];
    let bytes = 0;
    for (const e of list) {
      const size = Buffer.byteLength(e.message, 'utf8') + OVERHEAD;
      if (current.length > 0 && (current.length >= MAX_EVENTS || bytes + size > MAX_BYTES
        || e.timestamp - current[0].timestamp >= MAX_SPAN)) {
        groups.push(current);
        current = [];
        bytes = 0;
      }
      current.push(e);
      bytes += size;
    }
    if (current.length > 0) groups.push(current);
    try {
      if (groups.length > 0 && !created.has(stream)) {
        await io.createLogStream(group, stream);
        created.add(stream);
      }
      for (const g of groups) {
        await io.putLogEvents(group, stream, g);
        batches += 1;
        events += g.length;
      }
      await io.deleteLog(key);
      objects += 1;
    } catch (err) {
      warnings.push(`${key}: not forwarded (${err instanceof Error ? err.message : String(err)}), left for the next run`);
      break;
    }
  }
  if (listed.length > maxObjects) warnings.push(`${listed.length - maxObjects} log object(s) left for the next run`);
  return { objects, events, batches, warnings };
}
