import { execFileSync, spawn, spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as vm from 'vm';
import * as zlib from 'zlib';
import { renderHaproxyConfig } from '../../../../src/routing/private/proxy/haproxy-config';
import { jwksToKeys, publisherCode, publishProxyConfig, PublisherIo } from '../../../../src/routing/private/proxy/publisher-code';

// The proxy publisher: key conversion with real keys, publication with a stand-in io, the inline code as Lambda loads it (stand-in SDK clients, a real fetch of a key
// set from a local HTTP server), and a bundle accepted by the real `haproxy -c`.

const HAPROXY = '/usr/sbin/haproxy';
const ROUTES = '/platform/georgi/long-lived/routes';
const NOW = Date.UTC(2026, 4, 1, 12, 0, 0);
const JWKS_URI = 'https://issuer.example.com/keys';

const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec256 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ec384 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-384' });
const ec521 = crypto.generateKeyPairSync('ec', { namedCurve: 'P-521' });
const weak = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
const ed = crypto.generateKeyPairSync('ed25519');
const jwkOf = (k: crypto.KeyObject, extra: Record<string, unknown>) => ({ ...k.export({ format: 'jwk' }), ...extra });

const KEY_SET = {
  keys: [
    jwkOf(rsa.publicKey, { kid: 'rsa-1', use: 'sig' }),
    jwkOf(ec256.publicKey, { kid: 'ec-1', alg: 'ES256' }),
    jwkOf(ed.publicKey, { kid: 'ed-1' }),
  ],
};

const record = (service: string, extra: Record<string, unknown> = {}) => ({
  v: 1,
  service,
  basePath: `/${service}`,
  paths: ['/ws', '/mcp'],
  srv: `_${service}._tcp.georgi.internal`,
  healthCheckPath: `/${service}/health`,
  ...extra,
});
const jwt = (jwksUri = JWKS_URI) => ({ issuer: 'https://issuer.example.com', audiences: ['app'], audienceClaim: 'aud', jwksUri });
const param = (service: string, value: unknown) => ({ name: `${ROUTES}/${service}`, value: typeof value === 'string' ? value : JSON.stringify(value) });

const fns = { render: renderHaproxyConfig, jwksToKeys };

/** A stand-in io: parameters, key sets by URL (a missing URL fails like a timeout), the bucket's bundle. */
function publisherIo(params: Array<{ name: string; value: string }>, keySets: Record<string, unknown>, bundle?: string) {
  const puts: string[] = [];
  const fetches: string[] = [];
  const io: PublisherIo = {
    crypto,
    now: () => NOW,
    records: async () => params,
    fetchJson: async (url: string) => {
      fetches.push(url);
      if (!(url in keySets)) throw new Error('The operation was aborted due to timeout');
      return keySets[url];
    },
    previousBundle: async () => (bundle === undefined ? undefined : JSON.parse(bundle)),
    putBundle: async (json: string) => {
      puts.push(json);
    },
  };
  return { io, puts, fetches };
}

describe('jwksToKeys', () => {
  test('converts RSA and EC P-256/P-384/P-521 signature keys to content-addressed PEM files, with the key\'s algorithm', () => {
    const { keys, warnings } = jwksToKeys({
      keys: [
        jwkOf(rsa.publicKey, { kid: 'a' }),
        jwkOf(rsa.publicKey, { kid: 'b', alg: 'PS384', use: 'sig' }),
        jwkOf(ec256.publicKey, { kid: 'c' }),
        jwkOf(ec384.publicKey, { kid: 'd', alg: 'ES384' }),
        jwkOf(ec521.publicKey, {}),
      ],
    }, 'jessica', crypto, '/srv/keys');
    expect(warnings).toEqual([]);
    expect(keys.map(k => [k.kid, k.alg])).toEqual([['a', 'RS256'], ['b', 'PS384'], ['c', 'ES256'], ['d', 'ES384'], [undefined, 'ES512']]);
    for (const k of keys) {
      const hash = crypto.createHash('sha256').update(k.pem).digest('hex').slice(0, 32);
      expect(k.name).toBe(`jwks/${hash}.pem`);
      expect(k.file).toBe(`/srv/keys/jwks/${hash}.pem`);
    }
    expect(keys[0].pem).toBe(rsa.publicKey.export({ type: 'spki', format: 'pem' }));
    expect(keys[0].file).toBe(keys[1].file);
    // The PEM is the issuer's key: it verifies what the private key signed.
    const signature = crypto.sign('sha384', Buffer.from('payload'), ec384.privateKey);
    expect(crypto.verify('sha384', Buffer.from('payload'), crypto.createPublicKey(keys[3].pem), signature)).toBe(true);
  });

  test('skips, with a warning each, keys HAProxy cannot check or that were not published for signatures', () => {
    const { keys, warnings } = jwksToKeys({
      keys: [
        jwkOf(ed.publicKey, { kid: 'okp' }),
        jwkOf(rsa.publicKey, { kid: 'enc', use: 'enc' }),
        jwkOf(ec256.publicKey, { kid: 'wrong-alg', alg: 'ES384' }),
        jwkOf(rsa.publicKey, { kid: 'oaep', alg: 'RSA-OAEP' }),
        jwkOf(weak.publicKey, { kid: 'weak' }),
        { kty: 'RSA', kid: 'broken', n: 'AQAB', e: 'AQAB' },
        jwkOf(rsa.publicKey, { kid: 7 }),
        'not a key',
        jwkOf(rsa.publicKey, { kid: 'good' }),
      ],
    }, 'jessica', crypto);
    expect(keys.map(k => k.kid)).toEqual(['good']);
    expect(keys[0].file).toMatch(/^\/etc\/haproxy\/platform\/jwks\/[0-9a-f]{32}\.pem$/);
    expect(warnings).toEqual([
      'jessica: key "okp" skipped: key type OKP (RSA or EC P-256/P-384/P-521 only)',
      'jessica: key "enc" skipped: use "enc" (signature keys only)',
      'jessica: key "wrong-alg" skipped: algorithm "ES384" for a EC P-256 key (ES256)',
      'jessica: key "oaep" skipped: algorithm "RSA-OAEP" for a RSA key (RS256, RS384, RS512, PS256, PS384, PS512)',
      'jessica: key "weak" skipped: RSA key of 1024 bits (2048 at least)',
      expect.stringMatching(/^jessica: key "broken" skipped: (RSA key of \d+ bits|public key that does not load)/),
      'jessica: key #7 skipped: kid that is not a string',
      'jessica: key #8 skipped: key type undefined (RSA or EC P-256/P-384/P-521 only)',
    ]);
  });

  test('a document without a key list gives no keys', () => {
    expect(jwksToKeys({ issuer: 'x' }, 'jessica', crypto)).toEqual({ keys: [], warnings: ['jessica: the key set has no "keys" list'] });
    expect(jwksToKeys(null, 'jessica', crypto).keys).toEqual([]);
  });
});

describe('publishProxyConfig', () => {
  const params = [
    param('jessica', record('jessica', { jwt: jwt() })),
    param('chat', record('chat')),
    { name: `${ROUTES}/broken`, value: '{"v":1,' },
    param('impostor', record('chat')),
  ];

  test('renders every valid record, converts the issuer\'s keys and writes one bundle', async () => {
    const { io, puts, fetches } = publisherIo(params, { [JWKS_URI]: KEY_SET });
    const summary = await publishProxyConfig(io, { ROUTES_PATH: ROUTES, BIND: '127.0.0.1:18080', IDLE_TIMEOUT_SECONDS: '900' }, fns);
    expect(fetches).toEqual([JWKS_URI]);
    expect(puts).toHaveLength(1);
    const bundle = JSON.parse(puts[0]);
    expect(bundle).toMatchObject({ v: 1, generatedAt: '2026-05-01T12:00:00.000Z', services: ['chat', 'jessica'], digest: summary.digest });
    expect(summary).toMatchObject({ changed: true, services: ['chat', 'jessica'], keys: 2 });
    const names = Object.keys(bundle.files);
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(name).toMatch(/^jwks\/[0-9a-f]{32}\.pem$/);
      expect(bundle.config).toContain(`'/etc/haproxy/platform/${name}'`);
      expect(crypto.createHash('sha256').update(bundle.files[name]).digest('hex').slice(0, 32)).toBe(name.slice(5, 37));
    }
    expect(bundle.config).toContain('jwt_verify(RS256,');
    expect(bundle.config).toContain('jwt_verify(ES256,');
    expect(bundle.config).toContain('  bind 127.0.0.1:18080');
    expect(bundle.config).toContain('  timeout tunnel 900s');
    expect(bundle.keySets.jessica).toEqual({ jwksUri: JWKS_URI, keys: expect.arrayContaining([expect.objectContaining({ kid: 'rsa-1', alg: 'RS256' })]) });
    expect(bundle.keySets.jessica.keys[0].pem).toBeUndefined();
    expect(bundle.warnings).toEqual([
      `${ROUTES}/broken: skipped, its value is not JSON`,
      `${ROUTES}/impostor: skipped, its record names the service "chat"`,
      'jessica: key "ed-1" skipped: key type OKP (RSA or EC P-256/P-384/P-521 only)',
    ]);
  });

  test('an unchanged configuration is not written again (the instance is not woken)', async () => {
    const first = publisherIo(params, { [JWKS_URI]: KEY_SET });
    await publishProxyConfig(first.io, { ROUTES_PATH: ROUTES }, fns);
    const second = publisherIo(params, { [JWKS_URI]: KEY_SET }, first.puts[0]);
    const summary = await publishProxyConfig(second.io, { ROUTES_PATH: ROUTES }, fns);
    expect(second.puts).toEqual([]);
    expect(summary.changed).toBe(false);
    // A record that changes does write.
    const third = publisherIo([...params, param('notes', record('notes'))], { [JWKS_URI]: KEY_SET }, first.puts[0]);
    expect((await publishProxyConfig(third.io, { ROUTES_PATH: ROUTES }, fns)).changed).toBe(true);
    expect(JSON.parse(third.puts[0]).services).toEqual(['chat', 'jessica', 'notes']);
  });

  test('a key set that cannot be fetched keeps the service\'s keys of the previous bundle', async () => {
    const first = publisherIo(params, { [JWKS_URI]: KEY_SET });
    await publishProxyConfig(first.io, { ROUTES_PATH: ROUTES }, fns);
    const failing = publisherIo(params, {}, first.puts[0]);
    const summary = await publishProxyConfig(failing.io, { ROUTES_PATH: ROUTES }, fns);
    expect(failing.fetches).toEqual([JWKS_URI]);
    expect(summary.changed).toBe(false);
    expect(failing.puts).toEqual([]);
    expect(summary.warnings).toContain(`jessica: ${JWKS_URI} could not be fetched (The operation was aborted due to timeout); kept its 2 key(s) of the bundle of 2026-05-01T12:00:00.000Z`);
  });

  test('without earlier keys (or with keys of another URL) a failed fetch leaves the service refusing every token', async () => {
    const earlier = publisherIo([param('jessica', record('jessica', { jwt: jwt('https://old.example.com/keys') }))],
      { 'https://old.example.com/keys': KEY_SET });
    await publishProxyConfig(earlier.io, { ROUTES_PATH: ROUTES }, fns);
    for (const previous of [undefined, earlier.puts[0]]) {
      const { io, puts } = publisherIo(params, {}, previous);
      const summary = await publishProxyConfig(io, { ROUTES_PATH: ROUTES }, fns);
      expect(summary.changed).toBe(true);
      const bundle = JSON.parse(puts[0]);
      expect(bundle.files).toEqual({});
      expect(bundle.config).not.toContain('jwt_verify');
      expect(bundle.config).toContain('http-request return status 401');
      expect(summary.warnings).toContain(`jessica: ${JWKS_URI} could not be fetched (The operation was aborted due to timeout) and no earlier keys are known: every token is refused`);
      expect(summary.warnings).toContain(`jessica: no usable key of ${JWKS_URI}: every token is refused`);
    }
  });

  test('a previous bundle that cannot be read is not fatal: the bundle is written', async () => {
    const { io, puts } = publisherIo([param('chat', record('chat'))], {});
    io.previousBundle = async () => {
      throw new Error('AccessDenied');
    };
    const summary = await publishProxyConfig(io, { ROUTES_PATH: ROUTES }, fns);
    expect(puts).toHaveLength(1);
    expect(summary.warnings).toEqual(['the previous bundle could not be read (AccessDenied)']);
  });
});

const line = (ms: number, text: string) => `${new Date(ms).toISOString().slice(0, 19)}+0000 ip-10-0-0-1 haproxy[812]: ${text}`;
const HEADER = '#platform-proxy-log v1 instance=i-0123456789abcdef0';

/** The inline code in a context of its own, with stand-in SDK clients over an in-memory bucket. */
/**
 * The inline code with stand-ins for the runtime's SDK clients (tests only). The S3 stand-in
 * keeps ETags and honours conditional writes (IfMatch, IfNoneMatch "*") as S3 does; `onBundleRead`
 * runs after each read of the bundle (another writer can strike there).
 */
function loadDeployed(env: Record<string, string>, objects: Map<string, Buffer>, params: Array<{ Name: string; Value: string }>,
  issuerBase: string, onBundleRead: () => void = () => undefined) {
  const etagOf = (body: Buffer) => `"${crypto.createHash('md5').update(body).digest('hex')}"`;
  const calls: string[] = [];
  const fetched: string[] = [];
  // The real fetch, with the issuer's https origin sent to the local key set server.
  const localFetch = (url: string, init: RequestInit) => {
    const local = url.replace('https://issuer.example.com', issuerBase);
    fetched.push(local);
    return fetch(local, init);
  };
  const events: unknown[] = [];
  const command = (name: string) => class {
    public readonly name = name;
    constructor(public readonly input: Record<string, any>) {}
  };
  const send = async (c: { name: string; input: Record<string, any> }): Promise<any> => {
    calls.push(`${c.name} ${c.input.Key ?? c.input.Path ?? c.input.Prefix ?? c.input.logStreamName ?? ''}`.trim());
    switch (c.name) {
      case 'GetParametersByPath': {
        // One parameter a page, as GetParametersByPath may return fewer than asked for.
        const start = c.input.NextToken ? Number(c.input.NextToken) : 0;
        const found = params.filter(p => p.Name.startsWith(`${c.input.Path}/`));
        return { Parameters: found.slice(start, start + 1), NextToken: start + 1 < found.length ? String(start + 1) : undefined };
      }
      case 'GetObject': {
        const body = objects.get(c.input.Key);
        if (!body) throw Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey' });
        if (c.input.Key === 'proxy/bundle.json') onBundleRead();
        return { ETag: etagOf(body), Body: { transformToByteArray: async () => new Uint8Array(body) } };
      }
      case 'PutObject':
        expect(c.input).toMatchObject({ Bucket: env.BUCKET, ContentType: 'application/json' });
        {
          const current = objects.get(c.input.Key);
          if ((c.input.IfNoneMatch === '*' && current) || (c.input.IfMatch && (!current || etagOf(current) !== c.input.IfMatch))) {
            throw Object.assign(new Error('At least one of the pre-conditions you specified did not hold'), { name: 'PreconditionFailed' });
          }
        }
        objects.set(c.input.Key, Buffer.from(c.input.Body));
        return {};
      case 'ListObjectsV2': {
        const keys = [...objects.keys()].filter(k => k.startsWith(c.input.Prefix));
        const start = c.input.ContinuationToken ? Number(c.input.ContinuationToken) : 0;
        // One object a page.
        const more = start + 1 < keys.length;
        return { Contents: keys.slice(start, start + 1).map(Key => ({ Key })), IsTruncated: more, NextContinuationToken: String(start + 1) };
      }
      case 'DeleteObject':
        objects.delete(c.input.Key);
        return {};
      case 'CreateLogStream':
        throw Object.assign(new Error('exists'), { name: 'ResourceAlreadyExistsException' });
      case 'PutLogEvents':
        events.push(...c.input.logEvents);
        return {};
      default:
        throw new Error(`unexpected command ${c.name}`);
    }
  };
  class Client {
    send = send;
  }
  const sdk: Record<string, Record<string, unknown>> = {
    '@aws-sdk/client-ssm': { SSMClient: Client, GetParametersByPathCommand: command('GetParametersByPath') },
    '@aws-sdk/client-s3': {
      S3Client: Client,
      GetObjectCommand: command('GetObject'),
      PutObjectCommand: command('PutObject'),
      ListObjectsV2Command: command('ListObjectsV2'),
      DeleteObjectCommand: command('DeleteObject'),
    },
    '@aws-sdk/client-cloudwatch-logs': {
      CloudWatchLogsClient: Client, CreateLogStreamCommand: command('CreateLogStream'), PutLogEventsCommand: command('PutLogEvents'),
    },
  };
  const module = { exports: {} as { handler: (event: unknown) => Promise<any> } };
  const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
  const context = vm.createContext({
    module,
    exports: module.exports,
    Buffer,
    AbortSignal,
    fetch: localFetch,
    console: quiet,
    process: { env },
    require: (name: string) => {
      if (name === 'crypto') return crypto;
      if (name === 'zlib') return zlib;
      if (name in sdk) return sdk[name];
      throw new Error(`unexpected require ${name}`);
    },
  });
  new vm.Script(publisherCode(), { filename: 'index.js' }).runInContext(context);
  return { handler: module.exports.handler, calls, events, fetched };
}

describe('the publisher\'s inline code', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      res.writeHead(req.url === '/keys' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(KEY_SET));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>(resolve => server.close(() => resolve())));

  test('parses, and its size is far below the CloudFormation inline limit (a 4 MB zip)', () => {
    const code = publisherCode();
    expect(() => new vm.Script(code)).not.toThrow();
    // A budget of our own (the template as a whole may not exceed 1 MB): a third of it at most.
    expect(Buffer.byteLength(code)).toBeLessThan(64 * 1024);
  });

  test('an SSM change event publishes the bundle and forwards the uploaded logs, with the runtime\'s SDK and fetch', async () => {
    const objects = new Map<string, Buffer>([
      ['logs/i-0123456789abcdef0/1777636830000.log.gz', zlib.gzipSync(line(NOW + 30_000, 'GET /jessica/mcp 200'))],
      ['logs/i-0123456789abcdef0/1777636800000.log.gz', zlib.gzipSync([HEADER, line(NOW, 'GET /jessica/ws 101')].join('\n'))],
    ]);
    const params = [
      { Name: `${ROUTES}/chat`, Value: JSON.stringify(record('chat', { jwt: jwt('https://issuer.example.com/none') })) },
      { Name: `${ROUTES}/jessica`, Value: JSON.stringify(record('jessica', { jwt: jwt() })) },
    ];
    const env = { ROUTES_PATH: ROUTES, BUCKET: 'proxy-bucket', LOG_GROUP: '/platform/georgi', BIND: ':80' };
    const { handler, calls, events, fetched } = loadDeployed(env, objects, params, base);
    const result = await handler({ 'source': 'aws.ssm', 'detail-type': 'Parameter Store Change', 'detail': { name: `${ROUTES}/jessica` } });
    expect(result).toMatchObject({ changed: true, services: ['chat', 'jessica'], logObjects: 2 });
    expect(fetched.sort()).toEqual([`${base}/keys`, `${base}/none`]);
    const bundle = JSON.parse(objects.get('proxy/bundle.json')!.toString());
    expect(Object.keys(bundle.files)).toHaveLength(2);
    expect(bundle.warnings).toContain('chat: https://issuer.example.com/none could not be fetched (GET https://issuer.example.com/none: 404) and no earlier keys are known: every token is refused');
    expect(calls).toEqual([
      `GetParametersByPath ${ROUTES}`, `GetParametersByPath ${ROUTES}`,
      'GetObject proxy/bundle.json', 'PutObject proxy/bundle.json',
      'ListObjectsV2 logs/', 'ListObjectsV2 logs/',
      'GetObject logs/i-0123456789abcdef0/1777636800000.log.gz',
      'CreateLogStream proxy/i-0123456789abcdef0', 'PutLogEvents proxy/i-0123456789abcdef0',
      'DeleteObject logs/i-0123456789abcdef0/1777636800000.log.gz',
      'GetObject logs/i-0123456789abcdef0/1777636830000.log.gz', 'PutLogEvents proxy/i-0123456789abcdef0',
      'DeleteObject logs/i-0123456789abcdef0/1777636830000.log.gz',
    ]);
    expect(events).toEqual([
      { timestamp: NOW, message: line(NOW, 'GET /jessica/ws 101') },
      { timestamp: NOW + 30_000, message: line(NOW + 30_000, 'GET /jessica/mcp 200') },
    ]);
    expect([...objects.keys()]).toEqual(['proxy/bundle.json']);

    // The schedule with nothing changed: no PutObject.
    calls.length = 0;
    expect(await handler({ 'source': 'aws.events', 'detail-type': 'Scheduled Event' })).toMatchObject({ changed: false });
    expect(calls.filter(c => c.startsWith('PutObject'))).toEqual([]);
  });
});

describe('the publisher\'s inline code, two runs at once', () => {
  test('a run whose bundle was replaced since it read it publishes again from the records as they are now', async () => {
    const params = [{ Name: `${ROUTES}/chat`, Value: JSON.stringify(record('chat')) }];
    const objects = new Map<string, Buffer>();
    const env = { ROUTES_PATH: ROUTES, BUCKET: 'proxy-bucket', LOG_GROUP: '/platform/georgi', NAMESPACE: 'georgi.internal' };
    // The other run: a service registered and its bundle written after this run read the records.
    let struck = false;
    const other = () => {
      if (struck) return;
      struck = true;
      params.push({ Name: `${ROUTES}/orders`, Value: JSON.stringify(record('orders', { srv: '_orders._tcp' })) });
      objects.set('proxy/bundle.json', Buffer.from(JSON.stringify({ v: 1, digest: 'other', config: '', files: {} })));
    };
    objects.set('proxy/bundle.json', Buffer.from(JSON.stringify({ v: 1, digest: 'first', config: '', files: {} })));
    const { handler, calls } = loadDeployed(env, objects, params, 'http://127.0.0.1:9', other);
    const result = await handler({ 'source': 'aws.ssm', 'detail-type': 'Parameter Store Change' });
    expect(calls.filter(c => c.startsWith('PutObject'))).toHaveLength(2);
    expect(result.services).toEqual(['chat', 'orders']);
    const bundle = JSON.parse(objects.get('proxy/bundle.json')!.toString());
    expect(bundle.services).toEqual(['chat', 'orders']);
    // A record names its Cloud Map service; the publisher adds the platform's namespace.
    expect(bundle.config).toContain('server-template task 8 _orders._tcp.georgi.internal resolvers vpc');
  });
});

/** A signed JWT: RS256 (PKCS#1 v1.5) or ES256 (JOSE r||s). */
function token(alg: 'RS256' | 'ES256', kid: string, key: crypto.KeyObject, claims: Record<string, unknown>): string {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${b64({ alg, typ: 'JWT', kid })}.${b64(claims)}`;
  const signature = crypto.sign('sha256', Buffer.from(input), alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${signature.toString('base64url')}`;
}

/** Starts HAProxy on a configuration, answers the status of GETs with the given tokens, stops it. */
async function statuses(config: string, port: number, tokens: string[]): Promise<number[]> {
  const proc = spawn(HAPROXY, ['-db', '-f', config], { stdio: 'ignore' });
  try {
    const get = (bearer: string) => new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/jessica/ws', headers: { authorization: `Bearer ${bearer}` } }, res => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject);
    });
    for (let i = 0; ; i++) {
      try {
        await get('probe');
        break;
      } catch (err) {
        if (i > 50) throw err;
        await new Promise(r => setTimeout(r, 100));
      }
    }
    const out: number[] = [];
    for (const t of tokens) out.push(await get(t));
    return out;
  } finally {
    proc.kill('SIGTERM');
    await new Promise(r => proc.once('exit', r));
  }
}

describe('a published bundle on disk', () => {
  (fs.existsSync(HAPROXY) ? test : test.skip)('is accepted by haproxy -c, and HAProxy checks tokens with its keys (only when the files are there)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-bundle-'));
    const port = 18000 + Math.floor(Math.random() * 1000);
    try {
      const { io, puts } = publisherIo([param('jessica', record('jessica', { jwt: jwt() })), param('chat', record('chat'))],
        { [JWKS_URI]: KEY_SET });
      await publishProxyConfig(io, {
        ROUTES_PATH: ROUTES, KEY_DIR: dir, BIND: `127.0.0.1:${port}`, NAMESERVER: '127.0.0.1:1', LOG: 'stdout format raw local0',
      }, fns);
      const bundle = JSON.parse(puts[0]);
      const config = path.join(dir, 'haproxy.cfg');
      fs.writeFileSync(config, bundle.config);
      fs.mkdirSync(path.join(dir, 'jwks'));
      for (const [name, pem] of Object.entries(bundle.files)) fs.writeFileSync(path.join(dir, name), pem as string);
      const check = spawnSync(HAPROXY, ['-c', '-f', config], { encoding: 'utf8' });
      expect(check.stdout + check.stderr).toMatch(/Configuration file is valid/);
      expect(check.stdout + check.stderr).not.toMatch(/WARNING|ALERT/);
      expect(check.status).toBe(0);
      expect(execFileSync('grep', ['-c', `jwt_verify(.*'${dir}/jwks/`, config], { encoding: 'utf8' }).trim()).toBe('2');

      const seconds = Math.floor(Date.now() / 1000);
      const claims = { iss: 'https://issuer.example.com', aud: 'app', exp: seconds + 600, iat: seconds - 5 };
      const tokens = [
        token('RS256', 'rsa-1', rsa.privateKey, claims),
        token('ES256', 'ec-1', ec256.privateKey, claims),
        token('RS256', 'rsa-1', weak.privateKey, claims),
      ];
      // A valid token passes the checks and finds no task (503: the SRV name resolves nowhere); a
      // token signed by another key is refused (401).
      expect(await statuses(config, port, tokens)).toEqual([503, 503, 401]);
      // HAProxy 2.6 accepts a configuration whose key file is missing (haproxy -c says it is
      // valid) and then refuses every token: the agent checks the files itself.
      for (const name of Object.keys(bundle.files)) fs.rmSync(path.join(dir, name));
      expect(spawnSync(HAPROXY, ['-c', '-f', config], { encoding: 'utf8' }).status).toBe(0);
      expect(await statuses(config, port, tokens)).toEqual([401, 401, 401]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
