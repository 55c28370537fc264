/**
 * AWS Signature Version 4A (SigV4A), the signing the CloudFront KeyValueStore data-plane API
 * requires (issue 24, ADR 15): ECDSA on P-256 with SHA-256, with a key pair derived from the
 * secret access key, so that one signature is valid in a set of Regions (`X-Amz-Region-Set`,
 * `*` for the KeyValueStore's global endpoint) and the credential scope names no Region.
 *
 * `signSigV4a` is self-contained: its source text is inlined into the registration Lambda's
 * code (nothing in it may use an import or a name from this module's scope); Node's `crypto`
 * module and the time are passed in.
 *
 * Written after reading:
 * - awslabs/aws-c-auth `source/key_derivation.c` (the key derivation: HMAC-SHA256 keyed with
 *   "AWS4A" + secret, fixed input `0x00000001 || "AWS4-ECDSA-P256-SHA256" || 0x00 || access key
 *   id || counter || 0x00000100`, private key = digest + 1 when digest <= n - 2, else the next
 *   counter) and its test suite `tests/aws-signing-test-suite/v4a/*` (canonical requests,
 *   strings to sign, the public key of the suite's credentials);
 * - smithy-lang/smithy-typescript `packages/signature-v4a/src/SignatureV4a.ts` and
 *   `credentialDerivation.ts` (headers added: `x-amz-date`, `x-amz-security-token`,
 *   `x-amz-region-set`, `x-amz-content-sha256`; scope `<date>/<service>/aws4_request`;
 *   the DER signature in hex; `uriEscapePath` on by default: path segments are encoded again,
 *   as every service but S3 expects).
 */

/** A request to sign. @internal */
export interface SigV4aRequest {
  readonly method: string;
  /** The host (with `:port` when not the scheme's default), as the `Host` header sends it. */
  readonly host: string;
  /** The path as sent on the wire (already percent-encoded); it is encoded once more to sign. */
  readonly path: string;
  /** The query string as sent (without `?`); empty or absent: none. */
  readonly query?: string;
  /** Headers to sign and send (names in any case; `authorization` is never signed). */
  readonly headers?: Record<string, string>;
  /** The body (UTF-8 text); absent: empty. */
  readonly body?: string;
  /** The signing name of the service: `cloudfront-keyvaluestore`. */
  readonly service: string;
  /** The Regions the signature is valid in: `*` for the KeyValueStore's global endpoint. */
  readonly regionSet: string;
  /** Add and sign `x-amz-content-sha256` (the body's SHA-256). @default false */
  readonly signBody?: boolean;
}

/** The credentials to sign with. @internal */
export interface SigV4aCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Temporary credentials' token (sent and signed as `x-amz-security-token`). */
  readonly sessionToken?: string;
}

/** A signed request's parts. @internal */
export interface SigV4aSigned {
  /** The headers to send: the request's, plus `x-amz-*` and `authorization` (names lower-case). */
  readonly headers: Record<string, string>;
  readonly canonicalRequest: string;
  readonly stringToSign: string;
  /** The ECDSA signature, DER, in hex. */
  readonly signature: string;
  /** The public key of the derived key pair (P-256 coordinates in hex, 32 bytes each). */
  readonly publicKey: { readonly x: string; readonly y: string };
}

/**
 * Sign a request with SigV4A. `crypto`: Node's `crypto` module; `now`: milliseconds since the
 * epoch (the signature's time).
 * @internal
 */
export function signSigV4a(request: SigV4aRequest, credentials: SigV4aCredentials, crypto: any, now: number): SigV4aSigned {
  const ALGORITHM = 'AWS4-ECDSA-P256-SHA256';
  // n - 2 of P-256, big-endian (the derived scalar must be at most this before adding one).
  const N_MINUS_2 = 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc63254f';
  const hex = (data: any): string => crypto.createHash('sha256').update(data).digest('hex');
  // RFC 3986 encoding of every byte but the unreserved characters (A-Z a-z 0-9 - _ . ~).
  const uriEncode = (text: string): string => {
    let out = '';
    for (const byte of Buffer.from(text, 'utf8')) {
      const c = String.fromCharCode(byte);
      out += /[A-Za-z0-9\-_.~]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
    }
    return out;
  };
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };

  // The date: 20150830T123600Z, and its day.
  const amzDate = new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${request.service}/aws4_request`;
  const body = request.body ?? '';
  const payloadHash = hex(Buffer.from(body, 'utf8'));

  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (name.toLowerCase() !== 'authorization') headers[name.toLowerCase()] = String(value);
  }
  if (headers.host === undefined) headers.host = request.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-region-set'] = request.regionSet;
  if (credentials.sessionToken) headers['x-amz-security-token'] = credentials.sessionToken;
  if (request.signBody) headers['x-amz-content-sha256'] = payloadHash;

  const names = Object.keys(headers).sort();
  const canonicalHeaders = names.map((n) => `${n}:${headers[n].trim().replace(/\s+/g, ' ')}\n`).join('');
  const signedHeaders = names.join(';');
  const path = request.path === '' ? '/' : request.path;
  const canonicalUri = path.split('/').map(uriEncode).join('/');
  const canonicalQuery = (request.query ?? '')
    .split('&')
    .filter((p) => p.length > 0)
    .map((p) => {
      const i = p.indexOf('=');
      const k = i < 0 ? p : p.slice(0, i);
      const v = i < 0 ? '' : p.slice(i + 1);
      return [uriEncode(decode(k)), uriEncode(decode(v))];
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = [
    request.method.toUpperCase(), canonicalUri, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash,
  ].join('\n');
  const stringToSign = [ALGORITHM, amzDate, scope, hex(Buffer.from(canonicalRequest, 'utf8'))].join('\n');

  // The key pair: HMAC-SHA256 KDF in counter mode (NIST SP 800-108) keyed with "AWS4A" + secret.
  const secret = Buffer.from('AWS4A' + credentials.secretAccessKey, 'utf8');
  let scalar: Buffer | undefined;
  for (let counter = 1; counter <= 254 && scalar === undefined; counter++) {
    const fixedInput = Buffer.concat([
      Buffer.from([0, 0, 0, 1]),
      Buffer.from(ALGORITHM, 'utf8'),
      Buffer.from([0]),
      Buffer.from(credentials.accessKeyId, 'utf8'),
      Buffer.from([counter]),
      Buffer.from([0, 0, 1, 0]),
    ]);
    const digest: Buffer = crypto.createHmac('sha256', secret).update(fixedInput).digest();
    if (digest.toString('hex') <= N_MINUS_2) {
      const d = Buffer.from(digest);
      for (let i = 31; i >= 0; i--) {
        d[i] = (d[i] + 1) % 256;
        if (d[i] !== 0) break;
      }
      scalar = d;
    }
  }
  if (scalar === undefined) throw new Error('sigv4a: no signing key could be derived');
  const ecdh = crypto.createECDH('prime256v1');
  ecdh.setPrivateKey(scalar);
  const point: Buffer = ecdh.getPublicKey(); // 0x04 || x || y
  const x = point.subarray(1, 33);
  const y = point.subarray(33, 65);
  const b64u = (b: Buffer): string => b.toString('base64url');
  const privateKey = crypto.createPrivateKey({
    format: 'jwk',
    key: { kty: 'EC', crv: 'P-256', d: b64u(scalar), x: b64u(x), y: b64u(y) },
  });
  const signature: string = crypto
    .sign('sha256', Buffer.from(stringToSign, 'utf8'), { key: privateKey, dsaEncoding: 'der' })
    .toString('hex');

  headers.authorization = `${ALGORITHM} Credential=${credentials.accessKeyId}/${scope}, `
    + `SignedHeaders=${signedHeaders}, Signature=${signature}`;
  return {
    headers,
    canonicalRequest,
    stringToSign,
    signature,
    publicKey: { x: x.toString('hex'), y: y.toString('hex') },
  };
}
