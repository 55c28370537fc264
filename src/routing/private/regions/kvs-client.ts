/**
 * Writes to the router's CloudFront KeyValueStore through its data-plane REST API (issue 24,
 * ADR 15): a service stack registers `(service, Region)` at deploy and removes it at delete.
 *
 * The functions are self-contained (their source text is the registration Lambda's inline code:
 * nothing here may use an import or a name from this module's scope, except the functions of
 * this module by name); the outside world comes in through `io` (fetch, signing, waiting).
 *
 * The API (service `cloudfront-keyvaluestore`, 2022-07-26), as the AWS API Reference and
 * aws-sdk-js-v3 `clients/client-cloudfront-keyvaluestore/src/schemas/schemas_0.ts` give it:
 * - `DescribeKeyValueStore`: `GET /key-value-stores/{KvsARN}`, the response's `ETag` header is
 *   the store's version (the data plane's: the control plane's ETag is another one);
 * - `PutKey`: `PUT /key-value-stores/{KvsARN}/keys/{Key}`, header `If-Match` (required),
 *   JSON body `{"Value": "..."}` (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_PutKey.html);
 * - `DeleteKey`: `DELETE /key-value-stores/{KvsARN}/keys/{Key}`, header `If-Match` (required)
 *   (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_DeleteKey.html);
 * - errors: `ConflictException` 409 (a stale `If-Match`), `ResourceNotFoundException` 404,
 *   `AccessDeniedException` 403, `ValidationException` 400, `ServiceQuotaExceededException` 402,
 *   `InternalServerException` 500;
 * - endpoint `https://<account>.cloudfront-kvs.global.api.aws`, signed with SigV4A, signing name
 *   `cloudfront-keyvaluestore`, region set `*` (the SDKs' endpoint rules).
 */

/** A response as `fetch` gives it (the part read here). @internal */
export interface KvsResponse {
  readonly status: number;
  readonly headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** A request for `io.sign` (the fields of `SigV4aRequest` the client sets). @internal */
export interface KvsSignRequest {
  readonly method: string;
  readonly host: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly service: string;
  readonly regionSet: string;
  readonly signBody: boolean;
}

/** What the client needs from the outside world (the Lambda and the tests pass their own). @internal */
export interface KvsIo {
  /** The API's base URL. @default `https://<account of the ARN>.cloudfront-kvs.global.api.aws` */
  readonly endpoint?: string;
  /**
   * When the caller must be done (`Date.now()` milliseconds): no new attempt starts that could
   * not end before it (its wait plus the last attempt's duration).
   * @default - no bound but the number of attempts
   */
  readonly deadline?: number;
  /** The global `fetch`. */
  fetch(url: string, init: { method: string; headers: Record<string, string>; body?: string }): Promise<KvsResponse>;
  /**
   * Sign a request: the headers to send (`signSigV4a(request, credentials, crypto, Date.now())
   * .headers` with the function's credentials).
   */
  sign(request: KvsSignRequest): Promise<Record<string, string>> | Record<string, string>;
  /** Wait (between attempts after a conflict). */
  sleep(ms: number): Promise<void>;
  /** A random number in [0, 1) (the jitter). @default Math.random */
  random?(): number;
}

/**
 * Put (`value` given) or delete (`value` undefined) one key: the store's ETag from
 * DescribeKeyValueStore, then the write with `If-Match`; a conflict (409, or 412) starts again
 * with a fresh ETag, up to 10 attempts, each after a wait of random(0, min(5 s, 100 ms * 2^n))
 * ("full jitter": the ETag is the whole store's, so writers that lost a race to the same write
 * must not wake up in step and collide again), and none that could not end before `io.deadline`. A delete of a key that is not there (404
 * after the store was found), or from a store that is not there (404 from DescribeKeyValueStore),
 * succeeds. With `onlyIf` (deletes only), the key is read first (GetKey) and deleted only when it
 * holds that value: false is returned when it holds another. Any other answer throws, with the
 * status and the body.
 * @internal
 */
export async function kvsWrite(io: KvsIo, kvsArn: string, key: string, value: string | undefined, onlyIf?: string): Promise<boolean> {
  const ATTEMPTS = 10;
  const BASE_MS = 100;
  const CAP_MS = 5000;
  const account = kvsArn.split(':')[4];
  if (!/^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]+$/.test(kvsArn) || !account) {
    throw new Error(`kvs: not a KeyValueStore ARN: ${kvsArn}`);
  }
  const base = (io.endpoint ?? `https://${account}.cloudfront-kvs.global.api.aws`).replace(/\/+$/, '');
  const host = new URL(base).host;
  // Path labels as the SDKs encode them (encodeURIComponent, and !'()* too).
  const label = (text: string): string => encodeURIComponent(text).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
  const storePath = `/key-value-stores/${label(kvsArn)}`;
  const call = async (method: string, path: string, headers: Record<string, string>, body: string): Promise<KvsResponse> => {
    const signed = await io.sign({
      method, host, path, headers, body, service: 'cloudfront-keyvaluestore', regionSet: '*', signBody: true,
    });
    const send: Record<string, string> = {};
    // fetch sets Host itself (from the URL: the value that was signed).
    for (const [name, v] of Object.entries(signed)) if (name.toLowerCase() !== 'host') send[name] = v;
    return io.fetch(base + path, { method, headers: send, body: method === 'GET' || method === 'DELETE' ? undefined : body });
  };
  const fail = async (what: string, response: KvsResponse, after = ''): Promise<never> => {
    const text = await response.text().catch(() => '');
    throw new Error(`kvs: ${what} ${key} in ${kvsArn}: HTTP ${response.status} ${text.slice(0, 500)}${after}`);
  };
  const op = value === undefined ? 'DeleteKey' : 'PutKey';

  for (let attempt = 1; ; attempt++) {
    const started = Date.now();
    const described = await call('GET', storePath, {}, '');
    // A delete from a store that no longer exists (the platform was deleted first) has nothing to remove.
    if (value === undefined && described.status === 404) {
      await described.text().catch(() => '');
      return true;
    }
    if (described.status !== 200) return fail('DescribeKeyValueStore for', described);
    const etag = described.headers.get('etag');
    if (!etag) throw new Error(`kvs: DescribeKeyValueStore of ${kvsArn} gave no ETag`);
    await described.text().catch(() => '');

    const keyPath = `${storePath}/keys/${label(key)}`;
    if (value === undefined && onlyIf !== undefined) {
      // GetKey: delete only a key that holds `onlyIf` (read after the ETag: a write in between
      // changes the ETag, and the delete's If-Match then fails and this starts again).
      const current = await call('GET', keyPath, {}, '');
      if (current.status === 404) {
        await current.text().catch(() => '');
        return true;
      }
      if (current.status !== 200) return fail('GetKey', current);
      const held = JSON.parse(await current.text()).Value;
      if (held !== onlyIf) return false;
    }
    const response = value === undefined
      ? await call('DELETE', keyPath, { 'if-match': etag }, '')
      : await call('PUT', keyPath, { 'if-match': etag, 'content-type': 'application/json' }, JSON.stringify({ Value: value }));
    if (response.status === 200) return true;
    if (value === undefined && response.status === 404) return true; // already absent
    if (response.status === 409 || response.status === 412) {
      const wait = Math.floor((io.random ?? Math.random)() * Math.min(CAP_MS, BASE_MS * 2 ** attempt));
      if (attempt >= ATTEMPTS) return fail(op, response, ` (after ${attempt} attempts)`);
      const now = Date.now();
      if (io.deadline !== undefined && now + wait + (now - started) > io.deadline) {
        return fail(op, response, ` (after ${attempt} attempts: no time left for another)`);
      }
      await response.text().catch(() => '');
      await io.sleep(wait);
      continue;
    }
    return fail(op, response);
  }
}

/** Put one key (registration of a service in a Region). @internal */
export async function kvsPutKey(io: KvsIo, kvsArn: string, key: string, value: string): Promise<void> {
  await kvsWrite(io, kvsArn, key, value);
}

/**
 * Delete one key; a key already absent, or a store that no longer exists, is success. With
 * `onlyIf`, only a key that holds that value is deleted (GetKey first): false when it holds
 * another (another stack's registration), true otherwise.
 * @internal
 */
export async function kvsDeleteKey(io: KvsIo, kvsArn: string, key: string, onlyIf?: string): Promise<boolean> {
  return kvsWrite(io, kvsArn, key, undefined, onlyIf);
}
