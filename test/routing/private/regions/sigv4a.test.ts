import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { signSigV4a, SigV4aRequest } from '../../../../src/routing/private/regions/sigv4a';

// Vectors from awslabs/aws-c-auth tests/aws-signing-test-suite/v4a/<name>/ (see
// test/fixtures/sigv4a/SOURCE.md for the commit).
const FIXTURES = path.join(__dirname, '..', '..', '..', 'fixtures', 'sigv4a');
const VECTORS = [
  'get-vanilla',
  'get-vanilla-with-session-token',
  'get-vanilla-query-order-key-case',
  'get-header-value-trim',
  'get-space-normalized',
  'get-utf8',
  'post-x-www-form-urlencoded',
];

function read(vector: string, file: string): string {
  return fs.readFileSync(path.join(FIXTURES, vector, file), 'utf8');
}

interface Vector {
  readonly request: SigV4aRequest;
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  readonly now: number;
}

/** The suite's request.txt (`METHOD PATH HTTP/1.1`, `Name:value` lines, a blank line, the body). */
function load(vector: string): Vector {
  const context = JSON.parse(read(vector, 'context.json'));
  const text = read(vector, 'request.txt');
  const [head, ...rest] = text.split('\n\n');
  const [requestLine, ...headerLines] = head.split('\n').filter((l) => l.length > 0);
  const target = requestLine.slice(requestLine.indexOf(' ') + 1, requestLine.lastIndexOf(' '));
  const [p, q] = target.includes('?') ? [target.slice(0, target.indexOf('?')), target.slice(target.indexOf('?') + 1)] : [target, ''];
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i)] = line.slice(i + 1);
  }
  return {
    request: {
      method: requestLine.split(' ')[0],
      host: headers.Host,
      path: p,
      query: q,
      headers,
      body: rest.join('\n\n'),
      service: context.service,
      regionSet: context.region,
      signBody: context.sign_body,
    },
    credentials: {
      accessKeyId: context.credentials.access_key_id,
      secretAccessKey: context.credentials.secret_access_key,
      sessionToken: context.credentials.token,
    },
    now: Date.parse(context.timestamp),
  };
}

/** The suite's public key (not ours), as a Node key object. */
function suitePublicKey(vector: string): crypto.KeyObject {
  const { X, Y } = JSON.parse(read(vector, 'public-key.json'));
  const b64u = (h: string) => Buffer.from(h, 'hex').toString('base64url');
  return crypto.createPublicKey({ format: 'jwk', key: { kty: 'EC', crv: 'P-256', x: b64u(X), y: b64u(Y) } });
}

function verifies(key: crypto.KeyObject, stringToSign: string, signatureHex: string): boolean {
  return crypto.verify('sha256', Buffer.from(stringToSign, 'utf8'), { key, dsaEncoding: 'der' }, Buffer.from(signatureHex, 'hex'));
}

describe('signSigV4a against the aws-c-auth v4a test suite', () => {
  test.each(VECTORS)('%s: canonical request and string to sign match exactly', (vector) => {
    const v = load(vector);
    const signed = signSigV4a(v.request, v.credentials, crypto, v.now);
    expect(signed.canonicalRequest).toBe(read(vector, 'header-canonical-request.txt'));
    expect(signed.stringToSign).toBe(read(vector, 'header-string-to-sign.txt'));
  });

  test.each(VECTORS)('%s: the derived public key is the suite\'s, and our signature verifies with it', (vector) => {
    const v = load(vector);
    const signed = signSigV4a(v.request, v.credentials, crypto, v.now);
    const { X, Y } = JSON.parse(read(vector, 'public-key.json'));
    expect(signed.publicKey).toEqual({ x: X.toLowerCase(), y: Y.toLowerCase() });
    expect(verifies(suitePublicKey(vector), read(vector, 'header-string-to-sign.txt'), signed.signature)).toBe(true);
    // The verification itself: the suite's own signature verifies with its key too.
    expect(verifies(suitePublicKey(vector), read(vector, 'header-string-to-sign.txt'), read(vector, 'header-signature.txt').trim())).toBe(true);
  });

  test('the authorization header: algorithm, credential scope without a Region, signed headers, signature', () => {
    const v = load('get-vanilla-with-session-token');
    const signed = signSigV4a(v.request, v.credentials, crypto, v.now);
    expect(signed.headers.authorization).toBe(
      'AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, '
      + `SignedHeaders=host;x-amz-date;x-amz-region-set;x-amz-security-token, Signature=${signed.signature}`,
    );
    expect(signed.headers['x-amz-security-token']).toBe(v.credentials.sessionToken);
    expect(signed.headers['x-amz-date']).toBe('20150830T123600Z');
  });

  test('the global region set and the signed body hash (as the KeyValueStore API is called)', () => {
    const signed = signSigV4a({
      method: 'PUT',
      host: '123456789012.cloudfront-kvs.global.api.aws',
      path: '/key-value-stores/arn%3Aaws%3Acloudfront%3A%3A123456789012%3Akey-value-store%2Fabc/keys/s%2Fjessica%2Feu-west-1',
      headers: { 'If-Match': 'KV1', 'Content-Type': 'application/json' },
      body: '{"Value":"1"}',
      service: 'cloudfront-keyvaluestore',
      regionSet: '*',
      signBody: true,
    }, { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' }, crypto, Date.UTC(2026, 11, 7, 13, 0, 0));
    const lines = signed.canonicalRequest.split('\n');
    // Path segments encoded again (every service but S3).
    expect(lines[1]).toBe('/key-value-stores/arn%253Aaws%253Acloudfront%253A%253A123456789012%253Akey-value-store%252Fabc/keys/s%252Fjessica%252Feu-west-1');
    expect(lines).toContain('x-amz-region-set:*');
    const bodyHash = crypto.createHash('sha256').update('{"Value":"1"}').digest('hex');
    expect(lines).toContain(`x-amz-content-sha256:${bodyHash}`);
    expect(lines[lines.length - 1]).toBe(bodyHash);
    expect(signed.headers.authorization).toContain('Credential=AKIDEXAMPLE/20261207/cloudfront-keyvaluestore/aws4_request, ');
    expect(signed.headers.authorization).toContain('SignedHeaders=content-type;host;if-match;x-amz-content-sha256;x-amz-date;x-amz-region-set,');
    expect(verifies(suitePublicKey('get-vanilla'), signed.stringToSign, signed.signature)).toBe(true);
  });

  test.each([
    ['method', { method: 'DELETE' }],
    ['path', { path: '/other' }],
    ['query', { query: 'Param1=value2' }],
    ['header', { headers: { 'Host': 'example.amazonaws.com', 'My-Header1': 'value2' } }],
    ['body', { body: 'Param1=value2' }],
    ['region set', { regionSet: 'eu-west-1' }],
  ])('a request tampered in its %s fails verification', (_what, change) => {
    const v = load('post-x-www-form-urlencoded');
    const signed = signSigV4a(v.request, v.credentials, crypto, v.now);
    const tampered = signSigV4a({ ...v.request, ...change }, v.credentials, crypto, v.now);
    expect(tampered.stringToSign).not.toBe(signed.stringToSign);
    expect(verifies(suitePublicKey('get-vanilla'), signed.stringToSign, signed.signature)).toBe(true);
    expect(verifies(suitePublicKey('get-vanilla'), tampered.stringToSign, signed.signature)).toBe(false);
  });

  test('a signature by other credentials fails verification with the suite\'s key', () => {
    const v = load('get-vanilla');
    const signed = signSigV4a(v.request, { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'another-secret' }, crypto, v.now);
    expect(signed.stringToSign).toBe(read('get-vanilla', 'header-string-to-sign.txt'));
    expect(verifies(suitePublicKey('get-vanilla'), signed.stringToSign, signed.signature)).toBe(false);
  });

  test('is self-contained: its source text alone signs (as the Lambda inlines it)', () => {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    const inlined = new Function(`return (${signSigV4a.toString()});`)() as typeof signSigV4a;
    const v = load('get-vanilla-with-session-token');
    const signed = inlined(v.request, v.credentials, crypto, v.now);
    expect(signed.stringToSign).toBe(read('get-vanilla-with-session-token', 'header-string-to-sign.txt'));
    expect(verifies(suitePublicKey('get-vanilla'), signed.stringToSign, signed.signature)).toBe(true);
  });
});
