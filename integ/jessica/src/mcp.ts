// The SDK's documented subpath imports. TypeScript and Node resolve them through the SDK's "./*"
// export; eslint-import-resolver-typescript does not map its "types" pattern (`*.d.ts`) for them.
// eslint-disable-next-line import/no-unresolved
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
// eslint-disable-next-line import/no-unresolved
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, toApiError } from './errors';
import { ClientHub } from './hub';
import { SpeechService } from './speech';
import { VoiceCatalog } from './voices';

export interface McpContext {
  readonly serviceName: string;
  readonly version: string;
  /** Where browsers connect, for messages such as "nobody is listening on /jessica/ws". */
  readonly webSocketPath: string;
  readonly hub: ClientHub;
  readonly speech: SpeechService;
  readonly voices: VoiceCatalog;
}

/**
 * `POST /mcp`: MCP over Streamable HTTP, stateless (a new server and transport per request, JSON
 * responses, no session), so any task can answer any request and nothing is held open.
 */
export function registerMcpRoutes(scope: FastifyInstance, ctx: McpContext): void {
  scope.post('/mcp', async (req, reply) => {
    const server = createMcpServer(ctx, req.clientId);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    // Headers set by hooks (CORS) would be lost once the reply is hijacked: put them on the raw response.
    for (const [name, value] of Object.entries(reply.getHeaders())) {
      if (value !== undefined) reply.raw.setHeader(name, value);
    }
    reply.hijack();
    reply.raw.on('close', () => {
      transport.close().catch(() => undefined);
      server.close().catch(() => undefined);
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(req.raw, reply.raw, req.body);
    } catch (err) {
      req.log.error({ err }, 'MCP request failed');
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        reply.raw.end(JSON.stringify({ error: 'internal_error', message: 'internal server error' }));
      } else {
        reply.raw.destroy();
      }
    }
  });

  // GET and DELETE /mcp (SSE stream, session end) are not offered: the not-found handler answers
  // them with 405, Allow: POST and MCP_METHOD_HINT.
}

/** Said in the 405 for any other method on `/mcp`. */
export const MCP_METHOD_HINT = 'the MCP endpoint is stateless Streamable HTTP: use POST';

/** One MCP server with the tools `speak_text` and `list_voices`; `clientId`: the caller's address (its share of the speech queue). */
export function createMcpServer(ctx: McpContext, clientId = ''): McpServer {
  const server = new McpServer({ name: ctx.serviceName, version: ctx.version });

  server.registerTool('speak_text', {
    title: 'Speak text',
    description: `Speak the text aloud in every browser tab that has the ${ctx.serviceName} page open (ElevenLabs text to speech).`,
    inputSchema: {
      text: z.string().describe('The text to speak'),
      voice_id: z.string().optional().describe('An ElevenLabs voice id from list_voices; the configured default voice if omitted'),
    },
  }, async ({ text, voice_id }) => toolResult(async () => {
    const input = ctx.speech.parse(voice_id === undefined ? { text } : { text, voice_id });
    const request = await ctx.speech.resolve(input);
    if (ctx.hub.size === 0) {
      throw new ApiError(409, 'no_listeners',
        `No browser is connected to ${ctx.webSocketPath}: open the ${ctx.serviceName} web page first. Nothing was synthesized.`);
    }
    const result = await ctx.hub.enqueue(request, undefined, clientId);
    return `Spoke ${request.text.length} characters with voice ${request.voiceId} (model ${request.modelId}): `
      + `${result.bytes} bytes of MP3 in ${result.chunks} chunks to ${result.clients} WebSocket client${result.clients === 1 ? '' : 's'}.`;
  }));

  server.registerTool('list_voices', {
    title: 'List voices',
    description: 'The ElevenLabs voices available to speak_text, as JSON [{ voice_id, name }].',
  }, async () => toolResult(async () => JSON.stringify(await ctx.voices.list())));

  return server;
}

/** Runs a tool; errors become an MCP tool error (`isError`) with the human message. */
async function toolResult(run: () => Promise<string>): Promise<CallToolResult> {
  try {
    return { content: [{ type: 'text', text: await run() }] };
  } catch (err) {
    return { content: [{ type: 'text', text: toApiError(err).message }], isError: true };
  }
}
