import { execFile } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { proxyAgentScript, proxyAgentUnits } from '../../../../src/routing/private/proxy/agent-script';
import { renderHaproxyConfig } from '../../../../src/routing/private/proxy/haproxy-config';
import { jwksToKeys, publishProxyConfig } from '../../../../src/routing/private/proxy/publisher-code';

// The proxy agent: the real script, run by bash on this machine with the real `haproxy -c`
// (Debian's HAProxy 2.6) and TEST STAND-INS for what only the instance has: `aws` (a small node
// script serving a local directory as the bucket, with S3's quoted MD5 ETags and its 304 answer
// to --if-none-match), the reload command (records its calls), `journalctl` (a list of entries
// and a cursor file) and the instance metadata service (a local HTTP server that answers only
// with an IMDSv2 token).

const HAPROXY = '/usr/sbin/haproxy';
const BUCKET = 'proxy-bucket';
const INSTANCE = 'i-0123456789abcdef0';

const AWS_STANDIN = `#!/usr/bin/env node
// Test stand-in for the AWS CLI v2: s3api get-object / put-object on a local directory.
const fs = require('fs'); const path = require('path'); const crypto = require('crypto');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.STANDIN_CALLS, JSON.stringify(['aws', ...args]) + '\\n');
const opt = n => { const i = args.indexOf(n); return i >= 0 ? args[i + 1] : undefined; };
const file = path.join(process.env.STANDIN_S3, opt('--bucket'), opt('--key'));
const etag = b => '"' + crypto.createHash('md5').update(b).digest('hex') + '"';
const fail = (code, text) => { process.stderr.write('\\nAn error occurred (' + code + ') when calling the ' + text + '\\n'); process.exit(254); };
if (process.env.STANDIN_AWS_DOWN) { process.stderr.write('\\nCould not connect to the endpoint URL: "https://s3.us-test-1.amazonaws.com/"\\n'); process.exit(255); }
if (args[0] === 's3api' && args[1] === 'get-object') {
  if (!fs.existsSync(file)) fail('NoSuchKey', 'GetObject operation: The specified key does not exist.');
  const body = fs.readFileSync(file);
  if (opt('--if-none-match') === etag(body)) fail('304', 'GetObject operation: Not Modified');
  fs.writeFileSync(args[args.length - 1], body);
  process.stdout.write(JSON.stringify({ AcceptRanges: 'bytes', ContentLength: body.length, ETag: etag(body), ContentType: 'application/json', Metadata: {} }, null, 4) + '\\n');
} else if (args[0] === 's3api' && args[1] === 'put-object') {
  if (process.env.STANDIN_PUT_DENIED) fail('AccessDenied', 'PutObject operation: Access Denied');
  const body = fs.readFileSync(opt('--body'));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, body);
  process.stdout.write(JSON.stringify({ ETag: etag(body) }) + '\\n');
} else { process.stderr.write('usage\\n'); process.exit(252); }
`;

const JOURNALCTL_STANDIN = `#!/usr/bin/env node
// Test stand-in for journalctl: prints the entries after the cursor in --cursor-file and writes
// the last printed entry's cursor there, as journalctl --cursor-file does.
const fs = require('fs');
const args = process.argv.slice(2);
fs.appendFileSync(process.env.STANDIN_CALLS, JSON.stringify(['journalctl', ...args]) + '\\n');
const cursorFile = args.find(a => a.startsWith('--cursor-file=')).slice('--cursor-file='.length);
const entries = fs.existsSync(process.env.STANDIN_JOURNAL) ? fs.readFileSync(process.env.STANDIN_JOURNAL, 'utf8').split('\\n').filter(Boolean).map(JSON.parse) : [];
const after = fs.existsSync(cursorFile) ? fs.readFileSync(cursorFile, 'utf8').trim() : undefined;
const start = after === undefined ? 0 : entries.findIndex(e => e.cursor === after) + 1;
const shown = entries.slice(start);
for (const e of shown) process.stdout.write(e.line + '\\n');
if (shown.length > 0) fs.writeFileSync(cursorFile, shown[shown.length - 1].cursor);
`;

let dir: string;
let imds: http.Server;
let env: NodeJS.ProcessEnv;

function read(file: string): string {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
}
function calls(): string[][] {
  return read(path.join(dir, 'calls')).split('\n').filter(Boolean).map(l => JSON.parse(l));
}
function reloads(): number {
  return read(path.join(dir, 'reloads')).split('\n').filter(Boolean).length;
}

/** Runs the agent once; its output lines (its journald lines on the instance). */
function runAgent(extra: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  return new Promise(resolve => {
    execFile('bash', [path.join(dir, 'platform-proxy-agent')], { env: { ...env, ...extra } }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as any).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

/** Puts a bundle into the stand-in bucket. */
function putBundle(bundle: unknown): void {
  fs.mkdirSync(path.join(dir, 's3', BUCKET, 'proxy'), { recursive: true });
  fs.writeFileSync(path.join(dir, 's3', BUCKET, 'proxy', 'bundle.json'), JSON.stringify(bundle));
}

/** A bundle as the publisher writes it, for these records and key sets, its keys under `keys/`. */
async function published(records: unknown[], keySets: Record<string, unknown> = {}): Promise<any> {
  let json = '';
  await publishProxyConfig({
    crypto,
    now: () => Date.now(),
    records: async () => records.map((r: any) => ({ name: `/platform/georgi/long-lived/routes/${r.service}`, value: JSON.stringify(r) })),
    fetchJson: async (url: string) => keySets[url],
    previousBundle: async () => undefined,
    putBundle: async (j: string) => {
      json = j;
    },
  }, { KEY_DIR: path.join(dir, 'keys'), BIND: '127.0.0.1:18080', LOG: 'stdout format raw local0' }, { render: renderHaproxyConfig, jwksToKeys });
  return JSON.parse(json);
}

const record = (service: string, extra: Record<string, unknown> = {}) => ({
  v: 1, service, basePath: `/${service}`, paths: ['/ws'], srv: `_${service}._tcp.georgi.internal`, healthCheckPath: `/${service}/health`, ...extra,
});
const jwt = { issuer: 'https://issuer.example.com', audiences: ['app'], audienceClaim: 'aud', jwksUri: 'https://issuer.example.com/keys' };
const keySet = (kid: string) => ({ keys: [{ ...crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }), kid }] });
const pems = () => (fs.existsSync(path.join(dir, 'keys', 'jwks')) ? fs.readdirSync(path.join(dir, 'keys', 'jwks')).sort() : []);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'proxy-agent-'));
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, 'aws'), AWS_STANDIN, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'journalctl'), JOURNALCTL_STANDIN, { mode: 0o755 });
  fs.writeFileSync(path.join(bin, 'reload'), `#!/bin/bash\necho reload >>"${dir}/reloads"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'platform-proxy-agent'), proxyAgentScript({ bucketName: BUCKET }), { mode: 0o755 });
  fs.mkdirSync(path.join(dir, 'etc'));
  fs.writeFileSync(path.join(dir, 'etc', 'haproxy.cfg'), '# the distribution\'s configuration\n');
  // IMDSv2 only: a GET without the session token is refused.
  imds = http.createServer((req, res) => {
    const answer = (status: number, body: string) => {
      res.writeHead(status);
      res.end(body);
    };
    if (req.method === 'PUT' && req.url === '/latest/api/token' && req.headers['x-aws-ec2-metadata-token-ttl-seconds']) return answer(200, 'session-token');
    if (req.headers['x-aws-ec2-metadata-token'] !== 'session-token') return answer(401, '');
    if (req.url === '/latest/meta-data/instance-id') return answer(200, INSTANCE);
    if (req.url === '/latest/meta-data/placement/region') return answer(200, 'us-test-1');
    return answer(404, '');
  });
  await new Promise<void>(resolve => imds.listen(0, '127.0.0.1', resolve));
  env = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: dir,
    STANDIN_CALLS: path.join(dir, 'calls'),
    STANDIN_S3: path.join(dir, 's3'),
    STANDIN_JOURNAL: path.join(dir, 'journal'),
    PROXY_CONFIG: path.join(dir, 'etc', 'haproxy.cfg'),
    PROXY_KEY_DIR: path.join(dir, 'keys'),
    PROXY_STATE_DIR: path.join(dir, 'state'),
    PROXY_HAPROXY: HAPROXY,
    PROXY_RELOAD: path.join(bin, 'reload'),
    PROXY_IMDS: `http://127.0.0.1:${(imds.address() as AddressInfo).port}`,
  };
});

afterAll(async () => {
  await new Promise<void>(resolve => imds.close(() => resolve()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const config = () => read(path.join(dir, 'etc', 'haproxy.cfg'));
const etag = () => read(path.join(dir, 'state', 'bundle.etag')).trim();
const md5 = (text: string) => `"${crypto.createHash('md5').update(text).digest('hex')}"`;
const bundleText = () => read(path.join(dir, 's3', BUCKET, 'proxy', 'bundle.json'));

// The runs build on each other (one instance over time), in this order.
const haproxyTest = fs.existsSync(HAPROXY) ? test : test.skip;
describe('the proxy agent, run after run', () => {
  haproxyTest('the first bundle is checked, installed and HAProxy reloaded; the Region comes from IMDSv2', async () => {
    const bundle = await published([record('chat')]);
    putBundle(bundle);
    const run = await runAgent();
    expect(run.code).toBe(0);
    expect(run.out).toBe(`bundle ${md5(bundleText())} (digest ${bundle.digest}) installed, haproxy reloaded\n`);
    expect(bundle.config.endsWith('\n')).toBe(true);
    expect(config()).toBe(bundle.config);
    expect(reloads()).toBe(1);
    expect(etag()).toBe(md5(bundleText()));
    expect(calls()[0]).toEqual(['aws', 's3api', 'get-object', '--region', 'us-test-1', '--bucket', BUCKET, '--key', 'proxy/bundle.json',
      expect.stringMatching(/\/bundle\.json$/)]);
    expect(fs.existsSync(`${config()}.new`)).toBe(false);
  });

  haproxyTest('the same ETag: asked with --if-none-match, nothing installed, nothing said', async () => {
    fs.rmSync(path.join(dir, 'calls'));
    const run = await runAgent();
    expect(run).toEqual({ code: 0, out: '' });
    expect(calls()[0]).toContain('--if-none-match');
    expect(calls()[0][calls()[0].indexOf('--if-none-match') + 1]).toBe(etag());
    expect(reloads()).toBe(1);
  });

  haproxyTest('a configuration haproxy -c refuses is not installed, is logged, and is not tried again', async () => {
    const running = config();
    putBundle({ ...(await published([record('chat')])), config: 'global\n  no-such-directive 1\n' });
    const run = await runAgent();
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/^bundle "[0-9a-f]{32}" \(digest [0-9a-f]{64}\) refused by haproxy -c, the running configuration stays: .*no-such-directive/);
    expect(config()).toBe(running);
    expect(reloads()).toBe(1);
    expect(fs.existsSync(path.join(dir, 'etc', 'haproxy.cfg.new'))).toBe(false);
    expect(etag()).toBe(md5(bundleText()));
    expect(await runAgent()).toEqual({ code: 0, out: '' });
  });

  haproxyTest('a bundle whose key file does not match its name is refused before haproxy -c', async () => {
    const bundle = await published([record('jessica', { jwt })], { [jwt.jwksUri]: keySet('k1') });
    const name = Object.keys(bundle.files)[0];
    putBundle({ ...bundle, files: { [name]: bundle.files[name].replace('A', 'B') } });
    const run = await runAgent();
    expect(run.out).toBe(`bundle ${md5(bundleText())} refused, the running configuration stays: ${name}: its content does not match its name\n`);
    expect(pems()).toEqual([]);
    expect(reloads()).toBe(1);
  });

  haproxyTest('a configuration naming a key file the bundle does not bring is refused (HAProxy 2.6 would accept it)', async () => {
    const bundle = await published([record('jessica', { jwt })], { [jwt.jwksUri]: keySet('k0') });
    putBundle({ ...bundle, files: {} });
    const run = await runAgent();
    expect(run.out).toMatch(/refused, the running configuration stays: the configuration names the key file .*\/keys\/jwks\/[0-9a-f]{32}\.pem, which is not there\n$/);
    expect(reloads()).toBe(1);
  });

  let firstKey: string;
  haproxyTest('a bundle with a JWT service: its key file is written, the configuration names it, HAProxy reloads', async () => {
    const bundle = await published([record('chat'), record('jessica', { jwt })], { [jwt.jwksUri]: keySet('k1') });
    putBundle(bundle);
    const run = await runAgent();
    expect(run.out).toMatch(/installed, haproxy reloaded\n$/);
    expect(reloads()).toBe(2);
    firstKey = Object.keys(bundle.files)[0].slice('jwks/'.length);
    expect(pems()).toEqual([firstKey]);
    expect(read(path.join(dir, 'keys', 'jwks', firstKey))).toBe(bundle.files[`jwks/${firstKey}`]);
    expect(config()).toContain(`jwt_verify(ES256,'${path.join(dir, 'keys', 'jwks', firstKey)}')`);
  });

  haproxyTest('a rotated key: the new file is written, the old one removed once no configuration names it', async () => {
    const bundle = await published([record('chat'), record('jessica', { jwt })], { [jwt.jwksUri]: keySet('k2') });
    putBundle(bundle);
    const run = await runAgent();
    expect(run.out).toMatch(/installed, haproxy reloaded\n$/);
    const second = Object.keys(bundle.files)[0].slice('jwks/'.length);
    expect(second).not.toBe(firstKey);
    expect(pems()).toEqual([second]);
    expect(config()).toContain(second);
    expect(reloads()).toBe(3);
  });

  haproxyTest('a bundle that cannot be written for a passing reason (a key file not writable) is tried again at the next run', async () => {
    const bundle = await published([record('chat'), record('jessica', { jwt })], { [jwt.jwksUri]: keySet('k3') });
    putBundle(bundle);
    // The key file's temporary name taken by a folder: the write fails as a full disk would.
    const blocked = path.join(dir, 'keys', `${Object.keys(bundle.files)[0]}.tmp`);
    fs.mkdirSync(blocked);
    const failed = await runAgent();
    expect(failed.out).toMatch(/^bundle "[0-9a-f]{32}" not installed \(tried again at the next run\): /);
    expect(etag()).not.toBe(md5(bundleText()));
    fs.rmdirSync(blocked);
    expect((await runAgent()).out).toMatch(/installed, haproxy reloaded\n$/);
    expect(etag()).toBe(md5(bundleText()));
    expect(reloads()).toBe(4);
  });

  haproxyTest('an unreachable bucket: one line, exit 0, the running configuration stays', async () => {
    const running = config();
    putBundle(await published([record('notes')]));
    const run = await runAgent({ STANDIN_AWS_DOWN: '1' });
    expect(run).toEqual({ code: 0, out: 'bundle not fetched, the running configuration stays: Could not connect to the endpoint URL: "https://s3.us-test-1.amazonaws.com/"\n' });
    expect(config()).toBe(running);
  });

  haproxyTest('log lines are uploaded once (the cursor moves on only after the upload)', async () => {
    const uploaded = () => {
      const d = path.join(dir, 's3', BUCKET, 'logs', INSTANCE);
      return fs.existsSync(d) ? fs.readdirSync(d).sort().map(f => zlib.gunzipSync(fs.readFileSync(path.join(d, f))).toString()) : [];
    };
    const journal = (entries: Array<[string, string]>) => fs.appendFileSync(path.join(dir, 'journal'),
      entries.map(([cursor, line]) => `${JSON.stringify({ cursor, line })}\n`).join(''));
    fs.rmSync(path.join(dir, 'calls'));
    journal([['c1', '2026-05-01T12:00:00+0000 ip-10-0-0-1 haproxy[812]: 10.0.0.9 GET /jessica/ws 101'],
      ['c2', '2026-05-01T12:00:01+0000 ip-10-0-0-1 haproxy[812]: 10.0.0.9 GET /chat/ws 101']]);
    await runAgent({ STANDIN_PUT_DENIED: '1' });
    expect(uploaded()).toEqual([]);
    await runAgent();
    const header = `#platform-proxy-log v1 instance=${INSTANCE}\n`;
    expect(uploaded()).toEqual([`${header}2026-05-01T12:00:00+0000 ip-10-0-0-1 haproxy[812]: 10.0.0.9 GET /jessica/ws 101\n`
      + '2026-05-01T12:00:01+0000 ip-10-0-0-1 haproxy[812]: 10.0.0.9 GET /chat/ws 101\n']);
    await runAgent();
    expect(uploaded()).toHaveLength(1);
    journal([['c3', '2026-05-01T12:00:30+0000 ip-10-0-0-1 platform-proxy-agent[901]: bundle installed']]);
    await new Promise(r => setTimeout(r, 5));
    await runAgent();
    expect(uploaded()).toHaveLength(2);
    expect(uploaded()[1]).toBe(`${header}2026-05-01T12:00:30+0000 ip-10-0-0-1 platform-proxy-agent[901]: bundle installed\n`);
    const journalCalls = calls().filter(c => c[0] === 'journalctl');
    // The first run (no cursor yet) starts 10 minutes back; the others after their cursor.
    // The units' own lines (not systemd's lines about them, which every agent run would add).
    expect(journalCalls[0]).toEqual(['journalctl', '_SYSTEMD_UNIT=haproxy.service', '_SYSTEMD_UNIT=platform-proxy-agent.service',
      expect.stringMatching(/^--cursor-file=/),
      '--since=-10min', '-o', 'short-iso', '-q', '--no-pager']);
    expect(journalCalls.slice(2).every(c => !c.includes('--since=-10min'))).toBe(true);
    expect(calls().filter(c => c[2] === 'put-object').map(c => c[c.indexOf('--key') + 1]))
      .toEqual(Array(3).fill(expect.stringMatching(new RegExp(`^logs/${INSTANCE}/\\d{13}\\.log\\.gz$`))));
  });

  test('without the IMDSv2 token no instance id: log lines are not uploaded, and it says so', async () => {
    const run = await runAgent({ PROXY_IMDS: 'http://127.0.0.1:1', PROXY_REGION: 'us-test-1' });
    expect(run).toEqual({ code: 0, out: 'no instance id from IMDS: log lines not uploaded\n' });
  });
});

describe('the agent\'s script and units', () => {
  test('the bucket and Region are the defaults of PROXY_BUCKET and PROXY_REGION; bad values are refused', () => {
    const script = proxyAgentScript({ bucketName: 'my-proxy-bucket', region: 'eu-central-1' });
    expect(script).toContain('BUCKET="${PROXY_BUCKET:-my-proxy-bucket}"');
    expect(script).toContain('REGION="${PROXY_REGION:-eu-central-1}"');
    expect(proxyAgentScript()).toContain('BUCKET="${PROXY_BUCKET:-}"');
    expect(() => proxyAgentScript({ bucketName: 'x"; rm -rf /' })).toThrow(/invalid bucketName/);
    expect(() => proxyAgentScript({ region: 'eu-central-1; reboot' })).toThrow(/invalid region/);
  });

  test('a oneshot service started by a 30-second timer', () => {
    const units = proxyAgentUnits();
    expect(units['platform-proxy-agent.service']).toMatch(/^Type=oneshot$/m);
    expect(units['platform-proxy-agent.service']).toMatch(/^ExecStart=\/usr\/local\/sbin\/platform-proxy-agent$/m);
    expect(units['platform-proxy-agent.timer']).toMatch(/^OnUnitInactiveSec=30s$/m);
    expect(units['platform-proxy-agent.timer']).toMatch(/^WantedBy=timers.target$/m);
  });
});
