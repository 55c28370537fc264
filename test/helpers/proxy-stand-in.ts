import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { AddressInfo, Socket } from 'node:net';
import * as path from 'node:path';

// The reference app's own `ws` package (integ/jessica/node_modules), as reference-app.test.ts uses it.
const requireFromJessica = createRequire(path.join(__dirname, '..', '..', 'integ', 'jessica', 'package.json'));

/** The `ws` package's WebSocket client class (integ/jessica's copy). */
export const WebSocketClient = requireFromJessica('ws') as WsClass;

/** The few members of `ws`'s WebSocket the tests use. */
export interface WsSocket {
  readonly readyState: number;
  on(event: 'open' | 'close', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  on(event: 'unexpected-response', listener: (request: unknown, response: IncomingMessage) => void): void;
  once(event: 'open' | 'close', listener: () => void): void;
  once(event: 'message', listener: (data: Buffer) => void): void;
  once(event: 'error', listener: (error: Error) => void): void;
  send(data: string): void;
  close(): void;
  terminate(): void;
}
export type WsClass = new (url: string, options?: { headers?: Record<string, string> }) => WsSocket;

interface WsServer {
  handleUpgrade(req: IncomingMessage, socket: Socket, head: Buffer, done: (ws: WsSocket) => void): void;
  close(): void;
}

/** A request a stand-in task received. */
export interface SeenRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization?: string;
  readonly forwardedProto?: string;
  readonly forwardedFor?: string;
}

/**
 * One task of a stand-in service for the proxy tests: plain Node HTTP and the `ws` package on
 * 127.0.0.1 and a free port.
 * - `GET <basePath>/health`: `healthStatus` (200 unless told otherwise);
 * - a WebSocket upgrade on any path: echoes every text message, `whoami` answers the task's name;
 * - a request with `?lines=N&everyMs=M`: a streamed `text/plain` answer, one line every M ms;
 * - `OPTIONS`: 204 with CORS headers (a preflight);
 * - anything else: 200 JSON `{ task, method, path }`.
 * Every request but the health checks is recorded in `requests`.
 */
export class StandInTask {
  public static async start(name: string, basePath: string): Promise<StandInTask> {
    const task = new StandInTask(name, basePath);
    await new Promise<void>(resolve => task.server.listen(0, '127.0.0.1', resolve));
    return task;
  }

  public healthStatus = 200;
  public healthChecks = 0;
  public readonly requests: SeenRequest[] = [];
  private readonly server: Server;
  private readonly wss: WsServer;
  private readonly sockets = new Set<Socket>();

  private constructor(public readonly name: string, public readonly basePath: string) {
    const { WebSocketServer } = requireFromJessica('ws') as { WebSocketServer: new (options: { noServer: boolean }) => WsServer };
    this.wss = new WebSocketServer({ noServer: true });
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', s => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      this.record(req);
      this.wss.handleUpgrade(req, socket, head, ws => {
        ws.on('message', data => ws.send(data.toString() === 'whoami' ? this.name : data.toString()));
      });
    });
  }

  public get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Requests other than health checks, of this method and path prefix. */
  public count(prefix = '/'): number {
    return this.requests.filter(r => r.url.startsWith(prefix)).length;
  }

  public async stop(): Promise<void> {
    this.wss.close();
    for (const s of this.sockets) s.destroy();
    await new Promise<void>(resolve => this.server.close(() => resolve()));
  }

  private record(req: IncomingMessage): void {
    const header = (h: string) => (Array.isArray(req.headers[h]) ? req.headers[h]![0] : req.headers[h]) as string | undefined;
    this.requests.push({
      method: req.method ?? '',
      url: req.url ?? '',
      authorization: header('authorization'),
      forwardedProto: header('x-forwarded-proto'),
      forwardedFor: header('x-forwarded-for'),
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://task');
    if (req.method === 'GET' && url.pathname === `${this.basePath}/health`) {
      this.healthChecks++;
      res.writeHead(this.healthStatus, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: this.healthStatus === 200 ? 'ok' : 'failing' }));
      return;
    }
    this.record(req);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, {
        'access-control-allow-origin': '*',
        'access-control-allow-methods': 'GET, POST, OPTIONS',
        'access-control-allow-headers': 'authorization, content-type',
      });
      res.end();
      return;
    }
    const lines = Number(url.searchParams.get('lines'));
    if (lines > 0) {
      const everyMs = Number(url.searchParams.get('everyMs')) || 1000;
      res.writeHead(200, { 'content-type': 'text/plain', 'cache-control': 'no-cache' });
      let sent = 0;
      const timer = setInterval(() => {
        sent++;
        res.write(`line ${sent} of ${lines} from ${this.name}\n`);
        if (sent === lines) {
          clearInterval(timer);
          res.end();
        }
      }, everyMs);
      res.on('close', () => clearInterval(timer));
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ task: this.name, method: req.method, path: url.pathname }));
  }
}
