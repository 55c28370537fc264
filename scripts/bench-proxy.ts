/**
 * The proxy instance's cost in time, measured on loopback (issue 23): HAProxy (the system's,
 * test/helpers/haproxy.ts) running the configuration `renderHaproxyConfig` renders, its tasks found
 * through the DNS stand-in's SRV records, against calling the backend directly (what the ALB-less
 * direct call would be):
 *
 * 1. HTTP latency: one keep-alive connection sends small GETs one after another; p50 and p99;
 * 2. HTTP throughput: 16 keep-alive connections for a few seconds, requests per second;
 * 3. WebSocket latency: one WebSocket, small messages echoed one after another; p50 and p99;
 * 4. WebSocket throughput: 16 WebSockets ping-ponging for a few seconds, round trips per second.
 *
 * Three processes share the cores: this load generator, HAProxy, and the backend (plain Node HTTP
 * and the `ws` package of integ/jessica, a WebSocket echo). HAProxy logs every request to its
 * stdout, as it logs on the instance. Direct and proxied runs alternate in each round; the figures
 * are the medians of the rounds. Usage: `npx projen bench:proxy`, or
 * `ts-node --project tsconfig.dev.json scripts/bench-proxy.ts [--rounds N]`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import { createRequire } from 'module';
import * as os from 'os';
import * as path from 'path';
import { get, httpLatencies, httpThroughput, median, percentile } from './bench-http';
import { renderHaproxyConfig } from '../src/routing/private/proxy/haproxy-config';
import { DnsStandIn } from '../test/helpers/dns-server';
import { freePort, Haproxy, haproxyVersion } from '../test/helpers/haproxy';
import type { WsClass, WsSocket } from '../test/helpers/proxy-stand-in';

const ROOT = path.join(__dirname, '..');
const requireFromJessica = createRequire(path.join(ROOT, 'integ', 'jessica', 'package.json'));
const WebSocketClient = requireFromJessica('ws') as WsClass;
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 3;
const LATENCY_COUNT = 1000;
const SECONDS = 2.5;
const CONCURRENCY = 16;
const SRV = '_bench._tcp.georgi.internal';

/** The backend, in its own process: a small JSON answer to any GET, a WebSocket echo on upgrade. */
const BACKEND = `
const http = require('http');
const { WebSocketServer } = require(${JSON.stringify(requireFromJessica.resolve('ws'))});
const wss = new WebSocketServer({ noServer: true });
const server = http.createServer((req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"status":"ok"}');
});
server.on('upgrade', (req, socket, head) => wss.handleUpgrade(req, socket, head, ws => ws.on('message', d => ws.send(d.toString()))));
server.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`;

function openSocket(url: string): Promise<WsSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocketClient(url);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

function echo(socket: WsSocket, message: string): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('message', data => (data.toString() === message ? resolve() : reject(new Error(`echo was ${data.toString()}`))));
    socket.send(message);
  });
}

/** `count` WebSocket round trips one after another on one socket; latencies in ms, sorted. */
async function wsLatencies(url: string, count: number): Promise<number[]> {
  const socket = await openSocket(url);
  const result: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await echo(socket, `{"type":"ping","n":${i}}`);
    result.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  socket.close();
  return result.sort((a, b) => a - b);
}

/** Round trips per second over `CONCURRENCY` sockets for `SECONDS`. */
async function wsThroughput(url: string): Promise<number> {
  const sockets = await Promise.all(Array.from({ length: CONCURRENCY }, () => openSocket(url)));
  const end = Date.now() + SECONDS * 1000;
  let done = 0;
  await Promise.all(sockets.map(async (socket, i) => {
    while (Date.now() < end) {
      await echo(socket, `{"type":"ping","socket":${i},"n":${done}}`);
      done++;
    }
  }));
  for (const socket of sockets) socket.close();
  return done / SECONDS;
}

function startBackend(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ['-e', BACKEND], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', d => {
      output += d;
      const match = /port (\d+)/.exec(output);
      if (match) resolve({ child, port: Number(match[1]) });
    });
    child.on('exit', code => reject(new Error(`the backend exited with ${code}: ${output}`)));
  });
}

type Figure = 'httpP50' | 'httpP99' | 'httpRps' | 'wsP50' | 'wsP99' | 'wsRps';

async function main(): Promise<void> {
  const started = Date.now();
  const dns = new DnsStandIn();
  await dns.start();
  const backend = await startBackend();
  dns.setSrv(SRV, [{ address: '127.0.0.1', port: backend.port }]);
  const port = await freePort();
  const config = renderHaproxyConfig({
    bind: `127.0.0.1:${port}`,
    nameserver: `127.0.0.1:${dns.port}`,
    idleTimeoutSeconds: 600,
    tasksPerService: 8,
    maxConnections: 4000,
    log: 'stdout format raw local0',
    keys: {},
    routes: [{ v: 1, service: 'bench', basePath: '/bench', paths: ['/ws'], srv: SRV, healthCheckPath: '/bench/health' }],
  });
  const proxy = await Haproxy.start(config.text, port);
  try {
    const urlPath = '/bench/ws';
    const deadline = Date.now() + 15_000;
    for (;;) {
      try {
        await get(new http.Agent(), port, urlPath);
        break;
      } catch (e) {
        if (Date.now() > deadline) throw new Error(`the proxy does not route ${urlPath}: ${e}\n${proxy.output}`);
        await new Promise(resolve => setTimeout(resolve, 200));
      }
    }
    const targets = { direct: backend.port, proxy: port };
    const figures = { direct: {} as Record<Figure, number[]>, proxy: {} as Record<Figure, number[]> };
    for (const side of ['direct', 'proxy'] as const) {
      for (const f of ['httpP50', 'httpP99', 'httpRps', 'wsP50', 'wsP99', 'wsRps'] as Figure[]) figures[side][f] = [];
      // Warm-up: connections, JIT.
      await httpLatencies(targets[side], urlPath, 200);
      await wsLatencies(`ws://127.0.0.1:${targets[side]}${urlPath}`, 200);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const side of ['direct', 'proxy'] as const) {
        const p = targets[side];
        const h = await httpLatencies(p, urlPath, LATENCY_COUNT);
        figures[side].httpP50.push(percentile(h, 50));
        figures[side].httpP99.push(percentile(h, 99));
        figures[side].httpRps.push(await httpThroughput(p, urlPath, SECONDS, CONCURRENCY));
        const w = await wsLatencies(`ws://127.0.0.1:${p}${urlPath}`, LATENCY_COUNT);
        figures[side].wsP50.push(percentile(w, 50));
        figures[side].wsP99.push(percentile(w, 99));
        figures[side].wsRps.push(await wsThroughput(`ws://127.0.0.1:${p}${urlPath}`));
      }
      process.stderr.write(`bench-proxy: round ${round + 1} of ${ROUNDS} done\n`);
    }

    const d = (f: Figure) => median(figures.direct[f]);
    const x = (f: Figure) => median(figures.proxy[f]);
    const ms = (n: number) => `${n.toFixed(3)} ms`;
    const signed = (n: number) => `${n < 0 ? '-' : '+'}${ms(Math.abs(n))}`;
    const latencyRow = (label: string, f: Figure) => `| ${label} | ${ms(d(f))} | ${ms(x(f))} | ${signed(x(f) - d(f))} |`;
    const rateRow = (label: string, f: Figure, unit: string) =>
      `| ${label} | ${d(f).toFixed(0)} ${unit} | ${x(f).toFixed(0)} ${unit} | ${(100 * x(f) / d(f)).toFixed(1)} % of direct |`;
    console.log(`HAProxy on loopback vs direct (${haproxyVersion().split(' - ')[0]}; ${os.cpus().length} cores, Node ${process.version};`
      + ` medians of ${ROUNDS} rounds; ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    console.log('| figure | direct | through HAProxy | difference |');
    console.log('| --- | --- | --- | --- |');
    console.log(latencyRow(`HTTP latency p50 (1 keep-alive connection, ${LATENCY_COUNT} small GETs)`, 'httpP50'));
    console.log(latencyRow('HTTP latency p99', 'httpP99'));
    console.log(rateRow(`HTTP throughput (${CONCURRENCY} keep-alive connections, ${SECONDS} s)`, 'httpRps', 'req/s'));
    console.log(latencyRow(`WebSocket round trip p50 (1 socket, ${LATENCY_COUNT} small messages)`, 'wsP50'));
    console.log(latencyRow('WebSocket round trip p99', 'wsP99'));
    console.log(rateRow(`WebSocket round trips (${CONCURRENCY} sockets, ${SECONDS} s)`, 'wsRps', 'msg/s'));
  } finally {
    await proxy.stop();
    backend.child.kill();
    await dns.stop();
  }
}

main().catch(e => {
  console.error(`bench-proxy: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
