import { Token } from 'aws-cdk-lib';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct, IConstruct } from 'constructs';
import { PropError } from '../../core/errors';
import { isIpv6Cidr, rangesOverlap, validateIntegerRange, validateIpCidrList } from '../../core/validation';
import { WafOptions } from '../waf-options';

/** @internal */
export interface FrontDoorWafProps {
  readonly platformName: string;
  /**
   * `<platformName>-<Region of the platform's stack>`: the prefix of names that must be unique in
   * the account, not only in its Region.
   */
  readonly accountWidePrefix: string;
  /** Requests per IP in any 5-minute window before the IP is blocked. */
  readonly rateLimit: number;
  /** IPv4 and IPv6 CIDRs, mixed. */
  readonly allowedIpRanges: string[];
  /** IPv4 and IPv6 CIDRs, mixed. */
  readonly blockedIpRanges: string[];
}

/** AWS managed rule groups on every platform web ACL, in evaluation order. */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
];

/** Rules of the managed groups whose action the web ACL overrides, by rule group. */
const RULE_ACTION_OVERRIDES: Record<string, wafv2.CfnWebACL.RuleActionOverrideProperty[]> = {
  // SizeRestrictions_BODY blocks every request body over 8 KB (CloudFront hands WAF only the first
  // 16 KB of a body anyway), which breaks legitimate POSTs such as TTS text and MCP JSON-RPC calls.
  // Body size is not the WAF's call here: API Gateway caps request bodies and every service
  // validates its own body sizes. COUNT keeps the rule's metric and sampled requests.
  AWSManagedRulesCommonRuleSet: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
};

/**
 * Splits a CIDR list into its IPv4 and IPv6 entries. An unresolved list, and unresolved entries,
 * count as IPv4 (the only family before IPv6 was supported).
 */
function byFamily(cidrs: string[]): { ipv4: string[]; ipv6: string[] } {
  if (Token.isUnresolved(cidrs)) return { ipv4: cidrs, ipv6: [] };
  return {
    ipv4: cidrs.filter(c => Token.isUnresolved(c) || !isIpv6Cidr(c)),
    ipv6: cidrs.filter(c => !Token.isUnresolved(c) && isIpv6Cidr(c)),
  };
}

/**
 * The front door's web ACL (scope CLOUDFRONT, so it must live in us-east-1). Evaluation order:
 * blocked IPs, allowed IPs (never blocked by the rules after them), AWS managed rule groups
 * (IP reputation, common rule set, known bad inputs), then a per-IP rate limit.
 *
 * Each IP list becomes one rule over up to two IP sets, one per address family (a WAF IP set
 * holds only one): the IPv4 set keeps its original construct id, the IPv6 one adds `V6`. With
 * both sets the rule matches either (an OR statement).
 *
 * @internal
 */
export class FrontDoorWaf extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: FrontDoorWafProps) {
    super(scope, id);
    const rules: wafv2.CfnWebACL.RuleProperty[] = [];
    const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.platformName}-${metricName}`,
    });

    const ipSetRule = (name: string, cidrs: string[], action: wafv2.CfnWebACL.RuleActionProperty) => {
      const { ipv4, ipv6 } = byFamily(cidrs);
      const sets: wafv2.CfnIPSet[] = [];
      if (ipv4.length > 0) {
        // id, name and description as when the lists were IPv4-only, so existing templates keep them
        sets.push(new wafv2.CfnIPSet(this, `${name}IpSet`, {
          name: `${props.accountWidePrefix}-${name.toLowerCase()}`,
          description: `${name.toLowerCase()} client addresses of the ${props.platformName} front door`,
          scope: 'CLOUDFRONT',
          ipAddressVersion: 'IPV4',
          addresses: ipv4,
        }));
      }
      if (ipv6.length > 0) {
        sets.push(new wafv2.CfnIPSet(this, `${name}IpSetV6`, {
          name: `${props.accountWidePrefix}-${name.toLowerCase()}-v6`,
          description: `${name.toLowerCase()} IPv6 client addresses of the ${props.platformName} front door`,
          scope: 'CLOUDFRONT',
          ipAddressVersion: 'IPV6',
          addresses: ipv6,
        }));
      }
      const matches = sets.map((s): wafv2.CfnWebACL.StatementProperty => ({ ipSetReferenceStatement: { arn: s.attrArn } }));
      rules.push({
        name: `${name}Ips`,
        priority: rules.length,
        action,
        statement: matches.length === 1 ? matches[0] : { orStatement: { statements: matches } },
        visibilityConfig: visibility(`${name.toLowerCase()}-ips`),
      });
    };
    if (props.blockedIpRanges.length > 0) ipSetRule('Blocked', props.blockedIpRanges, { block: {} });
    if (props.allowedIpRanges.length > 0) ipSetRule('Allowed', props.allowedIpRanges, { allow: {} });

    for (const name of MANAGED_RULE_GROUPS) {
      rules.push({
        name,
        priority: rules.length,
        overrideAction: { none: {} },
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ruleActionOverrides: RULE_ACTION_OVERRIDES[name] } },
        visibilityConfig: visibility(name),
      });
    }

    rules.push({
      name: 'RateLimitPerIp',
      priority: rules.length,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: 'IP' } },
      visibilityConfig: visibility('rate-limit'),
    });

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `${props.accountWidePrefix}-front-door`,
      description: `front door of the ${props.platformName} platform`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules,
      visibilityConfig: visibility('web-acl'),
    });
  }
}

/**
 * The web ACL's options: the rate limit in WAF's range, IP lists of well-formed, disjoint
 * blocks (IPv4 and IPv6 may be mixed), no /0 and no block both allowed and blocked.
 * @internal
 */
export function validateWafOptions(scope: IConstruct, waf: WafOptions): void {
  validateIntegerRange(scope, 'waf.rateLimit', waf.rateLimit, 10, 2_000_000_000);
  const allowed = validateIpCidrList(scope, 'waf.allowedIpRanges', waf.allowedIpRanges);
  const blocked = validateIpCidrList(scope, 'waf.blockedIpRanges', waf.blockedIpRanges);
  for (const [prop, ranges] of [['waf.allowedIpRanges', allowed], ['waf.blockedIpRanges', blocked]] as const) {
    const everything = [...ranges.ipv4, ...ranges.ipv6].find(r => r.prefix === 0);
    if (everything) {
      throw new PropError(scope, prop, everything.cidr,
        'AWS WAF IP sets accept /1 to /32 (IPv4) and /1 to /128 (IPv6), not /0; leave waf out instead of listing every address');
    }
  }
  const clashes = [
    ...blocked.ipv4.map(b => [b, allowed.ipv4.find(a => rangesOverlap(a, b))] as const),
    ...blocked.ipv6.map(b => [b, allowed.ipv6.find(a => rangesOverlap(a, b))] as const),
  ];
  for (const [b, clash] of clashes) {
    if (clash) {
      throw new PropError(scope, 'waf.blockedIpRanges', b.cidr,
        `it overlaps "${clash.cidr}" in waf.allowedIpRanges; an address cannot be both allowed and blocked`);
    }
  }
}
