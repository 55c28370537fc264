import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { BudgetThreshold, CostBudget, GlobalPlatform, GlobalPlatformProps, NatType, StaticSite } from '../../src';
import { errorOf } from '../helpers/errors';
import { georgiPlatform } from '../helpers/fixtures';

const ACCOUNT = '123456789012';

function makeStack(region = 'us-east-1', crossRegionReferences?: boolean): Stack {
  return new Stack(new App(), 'S', { env: { account: ACCOUNT, region }, crossRegionReferences });
}

function build(overrides: Partial<GlobalPlatformProps> = {}, stack: Stack = makeStack()): GlobalPlatform {
  return georgiPlatform(stack, { ...overrides });
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Matches a PropError of the platform: construct path, prop, the bad value (as JSON) and the
 * start of what is allowed.
 */
function propError(prop: string, value: unknown, allowed: string): RegExp {
  return new RegExp(escape(`S/Platform: invalid ${prop} ${JSON.stringify(value)}: ${allowed}`));
}

/** Matches any of the platform's PropErrors. */
const ANY_PROP_ERROR = /S\/Platform: invalid [\w.]+ /;

describe('domainName', () => {
  test.each([
    ['upper case', 'Georgi.IO'],
    ['no top-level domain', 'georgi'],
    ['a leading hyphen', '-bad.io'],
    ['an empty label', 'a..b.io'],
    ['a trailing dot', 'georgi.io.'],
    ['a scheme', 'https://georgi.io'],
  ])('refuses %s (%j)', (_name, domainName) => {
    expect(() => build({ domainName })).toThrow(
      propError('domainName', domainName, 'expected a lower-case fully qualified domain name such as "georgi.io"'));
  });

  test('skips an unresolved domain name (no validation error, whatever happens later)', () => {
    expect(() => build({ domainName: Token.asString({ Ref: 'Domain' }) })).not.toThrow(ANY_PROP_ERROR);
  });
});

describe('platformName', () => {
  test.each([
    ['upper case', 'Georgi'],
    ['a leading digit', '1abc'],
    ['one character', 'a'],
    ['an underscore', 'has_underscore'],
    ['a trailing hyphen', 'ends-'],
    ['33 characters', 'p'.repeat(33)],
    ['a slash (SSM path)', '/slash'],
    ['a dot', 'georgi.io'],
  ])('refuses %s (%j)', (_name, platformName) => {
    expect(() => build({ platformName })).toThrow(
      propError('platformName', platformName, 'expected 2-32 characters of a-z, 0-9 and "-", starting with a letter and not ending with "-"'));
  });

  test('refuses consecutive hyphens', () => {
    expect(() => build({ platformName: 'a--b' })).toThrow(propError('platformName', 'a--b', 'consecutive hyphens are not allowed'));
  });

  test('accepts 32 characters', () => {
    expect(() => build({ platformName: 'p'.repeat(32) })).not.toThrow();
  });
});

describe('region', () => {
  test('refuses an environment-agnostic stack, asking for an explicit region', () => {
    const agnostic = new Stack(new App(), 'S');
    expect(Token.isUnresolved(agnostic.region)).toBe(true);
    expect(() => build({}, agnostic)).toThrow(
      /S\/Platform: invalid stack region "\(unresolved\)": GlobalPlatform needs a stack with an explicit region \(env: \{ account, region \}\).*us-east-1/);
  });

  test('outside us-east-1 with crossRegionReferences, creates the sibling stack <stackName>-edge in us-east-1', () => {
    const stack = makeStack('eu-central-1', true);
    const platform = build({}, stack);
    const edge = platform.edgeStack!;
    expect(edge).toBeInstanceOf(Stack);
    expect(edge.stackName).toBe('S-edge');
    expect(edge.region).toBe('us-east-1');
    expect(edge.account).toBe(ACCOUNT);
    expect(edge.node.scope).toBe(stack.node.scope);
    expect(stack.node.root.node.tryFindChild('S-edge')).toBe(edge);
  });

  test('outside us-east-1 with an edgeCertificate and no WAF, needs neither crossRegionReferences nor an edge stack', () => {
    const stack = makeStack('eu-central-1');
    const edgeCertificate = acm.Certificate.fromCertificateArn(stack, 'Edge', `arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc`);
    const platform = build({ edgeCertificate }, stack);
    expect(platform.edgeStack).toBeUndefined();
    expect(stack.node.root.node.tryFindChild('S-edge')).toBeUndefined();
  });

  test('refuses, outside us-east-1, a hosted zone created in the platform stack (it would make the stacks depend on each other)', () => {
    const stack = makeStack('eu-central-1', true);
    const zone = new route53.PublicHostedZone(stack, 'Zone', { zoneName: 'georgi.io' });
    expect(() => build({ hostedZone: zone }, stack)).toThrow(
      /S\/Platform: invalid hostedZone "S\/Zone": a zone created in the platform's own stack cannot validate the CloudFront certificate .*import the zone/);
  });

  test('accepts, outside us-east-1, an imported hosted zone', () => {
    const stack = makeStack('eu-central-1', true);
    const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', { hostedZoneId: 'Z1', zoneName: 'georgi.io' });
    expect(() => build({ hostedZone: zone }, stack)).not.toThrow();
  });

  test('in us-east-1 creates no edge stack', () => {
    const platform = build();
    expect(platform.edgeStack).toBeUndefined();
  });
});

describe('network', () => {
  test.each(['Georgi.Internal', 'internal.', 'bad_name.internal', '-x.internal'])('refuses namespaceName %j', namespaceName => {
    expect(() => build({ namespaceName })).toThrow(propError('namespaceName', namespaceName,
      'expected a lower-case fully qualified domain name such as "georgi.io"'));
  });

  test('refuses maxAzs together with availabilityZones', () => {
    expect(() => build({ maxAzs: 2, availabilityZones: ['us-east-1b', 'us-east-1c'] }))
      .toThrow(propError('maxAzs', 2, 'set either maxAzs or availabilityZones, not both'));
  });

  test.each([
    [['us-east-1b'], ['us-east-1b'], 'expected 2 to 6 zones'],
    [['us-east-1b', 'use1-az1'], 'use1-az1', 'expected a zone name such as "us-east-1b"'],
    [['us-east-1b', 'eu-central-1a'], 'eu-central-1a', 'expected a zone of the platform\'s Region us-east-1, such as "us-east-1a"'],
    [['us-east-1b', 'us-east-1b'], 'us-east-1b', 'list each zone once'],
  ])('refuses availabilityZones %j', (zones, value, allowed) => {
    expect(() => build({ availabilityZones: zones })).toThrow(propError('availabilityZones', value, allowed));
  });

  test('refuses a token list of availabilityZones (subnets are laid out at synth time)', () => {
    expect(() => build({ availabilityZones: Token.asList({ Ref: 'Zones' }) }))
      .toThrow(propError('availabilityZones', '(a token)', 'expected the zone names themselves'));
  });

  test('natGateways may not exceed the number of availabilityZones', () => {
    expect(() => build({ availabilityZones: ['us-east-1b', 'us-east-1c'], natGateways: 3 })).toThrow(propError('natGateways', 3, 'at most one per Availability Zone'));
    expect(() => build({ availabilityZones: ['us-east-1b', 'us-east-1c', 'us-east-1d'], natGateways: 3 })).not.toThrow();
  });

  test.each([1, 7, 2.5])('refuses maxAzs %p (fewer than two AZs, more than six, or not whole)', (maxAzs) => {
    expect(() => build({ maxAzs })).toThrow(propError('maxAzs', maxAzs, 'expected a whole number from 2 to 6'));
  });

  test('refuses more NAT gateways than AZs', () => {
    expect(() => build({ maxAzs: 2, natGateways: 3 })).toThrow(
      propError('natGateways', 3, 'at most one per Availability Zone (maxAzs is 2)'));
  });

  test('refuses more NAT gateways than the default two AZs', () => {
    expect(() => build({ natGateways: 3 })).toThrow(propError('natGateways', 3, 'at most one per Availability Zone (maxAzs is 2)'));
  });

  test.each([undefined, false])('refuses NatType.NONE with interfaceEndpoints %p', interfaceEndpoints => {
    expect(() => build({ natType: NatType.NONE, interfaceEndpoints })).toThrow(
      propError('interfaceEndpoints', false, 'must be true with NatType.NONE: without a NAT the service subnets reach AWS only through VPC endpoints'));
  });

  test('refuses NAT gateways with NatType.NONE', () => {
    expect(() => build({ natType: NatType.NONE, natGateways: 1 })).toThrow(
      propError('natGateways', 1, 'must be 0 or unset with NatType.NONE'));
  });

  test('refuses natGateways 0 with NatType.GATEWAY, pointing to NatType.NONE', () => {
    expect(() => build({ natType: NatType.GATEWAY, natGateways: 0 })).toThrow(
      propError('natGateways', 0, 'at least 1 with NatType.GATEWAY; use NatType.NONE or NatType.PUBLIC_TASKS for no NAT'));
  });

  test('refuses natGateways 0 with a NAT instance', () => {
    expect(() => build({ natType: NatType.instance(), natGateways: 0 })).toThrow(
      propError('natGateways', 0, 'at least 1 with NatType.INSTANCE; use NatType.NONE or NatType.PUBLIC_TASKS for no NAT'));
  });

  test('refuses natGateways 0 with the default NAT type (NatType.GATEWAY) just as with an explicit one', () => {
    expect(() => build({ natGateways: 0 })).toThrow(
      propError('natGateways', 0, 'at least 1 with NatType.GATEWAY; use NatType.NONE or NatType.PUBLIC_TASKS for no NAT'));
  });

  test('refuses natGateways above six', () => {
    expect(() => build({ maxAzs: 6, natGateways: 7 })).toThrow(propError('natGateways', 7, 'expected a whole number from 0 to 6'));
  });

  test.each(['10.0.0.0/33', '300.0.0.0/16', 'abc', '10.0.0.0'])('refuses the malformed vpcCidr %j', (vpcCidr) => {
    expect(() => build({ vpcCidr })).toThrow(propError('vpcCidr', vpcCidr, 'expected an IPv4 CIDR block such as "203.0.113.0/24"'));
  });

  test('refuses a vpcCidr with host bits set and names the network address', () => {
    expect(() => build({ vpcCidr: '10.0.0.1/16' })).toThrow(
      propError('vpcCidr', '10.0.0.1/16', 'host bits are set; the network address is "10.0.0.0/16"'));
  });

  test.each(['8.8.0.0/16', '172.32.0.0/16', '192.169.0.0/16', '11.0.0.0/16'])('refuses the public (non RFC 1918) vpcCidr %j', (vpcCidr) => {
    expect(() => build({ vpcCidr })).toThrow(
      propError('vpcCidr', vpcCidr, 'expected a private (RFC 1918) block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16'));
  });

  test.each([
    ['10.0.0.0/24', 2],
    ['10.0.0.0/19', 2],
    ['10.0.0.0/18', 4],
    ['10.0.0.0/8', 2],
  ])('refuses the vpcCidr %j with maxAzs %d as too small (or larger than a VPC can be)', (vpcCidr, maxAzs) => {
    expect(() => build({ vpcCidr, maxAzs })).toThrow(propError('vpcCidr', vpcCidr, 'expected a /16 to /'));
    expect(() => build({ vpcCidr, maxAzs })).toThrow(`room for a /24 public and a /20 private subnet in each of ${maxAzs} AZs`);
  });

  test.each([2, 4])('every block size the too-small vpcCidr message advertises is accepted (maxAzs %d)', (maxAzs) => {
    const message = errorOf(() => build({ vpcCidr: '10.0.0.0/24', maxAzs })).message;
    const [, from, to] = /a \/(\d+) to \/(\d+) block/.exec(message)!.map(Number);
    for (let prefix = from; prefix <= to; prefix++) {
      expect(() => build({ vpcCidr: `10.0.0.0/${prefix}`, maxAzs })).not.toThrow();
    }
  });

  test.each<[string, Partial<GlobalPlatformProps>]>([
    ['3 AZs with 3 NAT gateways', { maxAzs: 3, natGateways: 3 }],
    ['vpcCidr 172.16.0.0/16', { vpcCidr: '172.16.0.0/16' }],
    ['vpcCidr 192.168.0.0/16', { vpcCidr: '192.168.0.0/16' }],
    ['a /18 for 3 AZs', { vpcCidr: '10.20.0.0/18', maxAzs: 3 }],
    ['NatType.NONE without natGateways', { natType: NatType.NONE, interfaceEndpoints: true }],
    ['NatType.NONE with natGateways 0', { natType: NatType.NONE, natGateways: 0, interfaceEndpoints: true }],
    ['two NAT instances', { natType: NatType.instance(), natGateways: 2 }],
  ])('accepts %s', (_name, overrides) => {
    expect(() => build(overrides)).not.toThrow();
  });
});

describe('front door and long-lived connections', () => {
  test.each(['ws/x', '/ws', 'WS', '-ws', ''])('refuses the suffix %j (not one lower-case path segment)', (suffix) => {
    expect(() => build({ longLivedConnections: { pathSuffixes: ['mcp', suffix] } })).toThrow(
      propError('longLivedConnections.pathSuffixes', suffix, 'expected one path segment of a-z, 0-9, ".", "_" and "-" without slashes'));
  });

  test('refuses duplicate suffixes', () => {
    expect(() => build({ longLivedConnections: { pathSuffixes: ['ws', 'mcp', 'ws'] } })).toThrow(
      propError('longLivedConnections.pathSuffixes', 'ws', 'list each suffix once'));
  });

  test.each([0, 11])('refuses %d suffixes', (count) => {
    const suffixes = Array.from({ length: count }, (_, i) => `s${i}`);
    expect(() => build({ longLivedConnections: { pathSuffixes: suffixes } })).toThrow(
      propError('longLivedConnections.pathSuffixes', suffixes, 'expected 1 to 10 path segments'));
  });

  test('refuses an idle timeout of 5000 s (ALB allows at most 4000 s)', () => {
    expect(() => build({ longLivedConnections: { idleTimeout: Duration.seconds(5000) } })).toThrow(
      propError('longLivedConnections.idleTimeout', '5000s', 'expected 1 to 4000 seconds (the ALB limit)'));
  });

  test('refuses a read timeout of 200 s (CloudFront allows at most 120 s)', () => {
    expect(() => build({ longLivedConnections: { readTimeout: Duration.seconds(200) } })).toThrow(
      propError('longLivedConnections.readTimeout', '200s', 'expected 1 to 120 seconds (the CloudFront origin response timeout)'));
  });

  test.each<[string, number, number]>([
    ['throttlingRateLimit', 0, 10_000],
    ['throttlingRateLimit', 10_001, 10_000],
    ['throttlingBurstLimit', 0, 5_000],
    ['throttlingBurstLimit', 5_001, 5_000],
  ])('refuses %s %d', (prop, value, max) => {
    expect(() => build({ [prop]: value })).toThrow(propError(prop, value, `expected a whole number from 1 to ${max}`));
  });

  test('accepts long-lived connections with custom suffixes and timeouts at their limits', () => {
    expect(() => build({
      longLivedConnections: {
        pathSuffixes: ['ws', 'mcp', 'events.v1', 'sse_stream'],
        idleTimeout: Duration.seconds(4000),
        readTimeout: Duration.seconds(120),
      },
    })).not.toThrow();
  });
});

describe('WAF', () => {
  test('refuses waf.rateLimit 5 (WAF needs at least 10)', () => {
    expect(() => build({ waf: { rateLimit: 5 } })).toThrow(
      propError('waf.rateLimit', 5, 'expected a whole number from 10 to 2000000000'));
  });

  test.each<[string, string]>([
    ['allowedIpRanges', '203.0.113.0/40'],
    ['blockedIpRanges', '300.0.0.0/16'],
    ['blockedIpRanges', 'example.com'],
    ['blockedIpRanges', '2001:db8::/129'],
    ['allowedIpRanges', '2001:db8::'],
    ['allowedIpRanges', '2001:db8::g/32'],
    ['blockedIpRanges', '2001:db8::1::/64'],
    ['blockedIpRanges', '2001:db8:0:0:0:0:0:0:0/32'],
    ['allowedIpRanges', '2001:db8:0:0:0:0:0/32'],
    ['allowedIpRanges', '12345::/16'],
    ['blockedIpRanges', '::ffff:192.0.2.0/120'],
  ])('refuses the invalid waf.%s entry %j, naming both allowed forms', (prop, entry) => {
    expect(() => build({ waf: { [prop]: ['198.51.100.0/24', '2001:db8:ffff::/48', entry] } })).toThrow(
      propError(`waf.${prop}`, entry, 'expected an IPv4 CIDR block such as "203.0.113.0/24" or an IPv6 CIDR block such as "2001:db8::/32"'));
  });

  test('refuses an IPv6 WAF CIDR with host bits set and names the network address', () => {
    expect(() => build({ waf: { allowedIpRanges: ['2001:db8:1:2::/32'] } })).toThrow(
      propError('waf.allowedIpRanges', '2001:db8:1:2::/32', 'host bits are set; the network address is "2001:db8::/32"'));
  });

  test('refuses overlapping IPv6 CIDRs within one list, however they are written', () => {
    expect(() => build({ waf: { blockedIpRanges: ['2001:db8::/32', '198.51.100.0/24', '2001:0DB8:0000:00ff::/64'] } })).toThrow(
      propError('waf.blockedIpRanges', '2001:0DB8:0000:00ff::/64', 'it overlaps "2001:db8::/32" in the same list'));
  });

  test('refuses an IPv6 block in both lists, naming both', () => {
    expect(() => build({ waf: { allowedIpRanges: ['203.0.113.0/24', '2001:db8::/32'], blockedIpRanges: ['2001:db8:bad::/48'] } })).toThrow(
      propError('waf.blockedIpRanges', '2001:db8:bad::/48', 'it overlaps "2001:db8::/32" in waf.allowedIpRanges; an address cannot be both allowed and blocked'));
  });

  test('refuses ::/0 in an IP set (AWS WAF supports every IPv6 CIDR range except /0)', () => {
    expect(() => build({ waf: { allowedIpRanges: ['::/0'] } })).toThrow(
      propError('waf.allowedIpRanges', '::/0',
        'AWS WAF IP sets accept /1 to /32 (IPv4) and /1 to /128 (IPv6), not /0; leave waf out instead of listing every address'));
  });

  test('accepts disjoint mixed IPv4 and IPv6 lists, in any notation', () => {
    expect(() => build({
      waf: {
        allowedIpRanges: ['203.0.113.0/24', '2001:db8:1::/64', '0.0.0.0/1', '4000::/2'],
        blockedIpRanges: ['198.51.100.0/24', '2001:DB8:BAD::/48', '2001:db8:2:0:0:0:0:1/128', 'fe80::/10'],
      },
    })).not.toThrow();
  });

  test('refuses a WAF CIDR with host bits set and names the network address', () => {
    expect(() => build({ waf: { blockedIpRanges: ['198.51.100.1/24'] } })).toThrow(
      propError('waf.blockedIpRanges', '198.51.100.1/24', 'host bits are set; the network address is "198.51.100.0/24"'));
  });

  test('refuses overlapping CIDRs within waf.allowedIpRanges, naming both', () => {
    expect(() => build({ waf: { allowedIpRanges: ['203.0.113.0/24', '198.51.100.0/24', '203.0.113.128/25'] } })).toThrow(
      propError('waf.allowedIpRanges', '203.0.113.128/25', 'it overlaps "203.0.113.0/24" in the same list'));
  });

  test('refuses overlapping CIDRs within waf.blockedIpRanges', () => {
    expect(() => build({ waf: { blockedIpRanges: ['198.51.100.0/24', '198.51.100.0/24'] } })).toThrow(
      propError('waf.blockedIpRanges', '198.51.100.0/24', 'it overlaps "198.51.100.0/24" in the same list'));
  });

  test.each([
    ['the same CIDR', ['203.0.113.0/24'], ['203.0.113.0/24'], '203.0.113.0/24', '203.0.113.0/24'],
    ['a blocked address inside an allowed block', ['10.0.0.0/8', '203.0.113.0/24'], ['198.51.100.0/24', '203.0.113.7/32'], '203.0.113.7/32', '203.0.113.0/24'],
  ])('refuses %s in both waf.allowedIpRanges and waf.blockedIpRanges, naming both lists and both CIDRs', (_name, allowed, blocked, bad, clash) => {
    expect(() => build({ waf: { allowedIpRanges: allowed, blockedIpRanges: blocked } })).toThrow(
      propError('waf.blockedIpRanges', bad, `it overlaps "${clash}" in waf.allowedIpRanges; an address cannot be both allowed and blocked`));
  });

  test('refuses 0.0.0.0/0 in an IP set (AWS WAF supports every IPv4 CIDR range except /0)', () => {
    expect(() => build({ waf: { blockedIpRanges: ['0.0.0.0/0'] } })).toThrow(/S\/Platform: invalid waf\.blockedIpRanges "0\.0\.0\.0\/0"/);
  });

  test('accepts a WAF with disjoint allow and block lists', () => {
    expect(() => build({
      waf: {
        rateLimit: 10,
        allowedIpRanges: ['203.0.113.0/25', '203.0.113.128/25'],
        blockedIpRanges: ['198.51.100.0/24'],
      },
    })).not.toThrow();
  });
});

describe('logs and monitoring', () => {
  test.each([4, 31, 0])('refuses logRetention %d (a retention CloudWatch Logs does not offer), listing the offered ones', (days) => {
    expect(() => build({ logRetention: days as logs.RetentionDays })).toThrow(
      propError('logRetention', days, 'CloudWatch Logs offers only these retention periods (days): 1, 3, 5, 7, 14, 30,'));
  });

  test('refuses removalPolicy SNAPSHOT (log groups, buckets and KMS keys have no snapshots)', () => {
    expect(() => build({ removalPolicy: RemovalPolicy.SNAPSHOT })).toThrow(
      propError('removalPolicy', 'snapshot', 'expected RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY'));
  });

  test('accepts logRetention 5: it is RetentionDays.FIVE_DAYS', () => {
    expect(() => build({ logRetention: 5 as logs.RetentionDays })).not.toThrow();
  });

  test.each(['ops@', 'not-an-email', 'a b@c.io'])('refuses the alarm e-mail %j', (email) => {
    expect(() => build({ alarmEmails: ['ops@georgi.io', email] })).toThrow(
      propError('alarmEmails', email, 'expected an e-mail address such as "ops@georgi.io"'));
  });

  test('refuses the same alarm e-mail twice with a message naming alarmEmails', () => {
    expect(() => build({ alarmEmails: ['ops@georgi.io', 'ops@georgi.io'] })).toThrow(/S\/Platform: invalid alarmEmails .*ops@georgi\.io/);
  });

  test('does not report an unresolved list of alarm e-mails as a malformed e-mail address', () => {
    expect(() => build({ alarmEmails: Token.asList({ Ref: 'Emails' }) })).not.toThrow(/invalid alarmEmails "#\{Token\[/);
  });

  test.each([0, 150, -5])('refuses serverErrorRateThresholdPercent %d', (percent) => {
    expect(() => build({ serverErrorRateThresholdPercent: percent })).toThrow(
      propError('serverErrorRateThresholdPercent', percent, 'expected a percentage greater than 0 and at most 100'));
  });

  test('refuses a zero latencyP99Threshold', () => {
    expect(() => build({ latencyP99Threshold: Duration.seconds(0) })).toThrow(
      propError('latencyP99Threshold', '0ms', 'expected a duration greater than zero'));
  });

  test.each([0, 396])('refuses certificateExpiryThresholdDays %d', (days) => {
    expect(() => build({ certificateExpiryThresholdDays: days })).toThrow(
      propError('certificateExpiryThresholdDays', days, 'expected a whole number from 1 to 395'));
  });

  test('accepts monitoring values at their limits', () => {
    expect(() => build({
      alarmEmails: ['ops@georgi.io', 'first.last+alerts@example.co.uk'],
      serverErrorRateThresholdPercent: 100,
      certificateExpiryThresholdDays: 395,
      logRetention: logs.RetentionDays.INFINITE,
    })).not.toThrow();
  });
});

describe('budget', () => {
  test.each([0, -10])('refuses CostBudget.monthly(%d) (a budget of zero or less)', (amount) => {
    expect(() => build({ budget: CostBudget.monthly(amount) })).toThrow(propError('budget.amountUsd', amount, 'expected a number greater than zero'));
  });

  test('refuses the threshold BudgetThreshold.actual(0)', () => {
    expect(() => build({ budget: CostBudget.monthly(100, { thresholds: [BudgetThreshold.actual(80), BudgetThreshold.actual(0)] }) })).toThrow(
      propError('budget.thresholds', 0, 'expected a number greater than zero'));
  });

  test('refuses a negative forecasted threshold', () => {
    expect(() => build({ budget: CostBudget.monthly(100, { thresholds: [BudgetThreshold.forecasted(-1)] }) })).toThrow(
      propError('budget.thresholds', -1, 'expected a number greater than zero'));
  });

  test.each([0, 11])('refuses %d thresholds', (count) => {
    const thresholds = Array.from({ length: count }, (_, i) => BudgetThreshold.actual(10 * (i + 1)));
    expect(() => build({ budget: CostBudget.monthly(100, { thresholds }) })).toThrow(
      propError('budget.thresholds', count, 'expected 1 to 10 thresholds (AWS Budgets allows 10 notifications)'));
  });

  test.each<[string, Partial<GlobalPlatformProps>]>([
    ['CostBudget.NONE', { budget: CostBudget.NONE }],
    ['a custom budget', { budget: CostBudget.monthly(25.5, { thresholds: [BudgetThreshold.actual(50), BudgetThreshold.forecasted(120)] }) }],
  ])('accepts %s', (_name, overrides) => {
    expect(() => build(overrides)).not.toThrow();
  });
});

describe('valid props', () => {
  test('the defaults build', () => {
    const platform = build();
    expect(platform.platformName).toBe('georgi');
    expect(platform.apiDomainName).toBe('api.georgi.io');
  });

  test('unresolved numbers are skipped by the validation', () => {
    expect(() => build({
      budget: CostBudget.monthly(Token.asNumber({ Ref: 'Budget' })),
      serverErrorRateThresholdPercent: Token.asNumber({ Ref: 'Rate' }),
      certificateExpiryThresholdDays: Token.asNumber({ Ref: 'Days' }),
    })).not.toThrow(ANY_PROP_ERROR);
  });
});

describe('GlobalPlatform.fromPlatformName', () => {
  const importPlatform = (platformName: string, options: Partial<Parameters<typeof GlobalPlatform.fromPlatformName>[3]> = {}) =>
    GlobalPlatform.fromPlatformName(makeStack(), 'Imported', platformName, { domainName: 'georgi.io', ...options });

  test.each(['Georgi', '1abc', 'a', 'has_underscore', 'a--b', '/slash'])('refuses the platform name %j', (name) => {
    expect(() => importPlatform(name)).toThrow(new RegExp(`S/Imported: invalid platformName ${escape(JSON.stringify(name))}: `));
  });

  test('refuses an import without domainName (a JavaScript caller; TypeScript and jsii require it)', () => {
    expect(() => GlobalPlatform.fromPlatformName(makeStack(), 'Imported', 'georgi', undefined as any)).toThrow(
      /^S\/Imported: invalid domainName undefined: the platform's domain is needed at synth, e\.g\. \{ domainName: 'georgi\.io' \}/);
  });

  test('refuses availabilityZoneCount 1', () => {
    expect(() => importPlatform('georgi', { availabilityZoneCount: 1 })).toThrow(
      /S\/Imported: invalid availabilityZoneCount 1: expected a whole number from 2 to 6/);
  });

  test.each(['Georgi.IO', 'georgi', 'georgi.io.'])('refuses the domainName option %j', (domainName) => {
    expect(() => importPlatform('georgi', { domainName })).toThrow(
      new RegExp(`S/Imported: invalid domainName ${escape(JSON.stringify(domainName))}: expected a lower-case fully qualified domain name`));
  });

  test('refuses a suffix that GlobalPlatform itself refuses', () => {
    expect(() => importPlatform('georgi', { longLivedConnections: { pathSuffixes: ['ws/x'] } })).toThrow(
      /S\/Imported: invalid longLivedConnections\.pathSuffixes "ws\/x"/);
  });

  test('accepts valid options', () => {
    const platform = importPlatform('georgi', {
      availabilityZoneCount: 3, domainName: 'georgi.io', longLivedConnections: { pathSuffixes: ['ws'] },
    });
    expect(platform.platformName).toBe('georgi');
    expect(platform.longLivedPathSuffixes).toEqual(['ws']);
    expect(platform.apiDomainName).toBe('api.georgi.io');
  });
});

describe('account-wide names and one platform name per account and Region', () => {
  /** Every name that CloudFront, WAF (CLOUDFRONT scope), CloudWatch dashboards and Budgets keep per account. */
  function accountWideNames(stack: Stack): string[] {
    const template = Template.fromStack(stack).toJSON();
    const names: string[] = [];
    for (const resource of Object.values<any>(template.Resources ?? {})) {
      const p = resource.Properties ?? {};
      const name = {
        'AWS::CloudWatch::Dashboard': p.DashboardName,
        'AWS::Budgets::Budget': p.Budget?.BudgetName,
        'AWS::WAFv2::WebACL': p.Name,
        'AWS::WAFv2::IPSet': p.Name,
        'AWS::CloudFront::VpcOrigin': p.VpcOriginEndpointConfig?.Name,
        'AWS::CloudFront::ResponseHeadersPolicy': p.ResponseHeadersPolicyConfig?.Name,
        'AWS::CloudFront::OriginAccessControl': p.OriginAccessControlConfig?.Name,
      }[resource.Type as string];
      if (resource.Type.startsWith('AWS::CloudFront::') && ['ResponseHeadersPolicy', 'OriginAccessControl', 'VpcOrigin'].some(t => resource.Type.endsWith(t))) {
        expect([resource.Type, typeof name]).toEqual([resource.Type, 'string']);
      }
      if (name !== undefined) names.push(JSON.stringify(name));
    }
    return names;
  }

  function platformAndSite(region: string): Stack[] {
    const app = new App();
    const stack = new Stack(app, 'Georgi', { env: { account: ACCOUNT, region }, crossRegionReferences: region !== 'us-east-1' });
    const platform = new GlobalPlatform(stack, 'Platform', {
      platformName: 'georgi',
      domainName: 'georgi.io',
      availabilityZones: [`${region}a`, `${region}b`],
      longLivedConnections: {},
      waf: { blockedIpRanges: ['192.0.2.0/24'] },
    });
    const site = new Stack(app, 'Site', { env: { account: ACCOUNT, region }, crossRegionReferences: region !== 'us-east-1' });
    new StaticSite(site, 'Web', { platform, siteName: 'web', sourcePath: path.join(__dirname, '../fixtures/site') });
    return app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  }

  test('the same stacks in two Regions of one account share no account-wide name', () => {
    const east = platformAndSite('us-east-1').flatMap(accountWideNames);
    const west = platformAndSite('eu-west-1').flatMap(accountWideNames);
    expect(east.length).toBeGreaterThanOrEqual(6); // dashboard, budget, web ACL, IP set, VPC origin, headers policy, OAC
    expect(east.filter(name => west.includes(name))).toEqual([]);
    for (const name of east) expect(name).toContain('us-east-1');
    for (const name of west) expect(name).toContain('eu-west-1');
  });

  test('a second GlobalPlatform with the same name in the same account and Region of one app fails, naming the first', () => {
    const app = new App();
    const env = { account: ACCOUNT, region: 'us-east-1' };
    new GlobalPlatform(new Stack(app, 'A', { env }), 'Platform', { platformName: 'georgi', domainName: 'georgi.io' });
    expect(() => new GlobalPlatform(new Stack(app, 'B', { env }), 'Platform', { platformName: 'georgi', domainName: 'georgi.dev' }))
      .toThrow(/B\/Platform: invalid platformName "georgi": the platform A\/Platform of this app already uses it in the same account and Region \(us-east-1\)/);
    // another Region or account is another platform
    expect(() => new GlobalPlatform(new Stack(app, 'C', { env: { account: ACCOUNT, region: 'eu-west-1' }, crossRegionReferences: true }), 'Platform',
      { platformName: 'georgi', domainName: 'georgi.io' })).not.toThrow();
    expect(() => new GlobalPlatform(new Stack(app, 'D', { env: { account: '210987654321', region: 'us-east-1' } }), 'Platform',
      { platformName: 'georgi', domainName: 'georgi.io' })).not.toThrow();
  });
});
