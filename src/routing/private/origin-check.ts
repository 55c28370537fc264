/**
 * The logic of the front door's request authorizers, as self-contained functions: their source
 * text is the Lambda functions' inline code (nothing here may use an import or a name from this
 * module's scope), and the tests call them directly.
 *
 * - `checkOrigin`: did the request come through CloudFront? CloudFront adds the header
 *   `x-origin-verify` with the platform's secret to every request it sends to the HTTP API; a
 *   direct call to the `execute-api` URL has no header (API Gateway answers 401 without calling
 *   the authorizer) or a wrong one (refused here).
 * - `verifyJwt`: the checks API Gateway's JWT authorizer makes, for routes of a service with
 *   `jwtIssuer` (a route has one authorizer, so the origin check and the token check share it).
 *   One function serves every such service: it finds the route's service by the event's
 *   `routeKey` among the JWT configurations that services publish in SSM.
 *
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-lambda-authorizer.html
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-jwt-authorizer.html
 */

/** The header CloudFront adds to every request it sends to the central HTTP API. @internal */
export const ORIGIN_VERIFY_HEADER = 'x-origin-verify';

/**
 * The header in which the front door tells every origin the viewer's address (a CloudFront
 * Function sets it on each viewer request, replacing whatever the client sent). @internal
 */
export const VIEWER_ADDRESS_HEADER = 'x-viewer-address';

/** What the authorizer reads of an HTTP API (payload 2.0) request. @internal */
export interface AuthorizerEvent {
  /** The route's key, `ANY /jessica/{proxy+}`. */
  readonly routeKey?: string;
  readonly headers?: Record<string, string | undefined>;
}

/** What the authorizer needs from the outside world (the tests pass their own). @internal */
export interface AuthorizerIo {
  /** Node's `crypto` module. */
  readonly crypto: any;
  /**
   * The secret's values that are accepted: the current and the previous one, and the versions
   * that the front door was deployed with (their staging labels). `fresh`: read them again now
   * (at most every 10 seconds), not from the 5-minute cache.
   */
  secrets(fresh?: boolean): Promise<string[]>;
  /**
   * The JWT configurations that services publish (one per service, with its base path).
   * `fresh`: read them again now (at most every 10 seconds), not from the 5-minute cache.
   */
  jwtRoutes(fresh?: boolean): Promise<JwtRouteConfig[]>;
  /** GET a URL and parse its JSON body (the issuer's discovery document and key set). */
  fetchJson(url: string): Promise<any>;
  /** Milliseconds since the epoch. */
  now(): number;
}

/** A JWT check's configuration (from the function's environment). @internal */
export interface JwtConfig {
  readonly issuer: string;
  readonly audience: string[];
  /** The key set URL; empty: the `jwks_uri` of the issuer's OpenID discovery document. */
  readonly jwksUri: string;
}

/** A service's JWT configuration, as it publishes it in SSM. @internal */
export interface JwtRouteConfig extends JwtConfig {
  /** The service's base path, `/jessica`: its routes are `ANY <basePath>` and `ANY <basePath>/{proxy+}`. */
  readonly basePath: string;
}

/** The key set between calls: when it was last fetched, and last fetched successfully. @internal */
export interface JwksCache {
  keys?: any[];
  fetchedAt?: number;
  loadedAt?: number;
}

/** The simple response of an HTTP API Lambda authorizer. @internal */
export interface AuthorizerResult {
  readonly isAuthorized: boolean;
  readonly context?: Record<string, string>;
}

/**
 * True when the request carries one of the accepted secrets in `x-origin-verify` (compared in
 * constant time).
 * @internal
 */
export async function checkOrigin(event: AuthorizerEvent, io: AuthorizerIo): Promise<boolean> {
  const given = (event.headers ?? {})['x-origin-verify'];
  if (typeof given !== 'string' || given.length === 0) return false;
  const a = io.crypto.createHash('sha256').update(given).digest();
  const matches = (accepted: string[]): boolean => {
    let ok = false;
    for (const secret of accepted) {
      const b = io.crypto.createHash('sha256').update(secret).digest();
      if (secret.length > 0 && io.crypto.timingSafeEqual(a, b)) ok = true;
    }
    return ok;
  };
  if (matches(await io.secrets())) return true;
  // A value we do not know may be a new one (a rotation): API Gateway caches a refusal like an
  // approval, so read the secret again before refusing.
  return matches(await io.secrets(true));
}

/**
 * Verifies the bearer token in `Authorization` as API Gateway's JWT authorizer does: a JWS
 * signed with RS256, RS384 or RS512 by a key of the issuer's key set (found by `kid`); `iss`
 * equal to the issuer; `aud` or `client_id` among the audiences; `exp` in the future; `nbf` and
 * `iat`, when present, not in the future. Returns the claims, or undefined when any check fails.
 *
 * `cache` keeps the key set between calls: it is fetched again after 10 minutes, or at once
 * for a `kid` it does not hold (at most once a minute), so a rotated signing key works.
 * @internal
 */
export async function verifyJwt(authorization: string | undefined, config: JwtConfig, io: AuthorizerIo,
  cache: JwksCache): Promise<Record<string, any> | undefined> {
  if (typeof authorization !== 'string') return undefined;
  const token = authorization.replace(/^Bearer\s+/i, '').trim();
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const decode = (part: string): any => {
    try {
      return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  };
  const header = decode(parts[0]);
  const claims = decode(parts[1]);
  if (!header || !claims || typeof claims !== 'object') return undefined;
  const hashes: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' };
  const hash = typeof header.alg === 'string' && Object.prototype.hasOwnProperty.call(hashes, header.alg) ? hashes[header.alg] : undefined;
  if (!hash || typeof header.kid !== 'string') return undefined;

  const now = io.now();
  // A failed refresh keeps the keys it has for up to 2 hours (as API Gateway caches them); with
  // no keys at all it throws, and the request is refused.
  const load = async (): Promise<void> => {
    try {
      let uri = config.jwksUri;
      if (!uri) uri = (await io.fetchJson(`${config.issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`)).jwks_uri;
      const keys = (await io.fetchJson(uri)).keys;
      cache.keys = Array.isArray(keys) ? keys : [];
      cache.fetchedAt = now;
      cache.loadedAt = now;
    } catch (err) {
      if (!cache.keys || now - (cache.loadedAt ?? 0) > 7_200_000) throw err;
      cache.fetchedAt = now;
    }
  };
  if (!cache.keys || now - (cache.fetchedAt ?? 0) > 600_000) await load();
  let jwk = cache.keys!.find((k: any) => k.kid === header.kid);
  if (!jwk && now - (cache.fetchedAt ?? 0) > 60_000) {
    await load();
    jwk = cache.keys!.find((k: any) => k.kid === header.kid);
  }
  if (!jwk || jwk.kty !== 'RSA' || (jwk.use !== undefined && jwk.use !== 'sig')
    || (jwk.alg !== undefined && jwk.alg !== header.alg)) return undefined;
  let signatureOk = false;
  try {
    const key = io.crypto.createPublicKey({ key: jwk, format: 'jwk' });
    signatureOk = io.crypto.verify(hash, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2], 'base64url'));
  } catch {
    signatureOk = false;
  }
  if (!signatureOk) return undefined;

  const seconds = Math.floor(now / 1000);
  if (claims.iss !== config.issuer) return undefined;
  // API Gateway checks client_id only when the token has no aud.
  const audiences: unknown[] = claims.aud !== undefined ? [claims.aud].flat() : (claims.client_id !== undefined ? [claims.client_id] : []);
  if (!audiences.some(a => typeof a === 'string' && config.audience.indexOf(a) >= 0)) return undefined;
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) return undefined;
  if (claims.nbf !== undefined && !(typeof claims.nbf === 'number' && claims.nbf <= seconds)) return undefined;
  if (claims.iat !== undefined && !(typeof claims.iat === 'number' && claims.iat <= seconds)) return undefined;
  return claims;
}

/**
 * The base path of a service route from its route key: `ANY /jessica/{proxy+}` and
 * `ANY /jessica` are `/jessica`.
 * @internal
 */
export function routeBasePath(routeKey: string | undefined): string | undefined {
  if (typeof routeKey !== 'string') return undefined;
  const path = routeKey.replace(/^\S+\s+/, '');
  return path.startsWith('/') ? path.replace(/\/\{proxy\+\}$/, '') : undefined;
}

/**
 * The JWT configuration of the request's route, read again once (at most every 10 seconds)
 * before giving up, since a service deployed a moment ago may not be in the cache yet.
 * @internal
 */
export async function jwtConfigFor(event: AuthorizerEvent, io: AuthorizerIo, base: typeof routeBasePath): Promise<JwtRouteConfig | undefined> {
  const basePath = base(event.routeKey);
  if (!basePath) return undefined;
  // Two configurations for one base path (a parameter written by hand, or left by a renamed
  // service): neither is trusted.
  const find = (configs: JwtRouteConfig[]): JwtRouteConfig | undefined => {
    const matching = configs.filter(c => c && c.basePath === basePath);
    const config = matching.length === 1 ? matching[0] : undefined;
    if (matching.length > 1) console.error(`jwt check failed: ${matching.length} JWT configurations claim ${basePath}`);
    return config && typeof config.issuer === 'string' && Array.isArray(config.audience) ? config : undefined;
  };
  return find(await io.jwtRoutes()) ?? find(await io.jwtRoutes(true));
}

/**
 * The authorizer: the origin check, then (`checkJwt`) the token check with the JWT
 * configuration of the route's service. The context it returns reaches the integration as
 * `$context.authorizer.<key>` (a Lambda target sees it in `requestContext.authorizer.lambda`):
 * `sub` and `scope` as strings and every claim as JSON in `claims`.
 * @internal
 */
export async function authorizeRequest(event: AuthorizerEvent, checkJwt: boolean, io: AuthorizerIo,
  caches: Record<string, JwksCache>, check: typeof checkOrigin, verify: typeof verifyJwt,
  configFor: typeof jwtConfigFor, base: typeof routeBasePath): Promise<AuthorizerResult> {
  if (!(await check(event, io))) return { isAuthorized: false };
  if (!checkJwt) return { isAuthorized: true };
  let claims: Record<string, any> | undefined;
  try {
    const jwt = await configFor(event, io, base);
    if (!jwt) {
      console.error(`jwt check failed: no JWT configuration published for the route ${String(event.routeKey)}`);
      return { isAuthorized: false };
    }
    // One key set cache per issuer and key set URL.
    const key = `${jwt.issuer} ${jwt.jwksUri ?? ''}`;
    caches[key] = caches[key] ?? {};
    claims = await verify((event.headers ?? {}).authorization, { issuer: jwt.issuer, audience: jwt.audience, jwksUri: jwt.jwksUri ?? '' },
      io, caches[key]);
  } catch (err) {
    // The configuration or the key set could not be read: refuse (API Gateway answers 403), and say why in the log.
    console.error(`jwt check failed: ${err instanceof Error ? err.message : String(err)}`);
    claims = undefined;
  }
  if (!claims) return { isAuthorized: false };
  return {
    isAuthorized: true,
    context: {
      sub: String(claims.sub ?? ''),
      scope: String(claims.scope ?? ''),
      claims: JSON.stringify(claims),
    },
  };
}

/** @internal */
export interface AuthorizerCodeOptions {
  /**
   * Read the secret's ARN from the SSM parameter named in `SECRET_ARN_PARAMETER` (once per
   * cold start) instead of `SECRET_ARN`, and the accepted staging labels from the one named in
   * `ACCEPTED_STAGES_PARAMETER` (at each refresh) instead of `ACCEPTED_STAGES`: an additional
   * Region's checks (ADR 15).
   * @default false
   */
  readonly secretArnFromParameter?: boolean;
}

/**
 * The inline code of an authorizer function: the functions above, and a handler that reads the
 * secret (its current and previous versions and the staging labels in `ACCEPTED_STAGES`, again
 * after 5 minutes) and, with `CHECK_JWT`, the services' JWT configurations under
 * `JWT_CONFIG_PATH`, with the AWS SDK of the Lambda runtime.
 * @internal
 */
export function authorizerCode(options: AuthorizerCodeOptions = {}): string {
  const secretId = options.secretArnFromParameter ? 'await secretArn()' : 'process.env.SECRET_ARN';
  return [
    `const checkOrigin = ${checkOrigin.toString()};`,
    `const verifyJwt = ${verifyJwt.toString()};`,
    `const routeBasePath = ${routeBasePath.toString()};`,
    `const jwtConfigFor = ${jwtConfigFor.toString()};`,
    `const authorizeRequest = ${authorizeRequest.toString()};`,
    'const crypto = require("crypto");',
    'const { SecretsManagerClient, GetSecretValueCommand } = require("@aws-sdk/client-secrets-manager");',
    'const { SSMClient, GetParametersByPathCommand } = require("@aws-sdk/client-ssm");',
    'const client = new SecretsManagerClient({});',
    'const ssm = new SSMClient({});',
    'const stages = ["AWSCURRENT", "AWSPREVIOUS", ...(process.env.ACCEPTED_STAGES || "").split(",").filter(s => s.length > 0)];',
    'let secretValues; let secretsAt = 0;',
    'let routeConfigs; let routesAt = 0;',
    ...options.secretArnFromParameter ? [
      // The secret's ARN in this Region (a replica of the primary's), written into this
      // Region's SSM by the platform's primary stack, which deploys after this one.
      'const { GetParameterCommand } = require("@aws-sdk/client-ssm");',
      'let secretArnValue;',
      // One read per cold start, shared by the concurrent reads of the versions; again after a failure.
      'function secretArn() {',
      '  if (!secretArnValue) {',
      '    secretArnValue = ssm.send(new GetParameterCommand({ Name: process.env.SECRET_ARN_PARAMETER }))',
      '      .then(r => r.Parameter.Value, err => { secretArnValue = undefined; throw err; });',
      '  }',
      '  return secretArnValue;',
      '}',
      // The labels the primary's checks accept (its label resource's answer), read again at
      // each refresh: they change when the primary's stack deploys, after this Region's.
      'async function currentStages() {',
      '  const accepted = (await ssm.send(new GetParameterCommand({ Name: process.env.ACCEPTED_STAGES_PARAMETER }))).Parameter.Value;',
      '  return ["AWSCURRENT", "AWSPREVIOUS", ...accepted.split(",").filter(s => s.length > 0)];',
      '}',
    ] : [],
    'async function read(stage) {',
    `  try { return (await client.send(new GetSecretValueCommand({ SecretId: ${secretId}, VersionStage: stage }))).SecretString; }`,
    '  catch (err) { if (stage !== "AWSCURRENT" && err.name === "ResourceNotFoundException") return undefined; throw err; }',
    '}',
    // A failed refresh keeps the values read before (and tries again after 10 seconds); with
    // none at all it throws, and the request is refused.
    'function kept(err, values) {',
    '  if (values === undefined) throw err;',
    '  console.error(`refresh failed, keeping the values read before: ${err && err.message}`);',
    '  return values;',
    '}',
    'const io = {',
    '  async secrets(fresh) {',
    '    if (!secretValues || Date.now() - secretsAt > (fresh ? 10000 : 300000)) {',
    `      try { secretValues = (await Promise.all(${options.secretArnFromParameter ? '(await currentStages())' : 'stages'}.map(read))).filter(v => typeof v === "string" && v.length > 0); }`,
    '      catch (err) { secretValues = kept(err, secretValues); secretsAt = Date.now() - 290000; return secretValues; }',
    '      secretsAt = Date.now();',
    '    }',
    '    return secretValues;',
    '  },',
    '  async jwtRoutes(fresh) {',
    '    if (!routeConfigs || Date.now() - routesAt > (fresh ? 10000 : 300000)) {',
    '      try {',
    '        const found = []; let NextToken;',
    '        do {',
    '          const page = await ssm.send(new GetParametersByPathCommand({ Path: process.env.JWT_CONFIG_PATH, Recursive: true, NextToken }));',
    '          for (const p of page.Parameters || []) {',
    '            try { found.push(JSON.parse(p.Value)); } catch { console.error(`${p.Name}: not a JWT configuration`); }',
    '          }',
    '          NextToken = page.NextToken;',
    '        } while (NextToken);',
    '        routeConfigs = found;',
    '      } catch (err) { routeConfigs = kept(err, routeConfigs); routesAt = Date.now() - 290000; return routeConfigs; }',
    '      routesAt = Date.now();',
    '    }',
    '    return routeConfigs;',
    '  },',
    '  async fetchJson(url) {',
    '    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });',
    '    if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);',
    '    return response.json();',
    '  },',
    '  now: () => Date.now(),',
    '  crypto,',
    '};',
    'const checkJwt = process.env.CHECK_JWT === "true";',
    'const caches = {};',
    'exports.handler = async (event) => authorizeRequest(event, checkJwt, io, caches, checkOrigin, verifyJwt, jwtConfigFor, routeBasePath);',
  ].join('\n');
}
