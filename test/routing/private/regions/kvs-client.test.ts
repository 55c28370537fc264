import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';
import { kvsDeleteKey, kvsPutKey, kvsWrite, KvsIo } from '../../../../src/routing/private/regions/kvs-client';
import { signSigV4a } from '../../../../src/routing/private/regions/sigv4a';

/*
 * A local stand-in of the CloudFront KeyValueStore data-plane API, for these tests only (node
 * http on 127.0.0.1; not AWS): DescribeKeyValueStore, PutKey and DeleteKey with an ETag that
 * changes on every write, 409 ConflictException (or 412) on a stale If-Match, 404 for a missing
 * key, and 403 for a request whose SigV4A signature does not verify.
 *
 * The signature is checked here independently of the signer under test: the canonical request is
 * rebuilt from what arrived on the wire, and the public key is the one the aws-c-auth test suite
 * gives for its credentials (test/fixtures/sigv4a/get-vanilla/public-key.json), not one derived
 * by our code.
 */

const ACCOUNT = '123456789012';
const KVS_ARN = `arn:aws:cloudfront::${ACCOUNT}:key-value-store/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};
const SUITE_KEY = (() => {
  const { X, Y } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'fixtures', 'sigv4a', 'get-vanilla', 'public-key.json'), 'utf8'));
  const b64u = (h: string) => Buffer.from(h, 'hex').toString('base64url');
  return crypto.createPublicKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: b64u(X), y: b64u(Y) } });
})();

const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
// RFC 3986: every byte but A-Z a-z 0-9 - _ . ~ (so the wire path's % is encoded again).
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

interface Logged { method: string; path: string; ifMatch?: string; status: number }

class StandIn {
  public readonly keys = new Map<string, string>();
  public readonly log: Logged[] = [];
  /** Writes by "another writer" to make before the next writes (each makes one If-Match stale). */
  public concurrentWrites = 0;
  /** The status answered to a stale If-Match. */
  public conflictStatus = 409;
  private version = 1;
  private server?: http.Server;

  get etag(): string {
    return `ETAG${this.version}`;
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => this.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }

  /** Why the request's signature is refused, or undefined when it verifies. */
  private refusal(req: http.IncomingMessage, body: string): string | undefined {
    const auth = String(req.headers.authorization ?? '');
    const m = /^AWS4-ECDSA-P256-SHA256 Credential=([^/]+)\/(\d{8})\/cloudfront-keyvaluestore\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]+)$/.exec(auth);
    if (!m) return `malformed authorization: ${auth}`;
    const [, accessKeyId, day, signedList, signature] = m;
    const signed = signedList.split(';');
    const amzDate = String(req.headers['x-amz-date'] ?? '');
    if (accessKeyId !== CREDENTIALS.accessKeyId) return 'unknown access key';
    if (!amzDate.startsWith(day)) return 'date and scope differ';
    if (req.headers['x-amz-region-set'] !== '*') return 'region set is not *';
    if (req.headers['x-amz-security-token'] !== CREDENTIALS.sessionToken) return 'wrong session token';
    if (req.headers['x-amz-content-sha256'] !== sha256(body)) return 'body hash differs';
    for (const must of ['host', 'x-amz-date', 'x-amz-region-set', 'x-amz-content-sha256', 'x-amz-security-token']) {
      if (!signed.includes(must)) return `${must} not signed`;
    }
    if (req.headers['if-match'] !== undefined && !signed.includes('if-match')) return 'if-match not signed';
    const [rawPath, rawQuery] = (req.url ?? '/').split('?');
    if (rawQuery) return 'unexpected query';
    const canonical = [
      req.method,
      rawPath.split('/').map(encode).join('/'),
      '',
      signed.map((n) => `${n}:${String(req.headers[n] ?? '').trim().replace(/\s+/g, ' ')}\n`).join(''),
      signedList,
      sha256(body),
    ].join('\n');
    const stringToSign = ['AWS4-ECDSA-P256-SHA256', amzDate, `${day}/cloudfront-keyvaluestore/aws4_request`, sha256(canonical)].join('\n');
    const ok = crypto.verify('sha256', Buffer.from(stringToSign, 'utf8'), { key: SUITE_KEY, dsaEncoding: 'der' }, Buffer.from(signature, 'hex'));
    return ok ? undefined : 'signature does not verify';
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const answer = (status: number, json: object, headers: Record<string, string> = {}) => {
      this.log.push({ method: req.method!, path: req.url!, ifMatch: req.headers['if-match'] as string | undefined, status });
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(json));
    };
    const refused = this.refusal(req, body);
    if (refused) return answer(403, { __type: 'AccessDeniedException', message: refused });
    const parts = (req.url ?? '').split('/').map(decodeURIComponent);
    if (parts[1] !== 'key-value-stores' || parts[2] !== KVS_ARN) return answer(404, { __type: 'ResourceNotFoundException' });
    const stats = () => ({ ItemCount: this.keys.size, TotalSizeInBytes: [...this.keys].reduce((s, [k, v]) => s + k.length + v.length, 0) });
    if (req.method === 'GET' && parts.length === 3) {
      return answer(200, { ...stats(), KvsARN: KVS_ARN, Status: 'READY' }, { etag: this.etag });
    }
    if (parts[3] !== 'keys' || parts.length !== 5) return answer(400, { __type: 'ValidationException' });
    const key = parts[4];
    if (this.concurrentWrites > 0) {
      this.concurrentWrites--;
      this.version++; // another writer got there first
    }
    if (req.headers['if-match'] !== this.etag) {
      return answer(this.conflictStatus, { __type: 'ConflictException', message: 'stale ETag' });
    }
    if (req.method === 'PUT') {
      if (req.headers['content-type'] !== 'application/json') return answer(400, { __type: 'ValidationException' });
      this.keys.set(key, JSON.parse(body).Value);
    } else if (req.method === 'DELETE') {
      if (!this.keys.has(key)) return answer(404, { __type: 'ResourceNotFoundException', message: 'key not found' });
      this.keys.delete(key);
    } else {
      return answer(405, {});
    }
    this.version++;
    return answer(200, stats(), { etag: this.etag });
  }
}

describe('kvs client against a local stand-in of the KeyValueStore API (signature verified)', () => {
  let standIn: StandIn;
  let endpoint: string;
  let sleeps: number[];
  const io = (over: Partial<KvsIo> = {}, credentials = CREDENTIALS): KvsIo => ({
    endpoint,
    fetch: (url, init) => fetch(url, init),
    sign: (request) => signSigV4a(request, credentials, crypto, Date.now()).headers,
    sleep: async (ms) => { sleeps.push(ms); },
    ...over,
  });

  beforeEach(async () => {
    standIn = new StandIn();
    endpoint = await standIn.start();
    sleeps = [];
  });
  afterEach(async () => standIn.stop());

  test('put: describe for the ETag, then PUT with If-Match; the key is in the store', async () => {
    await kvsPutKey(io(), KVS_ARN, 's/jessica/eu-west-1', '1');
    expect(standIn.keys.get('s/jessica/eu-west-1')).toBe('1');
    expect(standIn.log.map((l) => [l.method, l.ifMatch, l.status])).toEqual([
      ['GET', undefined, 200],
      ['PUT', 'ETAG1', 200],
    ]);
    expect(standIn.log[1].path).toBe(`/key-value-stores/${encodeURIComponent(KVS_ARN)}/keys/s%2Fjessica%2Feu-west-1`);
  });

  test('delete: the key is removed', async () => {
    await kvsPutKey(io(), KVS_ARN, 'd/eu-west-1', '1');
    await kvsDeleteKey(io(), KVS_ARN, 'd/eu-west-1');
    expect(standIn.keys.has('d/eu-west-1')).toBe(false);
    expect(standIn.log.map((l) => [l.method, l.ifMatch, l.status]).slice(2)).toEqual([
      ['GET', undefined, 200],
      ['DELETE', 'ETAG2', 200],
    ]);
  });

  test('delete of a key already absent succeeds (the store answers 404)', async () => {
    await expect(kvsDeleteKey(io(), KVS_ARN, 's/gone/eu-west-1')).resolves.toBeUndefined();
    expect(standIn.log.map((l) => [l.method, l.status])).toEqual([['GET', 200], ['DELETE', 404]]);
  });

  test.each([409, 412])('a conflict (%d) is retried with a fresh ETag', async (status) => {
    standIn.conflictStatus = status;
    standIn.concurrentWrites = 2;
    await kvsPutKey(io(), KVS_ARN, 's/jessica/eu-west-1', '1');
    expect(standIn.keys.get('s/jessica/eu-west-1')).toBe('1');
    expect(standIn.log.map((l) => [l.method, l.status])).toEqual([
      ['GET', 200], ['PUT', status], ['GET', 200], ['PUT', status], ['GET', 200], ['PUT', 200],
    ]);
    expect(sleeps).toHaveLength(2);
  });

  test('conflicts on every attempt: 4 attempts (3 retries), then an error naming the status', async () => {
    standIn.concurrentWrites = 100;
    await expect(kvsDeleteKey(io(), KVS_ARN, 's/jessica/eu-west-1')).rejects.toThrow(/DeleteKey s\/jessica\/eu-west-1 .*HTTP 409 .*ConflictException/);
    expect(standIn.log.filter((l) => l.method === 'DELETE')).toHaveLength(4);
  });

  test('a bad signature (wrong secret) is refused with 403 and reported as an error', async () => {
    const wrong = { ...CREDENTIALS, secretAccessKey: 'not-the-secret' };
    await expect(kvsPutKey(io({}, wrong), KVS_ARN, 's/jessica/eu-west-1', '1'))
      .rejects.toThrow(/HTTP 403 .*signature does not verify/);
    expect(standIn.keys.size).toBe(0);
  });

  test('a request changed after signing (another key) is refused', async () => {
    const tampering = io({ fetch: (url, init) => fetch(url.replace('/keys/s%2Fa', '/keys/s%2Fb'), init) });
    await expect(kvsPutKey(tampering, KVS_ARN, 's/a', '1')).rejects.toThrow(/HTTP 403 .*signature does not verify/);
    expect(standIn.keys.size).toBe(0);
  });

  test('an ARN that is not a KeyValueStore is refused before any call', async () => {
    await expect(kvsPutKey(io(), 'arn:aws:s3:::bucket', 'k', 'v')).rejects.toThrow(/not a KeyValueStore ARN/);
    expect(standIn.log).toHaveLength(0);
  });

  test('the default endpoint is the account\'s global KeyValueStore host', async () => {
    const urls: string[] = [];
    const recording = io({
      endpoint: undefined,
      fetch: async (url) => { urls.push(url); throw new Error('offline'); },
    });
    await expect(kvsPutKey(recording, KVS_ARN, 'k', 'v')).rejects.toThrow('offline');
    expect(urls).toEqual([`https://${ACCOUNT}.cloudfront-kvs.global.api.aws/key-value-stores/${encodeURIComponent(KVS_ARN)}`]);
  });

  test('the source text alone works (as the Lambda inlines it): signer and client', async () => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const inlined = new Function(
      `const signSigV4a = ${signSigV4a.toString()};`
      + `const kvsWrite = ${kvsWrite.toString()};`
      + `const kvsPutKey = ${kvsPutKey.toString()};`
      + `const kvsDeleteKey = ${kvsDeleteKey.toString()};`
      + 'return { signSigV4a, kvsPutKey, kvsDeleteKey };',
    )();
    const inlinedIo = io({ sign: (request) => inlined.signSigV4a(request, CREDENTIALS, crypto, Date.now()).headers });
    await inlined.kvsPutKey(inlinedIo, KVS_ARN, 's/jessica/ap-southeast-2', '1');
    expect(standIn.keys.get('s/jessica/ap-southeast-2')).toBe('1');
    await inlined.kvsDeleteKey(inlinedIo, KVS_ARN, 's/jessica/ap-southeast-2');
    expect(standIn.keys.size).toBe(0);
  });
});
