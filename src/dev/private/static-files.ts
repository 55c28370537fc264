import { createReadStream, promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import * as path from 'node:path';
import type { LocalSite } from './model';

/*
 * A web page on `<siteName>.localhost`, served from its folder as the platform's CloudFront
 * distribution serves it from S3: `/` is `index.html`, `/config.json` is the runtime
 * configuration (platform URLs already mapped to the local front door), unknown paths give
 * `index.html` with 200 when the site has SPA fallback, and the security response headers.
 * Not reproduced: caching (every file is sent with `cache-control: no-cache`), compression.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
};

/** The content type of a file, by its extension. */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

function securityHeaders(site: LocalSite): Record<string, string> {
  const headers: Record<string, string> = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    'x-frame-options': 'DENY',
    'cache-control': 'no-cache',
  };
  if (site.contentSecurityPolicy) headers['content-security-policy'] = site.contentSecurityPolicy;
  return headers;
}

/** Sends a small JSON error in the platform's shape. */
export function sendJson(res: ServerResponse, status: number, message: string, extra?: Record<string, string>): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, {
    ...extra,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

async function fileIn(directory: string, relative: string): Promise<string | undefined> {
  const full = path.resolve(directory, relative);
  try {
    const stat = await fs.stat(full);
    return stat.isFile() ? full : undefined;
  } catch {
    return undefined;
  }
}

/** Answers one request for a site's file. */
export async function serveSite(req: IncomingMessage, res: ServerResponse, site: LocalSite): Promise<void> {
  const method = req.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD') {
    sendJson(res, 405, 'Method Not Allowed', { allow: 'GET, HEAD' });
    return;
  }
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  let pathname: string;
  try {
    pathname = decodeURIComponent(query < 0 ? url : url.slice(0, query));
  } catch {
    sendJson(res, 400, 'Bad Request');
    return;
  }
  const headers = securityHeaders(site);
  if (pathname === '/config.json' && site.config !== undefined) {
    const body = JSON.stringify(site.config);
    res.writeHead(200, {
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    res.end(method === 'HEAD' ? undefined : body);
    return;
  }
  const root = path.resolve(site.directory);
  const relative = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const full = path.resolve(root, relative);
  if (pathname.indexOf('\0') >= 0 || !pathname.startsWith('/') || (full !== root && !full.startsWith(root + path.sep))) {
    sendJson(res, 403, 'Forbidden');
    return;
  }
  let file = await fileIn(root, relative);
  if (file) {
    // A symbolic link may point out of the folder: follow it only when its target stays inside.
    const real = await fs.realpath(file);
    const realRoot = await fs.realpath(root);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) {
      sendJson(res, 403, 'Forbidden');
      return;
    }
  } else if (site.spaFallback) {
    file = await fileIn(root, 'index.html');
  }
  if (!file) {
    sendJson(res, 404, 'Not Found', headers);
    return;
  }
  const stat = await fs.stat(file);
  res.writeHead(200, {
    ...headers,
    'content-type': contentTypeOf(file),
    'content-length': stat.size,
  });
  if (method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
