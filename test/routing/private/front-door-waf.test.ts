import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GlobalPlatform } from '../../../src';
import { onlyId, synthPlatform as synth } from '../../helpers/fixtures';

const MANAGED = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesCommonRuleSet', 'AWSManagedRulesKnownBadInputsRuleSet'];

function webAcl(template: Template): Record<string, any> {
  const acls = Object.values(template.findResources('AWS::WAFv2::WebACL'));
  expect(acls).toHaveLength(1);
  return acls[0].Properties;
}

function rule(acl: Record<string, any>, name: string): Record<string, any> {
  const found = (acl.Rules as Array<Record<string, any>>).filter(r => r.Name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('WAF off (default)', () => {
  test('no web ACL, no IP set, no WebACLId on the distribution', () => {
    const { template, platform } = synth();
    template.resourceCountIs('AWS::WAFv2::WebACL', 0);
    template.resourceCountIs('AWS::WAFv2::IPSet', 0);
    const dist = Object.values(template.findResources('AWS::CloudFront::Distribution'))[0];
    expect(dist.Properties.DistributionConfig.WebACLId).toBeUndefined();
    expect(platform.webAclArn).toBeUndefined();
  });
});

describe('WAF on, no IP lists', () => {
  let template: Template;
  let stack: Stack;
  let platform: GlobalPlatform;
  let acl: Record<string, any>;
  beforeAll(() => {
    ({ template, stack, platform } = synth({ waf: {} }));
    acl = webAcl(template);
  });

  test('a CLOUDFRONT-scoped web ACL that allows by default', () => {
    expect(acl.Scope).toBe('CLOUDFRONT');
    expect(acl.Name).toBe('georgi-us-east-1-front-door');
    expect(acl.DefaultAction).toEqual({ Allow: {} });
    expect(acl.VisibilityConfig).toEqual({ CloudWatchMetricsEnabled: true, SampledRequestsEnabled: true, MetricName: 'georgi-web-acl' });
  });

  test('rules in order: the three managed groups, then the rate limit', () => {
    const rules = acl.Rules as Array<{ Name: string; Priority: number }>;
    expect(rules.map(r => r.Name)).toEqual([...MANAGED, 'RateLimitPerIp']);
    expect(rules.map(r => r.Priority)).toEqual([0, 1, 2, 3]);
  });

  test('managed groups are AWS rule groups whose own actions apply', () => {
    for (const name of MANAGED) {
      const r = rule(acl, name);
      expect(r.Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS', Name: name });
      expect(r.OverrideAction).toEqual({ None: {} });
      expect(r.Action).toBeUndefined();
      expect(r.VisibilityConfig.MetricName).toBe(`georgi-${name}`);
    }
  });

  test('the common rule set only counts SizeRestrictions_BODY (bodies over 8 KB); no other rule is overridden', () => {
    expect(rule(acl, 'AWSManagedRulesCommonRuleSet').Statement).toEqual({
      ManagedRuleGroupStatement: {
        VendorName: 'AWS',
        Name: 'AWSManagedRulesCommonRuleSet',
        RuleActionOverrides: [{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }],
      },
    });
    for (const name of MANAGED.filter(n => n !== 'AWSManagedRulesCommonRuleSet')) {
      expect(rule(acl, name).Statement).toEqual({ ManagedRuleGroupStatement: { VendorName: 'AWS', Name: name } });
    }
  });

  test('the rate limit blocks an IP above 1000 requests by default', () => {
    const r = rule(acl, 'RateLimitPerIp');
    expect(r.Action).toEqual({ Block: {} });
    expect(r.Statement).toEqual({ RateBasedStatement: { Limit: 1000, AggregateKeyType: 'IP' } });
  });

  test('no IP sets without lists', () => {
    template.resourceCountIs('AWS::WAFv2::IPSet', 0);
  });

  test("the distribution's WebACLId is the web ACL's ARN", () => {
    const id = onlyId(template, 'AWS::WAFv2::WebACL');
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: { WebACLId: { 'Fn::GetAtt': [id, 'Arn'] } },
    });
    expect(stack.resolve(platform.webAclArn)).toEqual({ 'Fn::GetAtt': [id, 'Arn'] });
  });
});

test('a custom rate limit', () => {
  const { template } = synth({ waf: { rateLimit: 250 } });
  expect(rule(webAcl(template), 'RateLimitPerIp').Statement.RateBasedStatement.Limit).toBe(250);
});

describe('WAF with blocked and allowed IP ranges', () => {
  let template: Template;
  let acl: Record<string, any>;
  beforeAll(() => {
    ({ template } = synth({ waf: { blockedIpRanges: ['198.51.100.0/24', '192.0.2.7/32'], allowedIpRanges: ['203.0.113.0/24'] } }));
    acl = webAcl(template);
  });

  test('rules in order: blocked, allowed, three managed groups, rate limit', () => {
    const rules = acl.Rules as Array<{ Name: string; Priority: number }>;
    expect(rules.map(r => r.Name)).toEqual(['BlockedIps', 'AllowedIps', ...MANAGED, 'RateLimitPerIp']);
    expect(rules.map(r => r.Priority)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('two CLOUDFRONT IPv4 IP sets holding the lists', () => {
    template.resourceCountIs('AWS::WAFv2::IPSet', 2);
    template.hasResourceProperties('AWS::WAFv2::IPSet', {
      Name: 'georgi-us-east-1-blocked', Scope: 'CLOUDFRONT', IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24', '192.0.2.7/32'],
    });
    template.hasResourceProperties('AWS::WAFv2::IPSet', {
      Name: 'georgi-us-east-1-allowed', Scope: 'CLOUDFRONT', IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24'],
    });
  });

  test('the blocked rule blocks the blocked set, the allowed rule allows the allowed set', () => {
    const blockedSet = onlyId(template, 'AWS::WAFv2::IPSet', { Name: 'georgi-us-east-1-blocked' });
    const allowedSet = onlyId(template, 'AWS::WAFv2::IPSet', { Name: 'georgi-us-east-1-allowed' });
    const blocked = rule(acl, 'BlockedIps');
    expect(blocked.Action).toEqual({ Block: {} });
    expect(blocked.Statement).toEqual({ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [blockedSet, 'Arn'] } } });
    const allowed = rule(acl, 'AllowedIps');
    expect(allowed.Action).toEqual({ Allow: {} });
    expect(allowed.Statement).toEqual({ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [allowedSet, 'Arn'] } } });
  });
});

test('only an allow list: one IP set, the allow rule first', () => {
  const { template } = synth({ waf: { allowedIpRanges: ['203.0.113.0/24'] } });
  template.resourceCountIs('AWS::WAFv2::IPSet', 1);
  template.hasResourceProperties('AWS::WAFv2::IPSet', { Name: 'georgi-us-east-1-allowed' });
  const rules = webAcl(template).Rules as Array<{ Name: string; Priority: number }>;
  expect(rules.map(r => [r.Name, r.Priority])).toEqual([
    ['AllowedIps', 0], [MANAGED[0], 1], [MANAGED[1], 2], [MANAGED[2], 3], ['RateLimitPerIp', 4],
  ]);
});

test('only a block list: one IP set, the block rule first', () => {
  const { template } = synth({ waf: { blockedIpRanges: ['198.51.100.0/24'] } });
  template.resourceCountIs('AWS::WAFv2::IPSet', 1);
  template.hasResourceProperties('AWS::WAFv2::IPSet', { Name: 'georgi-us-east-1-blocked' });
  const rules = webAcl(template).Rules as Array<{ Name: string }>;
  expect(rules.map(r => r.Name)).toEqual(['BlockedIps', ...MANAGED, 'RateLimitPerIp']);
});

/** The IP sets of a template by name, each with its logical id and properties. */
function ipSets(template: Template): Record<string, { id: string; props: Record<string, any> }> {
  const sets = Object.entries(template.findResources('AWS::WAFv2::IPSet'));
  return Object.fromEntries(sets.map(([id, r]) => [r.Properties.Name, { id, props: r.Properties }]));
}

const ref = (id: string) => ({ IPSetReferenceStatement: { Arn: { 'Fn::GetAtt': [id, 'Arn'] } } });

describe('IPv4 and IPv6 lists', () => {
  test('IPv4-only lists: one IPV4 set each, under the construct ids and names of before IPv6 support', () => {
    const { template } = synth({ waf: { blockedIpRanges: ['198.51.100.0/24'], allowedIpRanges: ['203.0.113.0/24'] } });
    const sets = ipSets(template);
    expect(Object.keys(sets).sort()).toEqual(['georgi-us-east-1-allowed', 'georgi-us-east-1-blocked']);
    expect(sets['georgi-us-east-1-blocked'].id).toMatch(/^PlatformWafBlockedIpSet[0-9A-F]{8}$/);
    expect(sets['georgi-us-east-1-allowed'].id).toMatch(/^PlatformWafAllowedIpSet[0-9A-F]{8}$/);
    expect(sets['georgi-us-east-1-blocked'].props).toMatchObject({ IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24'] });
    const acl = webAcl(template);
    expect(rule(acl, 'BlockedIps').Statement).toEqual(ref(sets['georgi-us-east-1-blocked'].id));
    expect(rule(acl, 'AllowedIps').Statement).toEqual(ref(sets['georgi-us-east-1-allowed'].id));
  });

  test('IPv6-only lists: one IPV6 set each (ids ending in V6), referenced directly, no IPv4 set', () => {
    const { template } = synth({ waf: { blockedIpRanges: ['2001:db8:bad::/48'], allowedIpRanges: ['2001:db8:1::/64', '2001:db8:2::1/128'] } });
    const sets = ipSets(template);
    expect(Object.keys(sets).sort()).toEqual(['georgi-us-east-1-allowed-v6', 'georgi-us-east-1-blocked-v6']);
    expect(sets['georgi-us-east-1-blocked-v6'].id).toMatch(/^PlatformWafBlockedIpSetV6[0-9A-F]{8}$/);
    expect(sets['georgi-us-east-1-blocked-v6'].props).toMatchObject({
      Name: 'georgi-us-east-1-blocked-v6',
      Description: 'blocked IPv6 client addresses of the georgi front door',
      Scope: 'CLOUDFRONT',
      IPAddressVersion: 'IPV6',
      Addresses: ['2001:db8:bad::/48'],
    });
    expect(sets['georgi-us-east-1-allowed-v6'].props).toMatchObject({ IPAddressVersion: 'IPV6', Addresses: ['2001:db8:1::/64', '2001:db8:2::1/128'] });
    const acl = webAcl(template);
    expect(rule(acl, 'BlockedIps')).toMatchObject({ Action: { Block: {} }, Statement: ref(sets['georgi-us-east-1-blocked-v6'].id) });
    expect(rule(acl, 'AllowedIps')).toMatchObject({ Action: { Allow: {} }, Statement: ref(sets['georgi-us-east-1-allowed-v6'].id) });
  });

  test('mixed lists: each family in its own set, the rule matches either (OrStatement, IPv4 first)', () => {
    const { template } = synth({
      waf: {
        blockedIpRanges: ['2001:db8:bad::/48', '198.51.100.0/24', '192.0.2.7/32'],
        allowedIpRanges: ['203.0.113.0/24', '2001:DB8:1::/64'],
      },
    });
    const sets = ipSets(template);
    expect(Object.keys(sets).sort()).toEqual(['georgi-us-east-1-allowed', 'georgi-us-east-1-allowed-v6', 'georgi-us-east-1-blocked', 'georgi-us-east-1-blocked-v6']);
    expect(sets['georgi-us-east-1-blocked'].props).toMatchObject({ IPAddressVersion: 'IPV4', Addresses: ['198.51.100.0/24', '192.0.2.7/32'] });
    expect(sets['georgi-us-east-1-blocked-v6'].props).toMatchObject({ IPAddressVersion: 'IPV6', Addresses: ['2001:db8:bad::/48'] });
    expect(sets['georgi-us-east-1-allowed'].props).toMatchObject({ IPAddressVersion: 'IPV4', Addresses: ['203.0.113.0/24'] });
    expect(sets['georgi-us-east-1-allowed-v6'].props).toMatchObject({ IPAddressVersion: 'IPV6', Addresses: ['2001:DB8:1::/64'] });
    const acl = webAcl(template);
    const blocked = rule(acl, 'BlockedIps');
    expect(blocked.Action).toEqual({ Block: {} });
    expect(blocked.Statement).toEqual({ OrStatement: { Statements: [ref(sets['georgi-us-east-1-blocked'].id), ref(sets['georgi-us-east-1-blocked-v6'].id)] } });
    const allowed = rule(acl, 'AllowedIps');
    expect(allowed.Action).toEqual({ Allow: {} });
    expect(allowed.Statement).toEqual({ OrStatement: { Statements: [ref(sets['georgi-us-east-1-allowed'].id), ref(sets['georgi-us-east-1-allowed-v6'].id)] } });
    expect((acl.Rules as Array<{ Name: string }>).map(r => r.Name)).toEqual(['BlockedIps', 'AllowedIps', ...MANAGED, 'RateLimitPerIp']);
  });

  test('an IPv6 block list with an IPv4 allow list: an OR only where both families are listed', () => {
    const { template } = synth({ waf: { blockedIpRanges: ['2001:db8:bad::/48'], allowedIpRanges: ['203.0.113.0/24'] } });
    const sets = ipSets(template);
    expect(Object.keys(sets).sort()).toEqual(['georgi-us-east-1-allowed', 'georgi-us-east-1-blocked-v6']);
    const acl = webAcl(template);
    expect(rule(acl, 'BlockedIps').Statement).toEqual(ref(sets['georgi-us-east-1-blocked-v6'].id));
    expect(rule(acl, 'AllowedIps').Statement).toEqual(ref(sets['georgi-us-east-1-allowed'].id));
  });
});
