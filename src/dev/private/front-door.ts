import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import {
  applyHeaderRules, buildRoutes, downstreamHeaders, isLocalHost, isLongLived, matchRoute, Route, siteOf, upstreamHeaders,
  upstreamPath, viewerAddress,
} from './door-routes';
import { passUpgrade, UpgradeDoor } from './door-upgrade';
import type { LambdaHost } from './lambda-host';
import type { LocalService, LocalSite } from './model';
import { buildEventV2, joinedHeaders, mapResultV2 } from './payload-v2';
import { sendJson, serveSite } from './static-files';
import { respondToPreflight } from '../../contract/cors-policy';

/*
 * The local front door: one HTTP server on loopback that routes as the platform does (CloudFront
 * -> HTTP API, and the long-lived load balancer for WebSockets and streams). What it reproduces
 * and what it does not:
 * - routing by base path (longest first; `/echoes` is not under `/echo`), path modes, the
 *   platform's JSON 404, CORS preflights answered from the service's policy;
 * - header rules: `x-origin-verify` removed, `x-viewer-address` set to the caller,
 *   `x-forwarded-for` appended, `x-forwarded-proto: http`;
 * - the HTTP API's 30 s integration limit (`apiTimeoutMs`) and 10 MB payload quota on normal
 *   paths; no limit on long-lived paths; WebSocket upgrades only on long-lived paths (426 else);
 * - responses stream through unbuffered on EVERY path. The real HTTP API buffers a response
 *   before sending it: a service that streams on a normal path works here and not deployed.
 * Not reproduced: WAF, CloudFront caching and compression, the JWT authorizer, TLS.
 */

/** Where the door sends a service's requests; asked on every request. */
export type Upstream =
  /** A local process listening on 127.0.0.1:port. */
  | { readonly kind: 'http'; readonly port: number }
  /** An in-process Lambda function (payload format 2.0). */
  | { readonly kind: 'lambda'; readonly host: LambdaHost }
  /** A public URL (http or https, no path): the request path is appended. */
  | { readonly kind: 'url'; readonly url: string }
  /** Not running (starting, crashed, no way to run): 503, `reason` logged once. */
  | { readonly kind: 'unavailable'; readonly reason: string };


/** Options of `FrontDoor.start`. */
export interface FrontDoorOptions {
  /** The port to listen on; 0: any free port. */
  readonly port: number;
  /** The address to listen on. @default '127.0.0.1' */
  readonly host?: string;
  readonly services: LocalService[];
  readonly sites: LocalSite[];
  /** Where a service's requests go now (state changes live). */
  readonly upstreamOf: (serviceName: string) => Upstream;
  /** The HTTP API's integration time limit on normal paths; 0: none. @default 30000 */
  readonly apiTimeoutMs?: number;
  /** The HTTP API's request body quota. @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** One line per notable event (state changes, upstream failures, Lambda errors); never per request. */
  readonly log?: (line: string) => void;
}

const DEFAULT_MAX_BODY = 10 * 1024 * 1024;
const NO_BODY_RETRY = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Headers about one connection's framing, never copied from a function's result. */
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'te', 'trailer']);

/** The local front door. */
export class FrontDoor {
  /**
   * Starts listening.
   * @throws an Error with one clear line when the port is in use or cannot be used
   */
  public static async start(options: FrontDoorOptions): Promise<FrontDoor> {
    const door = new FrontDoor(options);
    await door.listen(options.port, options.host ?? '127.0.0.1');
    return door;
  }

  private routes: Route[] = [];
  private sites = new Map<string, LocalSite>();
  private readonly server: http.Server;
  private readonly sockets = new Set<net.Socket>();
  private readonly httpAgent = new http.Agent({ keepAlive: true, scheduling: 'lifo', noDelay: true } as http.AgentOptions);
  private readonly httpsAgent = new https.Agent({ keepAlive: true, scheduling: 'lifo' });
  private readonly urls = new Map<string, URL>();
  /** The last problem logged per service, so that each is logged once per state change. */
  private readonly logged = new Map<string, string>();
  private readonly apiTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private listeningPort = 0;
  private readonly upgrades: UpgradeDoor = {
    routes: () => this.routes,
    sites: () => this.sites,
    upstreamOf: name => this.options.upstreamOf(name),
    track: socket => this.track(socket),
    logOnce: (service, message) => this.logOnce(service, message),
  };

  private constructor(private readonly options: FrontDoorOptions) {
    this.apiTimeoutMs = options.apiTimeoutMs ?? 30_000;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
    this.update(options.services, options.sites);
    // requestTimeout 0: a long-lived path may upload for as long as it likes.
    this.server = http.createServer({ requestTimeout: 0, noDelay: true }, (req, res) => this.handle(req, res));
    this.server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => this.upgrade(req, socket, head));
    this.server.on('connection', (socket: net.Socket) => this.track(socket));
  }

  /** The port the door listens on. */
  public get port(): number {
    return this.listeningPort;
  }

  /** Replaces the services and sites (a `--watch` re-read); requests in flight finish as they started. */
  public update(services: LocalService[], sites: LocalSite[]): void {
    this.routes = buildRoutes(services);
    this.sites = new Map(sites.map(site => [site.siteName.toLowerCase(), site]));
  }

  /** Stops listening and ends every open connection, WebSockets included. */
  public async close(): Promise<void> {
    const closed = new Promise<void>(resolve => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
    await closed;
  }

  private listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (err: NodeJS.ErrnoException) => {
        if (err.code === 'EADDRINUSE') {
          reject(new Error(`port ${port} on ${host} is in use: stop what listens there or choose another with --port`));
        } else if (err.code === 'EACCES') {
          reject(new Error(`port ${port} on ${host} is not allowed for this user: choose one above 1023 with --port`));
        } else {
          reject(new Error(`cannot listen on ${host}:${port}: ${err.message}`));
        }
      };
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        this.listeningPort = (this.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private logOnce(service: string, message: string): void {
    if (this.logged.get(service) === message) return;
    this.logged.set(service, message);
    this.options.log?.(message);
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!isLocalHost(req.headers.host)) {
      // DNS rebinding: a page on another name that resolves to 127.0.0.1 must not reach the services.
      sendJson(res, 403, 'Forbidden');
      return;
    }
    const site = siteOf(this.sites, req.headers.host);
    if (site !== undefined) {
      if (site === null) {
        sendJson(res, 404, 'Not Found');
      } else {
        serveSite(req, res, site).catch(err => {
          this.options.log?.(`site ${site.siteName}: ${(err as Error).message}`);
          if (!res.headersSent) sendJson(res, 500, 'Internal Server Error');
          else res.destroy();
        });
      }
      return;
    }
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const route = matchRoute(this.routes, path);
    if (route === undefined) {
      sendJson(res, 404, 'Not Found');
      return;
    }
    const service = route.service;
    const longLived = isLongLived(route, path);
    // The HTTP API's preflight routes; on a long-lived path the load balancer forwards OPTIONS to the service.
    if (req.method === 'OPTIONS' && service.cors !== undefined && !longLived) {
      const answer = respondToPreflight({ headers: req.headers as Record<string, string | undefined> }, service.cors);
      const body = answer.body ?? '';
      res.writeHead(answer.statusCode, { ...answer.headers, 'content-length': Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const upstream = this.options.upstreamOf(service.name);
    if (upstream.kind === 'unavailable') {
      this.logOnce(service.name, `${service.name}: 503 Service Unavailable: ${upstream.reason}`);
      sendJson(res, 503, 'Service Unavailable');
      return;
    }
    const contentLength = req.headers['content-length'];
    if (!longLived && contentLength !== undefined && Number(contentLength) > this.maxBodyBytes) {
      this.tooLarge(req, res);
      return;
    }
    if (upstream.kind === 'lambda') {
      this.invokeLambda(req, res, route, upstream.host, longLived, path, q < 0 ? '' : url.slice(q + 1));
      return;
    }
    const counted = !longLived && contentLength === undefined && req.headers['transfer-encoding'] !== undefined;
    this.forward(req, res, route, upstream, longLived, upstreamPath(route, url, path.length), counted, false);
  }

  /** 413 in the HTTP API's shape; the body is read and dropped so that the client sees the answer. */
  private tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
    sendJson(res, 413, 'Request Entity Too Large', { connection: 'close' });
    req.resume();
  }

  private forward(
    req: http.IncomingMessage, res: http.ServerResponse, route: Route, upstream: Upstream,
    longLived: boolean, path: string, counted: boolean, retry: boolean,
  ): void {
    const viewer = viewerAddress(req.socket.remoteAddress);
    let proxyReq: http.ClientRequest;
    try {
      proxyReq = this.request(upstream, req, path, viewer);
    } catch (err) {
      // A target URL that does not parse, or a request Node's client refuses though its server took it.
      this.options.log?.(`${route.service.name}: 502 Bad Gateway: cannot forward ${req.method} ${path}: ${(err as Error).message}`);
      sendJson(res, 502, 'Bad Gateway');
      return;
    }
    const name = route.service.name;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    if (!longLived && this.apiTimeoutMs > 0) {
      timer = setTimeout(() => {
        if (done) return;
        done = true;
        this.logOnce(name, `${name}: no complete response within ${this.apiTimeoutMs} ms (the HTTP API's integration limit)`);
        proxyReq.destroy();
        if (!res.headersSent) sendJson(res, 503, 'Service Unavailable');
        else res.destroy(); // the HTTP API cuts a response it has not received in time
      }, this.apiTimeoutMs);
    }
    proxyReq.on('response', (proxyRes: http.IncomingMessage) => {
      if (done) {
        proxyRes.resume();
        return;
      }
      if (this.logged.size !== 0) this.logged.delete(name); // answering again: log the next problem
      try {
        res.writeHead(proxyRes.statusCode ?? 502, downstreamHeaders(proxyRes.rawHeaders));
      } catch (err) {
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        this.options.log?.(`${name}: 502 Bad Gateway: ${(err as Error).message}`);
        proxyRes.resume();
        if (!res.headersSent) sendJson(res, 502, 'Bad Gateway');
        return;
      }
      // Send the head now on long-lived paths and event streams, where the body may be long in coming.
      if (longLived || (proxyRes.headers['content-type'] ?? '').startsWith('text/event-stream')) res.flushHeaders();
      proxyRes.on('end', () => {
        done = true;
        if (timer !== undefined) clearTimeout(timer);
      });
      const cut = () => {
        if (proxyRes.complete || res.destroyed) return;
        // The service cut its response: so does the door.
        this.options.log?.(`${name}: response cut by ${upstreamName(upstream)}`);
        res.destroy();
      };
      proxyRes.on('error', cut);
      proxyRes.on('close', cut);
      proxyRes.pipe(res);
    });
    proxyReq.on('error', (err: NodeJS.ErrnoException) => {
      if (done) return;
      // A kept-alive connection the service closed as we reused it: safe to try once more when
      // the request has no body.
      if (!retry && proxyReq.reusedSocket && err.code === 'ECONNRESET' && NO_BODY_RETRY.has(req.method ?? '')
        && req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
        done = true;
        if (timer !== undefined) clearTimeout(timer);
        this.forward(req, res, route, upstream, longLived, path, false, true);
        return;
      }
      done = true;
      if (timer !== undefined) clearTimeout(timer);
      const where = upstreamName(upstream);
      if (!res.headersSent) {
        this.logOnce(name, `${name}: 503 Service Unavailable: ${err.code ?? err.message} from ${where}`);
        sendJson(res, 503, 'Service Unavailable');
      } else {
        this.options.log?.(`${name}: response cut by ${where}: ${err.code ?? err.message}`);
        res.destroy();
      }
    });
    res.on('close', () => {
      if (timer !== undefined) clearTimeout(timer);
      if (!res.writableFinished) {
        done = true;
        proxyReq.destroy();
      }
    });
    if (retry) {
      proxyReq.end();
      return;
    }
    if (counted) {
      let received = 0;
      req.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > this.maxBodyBytes && !done) {
          done = true;
          if (timer !== undefined) clearTimeout(timer);
          req.unpipe(proxyReq);
          proxyReq.destroy();
          if (!res.headersSent) this.tooLarge(req, res);
          else res.destroy();
        }
      });
    }
    req.pipe(proxyReq);
  }

  private request(upstream: Upstream, req: http.IncomingMessage, path: string, viewer: string): http.ClientRequest {
    if (upstream.kind === 'http') {
      return http.request({
        host: '127.0.0.1',
        port: upstream.port,
        method: req.method,
        path,
        headers: upstreamHeaders(req.headers, viewer),
        agent: this.httpAgent,
      });
    }
    const url = (upstream as { url: string }).url;
    let target = this.urls.get(url);
    if (target === undefined) {
      target = new URL(url);
      this.urls.set(url, target);
    }
    const secure = target.protocol === 'https:';
    return (secure ? https : http).request({
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port || (secure ? 443 : 80),
      method: req.method,
      path: `${target.pathname.replace(/\/+$/, '')}${path}`,
      headers: upstreamHeaders(req.headers, viewer, target.host),
      agent: secure ? this.httpsAgent : this.httpAgent,
    });
  }

  private invokeLambda(
    req: http.IncomingMessage, res: http.ServerResponse, route: Route, host: LambdaHost,
    longLived: boolean, path: string, query: string,
  ): void {
    const name = route.service.name;
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    req.on('data', (chunk: Buffer) => {
      if (refused) return;
      received += chunk.length;
      if (received > this.maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        this.tooLarge(req, res);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (refused) return;
      const viewer = viewerAddress(req.socket.remoteAddress);
      const event = buildEventV2(req, {
        basePath: route.base,
        rawPath: path,
        rawQueryString: query,
        sourceIp: viewer,
        body: chunks.length === 1 ? chunks[0] : Buffer.concat(chunks),
        headers: applyHeaderRules(joinedHeaders(req), viewer),
      });
      let settled = false;
      const timer = longLived || this.apiTimeoutMs === 0 ? undefined : setTimeout(() => {
        if (settled) return;
        settled = true;
        this.options.log?.(`${name}: no response within ${this.apiTimeoutMs} ms (the HTTP API's integration limit)`);
        sendJson(res, 503, 'Service Unavailable');
      }, this.apiTimeoutMs);
      host.invoke(event).then(result => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        if (this.logged.size !== 0) this.logged.delete(name);
        let mapped;
        try {
          mapped = mapResultV2(result);
        } catch (err) {
          this.options.log?.(`${name}: malformed Lambda result: ${(err as Error).message}`);
          sendJson(res, 500, 'Internal Server Error');
          return;
        }
        const headers: Record<string, string | string[]> = { ...mapped.headers };
        // The door frames the body itself: a function's framing headers would contradict it.
        for (const header of Object.keys(headers)) if (HOP_BY_HOP.has(header.toLowerCase())) delete headers[header];
        res.writeHead(mapped.statusCode, { ...headers, 'content-length': mapped.body.length });
        res.end(req.method === 'HEAD' ? undefined : mapped.body);
      }, (err: Error & { timedOut?: boolean }) => {
        if (settled) return;
        settled = true;
        if (timer !== undefined) clearTimeout(timer);
        if (err.timedOut === true) {
          // A function that runs out of its own time fails like any function error: a 500.
          this.options.log?.(`${name}: ${err.message}`);
          sendJson(res, 500, 'Internal Server Error');
        } else {
          this.options.log?.(`${name}: the function failed: ${oneLine(err)}`);
          sendJson(res, 500, 'Internal Server Error');
        }
      });
    });
  }

  private upgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    passUpgrade(this.upgrades, req, socket, head);
  }
}

/** An error on one line: its first stack line (`Error: message`) and where it was thrown. */
function oneLine(err: Error): string {
  const lines = (err.stack ?? '').split('\n');
  const at = lines.find(line => line.trimStart().startsWith('at '));
  const head = lines[0] && lines[0].includes(err.message) ? lines[0] : `Error: ${err.message}`;
  return at ? `${head} (${at.trim()})` : head;
}

/** Where an upstream is, for messages. */
function upstreamName(upstream: Upstream): string {
  return upstream.kind === 'http' ? `127.0.0.1:${upstream.port}` : upstream.kind === 'url' ? upstream.url : upstream.kind;
}
