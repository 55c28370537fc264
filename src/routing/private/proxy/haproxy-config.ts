/**
 * The proxy instance's HAProxy configuration, rendered from the services' route records.
 *
 * Self-contained on purpose (no imports, no outer variables): the platform's proxy publisher
 * Lambda inlines `renderHaproxyConfig`'s source text, and the loopback tests run the same
 * function's output with a real HAProxy. Every value that reaches the configuration text comes
 * from SSM parameters written by other stacks or from an issuer's key set on the internet, so a
 * record that fails a check is skipped with a warning instead of breaking the whole file.
 *
 * Written for HAProxy 2.6 (Debian 12, the loopback tests) and later (Amazon Linux 2023 on the
 * instance): `jwt_verify` with a PEM public key, `http_auth_bearer`, `server-template` with DNS
 * SRV names, `http-check send`, `http-request return`.
 */

/** One service's long-lived routes, as the service publishes them (SSM, JSON). @internal */
export interface ProxyRouteRecord {
  /** Record format; this renderer reads version 1. */
  readonly v: number;
  /** The service's name (2-32 of a-z, 0-9, "-"). */
  readonly service: string;
  /** The service's base path, e.g. `/jessica`. */
  readonly basePath: string;
  /** Long-lived paths below the base path, e.g. `['/ws', '/mcp']`: `<base><path>` and `<base><path>/*` match. */
  readonly paths: string[];
  /** The DNS SRV name of the service's tasks, e.g. `_jessica._tcp.georgi.internal`. */
  readonly srv: string;
  /** The path the proxy's health checks ask (HTTP 200 is healthy), e.g. `/jessica/health`. */
  readonly healthCheckPath: string;
  /** Present when the service verifies JWTs on its long-lived paths. */
  readonly jwt?: ProxyJwtRecord;
}

/** The JWT a service requires on its long-lived paths (the claims the ALB's `jwt-validation` checks). @internal */
export interface ProxyJwtRecord {
  /** The `iss` claim, exactly. */
  readonly issuer: string;
  /** The audience claim must be a single string, one of these. */
  readonly audiences: string[];
  /** The name of the audience claim. */
  readonly audienceClaim: string;
  /** Where the issuer's public keys are (JWKS). */
  readonly jwksUri: string;
}

/** One public key of a service's issuer, written as a PEM file next to the configuration. @internal */
export interface ProxyKey {
  /** The key's `kid`; undefined when the key set has a single key without one. */
  readonly kid?: string;
  /** The signature algorithm tokens signed with this key must name (RS256, ES256, ...). */
  readonly alg: string;
  /** The PEM file's path on the proxy's disk. */
  readonly file: string;
}

/** What the configuration is rendered from. @internal */
export interface HaproxyConfigInput {
  /** Where HAProxy listens, e.g. `:80` on the instance, `127.0.0.1:18080` in a test. */
  readonly bind: string;
  /** The DNS server that answers SRV queries, e.g. `169.254.169.253:53` (the VPC's resolver). */
  readonly nameserver: string;
  /** Idle timeout of a WebSocket or a stream, in seconds (the ALB's idle timeout). */
  readonly idleTimeoutSeconds: number;
  /** Servers (task slots) per service; Cloud Map answers at most 8 records per query. */
  readonly tasksPerService: number;
  /** Connections at once (each WebSocket holds two). */
  readonly maxConnections: number;
  /** HAProxy's `log` target, e.g. `/dev/log local0` or `stdout format raw local0`. */
  readonly log: string;
  /** The admin socket's path, or undefined for none. */
  readonly adminSocket?: string;
  /** The user and group HAProxy drops to after binding its port (`haproxy` on the instance), or undefined to stay. */
  readonly runAs?: string;
  /** The services' route records (already parsed JSON, checked here). */
  readonly routes: unknown[];
  /** The public keys of each service's issuer, by service name. */
  readonly keys: Record<string, ProxyKey[]>;
}

/** The rendered configuration and what was skipped. @internal */
export interface HaproxyConfig {
  readonly text: string;
  /** Services routed, sorted. */
  readonly services: string[];
  /** One line per record or key that was skipped, naming it and why. */
  readonly warnings: string[];
}

/**
 * Renders the proxy's `haproxy.cfg`: one frontend that routes `<base><path>` and
 * `<base><path>/*` of every valid record to the service's backend (longest base path first),
 * answers anything else 404 `{"message":"Not Found"}` like the ALB's default action, and per
 * service a backend of `tasksPerService` servers resolved from its SRV name (ports follow the
 * tasks), health-checked on `healthCheckPath`, with the JWT checks of its record (CORS
 * preflights pass unchecked, as the ALB's `OPTIONS` rules let them).
 * @internal
 */
export function renderHaproxyConfig(input: HaproxyConfigInput): HaproxyConfig {
  const SERVICE_RE = /^[a-z][a-z0-9-]{1,31}$/;
  const PATH_RE = /^(\/[a-z0-9][a-z0-9._-]*)+$/;
  const SRV_RE = /^_[a-z0-9][a-z0-9-]{0,62}\._tcp(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;
  // Values quoted in the configuration with single quotes: nothing that ends the quote or a line.
  const SAFE_RE = /^[\x21-\x26\x28-\x7e]{1,256}$/;
  // HAProxy reads a lone brace as the end (or start) of an anonymous ACL even between quotes;
  // values that start with "-" are written after "--" (else they would be taken for flags).
  const safe = (v: unknown) => typeof v === 'string' && SAFE_RE.test(v) && v !== '{' && v !== '}';
  // What `jwt_verify` verifies with a public key. Not PS256/384/512: HAProxy 2.6 refuses the whole
  // file when a jwt_verify names one ("RSASSA-PSS JWS signing not managed yet"), so one such key
  // of one issuer would keep every later configuration out.
  const CLOCK_SKEW_SECONDS = 60;
  const ALGS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'];
  const FILE_RE = /^\/[A-Za-z0-9._/-]+\.pem$/;
  const warnings: string[] = [];
  const records: ProxyRouteRecord[] = [];
  const seenServices = new Set<string>();
  const seenBasePaths = new Set<string>();

  const problem = (r: Record<string, unknown>): string | undefined => {
    if (r.v !== 1) return `record version ${JSON.stringify(r.v)} (this proxy reads version 1)`;
    if (typeof r.service !== 'string' || !SERVICE_RE.test(r.service)) return 'service name';
    if (typeof r.basePath !== 'string' || !PATH_RE.test(r.basePath)) return 'basePath';
    if (!Array.isArray(r.paths) || r.paths.length === 0 || r.paths.length > 50
      || r.paths.some(p => typeof p !== 'string' || !PATH_RE.test(p))) return 'paths';
    if (typeof r.srv !== 'string' || !SRV_RE.test(r.srv)) return 'srv';
    if (typeof r.healthCheckPath !== 'string' || !/^\/[\x21-\x7e]{0,255}$/.test(r.healthCheckPath)
      || r.healthCheckPath.includes("'")) return 'healthCheckPath';
    if (r.jwt !== undefined) {
      const j = r.jwt as Record<string, unknown>;
      if (typeof j !== 'object' || j === null) return 'jwt';
      if (!safe(j.issuer)) return 'jwt.issuer';
      if (!Array.isArray(j.audiences) || j.audiences.length === 0 || j.audiences.length > 10
        || j.audiences.some(a => !safe(a))) return 'jwt.audiences';
      if (typeof j.audienceClaim !== 'string' || !/^[A-Za-z0-9_:.-]{1,64}$/.test(j.audienceClaim)) return 'jwt.audienceClaim';
      if (typeof j.jwksUri !== 'string' || !/^https:\/\/\S+$/.test(j.jwksUri)) return 'jwt.jwksUri';
    }
    return undefined;
  };

  for (const raw of input.routes) {
    const r = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
    const name = typeof r.service === 'string' ? r.service : '(no service name)';
    const bad = problem(r);
    if (bad) {
      warnings.push(`${name}: skipped, its record has an invalid ${bad}`);
      continue;
    }
    const record = r as unknown as ProxyRouteRecord;
    if (seenServices.has(record.service) || seenBasePaths.has(record.basePath)) {
      warnings.push(`${record.service}: skipped, another record has the same service name or base path ${record.basePath}`);
      continue;
    }
    seenServices.add(record.service);
    seenBasePaths.add(record.basePath);
    records.push(record);
  }
  // Longest base path first, so that /a/b wins over /a; then by name, for a stable file.
  records.sort((a, b) => b.basePath.length - a.basePath.length || (a.service < b.service ? -1 : a.service > b.service ? 1 : 0));

  const idle = `${Math.round(input.idleTimeoutSeconds)}s`;
  const lines: string[] = [
    '# Rendered by @georgi-io/platform-constructs (the proxy publisher). Do not edit: the next',
    '# publication replaces this file.',
    'global',
    `  log ${input.log}`,
    `  maxconn ${Math.round(input.maxConnections)}`,
    ...(input.adminSocket ? [`  stats socket ${input.adminSocket} mode 600 level admin`] : []),
    ...(input.runAs && /^[a-z_][a-z0-9_-]{0,31}$/.test(input.runAs) ? [`  user ${input.runAs}`, `  group ${input.runAs}`] : []),
    // After a reload (a new configuration) the old process keeps its WebSockets and streams until
    // they close, at most an hour (or the idle timeout, if longer).
    `  hard-stop-after ${Math.max(3600, Math.round(input.idleTimeoutSeconds))}s`,
    '',
    'defaults',
    '  mode http',
    '  log global',
    '  option httplog',
    '  option dontlognull',
    // A task that has stopped keeps its server slot until its record is gone (hold obsolete) and
    // its health checks fail: a connection it refuses is retried on another task at once instead
    // of three times on the same one, 1 s apart, then a 503. The request never reached the task,
    // so retrying it elsewhere is safe, even for a POST.
    '  retries 3',
    '  option redispatch 1',
    '  timeout connect 5s',
    '  timeout http-request 10s',
    // CloudFront keeps idle origin connections for 60 s (keepaliveTimeout); close ours after that.
    '  timeout http-keep-alive 75s',
    `  timeout client ${idle}`,
    `  timeout server ${idle}`,
    `  timeout tunnel ${idle}`,
    '  timeout client-fin 30s',
    '',
    'resolvers vpc',
    `  nameserver dns ${input.nameserver}`,
    '  accepted_payload_size 8192',
    '  resolve_retries 3',
    '  timeout resolve 1s',
    '  timeout retry 1s',
    '  hold valid 10s',
    '  hold obsolete 30s',
    '  hold nx 10s',
    '',
    'frontend long_lived',
    `  bind ${input.bind}`,
    // As the load balancer does: the caller's address appended, the viewer's protocol.
    '  option forwardfor',
    '  http-request set-header X-Forwarded-Proto https',
  ];
  records.forEach((r, i) => {
    const exact = r.paths.map(p => `${r.basePath}${p}`);
    lines.push(`  acl route${i} path ${exact.join(' ')}`);
    lines.push(`  acl route${i} path_beg ${exact.map(p => `${p}/`).join(' ')}`);
    lines.push(`  use_backend svc_${r.service} if route${i}`);
  });
  lines.push('  default_backend not_found', '');
  lines.push('backend not_found',
    '  http-request return status 404 content-type application/json string \'{"message":"Not Found"}\'', '');

  for (const r of records) {
    lines.push(`backend svc_${r.service}`);
    lines.push('  option httpchk');
    lines.push(`  http-check send meth GET uri '${r.healthCheckPath}' ver HTTP/1.1 hdr host localhost`);
    lines.push('  http-check expect status 200');
    if (r.jwt) {
      const keys = (input.keys[r.service] ?? []).filter(k => {
        const ok = ALGS.includes(k.alg) && FILE_RE.test(k.file) && (k.kid === undefined || /^[A-Za-z0-9._~+/=-]{1,128}$/.test(k.kid));
        if (!ok) warnings.push(`${r.service}: key ${JSON.stringify(k.kid ?? '(no kid)')} skipped: unsupported algorithm or kid`);
        return ok;
      });
      if (keys.length === 0) warnings.push(`${r.service}: no usable key of ${r.jwt.jwksUri}: every token is refused`);
      const refuse = 'http-request return status 401 content-type application/json string \'{"message":"Unauthorized"}\''
        + ' hdr www-authenticate Bearer';
      // A CORS preflight carries no token: it goes to the service unchecked.
      lines.push('  http-request set-var(txn.jwt) http_auth_bearer unless METH_OPTIONS');
      lines.push("  http-request set-var(txn.jwt_alg) var(txn.jwt),jwt_header_query('$.alg') if { var(txn.jwt) -m found }");
      lines.push("  http-request set-var(txn.jwt_kid) var(txn.jwt),jwt_header_query('$.kid') if { var(txn.jwt) -m found }");
      for (const k of keys) {
        // The algorithm is the key's, never the token's choice. A token with a kid is checked
        // against that key only; one without, against each key of its algorithm. The first
        // success stands (a later key cannot overwrite it).
        const base = `{ var(txn.jwt_alg) -m str ${k.alg} } !{ var(txn.jwt_ok) -m int 1 }`;
        const when = k.kid === undefined ? base : `${base} !{ var(txn.jwt_kid) -m found } || ${base} { var(txn.jwt_kid) -m str -- '${k.kid}' }`;
        lines.push(`  http-request set-var(txn.jwt_ok) var(txn.jwt),jwt_verify(${k.alg},'${k.file}') if ${when}`);
      }
      lines.push("  http-request set-var(txn.jwt_iss) var(txn.jwt),jwt_payload_query('$.iss') if { var(txn.jwt_ok) -m int 1 }");
      lines.push(`  http-request set-var(txn.jwt_aud) var(txn.jwt),jwt_payload_query('$.${r.jwt.audienceClaim}') if { var(txn.jwt_ok) -m int 1 }`);
      lines.push("  http-request set-var(txn.jwt_exp) var(txn.jwt),jwt_payload_query('$.exp','int') if { var(txn.jwt_ok) -m int 1 }");
      lines.push("  http-request set-var(txn.jwt_nbf) var(txn.jwt),jwt_payload_query('$.nbf','int') if { var(txn.jwt_ok) -m int 1 }");
      lines.push("  http-request set-var(txn.jwt_iat) var(txn.jwt),jwt_payload_query('$.iat','int') if { var(txn.jwt_ok) -m int 1 }");
      lines.push('  http-request set-var(txn.jwt_now) date if { var(txn.jwt_ok) -m int 1 }');
      // Each line refuses on one failed check (lines are or-ed): signature, issuer, audience,
      // expiry, and not-before / issued-at when present (60 s ahead of this clock are let
      // through: an issuer's clock a little fast must not refuse a fresh token).
      lines.push(`  ${refuse} if !METH_OPTIONS !{ var(txn.jwt_ok) -m int 1 }`);
      lines.push(`  ${refuse} if !METH_OPTIONS !{ var(txn.jwt_iss) -m str -- '${r.jwt.issuer}' }`);
      lines.push(`  ${refuse} if !METH_OPTIONS !{ var(txn.jwt_aud) -m str -- ${r.jwt.audiences.map(a => `'${a}'`).join(' ')} }`);
      lines.push(`  ${refuse} if !METH_OPTIONS !{ var(txn.jwt_exp),sub(txn.jwt_now) gt 0 }`);
      lines.push(`  ${refuse} if !METH_OPTIONS { var(txn.jwt_nbf),sub(txn.jwt_now) gt ${CLOCK_SKEW_SECONDS} }`);
      lines.push(`  ${refuse} if !METH_OPTIONS { var(txn.jwt_iat),sub(txn.jwt_now) gt ${CLOCK_SKEW_SECONDS} }`);
    }
    lines.push(`  server-template task ${Math.round(input.tasksPerService)} ${r.srv} resolvers vpc resolve-prefer ipv4`
      + ' init-addr none check inter 10s fall 2 rise 2');
    lines.push('');
  }
  return { text: lines.join('\n'), services: records.map(r => r.service).sort(), warnings };
}
