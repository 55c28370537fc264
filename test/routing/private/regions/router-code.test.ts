import { REGION_COORDINATES } from '../../../../src/routing/private/regions/region-coordinates';
import { routerFunctionCode, RouterCodeOptions } from '../../../../src/routing/private/regions/router-code';
import { checkCode, CloudFrontFunctionStandIn, UnsupportedCodeError } from '../../../helpers/cloudfront-functions';
import { errorOf } from '../../../helpers/errors';

// Viewer locations (the values CloudFront would put in cloudfront-viewer-latitude/-longitude).
const FRANKFURT = { 'cloudfront-viewer-latitude': '50.11090', 'cloudfront-viewer-longitude': '8.68210' };
const VIRGINIA = { 'cloudfront-viewer-latitude': '38.80480', 'cloudfront-viewer-longitude': '-77.04690' };
const TOKYO = { 'cloudfront-viewer-latitude': '35.68950', 'cloudfront-viewer-longitude': '139.69170' };
const PARIS = { 'cloudfront-viewer-latitude': '48.85660', 'cloudfront-viewer-longitude': '2.35220' };

const OPTIONS: RouterCodeOptions = {
  primaryRegion: 'us-east-1',
  apiOriginIds: { 'eu-central-1': 'api-eu-central-1', 'ap-northeast-1': 'api-ap-northeast-1', 'eu-west-3': 'api-eu-west-3' },
  longLivedOriginIds: { 'us-east-1': 'll-us-east-1', 'eu-central-1': 'll-eu-central-1' },
  longLivedPathSuffixes: ['ws', 'mcp'],
};
const ORIGIN_IDS = ['api-us-east-1', 'api-eu-central-1', 'api-ap-northeast-1', 'api-eu-west-3', 'll-us-east-1', 'll-eu-central-1'];

function router(entries: string[], options: RouterCodeOptions = OPTIONS): CloudFrontFunctionStandIn {
  const store = new Map(entries.map(k => [k, '1'] as [string, string]));
  return new CloudFrontFunctionStandIn(routerFunctionCode(options), { store, originIds: ORIGIN_IDS });
}

describe('routerFunctionCode in the cloudfront-js-2.0 stand-in', () => {
  test('a viewer in Frankfurt goes to eu-central-1 when the service runs there and in the primary', async () => {
    const fn = router(['s/orders/eu-central-1']);
    const result = await fn.run({ uri: '/orders/items/1', headers: FRANKFURT });
    expect(result.selectedOrigins).toEqual(['api-eu-central-1']);
  });

  test('a viewer in Virginia stays on the primary: no origin selected, no store read', async () => {
    const fn = router(['s/orders/eu-central-1']);
    const result = await fn.run({ uri: '/orders/items/1', headers: VIRGINIA });
    expect(result.selectedOrigins).toEqual([]);
    expect(result.storeReads).toEqual([]);
  });

  test('a viewer in Tokyo goes to the nearest registered Region, skipping nearer ones it does not run in', async () => {
    const fn = router(['s/orders/eu-central-1']);
    const result = await fn.run({ uri: '/orders', headers: TOKYO });
    // ap-northeast-1 is nearest but the service is not there; then Frankfurt (about 9,300 km)
    // comes before the primary (Virginia, about 10,900 km).
    expect(result.storeReads).toEqual(['s/orders/ap-northeast-1', 's/orders/eu-central-1', 'd/eu-central-1']);
    expect(result.selectedOrigins).toEqual(['api-eu-central-1']);
  });

  test('a drained Region is skipped for the next nearest registered one', async () => {
    const fn = router(['s/orders/eu-central-1', 's/orders/eu-west-3', 'd/eu-central-1']);
    const result = await fn.run({ uri: '/orders', headers: FRANKFURT });
    expect(result.selectedOrigins).toEqual(['api-eu-west-3']);
  });

  test('when every other Region is drained, the primary', async () => {
    const fn = router(['s/orders/eu-central-1', 's/orders/eu-west-3', 'd/eu-central-1', 'd/eu-west-3']);
    const result = await fn.run({ uri: '/orders', headers: PARIS });
    expect(result.selectedOrigins).toEqual([]);
  });

  test('a service registered only in the primary is never routed elsewhere', async () => {
    const fn = router(['s/orders/eu-central-1', 's/orders/ap-northeast-1']);
    for (const headers of [FRANKFURT, TOKYO, PARIS, VIRGINIA]) {
      const result = await fn.run({ uri: '/hub/socket', headers });
      expect(result.selectedOrigins).toEqual([]);
      expect(result.storeReads.every(k => k.startsWith('s/hub/'))).toBe(true);
    }
  });

  test('an unknown service, an empty path and a service name the store cannot hold go to the primary', async () => {
    const fn = router(['s/orders/eu-central-1']);
    for (const uri of ['/unknown/x', '/', '/' + 'a'.repeat(600), '/Orders/x', '/%2e%2e/x']) {
      const result = await fn.run({ uri, headers: FRANKFURT });
      expect(result.selectedOrigins).toEqual([]);
    }
  });

  test('a store that throws sends every request to the primary and the request still passes', async () => {
    const fn = router(['s/orders/eu-central-1']);
    fn.storeFails = true;
    const result = await fn.run({ uri: '/orders', headers: FRANKFURT, ip: '203.0.113.9' });
    expect(result.selectedOrigins).toEqual([]);
    expect(result.request.headers['x-viewer-address']).toEqual({ value: '203.0.113.9' });
  });

  test('missing or malformed location headers send the request to the primary without reading the store', async () => {
    const fn = router(['s/orders/eu-central-1']);
    const cases: Record<string, string>[] = [
      {},
      { 'cloudfront-viewer-latitude': '50.1' },
      { 'cloudfront-viewer-longitude': '8.7' },
      { 'cloudfront-viewer-latitude': 'north', 'cloudfront-viewer-longitude': '8.7' },
      { 'cloudfront-viewer-latitude': '95', 'cloudfront-viewer-longitude': '8.7' },
    ];
    for (const headers of cases) {
      const result = await fn.run({ uri: '/orders', headers });
      expect(result.selectedOrigins).toEqual([]);
      expect(result.storeReads).toEqual([]);
    }
  });

  test.each([
    ['/orders/ws', 'll-eu-central-1'],
    ['/orders/ws/room/1', 'll-eu-central-1'],
    ['/orders/v1/mcp', 'll-eu-central-1'],
    ['/orders/wsx', 'api-eu-central-1'],
    ['/orders/ws-ish/x', 'api-eu-central-1'],
  ])('path %s goes to origin %s of the chosen Region', async (uri, origin) => {
    const fn = router(['s/orders/eu-central-1', 'l/orders/eu-central-1']);
    const result = await fn.run({ uri, headers: FRANKFURT });
    expect(result.selectedOrigins).toEqual([origin]);
  });

  test('a long-lived path goes to the primary when the chosen Region has no long-lived origin', async () => {
    const fn = router(['s/orders/eu-west-3']);
    const api = await fn.run({ uri: '/orders/x', headers: PARIS });
    expect(api.selectedOrigins).toEqual(['api-eu-west-3']);
    const longLived = await fn.run({ uri: '/orders/ws', headers: PARIS });
    expect(longLived.selectedOrigins).toEqual([]);
  });

  test('a long-lived path goes to the nearest registered Region that has a long-lived origin, past nearer ones without one', async () => {
    // Paris: eu-west-3 is nearest and the service runs there, but it has no long-lived origin.
    const fn = router(['s/orders/eu-west-3', 's/orders/eu-central-1', 'l/orders/eu-central-1']);
    expect((await fn.run({ uri: '/orders/x', headers: PARIS })).selectedOrigins).toEqual(['api-eu-west-3']);
    const longLived = await fn.run({ uri: '/orders/ws', headers: PARIS });
    expect(longLived.selectedOrigins).toEqual(['ll-eu-central-1']);
    // Only the Regions with a long-lived origin are read from the store, by the l/ key.
    expect(longLived.storeReads).toEqual(['l/orders/eu-central-1', 'd/eu-central-1']);
    // A drained long-lived Region: the primary.
    const drained = router(['s/orders/eu-west-3', 's/orders/eu-central-1', 'l/orders/eu-central-1', 'd/eu-central-1']);
    expect((await drained.run({ uri: '/orders/mcp/stream', headers: PARIS })).selectedOrigins).toEqual([]);
  });

  test('a service registered in a Region without its long-lived paths there (no l/ key): its long-lived paths stay with the primary', async () => {
    // The Region has a long-lived origin, but the service bound no long-lived rules or routes there.
    const fn = router(['s/orders/eu-central-1']);
    expect((await fn.run({ uri: '/orders/x', headers: FRANKFURT })).selectedOrigins).toEqual(['api-eu-central-1']);
    const longLived = await fn.run({ uri: '/orders/ws', headers: FRANKFURT });
    expect(longLived.selectedOrigins).toEqual([]);
    expect(longLived.storeReads).toEqual(['l/orders/eu-central-1']);
  });

  test('without long-lived suffixes nothing is long-lived', async () => {
    const fn = router(['s/orders/eu-central-1'], { primaryRegion: 'us-east-1', apiOriginIds: { 'eu-central-1': 'api-eu-central-1' } });
    const result = await fn.run({ uri: '/orders/ws', headers: FRANKFURT });
    expect(result.selectedOrigins).toEqual(['api-eu-central-1']);
  });

  test('x-viewer-address is always set to the viewer address, replacing one the client sent', async () => {
    const fn = router(['s/orders/eu-central-1']);
    for (const headers of [{ ...FRANKFURT }, { ...VIRGINIA }, {}]) {
      const result = await fn.run({ uri: '/orders', ip: '2001:db8::1', headers: { ...headers, 'X-Viewer-Address': '10.0.0.1' } });
      expect(result.request.headers['x-viewer-address']).toEqual({ value: '2001:db8::1' });
    }
    fn.storeFails = true;
    const failed = await fn.run({ uri: '/orders', ip: '192.0.2.1', headers: FRANKFURT });
    expect(failed.request.headers['x-viewer-address']).toEqual({ value: '192.0.2.1' });
  });

  test('a long-lived path when no other Region has a long-lived origin: the primary, without reading the store', async () => {
    const fn = router(['s/orders/eu-central-1'], { ...OPTIONS, longLivedOriginIds: undefined });
    const result = await fn.run({ uri: '/orders/ws', headers: FRANKFURT });
    expect(result.selectedOrigins).toEqual([]);
    expect(result.storeReads).toEqual([]);
    expect((await fn.run({ uri: '/orders/items', headers: FRANKFURT })).selectedOrigins).toEqual(['api-eu-central-1']);
  });

  test('/_region/<region>/<path> loses the prefix and is not routed: the behaviour of that pattern picks the Region', async () => {
    const fn = router(['s/orders/eu-central-1', 'd/eu-central-1']);
    const result = await fn.run({ uri: '/_region/eu-central-1/orders/items/1', ip: '192.0.2.7', headers: TOKYO, querystring: { a: '1' } });
    expect(result.request.uri).toBe('/orders/items/1');
    expect(result.request.querystring).toEqual({ a: { value: '1' } });
    expect(result.selectedOrigins).toEqual([]);
    expect(result.storeReads).toEqual([]);
    expect(result.request.headers['x-viewer-address']).toEqual({ value: '192.0.2.7' });
    expect((await fn.run({ uri: '/_region/eu-central-1', headers: {} })).request.uri).toBe('/');
    // Only as the first segment: a service path that contains it is routed as usual.
    const routed = await fn.run({ uri: '/orders/_region/eu-central-1', headers: FRANKFURT });
    expect(routed.request.uri).toBe('/orders/_region/eu-central-1');
  });

  test('/_region-ll/<region>/<path> loses the prefix and is not routed: the behaviour of that pattern picks the long-lived origin', async () => {
    const fn = router(['s/orders/eu-central-1']);
    const result = await fn.run({ uri: '/_region-ll/eu-central-1/orders/ws', ip: '192.0.2.8', headers: TOKYO });
    expect(result.request.uri).toBe('/orders/ws');
    expect(result.selectedOrigins).toEqual([]);
    expect(result.storeReads).toEqual([]);
    expect(result.request.headers['x-viewer-address']).toEqual({ value: '192.0.2.8' });
    expect((await fn.run({ uri: '/_region-ll/eu-central-1', headers: {} })).request.uri).toBe('/');
    // Only as the first segment, and only this exact prefix.
    const routed = await fn.run({ uri: '/orders/_region-ll/eu-central-1', headers: FRANKFURT });
    expect(routed.request.uri).toBe('/orders/_region-ll/eu-central-1');
    expect((await fn.run({ uri: '/_region-llx/eu-central-1/a', headers: {} })).request.uri).toBe('/_region-llx/eu-central-1/a');
  });

  test('without long-lived origins in other Regions there is no /_region-ll/ path: it is routed like any other', async () => {
    const code = routerFunctionCode({ ...OPTIONS, longLivedOriginIds: { 'us-east-1': 'll-us-east-1' } });
    expect(code).not.toContain('_region-ll');
    const fn = router(['s/orders/eu-central-1'], { ...OPTIONS, longLivedOriginIds: undefined });
    expect((await fn.run({ uri: '/_region-ll/eu-central-1/orders/x', headers: FRANKFURT })).request.uri).toBe('/_region-ll/eu-central-1/orders/x');
    expect((await fn.run({ uri: '/_region/eu-central-1/orders/x', headers: FRANKFURT })).request.uri).toBe('/orders/x');
  });

  test('POST, PUT and DELETE are routed like GET, and the request is returned unchanged otherwise', async () => {
    const fn = router(['s/orders/eu-central-1']);
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'OPTIONS']) {
      const result = await fn.run({ uri: '/orders/items', method, headers: FRANKFURT, querystring: { page: '2' } });
      expect(result.selectedOrigins).toEqual(['api-eu-central-1']);
      expect(result.request.method).toBe(method);
      expect(result.request.uri).toBe('/orders/items');
      expect(result.request.querystring).toEqual({ page: { value: '2' } });
    }
  });

  test('the code for 10 Regions with both origin kinds is under 10 KB and passes the runtime checks', () => {
    const regions = Object.keys(REGION_COORDINATES).filter(r => r !== 'us-east-1').slice(0, 9);
    const api: Record<string, string> = {};
    const longLived: Record<string, string> = { 'us-east-1': 'll-us-east-1' };
    for (const r of regions) {
      api[r] = `api-${r}`;
      longLived[r] = `ll-${r}`;
    }
    const code = routerFunctionCode({ primaryRegion: 'us-east-1', apiOriginIds: api, longLivedOriginIds: longLived, longLivedPathSuffixes: ['ws', 'mcp', 'sse', 'stream', 'events'] });
    const bytes = Buffer.byteLength(code, 'utf8');
    expect(bytes).toBeLessThan(10 * 1024);
    expect(() => checkCode(code)).not.toThrow();
    console.log(`router code for 10 regions: ${bytes} bytes`);
  });

  test('even every commercial Region with both origin kinds fits in 10 KB', () => {
    const others = Object.keys(REGION_COORDINATES).filter(r => r !== 'us-east-1');
    const code = routerFunctionCode({
      primaryRegion: 'us-east-1',
      apiOriginIds: Object.fromEntries(others.map(r => [r, `api-${r}`])),
      longLivedOriginIds: Object.fromEntries(others.map(r => [r, `ll-${r}`])),
      longLivedPathSuffixes: ['ws', 'mcp'],
    });
    const bytes = Buffer.byteLength(code, 'utf8');
    expect(bytes).toBeLessThan(10 * 1024);
    console.log(`router code for ${others.length + 1} regions: ${bytes} bytes`);
  });

  test('every Region in the table can be the primary or an additional Region', async () => {
    for (const primary of Object.keys(REGION_COORDINATES)) {
      const others = Object.keys(REGION_COORDINATES).filter(r => r !== primary).slice(0, 2);
      const code = routerFunctionCode({ primaryRegion: primary, apiOriginIds: Object.fromEntries(others.map(r => [r, `api-${r}`])) });
      const [lat, lon] = REGION_COORDINATES[others[0]];
      const fn = new CloudFrontFunctionStandIn(code, { store: new Map([[`s/orders/${others[0]}`, '1']]) });
      const result = await fn.run({ uri: '/orders', headers: { 'cloudfront-viewer-latitude': String(lat), 'cloudfront-viewer-longitude': String(lon) } });
      expect(result.selectedOrigins).toEqual([`api-${others[0]}`]);
    }
  });

  test('origin ids and values are embedded as JSON, not as code', () => {
    const code = routerFunctionCode({ primaryRegion: 'eu-west-1', apiOriginIds: { 'us-west-2': 'api.us-west-2_x' } });
    expect(code).toContain('const API = {"us-west-2":"api.us-west-2_x"};');
    expect(code).toContain('const PRIMARY = "eu-west-1";');
  });
});

describe('routerFunctionCode options', () => {
  test.each<[string, Partial<RouterCodeOptions>, RegExp]>([
    ['a malformed primary', { primaryRegion: 'US-EAST-1' }, /invalid primaryRegion "US-EAST-1"/],
    ['an unknown primary', { primaryRegion: 'xx-moon-1' }, /invalid primaryRegion "xx-moon-1": expected a commercial aws region/],
    ['a token as primary', { primaryRegion: '${Token[AWS.Region.1]}' }, /invalid primaryRegion/],
    ['an unknown additional Region', { apiOriginIds: { 'eu-central-9': 'api-x' } }, /invalid apiOriginIds "eu-central-9"/],
    ['an origin id with a quote', { apiOriginIds: { 'eu-central-1': "api'); evil('" } }, /invalid apiOriginIds.eu-central-1/],
    ['an empty origin id', { apiOriginIds: { 'eu-central-1': '' } }, /invalid apiOriginIds.eu-central-1/],
    ['a long-lived origin in a Region without an API origin', { longLivedOriginIds: { 'eu-west-2': 'll-eu-west-2' } }, /invalid longLivedOriginIds "eu-west-2": expected a region that also has an api origin/],
    ['a long-lived origin id with a space', { longLivedOriginIds: { 'eu-central-1': 'll eu' } }, /invalid longLivedOriginIds.eu-central-1/],
    ['a suffix with a slash', { longLivedPathSuffixes: ['ws/x'] }, /invalid longLivedPathSuffixes "ws\/x"/],
    ['a repeated suffix', { longLivedPathSuffixes: ['ws', 'ws'] }, /invalid longLivedPathSuffixes .*list each suffix once/],
  ])('refuses %s', (_name, override, message) => {
    const err = errorOf(() => routerFunctionCode({ ...OPTIONS, ...override }));
    expect(err.name).toBe('PropError');
    expect(err.message).toMatch(/^routerFunctionCode: /);
    expect(err.message).toMatch(message);
  });

  test('refuses code over 10 KB', () => {
    const api: Record<string, string> = {};
    for (const r of Object.keys(REGION_COORDINATES).filter(x => x !== 'us-east-1')) api[r] = `api-${r}-${'x'.repeat(100)}`;
    const longLived = Object.fromEntries(Object.keys(api).map(r => [r, `ll-${r}-${'y'.repeat(100)}`]));
    const err = errorOf(() => routerFunctionCode({ primaryRegion: 'us-east-1', apiOriginIds: api, longLivedOriginIds: longLived }));
    expect(err.message).toMatch(/over CloudFront Functions' 10240/);
  });
});

describe('the cloudfront-js-2.0 stand-in itself', () => {
  const ok = "import cf from 'cloudfront';\nasync function handler(event) { return event.request; }\n";

  test('runs a minimal function', async () => {
    const fn = new CloudFrontFunctionStandIn(ok);
    const result = await fn.run({ uri: '/a' });
    expect(result.request.uri).toBe('/a');
  });

  test.each([
    ['require', "import cf from 'cloudfront';\nconst q = require('querystring');\nfunction handler(e) { return e.request; }"],
    ['process', "import cf from 'cloudfront';\nfunction handler(e) { e.request.uri = process.env.X; return e.request; }"],
    ['timers', "import cf from 'cloudfront';\nfunction handler(e) { setTimeout(() => 1, 1); return e.request; }"],
    ['another import', "import cf from 'cloudfront';\nimport x from 'crypto';\nfunction handler(e) { return e.request; }"],
    ['no cloudfront import first', 'function handler(e) { return e.request; }'],
    ['an async closure', "import cf from 'cloudfront';\nasync function handler(e) { const f = async () => 1; await f(); return e.request; }"],
    ['destructuring', "import cf from 'cloudfront';\nfunction handler(e) { const { request } = e; return request; }"],
    ['optional chaining', "import cf from 'cloudfront';\nfunction handler(e) { return e?.request; }"],
    ['nullish coalescing', "import cf from 'cloudfront';\nfunction handler(e) { return e.request ?? null; }"],
    ['over 10 KB', `${ok}// ${'x'.repeat(10 * 1024)}\n`],
  ])('refuses %s', (_name, code) => {
    expect(errorOf(() => new CloudFrontFunctionStandIn(code))).toBeInstanceOf(UnsupportedCodeError);
  });

  test('fails the request when the code selects an origin the distribution does not have', async () => {
    const code = "import cf from 'cloudfront';\nfunction handler(e) { cf.selectRequestOriginById('nope'); return e.request; }";
    const fn = new CloudFrontFunctionStandIn(code, { originIds: ['api-us-east-1'] });
    await expect(fn.run({ uri: '/a' })).rejects.toThrow(/no origin with id nope/);
  });

  test('get() of a missing key throws, as the guide says', async () => {
    const code = "import cf from 'cloudfront';\nasync function handler(e) { e.request.uri = '/' + await cf.kvs().get('k'); return e.request; }";
    const fn = new CloudFrontFunctionStandIn(code, { store: new Map([['k', 'v']]) });
    expect((await fn.run({ uri: '/a' })).request.uri).toBe('/v');
    const empty = new CloudFrontFunctionStandIn(code);
    await expect(empty.run({ uri: '/a' })).rejects.toThrow(/key not found/);
  });
});
