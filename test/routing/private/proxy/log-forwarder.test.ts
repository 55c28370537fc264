import { forwardLogs, LogIo } from '../../../../src/routing/private/proxy/log-forwarder';

// The proxy publisher's log forwarding, with a stand-in io (the inline code's io, with stand-in
// SDK clients and gzip'ed objects, is in publisher-code.test.ts).

const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);

/** A stand-in io for the log forwarder: objects (text), calls recorded, failures by key or call number. */
function logIo(objects: Record<string, string | Error>, failPut?: number) {
  const calls: string[] = [];
  const sent: Array<{ stream: string; events: Array<{ timestamp: number; message: string }> }> = [];
  const deleted: string[] = [];
  let puts = 0;
  const io: LogIo = {
    now: () => NOW,
    listLogs: async () => Object.keys(objects).map(key => ({ key })),
    readLog: async (key: string) => {
      const v = objects[key];
      if (v instanceof Error) throw v;
      return v;
    },
    deleteLog: async (key: string) => {
      deleted.push(key);
    },
    createLogStream: async (group: string, stream: string) => {
      calls.push(`create ${group} ${stream}`);
    },
    putLogEvents: async (group: string, stream: string, events) => {
      puts += 1;
      calls.push(`put ${group} ${stream} ${events.length}`);
      if (puts === failPut) throw new Error('ThrottlingException');
      sent.push({ stream, events });
    },
  };
  return { io, calls, sent, deleted };
}

const line = (ms: number, text: string) => `${new Date(ms).toISOString().slice(0, 19)}+0000 ip-10-0-0-1 haproxy[812]: ${text}`;
const HEADER = '#platform-proxy-log v1 instance=i-0123456789abcdef0';

describe('forwardLogs', () => {
  const env = { LOG_GROUP: '/platform/georgi' };

  test('sends objects oldest first, lines sorted by time, to proxy/<instance>, then deletes them', async () => {
    const objects = {
      'logs/i-0123456789abcdef0/1777636860000.log.gz': [HEADER, line(NOW + 60_000, 'second object')].join('\n'),
      'logs/i-0123456789abcdef0/1777636800000.log.gz': [HEADER, line(NOW + 2000, 'b'), '    continued', line(NOW + 1000, 'a'), ''].join('\n'),
      'logs/elsewhere.txt': 'ignored',
    };
    const { io, calls, sent, deleted } = logIo(objects);
    const summary = await forwardLogs(io, env);
    expect(summary).toEqual({ objects: 2, events: 4, batches: 2, warnings: [] });
    expect(calls).toEqual([
      'create /platform/georgi proxy/i-0123456789abcdef0',
      'put /platform/georgi proxy/i-0123456789abcdef0 3',
      'put /platform/georgi proxy/i-0123456789abcdef0 1',
    ]);
    expect(sent[0].events.map(e => [e.timestamp - NOW, e.message.replace(/^.*: /, '')])).toEqual([[1000, 'a'], [2000, 'b'], [2000, '    continued']]);
    expect(deleted).toEqual(['logs/i-0123456789abcdef0/1777636800000.log.gz', 'logs/i-0123456789abcdef0/1777636860000.log.gz']);
  });

  test('batches within 10,000 events, 1,048,576 bytes and 24 hours, and truncates a line over 256 KB', async () => {
    const many = Array.from({ length: 25_000 }, (_, i) => line(NOW + i, `request ${i}`));
    const big = Array.from({ length: 5 }, (_, i) => line(NOW + i, 'x'.repeat(300_000)));
    const days = [line(NOW, 'day 1'), line(NOW + 23 * 3_600_000, 'day 1, later'), line(NOW + 24 * 3_600_000, 'day 2')];
    const { io, sent } = logIo({
      'logs/i-1/1.log.gz': many.join('\n'),
      'logs/i-1/2.log.gz': big.join('\n'),
      'logs/i-1/3.log.gz': days.join('\n'),
    });
    const summary = await forwardLogs(io, env);
    expect(sent.map(b => b.events.length)).toEqual([10_000, 10_000, 5000, 4, 1, 2, 1]);
    expect(summary).toMatchObject({ objects: 3, events: 25_008, batches: 7 });
    for (const b of sent) {
      const bytes = b.events.reduce((n, e) => n + Buffer.byteLength(e.message) + 26, 0);
      expect(bytes).toBeLessThanOrEqual(1_048_576);
      expect(b.events[b.events.length - 1].timestamp - b.events[0].timestamp).toBeLessThan(24 * 3_600_000);
    }
    const truncated = sent[3].events[0].message;
    expect(Buffer.byteLength(truncated) + 26).toBeLessThanOrEqual(262_144);
    expect(truncated.endsWith('...')).toBe(true);
    expect(sent[0].events.map(e => e.message.replace(/^.*: /, '')).slice(0, 2)).toEqual(['request 0', 'request 1']);
  });

  test('a failed call stops the run and leaves the object; an unreadable object is left and the others go on', async () => {
    const failing = logIo({ 'logs/i-1/1.log.gz': line(NOW, 'one'), 'logs/i-1/2.log.gz': line(NOW, 'two') }, 1);
    const summary = await forwardLogs(failing.io, env);
    expect(summary.objects).toBe(0);
    expect(failing.deleted).toEqual([]);
    expect(failing.calls.filter(c => c.startsWith('put'))).toHaveLength(1);
    expect(summary.warnings).toEqual(['logs/i-1/1.log.gz: not forwarded (ThrottlingException), left for the next run']);

    const unreadable = logIo({ 'logs/i-1/1.log.gz': new Error('incorrect header check'), 'logs/i-1/2.log.gz': line(NOW, 'two') });
    const second = await forwardLogs(unreadable.io, env);
    expect(unreadable.deleted).toEqual(['logs/i-1/2.log.gz']);
    expect(second.warnings).toEqual(['logs/i-1/1.log.gz: not read (incorrect header check), left for the next run']);
  });
});

