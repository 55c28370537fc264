/**
 * The platform's proxy publisher: a Lambda function (outside the VPC, inline code) that turns
 * the services' route records into ONE configuration bundle for the proxy instance, and forwards
 * the log lines the instance uploads to the platform's log group.
 *
 * The functions below are self-contained on purpose (no imports, no outer variables): their
 * source text is the function's inline code (`publisherCode`), and the tests call them directly
 * with a stand-in `io`. Every value they read comes from SSM parameters written by other stacks,
 * from an issuer's key set on the internet or from the instance, so a bad record, key or log
 * object is skipped with a warning instead of stopping the run.
 */
import { renderHaproxyConfig } from './haproxy-config';
import { forwardLogs, PROXY_LOGS_PREFIX } from './log-forwarder';

/** The S3 key of the configuration bundle in the proxy bucket. @internal */
export const PROXY_BUNDLE_KEY = 'proxy/bundle.json';

/** Where the instance keeps the PEM files of the bundle (the configuration names them). @internal */
export const PROXY_KEY_DIR = '/etc/haproxy/platform';

/** One public key of an issuer, converted for HAProxy's `jwt_verify`. @internal */
export interface ConvertedKey {
  /** The key's `kid`, when it has one. */
  readonly kid?: string;
  /** The algorithm tokens signed with this key must name. */
  readonly alg: string;
  /** The PEM file's path on the instance: `<keyDir>/jwks/<hash>.pem`. */
  readonly file: string;
  /** The file's name in the bundle: `jwks/<hash>.pem` (the first 32 hex digits of the PEM's SHA-256). */
  readonly name: string;
  /** The PEM text (SPKI public key). */
  readonly pem: string;
}

/** What `publishProxyConfig` needs from the outside world (the tests pass their own). @internal */
export interface PublisherIo {
  /** Node's `crypto` module. */
  readonly crypto: any;
  /** The SSM parameters under `ROUTES_PATH` (recursive, every page). */
  records(): Promise<Array<{ name: string; value: string }>>;
  /** GET a URL (5 s timeout) and parse its JSON body. */
  fetchJson(url: string): Promise<any>;
  /** The bundle in the bucket now (parsed), or undefined when there is none. */
  previousBundle(): Promise<any>;
  /** Writes the bundle object. */
  putBundle(json: string): Promise<void>;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The code `publishProxyConfig` calls (passed in, so that its source text stays self-contained). @internal */
export interface PublisherFunctions {
  readonly render: typeof renderHaproxyConfig;
  readonly jwksToKeys: typeof jwksToKeys;
}

/** What one publication did, for the function's log. @internal */
export interface PublishSummary {
  /** True when a new bundle was written. */
  readonly changed: boolean;
  readonly digest: string;
  readonly services: string[];
  /** The number of PEM files in the bundle. */
  readonly keys: number;
  readonly warnings: string[];
}

/**
 * The signature keys of a JWKS as PEM files for HAProxy: RSA keys and EC keys on P-256, P-384
 * and P-521, whose `use` is absent or `sig`. A key's algorithm is its `alg` when that is one
 * HAProxy verifies and fits the key (RS/PS for RSA, the curve's ES), else RS256 for RSA and the
 * curve's ES algorithm for EC; a key whose `alg` names another algorithm is skipped (it was not
 * published for these signatures). Everything skipped is named in a warning.
 * @internal
 */
export function jwksToKeys(jwks: unknown, service: string, crypto: any, keyDir: string = '/etc/haproxy/platform'):
{ keys: ConvertedKey[]; warnings: string[] } {
  const ALGS: Record<string, string[]> = {
    'RSA': ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'],
    'EC P-256': ['ES256'],
    'EC P-384': ['ES384'],
    'EC P-521': ['ES512'],
  };
  const MAX_KEYS = 20;
  const keys: ConvertedKey[] = [];
  const warnings: string[] = [];
  const list = typeof jwks === 'object' && jwks !== null && Array.isArray((jwks as any).keys) ? (jwks as any).keys as unknown[] : undefined;
  if (!list) return { keys, warnings: [`${service}: the key set has no "keys" list`] };
  list.forEach((raw, i) => {
    const jwk = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, any>;
    const label = `${service}: key ${typeof jwk.kid === 'string' ? JSON.stringify(jwk.kid) : `#${i + 1}`}`;
    const family = jwk.kty === 'EC' ? `EC ${String(jwk.crv)}` : String(jwk.kty);
    const allowed = Object.prototype.hasOwnProperty.call(ALGS, family) ? ALGS[family] : undefined;
    let why: string | undefined;
    if (!allowed) why = `key type ${family} (RSA or EC P-256/P-384/P-521 only)`;
    else if (jwk.use !== undefined && jwk.use !== 'sig') why = `use ${JSON.stringify(jwk.use)} (signature keys only)`;
    else if (jwk.alg !== undefined && !allowed.includes(jwk.alg)) why = `algorithm ${JSON.stringify(jwk.alg)} for a ${family} key (${allowed.join(', ')})`;
    else if (jwk.kid !== undefined && typeof jwk.kid !== 'string') why = 'kid that is not a string';
    else if (keys.length >= MAX_KEYS) why = `key beyond the first ${MAX_KEYS}`;
    let pem = '';
    if (!why) {
      try {
        const members = jwk.kty === 'RSA' ? { kty: 'RSA', n: jwk.n, e: jwk.e } : { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
        const key = crypto.createPublicKey({ key: members, format: 'jwk' });
        const bits = key.asymmetricKeyDetails?.modulusLength;
        if (jwk.kty === 'RSA' && !(bits >= 2048)) why = `RSA key of ${bits} bits (2048 at least)`;
        pem = String(key.export({ type: 'spki', format: 'pem' }));
      } catch (err) {
        why = `public key that does not load (${err instanceof Error ? err.message : String(err)})`;
      }
    }
    if (why) {
      warnings.push(`${label} skipped: ${why}`);
      return;
    }
    const hash = crypto.createHash('sha256').update(pem).digest('hex').slice(0, 32);
    keys.push({
      ...(typeof jwk.kid === 'string' ? { kid: jwk.kid } : {}),
      alg: jwk.alg ?? allowed![0],
      file: `${keyDir}/jwks/${hash}.pem`,
      name: `jwks/${hash}.pem`,
      pem,
    });
  });
  return { keys, warnings };
}

/**
 * One publication: reads every route record under `env.ROUTES_PATH`, fetches each JWT issuer's
 * key set (a failed fetch keeps the service's keys of the previous bundle when they came from
 * the same URL; without them the configuration refuses every token of that service), renders
 * the configuration with the instance's constants from `env`, and writes the bundle
 * `{ v: 1, generatedAt, digest, config, files, keySets, services, warnings }` only when its
 * configuration or files changed (the digest), so that the instance is not woken for nothing.
 * @internal
 */
export async function publishProxyConfig(io: PublisherIo, env: Record<string, string | undefined>,
  fns: PublisherFunctions): Promise<PublishSummary> {
  const warnings: string[] = [];
  const keyDir = env.KEY_DIR || '/etc/haproxy/platform';
  const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
  const routes: any[] = [];
  for (const p of await io.records()) {
    let value: any;
    try {
      value = JSON.parse(p.value);
    } catch {
      warnings.push(`${p.name}: skipped, its value is not JSON`);
      continue;
    }
    // A record lives under its own service's name: /routes/<service>.
    const own = p.name.split('/').pop();
    if (typeof value !== 'object' || value === null || value.service !== own) {
      warnings.push(`${p.name}: skipped, its record names the service ${JSON.stringify(value?.service)}`);
      continue;
    }
    // A service names its Cloud Map service (`_<service>._tcp`); the platform knows its namespace.
    if (typeof value.srv === 'string' && /^_[a-z0-9-]+\._tcp$/.test(value.srv) && env.NAMESPACE) {
      value.srv = `${value.srv}.${env.NAMESPACE}`;
    }
    routes.push(value);
  }

  let previous: any;
  try {
    previous = await io.previousBundle();
  } catch (err) {
    // Without it every key set must be fetched, and the bundle is written again: no harm.
    warnings.push(`the previous bundle could not be read (${message(err)})`);
  }
  const uris = new Set<string>();
  for (const r of routes) if (typeof r.jwt?.jwksUri === 'string') uris.add(r.jwt.jwksUri);
  const fetched = new Map<string, { value?: unknown; error?: string }>();
  await Promise.all([...uris].map(async uri => {
    try {
      fetched.set(uri, { value: await io.fetchJson(uri) });
    } catch (err) {
      fetched.set(uri, { error: message(err) });
    }
  }));
  const converted: Record<string, ConvertedKey[]> = {};
  for (const r of routes) {
    const uri = r.jwt?.jwksUri;
    if (typeof uri !== 'string' || typeof r.service !== 'string') continue;
    const result = fetched.get(uri)!;
    if (result.error === undefined) {
      const out = fns.jwksToKeys(result.value, r.service, io.crypto, keyDir);
      warnings.push(...out.warnings);
      converted[r.service] = out.keys;
      continue;
    }
    const kept = previous?.keySets?.[r.service];
    const usable = kept && kept.jwksUri === uri && Array.isArray(kept.keys) && kept.keys.length > 0
      && kept.keys.every((k: any) => typeof previous.files?.[k.name] === 'string' && k.file === `${keyDir}/${k.name}`);
    if (usable) {
      converted[r.service] = kept.keys.map((k: any) => ({ ...k, pem: previous.files[k.name] }));
      warnings.push(`${r.service}: ${uri} could not be fetched (${result.error}); kept its ${kept.keys.length} key(s) of the bundle of ${previous.generatedAt}`);
    } else {
      converted[r.service] = [];
      warnings.push(`${r.service}: ${uri} could not be fetched (${result.error}) and no earlier keys are known: every token is refused`);
    }
  }

  const number = (name: string, fallback: number): number => {
    const n = Number(env[name]);
    return env[name] !== undefined && env[name] !== '' && Number.isFinite(n) && n > 0 ? n : fallback;
  };
  const keys: Record<string, Array<{ kid?: string; alg: string; file: string }>> = {};
  for (const [service, list] of Object.entries(converted)) {
    keys[service] = list.map(k => ({ ...(k.kid !== undefined ? { kid: k.kid } : {}), alg: k.alg, file: k.file }));
  }
  const rendered = fns.render({
    bind: env.BIND || ':80',
    nameserver: env.NAMESERVER || '169.254.169.253:53',
    idleTimeoutSeconds: number('IDLE_TIMEOUT_SECONDS', 600),
    tasksPerService: number('TASKS_PER_SERVICE', 8),
    maxConnections: number('MAX_CONNECTIONS', 2000),
    log: env.LOG || '/dev/log local0',
    adminSocket: env.ADMIN_SOCKET || undefined,
    runAs: env.RUN_AS || undefined,
    routes,
    keys,
  });

  // Only the files the configuration names (a record the renderer skipped brings none), and
  // only the key sets of services it routes.
  const files: Record<string, string> = {};
  const keySets: Record<string, unknown> = {};
  for (const service of rendered.services) {
    const list = (converted[service] ?? []).filter(k => rendered.text.includes(`'${k.file}'`));
    if (list.length === 0) continue;
    for (const k of list) files[k.name] = k.pem;
    const uri = routes.find(r => r.service === service)?.jwt?.jwksUri;
    keySets[service] = { jwksUri: uri, keys: list.map(({ pem, ...rest }) => rest) };
  }
  const names = Object.keys(files).sort();
  const digest = io.crypto.createHash('sha256')
    .update(JSON.stringify([rendered.text, names.map(n => [n, files[n]])])).digest('hex');
  const allWarnings = [...warnings, ...rendered.warnings];
  const changed = previous?.digest !== digest;
  if (changed) {
    const bundle = {
      v: 1,
      generatedAt: new Date(io.now()).toISOString(),
      digest,
      config: rendered.text,
      files: Object.fromEntries(names.map(n => [n, files[n]])),
      keySets,
      services: rendered.services,
      warnings: allWarnings,
    };
    await io.putBundle(JSON.stringify(bundle));
  }
  return { changed, digest, services: rendered.services, keys: names.length, warnings: allWarnings };
}

/**
 * The publisher function's inline code: the functions above, `renderHaproxyConfig`, and a
 * handler that, on an SSM "Parameter Store Change" event under the routes path or on its
 * schedule, publishes the bundle and then forwards the logs, with the AWS SDK of the Lambda
 * runtime. Environment: `ROUTES_PATH`, `BUCKET`, `LOG_GROUP`, the instance's constants (`BIND`,
 * `NAMESERVER`, `IDLE_TIMEOUT_SECONDS`, `TASKS_PER_SERVICE`, `MAX_CONNECTIONS`, `LOG`,
 * `ADMIN_SOCKET`) and optionally `KEY_DIR`.
 * @internal
 */
export function publisherCode(): string {
  return [
    `const renderHaproxyConfig = ${renderHaproxyConfig.toString()};`,
    `const jwksToKeys = ${jwksToKeys.toString()};`,
    `const publishProxyConfig = ${publishProxyConfig.toString()};`,
    `const forwardLogs = ${forwardLogs.toString()};`,
    'const crypto = require("crypto");',
    'const zlib = require("zlib");',
    'const { SSMClient, GetParametersByPathCommand } = require("@aws-sdk/client-ssm");',
    'const { S3Client, GetObjectCommand, PutObjectCommand, ListObjectsV2Command, DeleteObjectCommand } = require("@aws-sdk/client-s3");',
    'const { CloudWatchLogsClient, CreateLogStreamCommand, PutLogEventsCommand } = require("@aws-sdk/client-cloudwatch-logs");',
    'const ssm = new SSMClient({});',
    'const s3 = new S3Client({});',
    'const cwl = new CloudWatchLogsClient({});',
    'const env = process.env;',
    `const BUNDLE_KEY = ${JSON.stringify(PROXY_BUNDLE_KEY)};`,
    'async function body(key) {',
    '  const out = await s3.send(new GetObjectCommand({ Bucket: env.BUCKET, Key: key }));',
    '  return Buffer.from(await out.Body.transformToByteArray());',
    '}',
    // The bundle is written only over the version this run read (S3 conditional writes): two
    // runs at once (two services deployed together) cannot put back an older set of routes.
    'let readEtag;',
    'const io = {',
    '  crypto,',
    '  now: () => Date.now(),',
    '  async records() {',
    '    const found = []; let NextToken;',
    '    do {',
    '      const page = await ssm.send(new GetParametersByPathCommand({ Path: env.ROUTES_PATH, Recursive: true, NextToken }));',
    '      for (const p of page.Parameters || []) found.push({ name: p.Name, value: p.Value });',
    '      NextToken = page.NextToken;',
    '    } while (NextToken);',
    '    return found;',
    '  },',
    '  async fetchJson(url) {',
    '    const response = await fetch(url, { signal: AbortSignal.timeout(5000) });',
    '    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);',
    '    return response.json();',
    '  },',
    '  async previousBundle() {',
    '    let data;',
    '    readEtag = undefined;',
    '    try {',
    '      const out = await s3.send(new GetObjectCommand({ Bucket: env.BUCKET, Key: BUNDLE_KEY }));',
    '      readEtag = out.ETag;',
    '      data = Buffer.from(await out.Body.transformToByteArray());',
    '    } catch (err) { if (err.name === "NoSuchKey") return undefined; throw err; }',
    '    try { return JSON.parse(data.toString("utf8")); } catch { return undefined; }',
    '  },',
    '  async putBundle(json) {',
    '    await s3.send(new PutObjectCommand({ Bucket: env.BUCKET, Key: BUNDLE_KEY, Body: json, ContentType: "application/json",',
    '      ...(readEtag ? { IfMatch: readEtag } : { IfNoneMatch: "*" }) }));',
    '  },',
    '  async listLogs() {',
    '    const found = []; let ContinuationToken;',
    '    do {',
    `      const page = await s3.send(new ListObjectsV2Command({ Bucket: env.BUCKET, Prefix: ${JSON.stringify(PROXY_LOGS_PREFIX)}, ContinuationToken }));`,
    '      for (const o of page.Contents || []) found.push({ key: o.Key });',
    '      ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;',
    '    } while (ContinuationToken);',
    '    return found;',
    '  },',
    '  async readLog(key) { return zlib.gunzipSync(await body(key)).toString("utf8"); },',
    '  async deleteLog(key) { await s3.send(new DeleteObjectCommand({ Bucket: env.BUCKET, Key: key })); },',
    '  async createLogStream(group, stream) {',
    '    try { await cwl.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream })); }',
    '    catch (err) { if (err.name !== "ResourceAlreadyExistsException") throw err; }',
    '  },',
    '  async putLogEvents(group, stream, events) {',
    '    const out = await cwl.send(new PutLogEventsCommand({ logGroupName: group, logStreamName: stream, logEvents: events }));',
    '    if (out && out.rejectedLogEventsInfo) console.warn(`${stream}: events rejected: ${JSON.stringify(out.rejectedLogEventsInfo)}`);',
    '  },',
    '};',
    'exports.handler = async (event) => {',
    '  const trigger = (event && event["detail-type"]) || "invocation";',
    '  let failure;',
    '  let published;',
    '  try {',
    // A conditional write that lost to another run: publish again from what is there now.
    '    for (let attempt = 1; ; attempt++) {',
    '      try { published = await publishProxyConfig(io, env, { render: renderHaproxyConfig, jwksToKeys }); break; }',
    '      catch (err) { if (attempt >= 3 || !["PreconditionFailed", "ConditionalRequestConflict"].includes(err && err.name)) throw err; }',
    '    }',
    '    for (const w of published.warnings) console.warn(`publish: ${w}`);',
    '    console.log(JSON.stringify({ trigger, changed: published.changed, digest: published.digest, services: published.services, keys: published.keys }));',
    '  } catch (err) { failure = err; console.error(`publish failed: ${err && err.message}`); }',
    '  const forwarded = await forwardLogs(io, env);',
    '  for (const w of forwarded.warnings) console.warn(`logs: ${w}`);',
    '  console.log(JSON.stringify({ logObjects: forwarded.objects, logEvents: forwarded.events, logBatches: forwarded.batches }));',
    '  if (failure) throw failure;',
    '  return { changed: published.changed, digest: published.digest, services: published.services, logObjects: forwarded.objects };',
    '};',
  ].join('\n');
}
