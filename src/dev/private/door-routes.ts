import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { LocalService, LocalSite } from './model';

/*
 * The local front door's routing table and header rules (front-door.ts): which service a path
 * belongs to, whether it is one of the service's long-lived paths, the path the service sees,
 * and the headers it gets. Kept free of I/O so that each rule is small and testable.
 */

/** One service's place in the routing table. */
export interface Route {
  readonly service: LocalService;
  /** The base path without a trailing slash (`/` only for a service at the root). */
  readonly base: string;
  /** `<base><longLivedPath>` for each long-lived path. */
  readonly longLived: readonly string[];
  readonly strip: boolean;
}

function trimSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.replace(/\/+$/, '') : p;
}

/**
 * The routing table: longest base path first, so `/team/app` wins over `/team`. A service without
 * a base path (reached only through the service mesh) has no route.
 */
export function buildRoutes(services: readonly LocalService[]): Route[] {
  return services
    .filter((service): service is LocalService & { basePath: string } => service.basePath !== undefined)
    .map(service => {
      const base = trimSlash(service.basePath.startsWith('/') ? service.basePath : `/${service.basePath}`);
      const prefix = base === '/' ? '' : base;
      return {
        service,
        base,
        longLived: service.longLivedPaths.map(p => trimSlash(`${prefix}${p.startsWith('/') ? p : `/${p}`}`)),
        strip: service.pathMode === 'strip',
      };
    })
    .sort((a, b) => b.base.length - a.base.length);
}

/** Whether `path` is `prefix` or below it (`/echo`, `/echo/x`; not `/echoes`). */
export function underPrefix(path: string, prefix: string): boolean {
  if (prefix === '/') return true;
  return path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 47 /* / */);
}

/** The route of a path (raw, without the query string), or undefined: 404. */
export function matchRoute(routes: readonly Route[], path: string): Route | undefined {
  for (let i = 0; i < routes.length; i++) {
    if (underPrefix(path, routes[i].base)) return routes[i];
  }
  return undefined;
}

/** Whether a path is one of the route's long-lived paths (or below one). */
export function isLongLived(route: Route, path: string): boolean {
  const paths = route.longLived;
  for (let i = 0; i < paths.length; i++) {
    if (underPrefix(path, paths[i])) return true;
  }
  return false;
}

/** The path and query the service sees: the client's, or without the base path (`strip`). */
export function upstreamPath(route: Route, url: string, pathLength: number): string {
  if (!route.strip || route.base === '/') return url;
  const rest = url.slice(route.base.length);
  if (pathLength === route.base.length) return rest.length === 0 ? '/' : `/${rest}`; // `/base` or `/base?q`
  return rest;
}

/**
 * The site of a `Host` header: undefined when the host is not `<name>.localhost[:port]` (the
 * API host), null for such a host naming no site.
 */
export function siteOf(sites: ReadonlyMap<string, LocalSite>, host: string | undefined): LocalSite | null | undefined {
  if (host === undefined) return undefined;
  const match = SITE_HOST.exec(host);
  if (match === null) return undefined;
  return sites.get(match[1].toLowerCase()) ?? null;
}

/** `<name>.localhost`, optionally with a trailing dot and a port; any case (host names are case-insensitive). */
const SITE_HOST = /^([^.:[\]]+)\.localhost\.?(?::\d+)?$/i;

/** The caller's address as the platform reports it (`::ffff:127.0.0.1` -> `127.0.0.1`). */
export function viewerAddress(remoteAddress: string | undefined): string {
  const address = remoteAddress ?? '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

/** Request headers never passed on as the client sent them (hop-by-hop, or set by the door). */
const DROPPED_REQUEST_HEADERS: Record<string, true> = {
  'connection': true,
  'keep-alive': true,
  'proxy-connection': true,
  'transfer-encoding': true,
  'te': true,
  'trailer': true,
  'upgrade': true,
  'expect': true, // the door has answered `100-continue` itself
  'x-origin-verify': true,
  'x-viewer-address': true,
  'x-forwarded-for': true,
  'x-forwarded-proto': true,
};

/** Headers the door sets, removed from a WebSocket upgrade (whose hop-by-hop headers stay). */
const DROPPED_UPGRADE_HEADERS: Record<string, true> = {
  'x-origin-verify': true,
  'x-viewer-address': true,
  'x-forwarded-for': true,
  'x-forwarded-proto': true,
};

function forwardedFor(client: string | string[] | undefined, viewer: string): string {
  if (client === undefined || client.length === 0) return viewer;
  return `${Array.isArray(client) ? client.join(', ') : client}, ${viewer}`;
}

/**
 * The headers a service gets: the client's without hop-by-hop headers and `x-origin-verify`,
 * `x-viewer-address` set to the caller, the caller appended to `x-forwarded-for`,
 * `x-forwarded-proto: http`. `host` stays as the client sent it unless `hostOverride`.
 */
export function upstreamHeaders(headers: IncomingHttpHeaders, viewer: string, hostOverride?: string): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const name in headers) {
    if (DROPPED_REQUEST_HEADERS[name] !== true) out[name] = headers[name];
  }
  out['x-viewer-address'] = viewer;
  out['x-forwarded-for'] = forwardedFor(headers['x-forwarded-for'], viewer);
  out['x-forwarded-proto'] = 'http';
  if (hostOverride !== undefined) out.host = hostOverride;
  return out;
}

/** The same rules on a Lambda event's headers (lower-case names, values joined). */
export function applyHeaderRules(headers: Record<string, string>, viewer: string): Record<string, string> {
  const client = headers['x-forwarded-for'];
  delete headers['x-origin-verify'];
  headers['x-viewer-address'] = viewer;
  headers['x-forwarded-for'] = forwardedFor(client, viewer);
  headers['x-forwarded-proto'] = 'http';
  return headers;
}

/** The request head of a WebSocket upgrade, as sent to the service (raw HTTP/1.1). */
export function upgradeRequestHead(method: string, path: string, rawHeaders: readonly string[], viewer: string): string {
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let client: string | undefined;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i].toLowerCase();
    if (name === 'x-forwarded-for') client = client === undefined ? rawHeaders[i + 1] : `${client}, ${rawHeaders[i + 1]}`;
    if (DROPPED_UPGRADE_HEADERS[name] === true) continue;
    head += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  }
  return `${head}x-viewer-address: ${viewer}\r\nx-forwarded-for: ${forwardedFor(client, viewer)}\r\nx-forwarded-proto: http\r\n\r\n`;
}

/** Response headers not passed back (hop-by-hop; Node's server sets its own framing). */
function droppedResponseHeader(name: string): boolean {
  if (name.length !== 10 && name.length !== 17) return false; // cheap test first: most headers differ in length
  const lower = name.toLowerCase();
  return lower === 'connection' || lower === 'keep-alive' || lower === 'transfer-encoding';
}

/** The service's response headers as a flat `[name, value, ...]` list, repetitions kept. */
export function downstreamHeaders(rawHeaders: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (!droppedResponseHeader(rawHeaders[i])) out.push(rawHeaders[i], rawHeaders[i + 1]);
  }
  return out;
}

/**
 * Whether a Host header names this machine's loopback: `localhost`, `127.0.0.1`, `[::1]` or a
 * `*.localhost` name, with any port (or no Host: HTTP/1.0). Anything else is refused.
 */
export function isLocalHost(host: string | undefined): boolean {
  if (host === undefined) return true;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  return name === 'localhost' || name === '127.0.0.1' || name === '[::1]' || name.endsWith('.localhost');
}
