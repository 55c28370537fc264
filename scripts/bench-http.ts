/**
 * What the benchmark scripts (bench-dev.ts, bench-proxy.ts) share: percentiles, medians, and
 * small HTTP GETs on loopback, one after another or from many keep-alive connections at once.
 */
import * as http from 'http';

/** The value at percentile `p` (0-100) of an ascending list. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The median of a list (the upper one of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** One GET to 127.0.0.1:`port`; fails unless it answers 200. */
export function get(agent: http.Agent, port: number, urlPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath, agent }, res => {
      if (res.statusCode !== 200) reject(new Error(`GET ${urlPath} on ${port}: ${res.statusCode}`));
      res.resume();
      res.on('end', resolve);
    }).on('error', reject);
  });
}

/** `count` GETs one after another on one keep-alive connection; latencies in ms, sorted. */
export async function httpLatencies(port: number, urlPath: string, count: number): Promise<number[]> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await get(agent, port, urlPath);
    result.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  agent.destroy();
  return result.sort((a, b) => a - b);
}

/** Requests per second over `seconds` with `concurrency` keep-alive connections. */
export async function httpThroughput(port: number, urlPath: string, seconds: number, concurrency: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const end = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      await get(agent, port, urlPath);
      done++;
    }
  }));
  agent.destroy();
  return done / seconds;
}
