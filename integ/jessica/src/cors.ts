import type { FastifyInstance } from 'fastify';

const ALLOW_METHODS = 'GET, POST, DELETE, OPTIONS';
const DEFAULT_ALLOW_HEADERS = 'Content-Type, Accept, Authorization, Mcp-Protocol-Version, Mcp-Session-Id';

/**
 * CORS for the configured origins only: an allowed `Origin` gets
 * `Access-Control-Allow-Origin: <origin>` and `Vary: Origin`, and its preflights a 204; other
 * origins get no CORS headers (the browser then blocks them). `*` allows every origin.
 */
export function registerCors(app: FastifyInstance, allowOrigins: readonly string[]): void {
  if (allowOrigins.length === 0) return;
  const anyOrigin = allowOrigins.includes('*');
  const allowed = new Set(allowOrigins);

  app.addHook('onRequest', async (req, reply) => {
    const origin = req.headers.origin;
    if (!origin || !(anyOrigin || allowed.has(origin))) return undefined;
    reply.header('access-control-allow-origin', anyOrigin ? '*' : origin);
    reply.header('vary', 'Origin');
    const requestedMethod = req.headers['access-control-request-method'];
    if (req.method === 'OPTIONS' && requestedMethod) {
      const requestedHeaders = req.headers['access-control-request-headers'];
      reply.header('access-control-allow-methods', ALLOW_METHODS);
      reply.header('access-control-allow-headers', requestedHeaders && /^[\w\-, ]{1,500}$/.test(requestedHeaders) ? requestedHeaders : DEFAULT_ALLOW_HEADERS);
      reply.header('access-control-max-age', '600');
      return reply.code(204).send();
    }
    return undefined;
  });
}
