import { App, Lazy, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PropError } from '../../src/core/errors';
import {
  Ipv4Range, Ipv6Range, isIpv6Cidr, isUnresolved, parseIpv4Cidr, parseIpv6Cidr, rangesOverlap,
  validateDnsName, validateDomainName, validateEmail, validateIntegerRange, validateIpCidrList, validatePositive, validateRetention,
} from '../../src/core/validation';
import { errorOf } from '../helpers/errors';

let scope: Construct;
beforeEach(() => {
  scope = new Construct(new App(), 'Scope');
});

const cidr = (text: string): Ipv4Range => parseIpv4Cidr(scope, 'cidr', text);
const cidr6 = (text: string): Ipv6Range => parseIpv6Cidr(scope, 'cidr', text);

describe('PropError', () => {
  test('names the construct path, the prop, the JSON value and what is allowed', () => {
    const error = new PropError(scope, 'maxAzs', 1, 'expected 2 to 6');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('PropError');
    expect(error.message).toBe('Scope: invalid maxAzs 1: expected 2 to 6');
  });

  test('quotes string values', () => {
    expect(new PropError(scope, 'domainName', 'Georgi.IO', 'lower case').message)
      .toBe('Scope: invalid domainName "Georgi.IO": lower case');
  });
});

describe('isUnresolved', () => {
  test.each([
    ['a string token', Token.asString({ Ref: 'X' })],
    ['a number token', Token.asNumber({ Ref: 'X' })],
    ['a list token', Token.asList({ Ref: 'X' })],
    ['a lazy string', Lazy.string({ produce: () => 'georgi.io' })],
    ['a lazy number', Lazy.number({ produce: () => 3 })],
    ['a string with an embedded token', `api.${Token.asString({ Ref: 'X' })}`],
  ])('true for %s', (_name, value) => {
    expect(isUnresolved(value)).toBe(true);
  });

  test.each([
    ['undefined', undefined],
    ['null', null],
    ['a plain string', 'georgi.io'],
    ['a plain number', 3],
    ['a plain list', ['a', 'b']],
    ['an object', { Ref: 'X' }],
  ])('false for %s', (_name, value) => {
    expect(isUnresolved(value)).toBe(false);
  });
});

describe('parseIpv4Cidr', () => {
  test('parses a network address into its numeric range', () => {
    expect(cidr('10.0.0.0/16')).toEqual({ cidr: '10.0.0.0/16', first: 10 * 2 ** 24, last: 10 * 2 ** 24 + 65_535, prefix: 16 });
  });

  test.each([
    ['0.0.0.0/0', 0, 2 ** 32 - 1, 0],
    ['255.255.255.255/32', 2 ** 32 - 1, 2 ** 32 - 1, 32],
    ['203.0.113.7/32', 203 * 2 ** 24 + 113 * 256 + 7, 203 * 2 ** 24 + 113 * 256 + 7, 32],
    ['192.168.1.128/25', 192 * 2 ** 24 + 168 * 2 ** 16 + 256 + 128, 192 * 2 ** 24 + 168 * 2 ** 16 + 256 + 255, 25],
    ['172.16.0.0/12', 172 * 2 ** 24 + 16 * 2 ** 16, 172 * 2 ** 24 + 31 * 2 ** 16 + 65_535, 12],
  ])('%s spans %d to %d', (text, first, last, prefix) => {
    expect(cidr(text)).toEqual({ cidr: text, first, last, prefix });
  });

  test.each([
    'abc',
    '',
    '10.0.0.0',
    '10.0.0/16',
    '10.0.0.0/',
    '10.0.0.0/33',
    '10.0.0.0/99',
    '10.0.0.0/-1',
    '300.0.0.0/16',
    '10.256.0.0/16',
    '10.0.0.1000/32',
    ' 10.0.0.0/16',
    '10.0.0.0/16 ',
    '10.0.0.0.0/16',
    '::/0',
  ])('refuses the malformed CIDR %j, naming prop, value and the expected form', (text) => {
    expect(() => cidr(text)).toThrow(PropError);
    expect(() => cidr(text)).toThrow(`Scope: invalid cidr ${JSON.stringify(text)}: expected an IPv4 CIDR block such as "203.0.113.0/24"`);
  });

  test.each([
    ['10.0.0.1/16', '10.0.0.0/16'],
    ['10.0.5.0/16', '10.0.0.0/16'],
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['192.168.1.130/25', '192.168.1.128/25'],
    ['203.0.113.7/24', '203.0.113.0/24'],
    ['172.31.255.255/12', '172.16.0.0/12'],
    ['1.2.3.4/0', '0.0.0.0/0'],
  ])('refuses %s (host bits set) and suggests the network address %s', (text, network) => {
    expect(() => cidr(text)).toThrow(PropError);
    expect(() => cidr(text)).toThrow(`Scope: invalid cidr "${text}": host bits are set; the network address is "${network}"`);
  });

  test('the suggested network address itself parses', () => {
    const message = errorOf(() => cidr('192.168.1.130/25')).message;
    const suggested = /the network address is "([^"]+)"/.exec(message)![1];
    expect(cidr(suggested)).toMatchObject({ cidr: '192.168.1.128/25', prefix: 25 });
  });
});

describe('rangesOverlap', () => {
  test.each([
    ['identical blocks', '10.0.0.0/24', '10.0.0.0/24'],
    ['a block inside another', '10.0.0.0/16', '10.0.3.0/24'],
    ['a single address inside a block', '10.0.0.0/24', '10.0.0.255/32'],
    ['everything and anything', '0.0.0.0/0', '203.0.113.0/24'],
  ])('true for %s, in either order', (_name, a, b) => {
    expect(rangesOverlap(cidr(a), cidr(b))).toBe(true);
    expect(rangesOverlap(cidr(b), cidr(a))).toBe(true);
  });

  test.each([
    ['adjacent blocks', '10.0.0.0/24', '10.0.1.0/24'],
    ['the two halves of a /24', '10.0.0.0/25', '10.0.0.128/25'],
    ['far apart blocks', '10.0.0.0/8', '192.168.0.0/16'],
    ['neighbouring single addresses', '203.0.113.1/32', '203.0.113.2/32'],
  ])('false for %s, in either order', (_name, a, b) => {
    expect(rangesOverlap(cidr(a), cidr(b))).toBe(false);
    expect(rangesOverlap(cidr(b), cidr(a))).toBe(false);
  });
});

describe('parseIpv6Cidr', () => {
  const TOP = 2n ** 128n - 1n;
  const DB8 = 0x20010db8n * 2n ** 96n;

  test.each<[string, bigint, bigint, number]>([
    ['2001:db8::/32', DB8, DB8 + 2n ** 96n - 1n, 32],
    ['2001:0DB8:0000:0000:0000:0000:0000:0000/32', DB8, DB8 + 2n ** 96n - 1n, 32],
    ['2001:db8:0:0:0:0:0:1/128', DB8 + 1n, DB8 + 1n, 128],
    ['2001:db8::1/128', DB8 + 1n, DB8 + 1n, 128],
    ['::/0', 0n, TOP, 0],
    ['::1/128', 1n, 1n, 128],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128', TOP, TOP, 128],
    ['fe80::/10', 0xfe80n * 2n ** 112n, 0xfe80n * 2n ** 112n + 2n ** 118n - 1n, 10],
    ['1:2:3:4:5:6:7::/128', 0x0001000200030004000500060007_0000n, 0x0001000200030004000500060007_0000n, 128],
  ])('%s spans %d to %d', (text, first, last, prefix) => {
    expect(cidr6(text)).toEqual({ cidr: text, first, last, prefix });
  });

  test.each([
    'abc',
    '',
    '2001:db8::',
    '2001:db8::/',
    '2001:db8::/129',
    '2001:db8::/-1',
    '2001:db8::g/32',
    '12345::/16',
    '2001:db8::1::/64',
    ':::/0',
    ':1:2:3:4:5:6:7/128',
    '1:2:3:4:5:6:7:/128',
    '1:2:3:4:5:6:7/128',
    '1:2:3:4:5:6:7:8:9/128',
    '1:2:3:4:5:6:7:8::/128',
    '::ffff:192.0.2.0/120',
    ' 2001:db8::/32',
    '2001:db8::/32 ',
    '10.0.0.0/8',
  ])('refuses the malformed CIDR %j, naming prop, value and the expected form', (text) => {
    expect(() => cidr6(text)).toThrow(PropError);
    expect(() => cidr6(text)).toThrow(`Scope: invalid cidr ${JSON.stringify(text)}: expected an IPv6 CIDR block such as "2001:db8::/32"`);
  });

  test.each([
    ['2001:db8:1:2::/32', '2001:db8::/32'],
    ['2001:db8::1/64', '2001:db8::/64'],
    ['2001:DB8:0:0:1:0:0:1/96', '2001:db8:0:0:1::/96'],
    ['1:0:0:2:0:0:0:3/64', '1:0:0:2::/64'],
    ['1:0:0:2:0:0:3:5/127', '1::2:0:0:3:4/127'], // equal zero runs: the first one is shortened,
    ['fe80::1/10', 'fe80::/10'],
    ['ffff::/0', '::/0'],
    ['1:2:3:4:5:6:7:9/112', '1:2:3:4:5:6:7:0/112'],
  ])('refuses %s (host bits set) and suggests the network address %s', (text, network) => {
    expect(() => cidr6(text)).toThrow(PropError);
    expect(() => cidr6(text)).toThrow(`Scope: invalid cidr "${text}": host bits are set; the network address is "${network}"`);
  });

  test('the suggested network address itself parses, to the same block', () => {
    const message = errorOf(() => cidr6('2001:db8:0:0:1:0:0:1/96')).message;
    const suggested = /the network address is "([^"]+)"/.exec(message)![1];
    expect(cidr6(suggested)).toMatchObject({ first: cidr6('2001:db8:0:0:1::/96').first, prefix: 96 });
  });

  test('overlap works as for IPv4', () => {
    expect(rangesOverlap(cidr6('2001:db8::/32'), cidr6('2001:db8:ffff::/48'))).toBe(true);
    expect(rangesOverlap(cidr6('2001:db8::/48'), cidr6('2001:db8:1::/48'))).toBe(false);
    expect(rangesOverlap(cidr6('::/1'), cidr6('8000::/1'))).toBe(false);
  });

  test('isIpv6Cidr reads any entry with a colon as IPv6', () => {
    expect(isIpv6Cidr('2001:db8::/32')).toBe(true);
    expect(isIpv6Cidr('::/0')).toBe(true);
    expect(isIpv6Cidr('203.0.113.0/24')).toBe(false);
    expect(isIpv6Cidr('example.com')).toBe(false);
  });
});

describe('validateIpCidrList', () => {
  const BOTH = 'expected an IPv4 CIDR block such as "203.0.113.0/24" or an IPv6 CIDR block such as "2001:db8::/32"';

  test('splits a mixed list by family, each in list order', () => {
    const { ipv4, ipv6 } = validateIpCidrList(scope, 'list', ['2001:db8::/32', '203.0.113.0/24', 'fe80::/10', '10.0.0.0/8']);
    expect(ipv4.map(r => r.cidr)).toEqual(['203.0.113.0/24', '10.0.0.0/8']);
    expect(ipv6.map(r => r.cidr)).toEqual(['2001:db8::/32', 'fe80::/10']);
  });

  test('returns nothing for undefined, an empty list and an unresolved list', () => {
    for (const list of [undefined, [], Token.asList({ Ref: 'Cidrs' })]) {
      expect(validateIpCidrList(scope, 'list', list)).toEqual({ ipv4: [], ipv6: [] });
    }
  });

  test.each(['203.0.113.0/40', '300.0.0.0/16', 'example.com', '2001:db8::/129', '2001:db8::g/32', '2001:db8::1::/64', '2001:db8::'])(
    'refuses the malformed entry %j, naming the list prop, the entry and both allowed forms', (text) => {
      expect(() => validateIpCidrList(scope, 'list', ['203.0.113.0/24', '2001:db8::/32', text]))
        .toThrow(`Scope: invalid list ${JSON.stringify(text)}: ${BOTH}`);
    });

  test('refuses host bits in either family', () => {
    expect(() => validateIpCidrList(scope, 'list', ['203.0.113.9/24']))
      .toThrow('Scope: invalid list "203.0.113.9/24": host bits are set; the network address is "203.0.113.0/24"');
    expect(() => validateIpCidrList(scope, 'list', ['2001:db8::9/64']))
      .toThrow('Scope: invalid list "2001:db8::9/64": host bits are set; the network address is "2001:db8::/64"');
  });

  test.each([
    ['an IPv4 duplicate', ['203.0.113.0/24', '2001:db8::/32', '203.0.113.0/24'], '203.0.113.0/24', '203.0.113.0/24'],
    ['an IPv6 block inside an earlier one', ['2001:db8::/32', '10.0.0.0/8', '2001:db8:5::/48'], '2001:db8:5::/48', '2001:db8::/32'],
    ['the same IPv6 block written two ways', ['2001:db8::/32', '2001:0db8:0:0:0:0:0:0/32'], '2001:0db8:0:0:0:0:0:0/32', '2001:db8::/32'],
  ])('refuses %s, naming both overlapping entries', (_name, list, later, earlier) => {
    expect(() => validateIpCidrList(scope, 'list', list))
      .toThrow(`Scope: invalid list "${later}": it overlaps "${earlier}" in the same list; list each address range once`);
  });

  test('blocks of different families never overlap', () => {
    const { ipv4, ipv6 } = validateIpCidrList(scope, 'list', ['0.0.0.0/1', '::/1', '128.0.0.0/1', '8000::/1']);
    expect([ipv4.length, ipv6.length]).toEqual([2, 2]);
  });

  test('skips unresolved entries but still checks the others', () => {
    const token = Token.asString({ Ref: 'Cidr' });
    expect(validateIpCidrList(scope, 'list', [token, '2001:db8::/32']).ipv6.map(r => r.cidr)).toEqual(['2001:db8::/32']);
    expect(() => validateIpCidrList(scope, 'list', [token, 'bad'])).toThrow('Scope: invalid list "bad"');
  });
});

describe('validateIpCidrList with IPv4 lists', () => {
  test('returns the parsed ranges of a valid list, in order', () => {
    const ranges = validateIpCidrList(scope, 'list', ['203.0.113.0/24', '198.51.100.7/32', '10.0.0.0/8']).ipv4;
    expect(ranges.map(r => r.cidr)).toEqual(['203.0.113.0/24', '198.51.100.7/32', '10.0.0.0/8']);
    expect(ranges[1]).toMatchObject({ first: ranges[1].last, prefix: 32 });
  });

  test('returns nothing for undefined and an empty list', () => {
    expect(validateIpCidrList(scope, 'list', undefined)).toEqual({ ipv4: [], ipv6: [] });
    expect(validateIpCidrList(scope, 'list', [])).toEqual({ ipv4: [], ipv6: [] });
  });

  test('refuses a malformed entry, naming the list prop and the entry', () => {
    expect(() => validateIpCidrList(scope, 'list', ['203.0.113.0/24', '203.0.113.0/40']))
      .toThrow('Scope: invalid list "203.0.113.0/40": expected an IPv4 CIDR block');
  });

  test('refuses an entry with host bits set', () => {
    expect(() => validateIpCidrList(scope, 'list', ['203.0.113.9/24']))
      .toThrow('Scope: invalid list "203.0.113.9/24": host bits are set; the network address is "203.0.113.0/24"');
  });

  test.each([
    ['a duplicate', ['203.0.113.0/24', '198.51.100.0/24', '203.0.113.0/24'], '203.0.113.0/24', '203.0.113.0/24'],
    ['a block inside an earlier one', ['203.0.113.0/24', '203.0.113.128/25'], '203.0.113.128/25', '203.0.113.0/24'],
    ['a block around an earlier one', ['203.0.113.5/32', '203.0.113.0/24'], '203.0.113.0/24', '203.0.113.5/32'],
  ])('refuses %s, naming both overlapping entries', (_name, list, later, earlier) => {
    expect(() => validateIpCidrList(scope, 'list', list))
      .toThrow(`Scope: invalid list "${later}": it overlaps "${earlier}" in the same list; list each address range once`);
  });

  test('accepts adjacent blocks', () => {
    expect(validateIpCidrList(scope, 'list', ['10.0.0.0/25', '10.0.0.128/25']).ipv4).toHaveLength(2);
  });

  test('skips an unresolved list', () => {
    expect(validateIpCidrList(scope, 'list', Token.asList({ Ref: 'Cidrs' }))).toEqual({ ipv4: [], ipv6: [] });
    expect(validateIpCidrList(scope, 'list', Lazy.list({ produce: () => ['bad'] }))).toEqual({ ipv4: [], ipv6: [] });
  });

  test('skips unresolved entries but still checks the others', () => {
    const token = Token.asString({ Ref: 'Cidr' });
    expect(validateIpCidrList(scope, 'list', [token, '203.0.113.0/24']).ipv4.map(r => r.cidr)).toEqual(['203.0.113.0/24']);
    expect(() => validateIpCidrList(scope, 'list', [token, 'bad'])).toThrow('Scope: invalid list "bad"');
  });
});

describe('validateDomainName', () => {
  const label63 = 'a'.repeat(63);

  test.each([
    'georgi.io',
    'dev.georgi.io',
    'a.io',
    'my-app.example.com',
    '1password.com',
    'x1.y2.z3.example.org',
    `${label63}.io`,
    // 253 characters: the longest domain name DNS allows
    `${label63}.${label63}.${label63}.${'b'.repeat(58)}.io`,
  ])('accepts %j', (name) => {
    expect(() => validateDomainName(scope, 'domainName', name)).not.toThrow();
  });

  test.each([
    ['upper case', 'Georgi.IO'],
    ['a single label', 'georgi'],
    ['a leading hyphen', '-bad.io'],
    ['a trailing hyphen in a label', 'bad-.io'],
    ['an empty label', 'a..b.io'],
    ['a trailing dot', 'georgi.io.'],
    ['a leading dot', '.georgi.io'],
    ['a one-letter top-level domain', 'georgi.i'],
    ['a numeric top-level domain', 'georgi.123'],
    ['a space', 'geo rgi.io'],
    ['an underscore', 'geo_rgi.io'],
    ['a scheme', 'https://georgi.io'],
    ['a wildcard', '*.georgi.io'],
    ['a label of 64 characters', `${'a'.repeat(64)}.io`],
    ['254 characters', `${label63}.${label63}.${label63}.${'b'.repeat(59)}.io`],
    ['an empty string', ''],
  ])('refuses %s (%j), naming prop, value and the expected form', (_name, name) => {
    expect(() => validateDomainName(scope, 'domainName', name)).toThrow(PropError);
    expect(() => validateDomainName(scope, 'domainName', name))
      .toThrow(`Scope: invalid domainName ${JSON.stringify(name)}: expected a lower-case fully qualified domain name such as "georgi.io"`);
  });
});

describe('validateDnsName', () => {
  test.each(['ab', 'georgi', 'a1', 'my-platform', 'a-b-c', 'x'.repeat(32)])('accepts %j with maxLength 32', (name) => {
    expect(() => validateDnsName(scope, 'platformName', name, 32)).not.toThrow();
  });

  test.each([
    ['upper case', 'Georgi'],
    ['a leading digit', '1abc'],
    ['a leading hyphen', '-abc'],
    ['a trailing hyphen', 'ends-'],
    ['one character', 'a'],
    ['no characters', ''],
    ['33 characters', 'x'.repeat(33)],
    ['an underscore', 'has_underscore'],
    ['a slash', '/slash'],
    ['a dot', 'a.b'],
    ['a space', 'a b'],
  ])('refuses %s (%j), naming prop, value and the allowed form', (_name, name) => {
    expect(() => validateDnsName(scope, 'platformName', name, 32)).toThrow(PropError);
    expect(() => validateDnsName(scope, 'platformName', name, 32)).toThrow(
      `Scope: invalid platformName ${JSON.stringify(name)}: expected 2-32 characters of a-z, 0-9 and "-", starting with a letter and not ending with "-"`);
  });

  test.each(['a--b', 'my--platform', 'a---b'])('refuses consecutive hyphens in %j', (name) => {
    expect(() => validateDnsName(scope, 'platformName', name, 32))
      .toThrow(`Scope: invalid platformName ${JSON.stringify(name)}: consecutive hyphens are not allowed`);
  });

  test('honours maxLength', () => {
    expect(() => validateDnsName(scope, 'serviceName', 'abcde', 5)).not.toThrow();
    expect(() => validateDnsName(scope, 'serviceName', 'abcdef', 5))
      .toThrow('Scope: invalid serviceName "abcdef": expected 2-5 characters');
  });
});

describe('validateEmail', () => {
  test.each([
    'ops@georgi.io',
    'first.last+alerts@mail.example.co.uk',
    "o'brien@example.com",
    'OPS@GEORGI.IO',
    'a@b.io',
  ])('accepts %j', (email) => {
    expect(() => validateEmail(scope, 'alarmEmails', email)).not.toThrow();
  });

  test.each([
    'ops@',
    'not-an-email',
    'a b@c.io',
    '@georgi.io',
    'ops@georgi',
    'ops@@georgi.io',
    'ops@-georgi.io',
    'ops@georgi..io',
    'ops@georgi.io.',
    'ops@georgi.io ',
    '',
    `${'a'.repeat(245)}@georgi.io`,
  ])('refuses %j, naming prop, value and an example', (email) => {
    expect(() => validateEmail(scope, 'alarmEmails', email)).toThrow(PropError);
    expect(() => validateEmail(scope, 'alarmEmails', email))
      .toThrow(`Scope: invalid alarmEmails ${JSON.stringify(email)}: expected an e-mail address such as "ops@georgi.io"`);
  });
});

describe('validateRetention', () => {
  test.each([
    logs.RetentionDays.ONE_DAY,
    logs.RetentionDays.FIVE_DAYS,
    logs.RetentionDays.ONE_MONTH,
    logs.RetentionDays.THIRTEEN_MONTHS,
    logs.RetentionDays.TEN_YEARS,
    logs.RetentionDays.INFINITE,
  ])('accepts RetentionDays value %d', (days) => {
    expect(() => validateRetention(scope, 'logRetention', days)).not.toThrow();
  });

  test('5 is RetentionDays.FIVE_DAYS, a retention CloudWatch Logs offers', () => {
    expect(logs.RetentionDays.FIVE_DAYS).toBe(5);
    expect(() => validateRetention(scope, 'logRetention', 5 as logs.RetentionDays)).not.toThrow();
  });

  test.each([0, 2, 4, 6, 31, 366, 10_000, -1, 1.5])('refuses %d, listing the periods CloudWatch Logs offers', (days) => {
    const message = errorOf(() => validateRetention(scope, 'logRetention', days as logs.RetentionDays)).message;
    expect(message).toContain(`Scope: invalid logRetention ${days}: CloudWatch Logs offers only these retention periods (days): 1, 3, 5, 7, 14, 30,`);
    expect(message).toContain('3653, or RetentionDays.INFINITE');
    // INFINITE is named, not listed as a number of days
    expect(message).not.toContain('9999');
  });
});

describe('validateIntegerRange', () => {
  test.each([2, 4, 6, undefined])('accepts %p in 2..6', (value) => {
    expect(() => validateIntegerRange(scope, 'maxAzs', value, 2, 6)).not.toThrow();
  });

  test.each([1, 7, 0, -2, 2.5])('refuses %p outside 2..6 or not whole', (value) => {
    expect(() => validateIntegerRange(scope, 'maxAzs', value, 2, 6))
      .toThrow(`Scope: invalid maxAzs ${value}: expected a whole number from 2 to 6`);
  });

  test.each([NaN, Infinity])('refuses %p', (value) => {
    expect(() => validateIntegerRange(scope, 'maxAzs', value, 2, 6)).toThrow(/^Scope: invalid maxAzs .*: expected a whole number from 2 to 6$/);
  });
});

describe('validatePositive', () => {
  test.each([0.01, 1, 100, 1e9, undefined])('accepts %p', (value) => {
    expect(() => validatePositive(scope, 'monthlyBudgetUsd', value)).not.toThrow();
  });

  test.each([0, -10, -0.01])('refuses %p', (value) => {
    expect(() => validatePositive(scope, 'monthlyBudgetUsd', value))
      .toThrow(`Scope: invalid monthlyBudgetUsd ${value}: expected a number greater than zero`);
  });

  test.each([NaN, Infinity, -Infinity])('refuses %p', (value) => {
    expect(() => validatePositive(scope, 'monthlyBudgetUsd', value)).toThrow(/^Scope: invalid monthlyBudgetUsd .*: expected a number greater than zero$/);
  });
});

describe('unresolved tokens are skipped by every validator', () => {
  const str = () => Token.asString({ Ref: 'X' });
  const num = () => Token.asNumber({ Ref: 'X' });

  test.each<[string, () => void]>([
    ['validateDomainName (Ref)', () => validateDomainName(scope, 'domainName', str())],
    ['validateDomainName (Lazy)', () => validateDomainName(scope, 'domainName', Lazy.string({ produce: () => 'NOT A DOMAIN' }))],
    ['validateDomainName (embedded token)', () => validateDomainName(scope, 'domainName', `dev.${str()}`)],
    ['validateDnsName (Ref)', () => validateDnsName(scope, 'platformName', str(), 32)],
    ['validateDnsName (Lazy)', () => validateDnsName(scope, 'platformName', Lazy.string({ produce: () => 'Bad_Name' }), 32)],
    ['validateEmail (Ref)', () => validateEmail(scope, 'alarmEmails', str())],
    ['validateEmail (Lazy)', () => validateEmail(scope, 'alarmEmails', Lazy.string({ produce: () => 'not-an-email' }))],
    ['validateRetention (Ref)', () => validateRetention(scope, 'logRetention', num())],
    ['validateRetention (Lazy)', () => validateRetention(scope, 'logRetention', Lazy.number({ produce: () => 4 }))],
    ['validateIntegerRange (Ref)', () => validateIntegerRange(scope, 'maxAzs', num(), 2, 6)],
    ['validateIntegerRange (Lazy)', () => validateIntegerRange(scope, 'maxAzs', Lazy.number({ produce: () => 99 }), 2, 6)],
    ['validatePositive (Ref)', () => validatePositive(scope, 'monthlyBudgetUsd', num())],
    ['validatePositive (Lazy)', () => validatePositive(scope, 'monthlyBudgetUsd', Lazy.number({ produce: () => -1 }))],
    ['validateIpCidrList (list token)', () => validateIpCidrList(scope, 'list', Token.asList({ Ref: 'X' }))],
    ['validateIpCidrList (Lazy list)', () => validateIpCidrList(scope, 'list', Lazy.list({ produce: () => ['bad'] }))],
    ['validateIpCidrList (string token entry)', () => validateIpCidrList(scope, 'list', [str()])],
  ])('%s', (_name, fn) => {
    expect(fn).not.toThrow();
  });

  test('each of those validators does refuse the same kind of value when it is a literal', () => {
    expect(() => validateDomainName(scope, 'domainName', 'NOT A DOMAIN')).toThrow(PropError);
    expect(() => validateDnsName(scope, 'platformName', 'Bad_Name', 32)).toThrow(PropError);
    expect(() => validateEmail(scope, 'alarmEmails', 'not-an-email')).toThrow(PropError);
    expect(() => validateRetention(scope, 'logRetention', 4 as logs.RetentionDays)).toThrow(PropError);
    expect(() => validateIntegerRange(scope, 'maxAzs', 99, 2, 6)).toThrow(PropError);
    expect(() => validatePositive(scope, 'monthlyBudgetUsd', -1)).toThrow(PropError);
    expect(() => validateIpCidrList(scope, 'list', ['bad'])).toThrow(PropError);
  });
});
