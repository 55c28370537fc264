import { PRICE_LIST, PriceFigure } from '../../../src/cost/private/price-list';

// The price lists are data: these checks keep every Region's list complete and honest (a
// source and a date for every figure, a note for every figure that could not be read).
const figuresOf = (region: string): Array<[string, PriceFigure]> =>
  Object.entries<any>(PRICE_LIST.regions[region]).flatMap(([key, value]) => key === 'ec2InstanceHour'
    ? Object.entries<PriceFigure>(value).map(([type, f]): [string, PriceFigure] => [`ec2InstanceHour.${type}`, f])
    : [[key, value as PriceFigure]]);

describe('PRICE_LIST', () => {
  const regions = Object.keys(PRICE_LIST.regions);

  test('the Regions a platform most likely runs in or adds', () => {
    expect(regions).toEqual(['us-east-1', 'eu-central-1', 'us-west-2', 'eu-west-1', 'ap-southeast-1']);
  });

  test.each(regions)('%s has every price us-east-1 has, and the same instance types', (region) => {
    expect(figuresOf(region).map(([key]) => key).sort()).toEqual(figuresOf('us-east-1').map(([key]) => key).sort());
  });

  test.each(regions)('%s: every figure has a price, a unit, a source and a date; an unread one says why', (region) => {
    for (const [key, f] of figuresOf(region)) {
      const where = `${region} ${key}`;
      expect([where, typeof f.usd === 'number' && f.usd >= 0]).toEqual([where, true]);
      expect([where, f.unit]).toEqual([where, expect.stringMatching(/\S/)]);
      expect([where, f.source]).toEqual([where, expect.stringMatching(/\S/)]);
      expect([where, f.asOf]).toEqual([where, expect.stringMatching(/^20\d\d-\d\d-\d\d$/)]);
      expect([where, f.asOf <= PRICE_LIST.asOf]).toEqual([where, true]);
      if (f.verified === false) expect([where, f.note]).toEqual([where, expect.stringMatching(/\S/)]);
    }
  });

  test('CloudFront\'s global prices (function invocations, KeyValueStore) are the same in every list', () => {
    for (const region of regions) {
      const list = PRICE_LIST.regions[region];
      expect([region, list.cloudFrontFunctionMillionInvocations.usd, list.keyValueStoreMillionReads.usd, list.keyValueStoreThousandApiCalls.usd])
        .toEqual([region, 0.1, 0.03, 1]);
    }
  });
});
