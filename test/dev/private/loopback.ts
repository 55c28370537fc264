import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import type { LocalService } from '../../../src/dev/private/model';

/* Loopback helpers for the front door's tests: real servers and clients, nothing mocked. */

/** The `ws` package of the Jessica integ app (a test-only dependency, required by path). */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const ws = require(path.join(__dirname, '../../../integ/jessica/node_modules/ws')) as {
  WebSocketServer: new (options: { server?: http.Server; noServer?: boolean; path?: string }) => {
    on(event: 'connection', fn: (socket: WsSocket, req: http.IncomingMessage) => void): void;
    close(): void;
  };
  WebSocket: new (url: string, options?: { headers?: Record<string, string> }) => WsSocket;
};

/** The part of a `ws` WebSocket the tests use. */
export interface WsSocket {
  readonly readyState: number;
  on(event: 'message', fn: (data: Buffer) => void): void;
  on(event: 'open' | 'close', fn: () => void): void;
  on(event: 'error', fn: (err: Error) => void): void;
  on(event: 'unexpected-response', fn: (req: http.ClientRequest, res: http.IncomingMessage) => void): void;
  send(data: string): void;
  close(): void;
}

/** A server on a free loopback port. */
export async function listen(server: http.Server | net.Server): Promise<number> {
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()));
  return (server.address() as net.AddressInfo).port;
}

/** Closes a server and its connections. */
export async function closeServer(server: http.Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>(resolve => server.close(() => resolve()));
}

/** What the echo service saw. */
export interface Echo {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A service that answers every request with what it received, as JSON. */
export function echoServer(): http.Server {
  return http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const echo: Echo = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
      const body = JSON.stringify(echo);
      res.writeHead(200, { 'content-type': 'application/json', 'x-service': 'echo' });
      res.end(body);
    });
  });
}

/** A client response. */
export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One request through a fresh connection (no agent). */
export function request(port: number, options: http.RequestOptions & { body?: string | Buffer } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, agent: false, ...options }, res => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Sends raw bytes and returns the raw answer (for paths a client would normalise). */
export function rawRequest(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write(text)); // not end(): the server would drop a half-closed request
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => resolve(Buffer.concat(chunks).toString()));
    socket.on('error', reject);
  });
}

/** A service definition with defaults. */
export function service(name: string, props: Partial<LocalService> = {}): LocalService {
  return {
    name,
    basePath: `/${name}`,
    pathMode: 'keep',
    longLivedPaths: [],
    target: { kind: 'none', reason: 'test' },
    definedIn: 'Test/Stack',
    ...props,
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms));
