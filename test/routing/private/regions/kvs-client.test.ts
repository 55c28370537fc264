import * as crypto from 'crypto';
import { kvsDeleteKey, kvsPutKey, kvsWrite, KvsIo } from '../../../../src/routing/private/regions/kvs-client';
import { signSigV4a } from '../../../../src/routing/private/regions/sigv4a';
import { KVS_ACCOUNT as ACCOUNT, KVS_ARN, KVS_CREDENTIALS as CREDENTIALS, KvsStandIn as StandIn } from '../../../helpers/kvs-stand-in';

// The client against the local stand-in of the KeyValueStore API (test/helpers/kvs-stand-in.ts),
// which verifies every SigV4A signature with the aws-c-auth test suite's public key.

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
    await expect(kvsDeleteKey(io(), KVS_ARN, 's/gone/eu-west-1')).resolves.toBe(true);
    expect(standIn.log.map((l) => [l.method, l.status])).toEqual([['GET', 200], ['DELETE', 404]]);
  });

  test('a delete with onlyIf removes the key only while it holds that value (GetKey first), under the same ETag', async () => {
    standIn.keys.set('s/orders/eu-west-1', 'stack-a|Reg');
    await expect(kvsDeleteKey(io(), KVS_ARN, 's/orders/eu-west-1', 'stack-b|Reg')).resolves.toBe(false);
    expect(standIn.keys.get('s/orders/eu-west-1')).toBe('stack-a|Reg');
    await expect(kvsDeleteKey(io(), KVS_ARN, 's/orders/eu-west-1', 'stack-a|Reg')).resolves.toBe(true);
    expect(standIn.keys.has('s/orders/eu-west-1')).toBe(false);
    expect(standIn.log.map(l => l.method)).toEqual(['GET', 'GET', 'GET', 'GET', 'DELETE']);
    // Gone already: GetKey's 404 is success, and nothing is deleted.
    await expect(kvsDeleteKey(io(), KVS_ARN, 's/orders/eu-west-1', 'stack-a|Reg')).resolves.toBe(true);
    expect(standIn.log.slice(5).map((l) => [l.method, l.status])).toEqual([['GET', 200], ['GET', 404]]);
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

  test('conflicts on every attempt: 10 attempts, each after a wait of random(0, min(5 s, 100 ms * 2^n)) (full jitter), then an error naming the status', async () => {
    standIn.concurrentWrites = 100;
    await expect(kvsDeleteKey(io({ random: () => 0.5 }), KVS_ARN, 's/jessica/eu-west-1'))
      .rejects.toThrow(/DeleteKey s\/jessica\/eu-west-1 .*HTTP 409 .*ConflictException.* \(after 10 attempts\)/);
    expect(standIn.log.filter((l) => l.method === 'DELETE')).toHaveLength(10);
    expect(sleeps).toEqual([100, 200, 400, 800, 1600, 2500, 2500, 2500, 2500]);
    // The whole range: a writer may retry at once, or wait up to the bound.
    sleeps = [];
    await expect(kvsDeleteKey(io({ random: () => 0 }), KVS_ARN, 's/jessica/eu-west-1')).rejects.toThrow(/HTTP 409/);
    expect(sleeps).toEqual(Array(9).fill(0));
    sleeps = [];
    await expect(kvsDeleteKey(io({ random: () => 0.9999 }), KVS_ARN, 's/jessica/eu-west-1')).rejects.toThrow(/HTTP 409/);
    expect(sleeps).toEqual([199, 399, 799, 1599, 3199, 4999, 4999, 4999, 4999]);
  });

  test('no retry that could not end before the deadline: the conflict is reported instead', async () => {
    standIn.concurrentWrites = 100;
    const waiting = io({ random: () => 0.5, deadline: Date.now() + 1000, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) });
    // Waits of 100, 200, 400 ms; the next (800 ms) would end after the deadline.
    await expect(kvsPutKey(waiting, KVS_ARN, 's/jessica/eu-west-1', '1'))
      .rejects.toThrow(/PutKey s\/jessica\/eu-west-1 .*HTTP 409 .*ConflictException.* no time left for another/);
    const puts = standIn.log.filter((l) => l.method === 'PUT').length;
    expect(puts).toBeGreaterThanOrEqual(2);
    expect(puts).toBeLessThan(10);
  });

  test('concurrent writers (one ETag for the whole store, 409 on a stale If-Match): 8 puts at once all succeed, then 8 deletes (three rounds each)', async () => {
    // The reviewer's simulation at a tenth of its time: 8 to 30 ms per call, the client's waits
    // divided by 10. Three rounds of 8 writers (a stack's registrations and several stacks at once).
    standIn.latency = () => 8 + Math.random() * 22;
    const concurrent = io({ sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 10)) });
    const services = Array.from({ length: 8 }, (_, i) => `service${i}`);
    const rounds = [0, 1, 2].map((round) => services.map((service) => `s/${service}/region-${round}`));
    for (const keys of rounds) {
      await Promise.all(keys.map((key) => kvsPutKey(concurrent, KVS_ARN, key, `stack-${key}|Reg`)));
      for (const key of keys) expect(standIn.keys.get(key)).toBe(`stack-${key}|Reg`);
    }
    expect(standIn.keys.size).toBe(24);
    for (const keys of rounds) {
      await Promise.all(keys.map((key) => kvsDeleteKey(concurrent, KVS_ARN, key, `stack-${key}|Reg`)));
      for (const key of keys) expect(standIn.keys.has(key)).toBe(false);
    }
    expect(standIn.keys.size).toBe(0);
    // The writers did race: stale ETags were refused and retried.
    expect(standIn.log.filter((l) => l.status === 409).length).toBeGreaterThan(0);
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

  test('delete from a store that no longer exists succeeds (DescribeKeyValueStore answers 404); put fails', async () => {
    const gone = KVS_ARN.replace(/[0-9a-f]{12}$/, '000000000000');
    await expect(kvsDeleteKey(io(), gone, 's/jessica/eu-west-1')).resolves.toBe(true);
    expect(standIn.log.map((l) => [l.method, l.status])).toEqual([['GET', 404]]);
    await expect(kvsPutKey(io(), gone, 's/jessica/eu-west-1', '1')).rejects.toThrow(/DescribeKeyValueStore for s\/jessica\/eu-west-1 .*HTTP 404 .*ResourceNotFoundException/);
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
