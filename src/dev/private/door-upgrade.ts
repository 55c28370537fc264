import type * as http from 'node:http';
import * as net from 'node:net';
import { isLocalHost, isLongLived, matchRoute, Route, siteOf, upgradeRequestHead, upstreamPath, viewerAddress } from './door-routes';
import type { Upstream } from './front-door';
import type { LocalSite } from './model';

/*
 * WebSocket upgrades at the local front door (front-door.ts). As on the platform, only a
 * service's long-lived paths (the load balancer) take them: elsewhere the HTTP API cannot
 * upgrade, so 426. After the upgrade the door pipes the raw sockets both ways: no buffering,
 * no time limit.
 */

/** What the upgrade handler needs from the door. */
export interface UpgradeDoor {
  routes(): readonly Route[];
  sites(): ReadonlyMap<string, LocalSite>;
  upstreamOf(serviceName: string): Upstream;
  /** Closes the socket with the door. */
  track(socket: net.Socket): void;
  logOnce(service: string, message: string): void;
}

/** Answers an upgrade request: refused with a JSON status, or piped to the service. */
export function passUpgrade(door: UpgradeDoor, req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
  socket.on('error', () => socket.destroy());
  if (!isLocalHost(req.headers.host)) {
    rawJson(socket, 403, 'Forbidden', 'Forbidden');
    return;
  }
  if (siteOf(door.sites(), req.headers.host) !== undefined) {
    rawJson(socket, 404, 'Not Found', 'Not Found');
    return;
  }
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q < 0 ? url : url.slice(0, q);
  const route = matchRoute(door.routes(), path);
  if (route === undefined) {
    rawJson(socket, 404, 'Not Found', 'Not Found');
    return;
  }
  const name = route.service.name;
  if (!isLongLived(route, path)) {
    rawJson(socket, 426, 'Upgrade Required', `WebSocket upgrades reach ${name} only on its longLivedPaths`
      + ` (${route.service.longLivedPaths.join(', ') || 'none'}): the HTTP API cannot upgrade`);
    return;
  }
  const upstream = door.upstreamOf(name);
  if (upstream.kind !== 'http') {
    if (upstream.kind === 'unavailable') door.logOnce(name, `${name}: 503 Service Unavailable: ${upstream.reason}`);
    else door.logOnce(name, `${name}: a ${upstream.kind} target takes no WebSocket upgrade`);
    rawJson(socket, 503, 'Service Unavailable', 'Service Unavailable');
    return;
  }
  const requestHead = upgradeRequestHead(req.method ?? 'GET', upstreamPath(route, url, path.length), req.rawHeaders,
    viewerAddress(socket.remoteAddress));
  const service = net.connect({ host: '127.0.0.1', port: upstream.port, noDelay: true });
  door.track(service);
  let answered = false;
  let refused = false;
  service.once('connect', () => {
    service.write(requestHead);
    if (head.length > 0) service.write(head);
    service.once('data', () => {
      answered = true;
    });
    // Raw pipes both ways after the upgrade: no buffering, no time limit.
    service.pipe(socket);
    socket.pipe(service);
  });
  service.on('error', (err: NodeJS.ErrnoException) => {
    if (!answered) {
      door.logOnce(name, `${name}: 503 Service Unavailable: ${err.code ?? err.message} from 127.0.0.1:${upstream.port}`);
      answered = true;
      refused = true;
      rawJson(socket, 503, 'Service Unavailable', 'Service Unavailable');
    } else {
      socket.destroy();
    }
  });
  service.on('close', () => {
    if (!refused) socket.destroy();
  });
  socket.on('close', () => service.destroy());
}

const reasonLine = (status: number, reason: string) => `HTTP/1.1 ${status} ${reason}\r\n`;

/** A JSON answer written on a raw socket (an upgrade request the door refuses). */
function rawJson(socket: net.Socket, status: number, reason: string, message: string): void {
  const body = JSON.stringify({ message });
  socket.end(`${reasonLine(status, reason)}content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n`
    + `connection: close\r\n\r\n${body}`);
}
