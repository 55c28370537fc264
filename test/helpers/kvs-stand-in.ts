import * as crypto from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as path from 'path';

/*
 * A local stand-in of the CloudFront KeyValueStore data-plane API, for tests only (node http on
 * 127.0.0.1; not AWS): DescribeKeyValueStore, PutKey and DeleteKey with an ETag that changes on
 * every write, 409 ConflictException (or 412) on a stale If-Match, 404 for a missing key or
 * store, and 403 for a request whose SigV4A signature does not verify. The ETag is one for the
 * whole store (as the service's: any write to the store makes every earlier ETag stale), so
 * concurrent writers of different keys conflict; `latency` spreads each call over time.
 *
 * The signature is checked here independently of the signer under test: the canonical request is
 * rebuilt from what arrived on the wire, and the public key is the one the aws-c-auth test suite
 * gives for its credentials (test/fixtures/sigv4a/get-vanilla/public-key.json), not one derived
 * by our code.
 */

/** The account of the stand-in's stores. */
export const KVS_ACCOUNT = '123456789012';

/** The store the stand-in holds unless told otherwise. */
export const KVS_ARN = `arn:aws:cloudfront::${KVS_ACCOUNT}:key-value-store/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0`;

/** The aws-c-auth test suite's credentials (the only ones whose signatures verify). */
export const KVS_CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example',
};

const SUITE_KEY = (() => {
  const { X, Y } = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'fixtures', 'sigv4a', 'get-vanilla', 'public-key.json'), 'utf8'));
  const b64u = (h: string) => Buffer.from(h, 'hex').toString('base64url');
  return crypto.createPublicKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: b64u(X), y: b64u(Y) } });
})();

const sha256 = (text: string) => crypto.createHash('sha256').update(text, 'utf8').digest('hex');
// RFC 3986: every byte but A-Z a-z 0-9 - _ . ~ (so the wire path's % is encoded again).
const encode = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());

/** One request the stand-in answered. */
export interface KvsLogged {
  readonly method: string;
  readonly path: string;
  readonly ifMatch?: string;
  readonly status: number;
  /** The store's ARN and the key (decoded), when the path names them. */
  readonly store?: string;
  readonly key?: string;
}

/** The stand-in: start() gives its base URL (the client's `endpoint`). */
export class KvsStandIn {
  /** The stores that exist, by ARN: their keys and values. */
  public readonly stores = new Map<string, Map<string, string>>();
  public readonly log: KvsLogged[] = [];
  /** Writes by "another writer" to make before the next writes (each makes one If-Match stale). */
  public concurrentWrites = 0;
  /** The status answered to a stale If-Match. */
  public conflictStatus = 409;
  /**
   * When set, a PutKey or DeleteKey for which it gives a status is answered with that status (an
   * InternalServerException).
   */
  public failWrite?: (method: string, store: string, key: string) => number | undefined;
  /**
   * When set, each request takes this many milliseconds: the store reads and writes its state
   * halfway through, and answers at the end (so the ETag a writer read can go stale before its write).
   */
  public latency?: () => number;
  private version = 1;
  private server?: http.Server;

  constructor(storeArns: string[] = [KVS_ARN]) {
    for (const arn of storeArns) this.stores.set(arn, new Map());
  }

  /** The keys of the default store (`KVS_ARN`). */
  get keys(): Map<string, string> {
    return this.stores.get(KVS_ARN)!;
  }

  get etag(): string {
    return `ETAG${this.version}`;
  }

  /** The writes that succeeded, in order: `PUT <key>` / `DELETE <key>`. */
  get writes(): string[] {
    return this.log.filter(l => l.status === 200 && l.method !== 'GET').map(l => `${l.method} ${l.key}`);
  }

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const half = (this.latency?.() ?? 0) / 2;
        if (half <= 0) return this.handle(req, body, res, 0);
        return setTimeout(() => this.handle(req, body, res, half), half);
      });
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
    if (accessKeyId !== KVS_CREDENTIALS.accessKeyId) return 'unknown access key';
    if (!amzDate.startsWith(day)) return 'date and scope differ';
    if (req.headers['x-amz-region-set'] !== '*') return 'region set is not *';
    if (req.headers['x-amz-security-token'] !== KVS_CREDENTIALS.sessionToken) return 'wrong session token';
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

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse, answerAfterMs: number): void {
    const parts = (req.url ?? '').split('/').map(decodeURIComponent);
    const answer = (status: number, json: object, headers: Record<string, string> = {}) => {
      this.log.push({
        method: req.method!, path: req.url!, ifMatch: req.headers['if-match'] as string | undefined, status, store: parts[2], key: parts[4],
      });
      const send = () => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      if (answerAfterMs > 0) setTimeout(send, answerAfterMs);
      else send();
    };
    const refused = this.refusal(req, body);
    if (refused) return answer(403, { __type: 'AccessDeniedException', message: refused });
    const store = this.stores.get(parts[2]);
    if (parts[1] !== 'key-value-stores' || !store) return answer(404, { __type: 'ResourceNotFoundException', message: 'no such store' });
    const stats = () => ({ ItemCount: store.size, TotalSizeInBytes: [...store].reduce((s, [k, v]) => s + k.length + v.length, 0) });
    if (req.method === 'GET' && parts.length === 3) {
      return answer(200, { ...stats(), KvsARN: parts[2], Status: 'READY' }, { etag: this.etag });
    }
    if (parts[3] !== 'keys' || parts.length !== 5) return answer(400, { __type: 'ValidationException' });
    const key = parts[4];
    // GetKey (GET .../keys/{Key}): no If-Match; 404 ResourceNotFoundException for a missing key.
    if (req.method === 'GET') {
      if (!store.has(key)) return answer(404, { __type: 'ResourceNotFoundException', message: 'key not found' });
      return answer(200, { Key: key, Value: store.get(key), ...stats() });
    }
    const failure = this.failWrite?.(req.method!, parts[2], key);
    if (failure !== undefined) return answer(failure, { __type: 'InternalServerException', message: 'the stand-in was told to fail' });
    if (this.concurrentWrites > 0) {
      this.concurrentWrites--;
      this.version++; // another writer got there first
    }
    if (req.headers['if-match'] !== this.etag) {
      return answer(this.conflictStatus, { __type: 'ConflictException', message: 'stale ETag' });
    }
    if (req.method === 'PUT') {
      if (req.headers['content-type'] !== 'application/json') return answer(400, { __type: 'ValidationException' });
      const value = JSON.parse(body).Value;
      if (Buffer.byteLength(key) > 512 || Buffer.byteLength(value) > 1024) return answer(400, { __type: 'ValidationException', message: 'too long' });
      store.set(key, value);
    } else if (req.method === 'DELETE') {
      if (!store.has(key)) return answer(404, { __type: 'ResourceNotFoundException', message: 'key not found' });
      store.delete(key);
    } else {
      return answer(405, {});
    }
    this.version++;
    return answer(200, stats(), { etag: this.etag });
  }
}
