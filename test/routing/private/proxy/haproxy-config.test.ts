/**
 * renderHaproxyConfig as text: what it routes, in which order, and what it skips (every value
 * comes from SSM parameters other stacks write, or an issuer's key set, so a bad record must not
 * reach the file). The same output run by a real HAProxy: haproxy-loopback.test.ts; `haproxy -c`
 * on a mix of records is the last test here (it needs the binary, see test/helpers/haproxy.ts).
 */
import { HaproxyConfigInput, ProxyKey, renderHaproxyConfig } from '../../../../src/routing/private/proxy/haproxy-config';
import { checkHaproxyConfig } from '../../../helpers/haproxy';

const NS = 'georgi.internal';

function record(service: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { v: 1, service, basePath: `/${service}`, paths: ['/ws', '/mcp'], srv: `_${service}._tcp.${NS}`, healthCheckPath: `/${service}/health`, ...extra };
}

const JWT = { issuer: 'https://auth.example.com/', audiences: ['api', 'mcp'], audienceClaim: 'aud', jwksUri: 'https://auth.example.com/.well-known/jwks.json' };
const KEY: ProxyKey = { kid: 'key-1', alg: 'RS256', file: '/etc/haproxy/keys/svc/key-1.pem' };

function render(routes: unknown[], keys: Record<string, ProxyKey[]> = {}, extra: Partial<HaproxyConfigInput> = {}) {
  return renderHaproxyConfig({
    bind: ':80',
    nameserver: '169.254.169.253:53',
    idleTimeoutSeconds: 600,
    tasksPerService: 8,
    maxConnections: 4000,
    log: '/dev/log local0',
    routes,
    keys,
    ...extra,
  });
}

const lines = (text: string) => text.split('\n');

describe('renderHaproxyConfig: typical records', () => {
  const config = render([record('jessica'), record('orders', { paths: ['/events'], jwt: JWT })], { orders: [KEY] });

  test('routes every service, no warnings', () => {
    expect(config.services).toEqual(['jessica', 'orders']);
    expect(config.warnings).toEqual([]);
  });

  test('one frontend: <base><path> and <base><path>/ prefixes to the service, 404 JSON otherwise', () => {
    const text = config.text;
    expect(text).toContain('  acl route0 path /jessica/ws /jessica/mcp\n  acl route0 path_beg /jessica/ws/ /jessica/mcp/\n  use_backend svc_jessica if route0');
    expect(text).toContain('  acl route1 path /orders/events\n  acl route1 path_beg /orders/events/\n  use_backend svc_orders if route1');
    expect(text).toContain('  default_backend not_found');
    expect(text).toContain('backend not_found\n  http-request return status 404 content-type application/json string \'{"message":"Not Found"}\'');
    expect(text).toContain('  bind :80\n');
    expect(text).toContain('  http-request set-header X-Forwarded-Proto https');
  });

  test('the idle timeout holds WebSockets and streams (client, server, tunnel) and an old worker after a reload', () => {
    for (const t of ['timeout client 600s', 'timeout server 600s', 'timeout tunnel 600s', 'hard-stop-after 3600s']) {
      expect(lines(config.text)).toContain(`  ${t}`);
    }
  });

  test('drops to the user named by runAs after binding (the instance\'s haproxy), and only a valid user name', () => {
    expect(config.text).not.toContain('  user ');
    expect(lines(render([], {}, { runAs: 'haproxy' }).text)).toEqual(expect.arrayContaining(['  user haproxy', '  group haproxy']));
    expect(render([], {}, { runAs: 'root\n  daemon' }).text).not.toContain('user');
  });

  test('a backend per service: tasks from its SRV name through the VPC resolver, health-checked', () => {
    expect(config.text).toContain('resolvers vpc\n  nameserver dns 169.254.169.253:53');
    expect(config.text).toContain([
      'backend svc_jessica',
      '  option httpchk',
      "  http-check send meth GET uri '/jessica/health' ver HTTP/1.1 hdr host localhost",
      '  http-check expect status 200',
      '  server-template task 8 _jessica._tcp.georgi.internal resolvers vpc resolve-prefer ipv4 init-addr none check inter 10s fall 2 rise 2',
    ].join('\n'));
  });

  test('the JWT checks only where the record asks, with the key\'s own algorithm and file, the issuer and audiences', () => {
    const sections = config.text.split('\n\n');
    const jessica = sections.find(s => s.startsWith('backend svc_jessica'))!;
    expect(jessica).not.toContain('jwt');
    const orders = sections.find(s => s.startsWith('backend svc_orders'))!;
    expect(orders).toContain("jwt_verify(RS256,'/etc/haproxy/keys/svc/key-1.pem') if { var(txn.jwt_alg) -m str RS256 }");
    expect(orders).toContain("{ var(txn.jwt_kid) -m str -- 'key-1' }");
    expect(orders).toContain("!{ var(txn.jwt_iss) -m str -- 'https://auth.example.com/' }");
    expect(orders).toContain("!{ var(txn.jwt_aud) -m str -- 'api' 'mcp' }");
    // exp strictly; nbf and iat up to 60 s ahead (an issuer's clock a little fast).
    expect(orders).toContain('!{ var(txn.jwt_exp),sub(txn.jwt_now) gt 0 }');
    expect(orders).toContain('{ var(txn.jwt_nbf),sub(txn.jwt_now) gt 60 }');
    expect(orders).toContain('{ var(txn.jwt_iat),sub(txn.jwt_now) gt 60 }');
    expect(orders).toContain('http_auth_bearer unless METH_OPTIONS');
    // Six refusals (signature, iss, aud, exp, nbf, iat), none for a preflight.
    const refusals = lines(orders).filter(l => l.includes('return status 401'));
    expect(refusals).toHaveLength(6);
    expect(refusals.every(l => l.includes(' if !METH_OPTIONS '))).toBe(true);
  });

  test('the admin socket only when asked', () => {
    expect(config.text).not.toContain('stats socket');
    expect(render([record('a1')], {}, { adminSocket: '/run/haproxy/admin.sock' }).text).toContain('  stats socket /run/haproxy/admin.sock mode 600 level admin');
  });

  test('the same input renders the same text (records in any order)', () => {
    const reversed = render([record('orders', { paths: ['/events'], jwt: JWT }), record('jessica')], { orders: [KEY] });
    expect(reversed.text).toBe(config.text);
  });
});

describe('renderHaproxyConfig: order', () => {
  test('longest base path first, so /a/b wins over /a; equal lengths by name', () => {
    const config = render([
      record('api', { basePath: '/api' }),
      record('api-v2', { basePath: '/api/v2' }),
      record('zeta', { basePath: '/zzzz' }),
      record('beta', { basePath: '/bbbb' }),
    ]);
    const uses = lines(config.text).filter(l => l.startsWith('  use_backend'));
    expect(uses).toEqual([
      '  use_backend svc_api-v2 if route0',
      '  use_backend svc_beta if route1',
      '  use_backend svc_zeta if route2',
      '  use_backend svc_api if route3',
    ]);
  });
});

describe('renderHaproxyConfig: records skipped with a warning', () => {
  test.each<[string, unknown, RegExp]>([
    ['version 2', record('svc', { v: 2 }), /^svc: skipped, its record has an invalid record version 2/],
    ['no version', record('svc', { v: undefined }), /^svc: skipped, .*record version undefined/],
    ['not an object', 'jessica', /^\(no service name\): skipped, .*record version/],
    ['null', null, /^\(no service name\): skipped/],
    ['an upper-case service name', record('Jessica'), /^Jessica: skipped, its record has an invalid service name$/],
    ['a one-letter service name', record('j'), /invalid service name$/],
    ['a service name with a newline', record('svc\nfrontend x'), /invalid service name$/],
    ['a base path without a slash', record('svc', { basePath: 'svc' }), /invalid basePath$/],
    ['a base path with a space', record('svc', { basePath: '/svc x' }), /invalid basePath$/],
    ['a base path with a trailing slash', record('svc', { basePath: '/svc/' }), /invalid basePath$/],
    ['a base path with ..', record('svc', { basePath: '/svc/../admin' }), /invalid basePath$/],
    ['no paths', record('svc', { paths: [] }), /invalid paths$/],
    ['a path with a newline', record('svc', { paths: ['/ws\n  use_backend svc_x'] }), /invalid paths$/],
    ['a path with a quote', record('svc', { paths: ["/ws'"] }), /invalid paths$/],
    ['a path with a wildcard', record('svc', { paths: ['/ws/*'] }), /invalid paths$/],
    ['a path that is not a string', record('svc', { paths: [7] }), /invalid paths$/],
    ['51 paths', record('svc', { paths: Array.from({ length: 51 }, (_, i) => `/p${i}`) }), /invalid paths$/],
    ['an srv name not starting with _ (HAProxy would resolve it as A)', record('svc', { srv: `svc.${NS}` }), /invalid srv$/],
    ['an srv name without ._tcp', record('svc', { srv: `_svc._udp.${NS}` }), /invalid srv$/],
    ['an srv name with a space', record('svc', { srv: `_svc._tcp.${NS} resolvers x` }), /invalid srv$/],
    ['a health check path with a space', record('svc', { healthCheckPath: '/svc/health ver HTTP/1.0' }), /invalid healthCheckPath$/],
    ['a health check path with a quote', record('svc', { healthCheckPath: "/svc/health'" }), /invalid healthCheckPath$/],
    ['a health check path with a newline', record('svc', { healthCheckPath: '/svc/health\nbackend x' }), /invalid healthCheckPath$/],
    ['a relative health check path', record('svc', { healthCheckPath: 'health' }), /invalid healthCheckPath$/],
    ['jwt not an object', record('svc', { jwt: 'yes' }), /invalid jwt$/],
    ['jwt null', record('svc', { jwt: null }), /invalid jwt$/],
    ['an issuer with a quote', record('svc', { jwt: { ...JWT, issuer: "https://a.example.com/' }" } }), /invalid jwt\.issuer$/],
    ['an issuer with a space', record('svc', { jwt: { ...JWT, issuer: 'https://a.example.com/ x' } }), /invalid jwt\.issuer$/],
    ['an issuer with a newline', record('svc', { jwt: { ...JWT, issuer: 'https://a.example.com/\nbackend x' } }), /invalid jwt\.issuer$/],
    ['an empty issuer', record('svc', { jwt: { ...JWT, issuer: '' } }), /invalid jwt\.issuer$/],
    ['an audience with a quote', record('svc', { jwt: { ...JWT, audiences: ["api' 'x"] } }), /invalid jwt\.audiences$/],
    ['an audience with a space', record('svc', { jwt: { ...JWT, audiences: ['api x'] } }), /invalid jwt\.audiences$/],
    ['an audience with a newline', record('svc', { jwt: { ...JWT, audiences: ['api\n'] } }), /invalid jwt\.audiences$/],
    ['no audiences', record('svc', { jwt: { ...JWT, audiences: [] } }), /invalid jwt\.audiences$/],
    ['an audience claim with a quote', record('svc', { jwt: { ...JWT, audienceClaim: "aud')" } }), /invalid jwt\.audienceClaim$/],
    ['an audience claim with a space', record('svc', { jwt: { ...JWT, audienceClaim: 'a ud' } }), /invalid jwt\.audienceClaim$/],
    ['a JWKS URI over http', record('svc', { jwt: { ...JWT, jwksUri: 'http://auth.example.com/jwks' } }), /invalid jwt\.jwksUri$/],
  ])('%s', (_name, bad, warning) => {
    const config = render([record('good'), bad]);
    expect(config.services).toEqual(['good']);
    expect(config.warnings).toHaveLength(1);
    expect(config.warnings[0]).toMatch(warning);
    // Nothing of the bad record reaches the file.
    expect(config.text).not.toMatch(/svc_svc|_svc\._|auth\.example|Jessica|frontend x|backend x/);
  });

  test('a second record with the same service name or base path is skipped, the first kept', () => {
    const config = render([
      record('jessica'),
      record('jessica', { basePath: '/other' }),
      record('other', { basePath: '/jessica' }),
    ]);
    expect(config.services).toEqual(['jessica']);
    expect(config.warnings).toEqual([
      'jessica: skipped, another record has the same service name or base path /other',
      'other: skipped, another record has the same service name or base path /jessica',
    ]);
    expect(config.text).not.toContain('/other');
  });

  test('a skipped duplicate does not reserve its name or path for a later record', () => {
    const config = render([record('aa'), record('aa', { basePath: '/bb' }), record('bb')]);
    expect(config.services).toEqual(['aa', 'bb']);
  });
});

describe('renderHaproxyConfig: keys', () => {
  const jwtRecord = record('orders', { jwt: JWT });

  test.each<[string, ProxyKey]>([
    ['HS256 (a shared secret, never a public key)', { ...KEY, alg: 'HS256' }],
    ['none', { ...KEY, alg: 'none' }],
    ['EdDSA (not in HAProxy 2.6)', { ...KEY, alg: 'EdDSA' }],
    ['PS256 (HAProxy 2.6 refuses the whole file: RSASSA-PSS not managed)', { ...KEY, alg: 'PS256' }],
    ['PS512', { ...KEY, alg: 'PS512' }],
    ['a lower-case rs256', { ...KEY, alg: 'rs256' }],
    ['a kid with a quote', { ...KEY, kid: "k1' }" }],
    ['a kid with a space', { ...KEY, kid: 'k 1' }],
    ['a kid with a newline', { ...KEY, kid: 'k1\nbackend x' }],
    ['a relative file', { ...KEY, file: 'keys/k1.pem' }],
    ['a file that is not .pem', { ...KEY, file: '/etc/passwd' }],
    ['a file with a space', { ...KEY, file: '/etc/haproxy/keys/a b.pem' }],
    ['a file with a quote', { ...KEY, file: "/etc/haproxy/keys/a'.pem" }],
  ])('a key with %s is skipped with a warning, and no key left refuses every token', (_name, key) => {
    const config = render([jwtRecord], { orders: [key] });
    expect(config.services).toEqual(['orders']);
    expect(config.warnings[0]).toMatch(/^orders: key ".*" skipped: unsupported algorithm or kid$/);
    expect(config.warnings[1]).toBe('orders: no usable key of https://auth.example.com/.well-known/jwks.json: every token is refused');
    expect(config.text).not.toContain('jwt_verify');
    // The signature refusal stays: nothing sets txn.jwt_ok.
    expect(config.text).toContain('if !METH_OPTIONS !{ var(txn.jwt_ok) -m int 1 }');
  });

  test('a bad key next to a good one: only the good one is used', () => {
    const config = render([jwtRecord], { orders: [{ ...KEY, kid: 'bad', alg: 'HS256' }, { ...KEY, kid: 'good', alg: 'ES256', file: '/k/good.pem' }] });
    expect(config.warnings).toEqual(['orders: key "bad" skipped: unsupported algorithm or kid']);
    expect(lines(config.text).filter(l => l.includes('jwt_verify'))).toEqual([
      "  http-request set-var(txn.jwt_ok) var(txn.jwt),jwt_verify(ES256,'/k/good.pem') if { var(txn.jwt_alg) -m str ES256 } !{ var(txn.jwt_ok) -m int 1 }"
      + " !{ var(txn.jwt_kid) -m found } || { var(txn.jwt_alg) -m str ES256 } !{ var(txn.jwt_ok) -m int 1 } { var(txn.jwt_kid) -m str -- 'good' }",
    ]);
  });

  test('a key without kid is tried for every token of its algorithm', () => {
    const config = render([jwtRecord], { orders: [{ alg: 'RS512', file: '/k/only.pem' }] });
    expect(config.warnings).toEqual([]);
    expect(config.text).toContain("jwt_verify(RS512,'/k/only.pem') if { var(txn.jwt_alg) -m str RS512 } !{ var(txn.jwt_ok) -m int 1 }\n");
  });
});

describe('renderHaproxyConfig: retries', () => {
  test('a connection a stopped task refuses is retried on another task (redispatch), not three times on the same one', () => {
    const defaults = render([record('jessica')]).text.split('\ndefaults\n')[1].split('\n\n')[0];
    expect(lines(defaults)).toEqual(expect.arrayContaining(['  retries 3', '  option redispatch 1']));
  });
});

describe('haproxy -c (the binary, test/helpers/haproxy.ts: no silent skip)', () => {
  test('accepts the output for a mix of records: plain, JWT with kid, without kid, RSA and EC keys, bad keys (HS256, PS384), bad records', () => {
    const config = render([
      record('jessica'),
      record('orders', { jwt: JWT, paths: ['/events'] }),
      record('billing', { basePath: '/billing/v2', jwt: { ...JWT, audienceClaim: 'client_id', audiences: ['abc123'] } }),
      record('bad', { srv: 'bad.georgi.internal' }),
      record('jessica', { basePath: '/again' }),
    ], {
      orders: [KEY, { kid: 'key-2', alg: 'ES256', file: '/etc/haproxy/keys/orders/key-2.pem' }, { kid: 'x', alg: 'HS256', file: '/x.pem' }],
      billing: [{ alg: 'PS384', file: '/etc/haproxy/keys/billing/ps.pem' }, { alg: 'ES384', file: '/etc/haproxy/keys/billing/only.pem' }],
    }, { adminSocket: '/tmp/haproxy-admin-test.sock' });
    expect(config.services).toEqual(['billing', 'jessica', 'orders']);
    expect(config.warnings).toHaveLength(4);
    expect(config.text).toContain('jwt_verify(ES384,');
    const result = checkHaproxyConfig(config.text);
    expect(result.output).not.toMatch(/ALERT/);
    expect(result.ok).toBe(true);
    // The key files do not exist here, and 'haproxy -c' says nothing of it: it cannot tell the
    // instance's agent that a key is missing (a token for that key is then refused: loopback test).
    expect(result.output).not.toMatch(/pem/);
  });

  test('an issuer\'s key ids, audiences and issuer that start with "-" are written after "--", and HAProxy accepts them', () => {
    const hostile = render([record('orders', { jwt: { ...JWT, issuer: '-https://i', audiences: ['-f', '-abc', '{x', 'y}'] } })],
      { orders: [{ ...KEY, kid: '-f' }, { ...KEY, kid: '-Zq3' }] });
    expect(hostile.warnings).toEqual([]);
    expect(hostile.text).toContain("-m str -- '-f'");
    expect(hostile.text).toContain("-m str -- '-https://i'");
    const result = checkHaproxyConfig(hostile.text);
    expect([result.ok, result.output]).toEqual([true, expect.not.stringMatching(/ALERT/)]);
  });

  test('a lone brace as an audience or issuer skips the record (HAProxy ends an ACL at it even between quotes)', () => {
    for (const jwt of [{ ...JWT, audiences: ['}'] }, { ...JWT, issuer: '{' }]) {
      const config = render([record('orders', { jwt })], { orders: [KEY] });
      expect(config.services).toEqual([]);
      expect(config.warnings.join()).toMatch(/orders: skipped, its record has an invalid jwt\.(audiences|issuer)/);
    }
  });

  test('...and can fail: a configuration HAProxy refuses is reported', () => {
    const result = checkHaproxyConfig(`${render([record('jessica')]).text}\nbackend broken\n  server-template task 8 _x._tcp.a resolvers nowhere\n`);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/nowhere/);
  });
});
