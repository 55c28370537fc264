/**
 * What the deployed Jessica service must answer, written once and run twice:
 * - by `integ/integ.jessica.ts` against the live URLs (integ-runner `httpApiCall` assertions and
 *   the probe Lambda);
 * - by `test/jessica/jessica-endpoints.test.ts` against the reference app on loopback, with a
 *   local stand-in for ElevenLabs.
 *
 * Expected JSON is a subset: objects match when every listed key matches; an array matches when,
 * for every listed item, at least one element matches it; `ANY_STRING` matches any non-empty
 * string, `ANY_BOOLEAN` any boolean.
 */

/** Matches any non-empty string. */
export const ANY_STRING = '<any non-empty string>';
/** Matches true or false. */
export const ANY_BOOLEAN = '<any boolean>';

/** A JSON pattern: literal values, the markers above, nested objects and arrays. */
export type JsonPattern = string | number | boolean | null | JsonPattern[] | { [key: string]: JsonPattern };

/** One HTTP request and what its answer must be. */
export interface HttpExpectation {
  /** A short description, used as the test name and the assertion id. */
  readonly name: string;
  readonly method: 'GET' | 'POST';
  /** The path on the API host, e.g. `/jessica/health`. */
  readonly path: string;
  readonly headers?: Record<string, string>;
  /** A JSON body (sent with `content-type: application/json`). */
  readonly body?: unknown;
  readonly status: number;
  /** Expected media type of the answer, without parameters (e.g. `application/json`). */
  readonly contentType?: string;
  /** Expected JSON body (subset). */
  readonly json?: JsonPattern;
}

/** JSON-RPC request bodies of the MCP checks. */
export const MCP_INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: {
    protocolVersion: '2025-03-26',
    capabilities: {},
    clientInfo: { name: 'platform-constructs-integ', version: '1.0.0' },
  },
};
export const MCP_TOOLS_LIST = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
const MCP_HEADERS = { accept: 'application/json, text/event-stream' };

/** The text the speech checks send. */
export const PROBE_TEXT = 'Hello from the platform integration test.';

/**
 * The HTTP expectations of a Jessica service under `basePath` (e.g. `/jessica`).
 *
 * @param basePath the service's base path on the API host
 * @param serviceName the service's name as it reports it
 */
export function serviceExpectations(basePath: string, serviceName: string): HttpExpectation[] {
  return [
    {
      name: 'health answers ok with the key configured',
      method: 'GET',
      path: `${basePath}/health`,
      status: 200,
      contentType: 'application/json',
      json: { status: 'ok', service: serviceName, elevenlabs_api_key: true },
    },
    {
      name: 'voices list has the contract shape',
      method: 'GET',
      path: `${basePath}/api/v1/voices?limit=5`,
      status: 200,
      contentType: 'application/json',
      json: [{ voice_id: ANY_STRING, name: ANY_STRING }],
    },
    {
      name: 'models list has the contract shape',
      method: 'GET',
      path: `${basePath}/api/v1/models`,
      status: 200,
      contentType: 'application/json',
      json: [{ model_id: ANY_STRING, name: ANY_STRING }],
    },
    {
      name: 'config has the contract shape',
      method: 'GET',
      path: `${basePath}/api/v1/config`,
      status: 200,
      contentType: 'application/json',
      json: { default_voice_id: ANY_STRING, default_model_id: ANY_STRING, settings: { auto_play: ANY_BOOLEAN } },
    },
    {
      name: 'speech without text is refused with a JSON 400',
      method: 'POST',
      path: `${basePath}/api/v1/tts/stream`,
      body: {},
      status: 400,
      contentType: 'application/json',
      json: { error: 'invalid_request', message: ANY_STRING },
    },
    {
      name: 'an unknown path of the service answers a JSON 404',
      method: 'GET',
      path: `${basePath}/no-such-route`,
      status: 404,
      contentType: 'application/json',
      json: { error: 'not_found' },
    },
    {
      name: 'MCP initialize names the server',
      method: 'POST',
      path: `${basePath}/mcp`,
      headers: MCP_HEADERS,
      body: MCP_INITIALIZE,
      status: 200,
      json: { jsonrpc: '2.0', id: 1, result: { serverInfo: { name: serviceName } } },
    },
    {
      name: 'MCP tools/list names speak_text',
      method: 'POST',
      path: `${basePath}/mcp`,
      headers: MCP_HEADERS,
      body: MCP_TOOLS_LIST,
      status: 200,
      json: { jsonrpc: '2.0', id: 2, result: { tools: [{ name: 'speak_text' }, { name: 'list_voices' }] } },
    },
  ];
}

/** What the platform itself must answer: a path no service claimed is a 404 (no catch-all). */
export const platformExpectations: HttpExpectation[] = [
  { name: 'a path under no service answers 404', method: 'GET', path: '/no-such-service/health', status: 404 },
];

/** Whether `actual` matches `pattern` (see the module comment). Returns the first mismatch or undefined. */
export function mismatch(actual: unknown, pattern: JsonPattern, at = '$'): string | undefined {
  if (pattern === ANY_STRING) {
    return typeof actual === 'string' && actual.length > 0 ? undefined : `${at}: expected a non-empty string, got ${JSON.stringify(actual)}`;
  }
  if (pattern === ANY_BOOLEAN) {
    return typeof actual === 'boolean' ? undefined : `${at}: expected a boolean, got ${JSON.stringify(actual)}`;
  }
  if (Array.isArray(pattern)) {
    if (!Array.isArray(actual)) return `${at}: expected an array, got ${JSON.stringify(actual)}`;
    for (const [i, item] of pattern.entries()) {
      if (!actual.some((element, j) => mismatch(element, item, `${at}[${j}]`) === undefined)) {
        return `${at}: no element matches pattern #${i} ${JSON.stringify(item)}`;
      }
    }
    return undefined;
  }
  if (pattern !== null && typeof pattern === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) {
      return `${at}: expected an object, got ${JSON.stringify(actual)}`;
    }
    for (const [key, value] of Object.entries(pattern)) {
      const problem = mismatch((actual as Record<string, unknown>)[key], value, `${at}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  }
  return actual === pattern ? undefined : `${at}: expected ${JSON.stringify(pattern)}, got ${JSON.stringify(actual)}`;
}
