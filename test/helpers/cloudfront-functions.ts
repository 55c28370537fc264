import * as vm from 'node:vm';
import * as ts from 'typescript';

/**
 * A STAND-IN of the CloudFront Functions runtime `cloudfront-js-2.0` for tests, not the real
 * thing: it runs a viewer-request function's code in a `vm` context, with a `cloudfront` module
 * that offers `kvs()` (backed by a Map) and `selectRequestOriginById` (recorded), and refuses
 * what it can cheaply tell the real runtime lacks or limits. Sources: CloudFront Developer Guide,
 * "JavaScript runtime 2.0 features for CloudFront Functions", "Helper methods for key value
 * stores", "Helper methods for origin modification", "CloudFront Functions event structure" and
 * the Functions quotas (10 KB of code). What it does NOT model: the runtime's own engine (it runs
 * Node's V8, so a built-in method that V8 has and the runtime lacks passes here), the 1 ms
 * compute budget, the 2 MB memory limit, the store's propagation delay.
 */

/** CloudFront Functions' maximum function size, in bytes (Quotas page). */
export const FUNCTION_CODE_LIMIT = 10 * 1024;

/** The only import the runtime resolves, which must be the first statement. */
const IMPORT_LINE = /^import cf from 'cloudfront';/;

/** Identifiers the runtime does not have (no Node globals, no timers, no dynamic code). */
const FORBIDDEN_IDENTIFIERS = ['require', 'process', 'module', 'exports', 'global', 'globalThis', 'eval',
  'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'fetch', 'Function'];

/** Syntax the runtime 2.0 features page does not list (it may fail when deployed). */
const UNLISTED_SYNTAX: Partial<Record<ts.SyntaxKind, string>> = {
  [ts.SyntaxKind.ClassDeclaration]: 'class',
  [ts.SyntaxKind.ClassExpression]: 'class',
  [ts.SyntaxKind.ObjectBindingPattern]: 'destructuring',
  [ts.SyntaxKind.ArrayBindingPattern]: 'destructuring',
  [ts.SyntaxKind.SpreadElement]: 'spread',
  [ts.SyntaxKind.SpreadAssignment]: 'spread',
  [ts.SyntaxKind.ForOfStatement]: 'for...of',
  [ts.SyntaxKind.TaggedTemplateExpression]: 'tagged templates',
  [ts.SyntaxKind.YieldExpression]: 'generators',
};

/** Why the stand-in refuses some code: the real runtime would refuse or fail it. */
export class UnsupportedCodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedCodeError';
  }
}

/** A CloudFront Functions event for a viewer request, shaped as the guide's "event structure". */
export interface ViewerRequestEvent {
  readonly version: '1.0';
  readonly context: { distributionDomainName: string; distributionId: string; eventType: 'viewer-request'; requestId: string };
  readonly viewer: { ip: string };
  readonly request: {
    method: string;
    uri: string;
    querystring: Record<string, { value: string; multiValue?: { value: string }[] }>;
    headers: Record<string, { value: string; multiValue?: { value: string }[] }>;
    cookies: Record<string, { value: string; attributes?: string; multiValue?: { value: string }[] }>;
  };
}

/** What a test gives for one request (headers by name; names are lower-cased as CloudFront does). */
export interface RequestInput {
  readonly uri: string;
  readonly method?: string;
  readonly ip?: string;
  readonly headers?: Record<string, string>;
  readonly querystring?: Record<string, string>;
}

/** The event CloudFront passes to a viewer-request function for `input`. */
export function viewerRequestEvent(input: RequestInput): ViewerRequestEvent {
  const headers: ViewerRequestEvent['request']['headers'] = {};
  for (const [name, value] of Object.entries(input.headers ?? {})) headers[name.toLowerCase()] = { value };
  const querystring: ViewerRequestEvent['request']['querystring'] = {};
  for (const [name, value] of Object.entries(input.querystring ?? {})) querystring[name] = { value };
  return {
    version: '1.0',
    context: {
      distributionDomainName: 'd111111abcdef8.cloudfront.net',
      distributionId: 'EDFDVBD6EXAMPLE',
      eventType: 'viewer-request',
      requestId: '4TyzHTaYWb1GX1qTfsHhEqV6HUDd_BzoBZnwfnvQc_1oF26ClkoUSEQ==',
    },
    viewer: { ip: input.ip ?? '198.51.100.7' },
    request: { method: input.method ?? 'GET', uri: input.uri, querystring, headers, cookies: {} },
  };
}

/** The store and the distribution the function runs with. */
export interface StandInOptions {
  /** The function's KeyValueStore (key -> value). */
  readonly store?: Map<string, string>;
  /** The distribution's origin ids: selecting another one fails the request, as on CloudFront. */
  readonly originIds?: readonly string[];
}

/** One run of the handler: the request it returned and what it asked of the `cloudfront` module. */
export interface RunResult {
  readonly request: ViewerRequestEvent['request'];
  /** The origin ids passed to `cf.selectRequestOriginById`, in order. */
  readonly selectedOrigins: string[];
  /** The keys read from the store, in order. */
  readonly storeReads: string[];
}

/**
 * A compiled viewer-request function in the stand-in runtime. `storeFails` makes every store
 * read (and `cf.kvs()` itself) throw, as an unreadable store would.
 */
export class CloudFrontFunctionStandIn {
  public storeFails = false;
  private readonly context: vm.Context;
  private readonly selected: string[] = [];
  private readonly reads: string[] = [];

  constructor(code: string, options: StandInOptions = {}) {
    checkCode(code);
    const self = this;
    const store = options.store ?? new Map<string, string>();
    const kvsHandle = {
      async exists(key: string): Promise<boolean> {
        self.read(key);
        return store.has(key);
      },
      async get(key: string, opts?: { format?: 'string' | 'json' | 'bytes' }): Promise<unknown> {
        self.read(key);
        // The guide: get() "will return an error" for a key that is not in the store.
        if (!store.has(key)) throw new Error(`key not found: ${key}`);
        const value = store.get(key)!;
        if (opts?.format === 'json') return JSON.parse(value);
        if (opts?.format === 'bytes') return Buffer.from(value, 'utf8');
        return value;
      },
      async meta(): Promise<unknown> {
        if (self.storeFails) throw new Error('key value store unavailable');
        return { creationDateTime: '2026-12-07T00:00:00Z', lastUpdatedDateTime: '2026-12-07T00:00:00Z', keyCount: store.size };
      },
    };
    const cloudfront = {
      kvs(...args: unknown[]) {
        if (args.length > 0) throw new Error('cf.kvs() takes no argument in runtime 2.0 (one store per function)');
        if (self.storeFails) throw new Error('key value store unavailable');
        return kvsHandle;
      },
      selectRequestOriginById(originId: unknown, overrides?: unknown) {
        if (typeof originId !== 'string') throw new Error('selectRequestOriginById: origin id must be a string');
        if (options.originIds && !options.originIds.includes(originId)) {
          throw new Error(`selectRequestOriginById: no origin with id ${originId} in the distribution`);
        }
        void overrides;
        self.selected.push(originId);
      },
      updateRequestOrigin() {
        throw new UnsupportedCodeError('updateRequestOrigin is not modelled by the stand-in');
      },
      createRequestOriginGroup() {
        throw new UnsupportedCodeError('createRequestOriginGroup is not modelled by the stand-in');
      },
    };
    this.context = vm.createContext({ __cloudfront: Object.freeze(cloudfront), console: { log: () => undefined } });
    vm.runInContext(code.replace(IMPORT_LINE, 'const cf = __cloudfront;'), this.context, { filename: 'function.js' });
    if (typeof this.context.handler !== 'function') throw new UnsupportedCodeError('the code defines no top-level function handler');
  }

  /** Runs the handler once for `input` (or a prepared event). */
  public async run(input: RequestInput | ViewerRequestEvent): Promise<RunResult> {
    const event = 'version' in input ? input : viewerRequestEvent(input);
    this.selected.length = 0;
    this.reads.length = 0;
    const request = await this.context.handler(event);
    return { request, selectedOrigins: [...this.selected], storeReads: [...this.reads] };
  }

  private read(key: string): void {
    if (this.storeFails) throw new Error('key value store unavailable');
    // Quotas: a key is at most 512 bytes.
    if (Buffer.byteLength(key, 'utf8') > 512) throw new Error('key longer than 512 bytes');
    this.reads.push(key);
  }
}

/**
 * Refuses code that the real runtime would refuse or that uses what runtime 2.0 does not list:
 * over 10 KB, no `import cf from 'cloudfront'` first, other imports or exports, Node globals,
 * timers, `eval`/`Function`, nested async functions ("async arguments and closures are not
 * supported"), generators, classes, destructuring, spread, for...of, `?.` and `??`.
 */
export function checkCode(code: string): void {
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > FUNCTION_CODE_LIMIT) throw new UnsupportedCodeError(`code is ${bytes} bytes, over the ${FUNCTION_CODE_LIMIT} allowed`);
  if (!IMPORT_LINE.test(code)) throw new UnsupportedCodeError("the first line must be import cf from 'cloudfront';");
  const source = ts.createSourceFile('function.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const problems: string[] = [];
  const at = (node: ts.Node) => `line ${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1}`;
  const visit = (node: ts.Node, functionDepth: number): void => {
    const unlisted = UNLISTED_SYNTAX[node.kind];
    if (unlisted) problems.push(`${unlisted} (${at(node)})`);
    if (ts.isImportDeclaration(node) && node !== source.statements[0]) problems.push(`a second import (${at(node)})`);
    if (ts.isExportDeclaration(node) || ts.isExportAssignment(node)
      || (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some(m => m.kind === ts.SyntaxKind.ExportKeyword))) {
      problems.push(`export (${at(node)})`);
    }
    if (ts.isIdentifier(node) && FORBIDDEN_IDENTIFIERS.includes(node.text)
      && !(ts.isPropertyAccessExpression(node.parent) && node.parent.name === node)
      && !(ts.isPropertyAssignment(node.parent) && node.parent.name === node)) {
      problems.push(`${node.text} (${at(node)})`);
    }
    if (node.kind === ts.SyntaxKind.QuestionDotToken) problems.push(`optional chaining (${at(node)})`);
    if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken) problems.push(`?? (${at(node)})`);
    if (ts.isParameter(node) && node.initializer) problems.push(`default parameters (${at(node)})`);
    let depth = functionDepth;
    if (ts.isFunctionLike(node)) {
      const isAsync = ts.canHaveModifiers(node) && ts.getModifiers(node)?.some(m => m.kind === ts.SyntaxKind.AsyncKeyword);
      if (isAsync && (functionDepth > 0 || !ts.isFunctionDeclaration(node))) problems.push(`an async closure (${at(node)})`);
      if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.asteriskToken) problems.push(`generators (${at(node)})`);
      depth++;
    }
    ts.forEachChild(node, child => visit(child, depth));
  };
  visit(source, 0);
  const diagnostics = (source as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
  for (const d of diagnostics) problems.push(`syntax error: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  if (problems.length > 0) throw new UnsupportedCodeError(`not supported by cloudfront-js-2.0: ${problems.join('; ')}`);
}
