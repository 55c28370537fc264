import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

/** @internal */
export interface FrontDoorWafProps {
  readonly platformName: string;
  /** Requests per IP in any 5-minute window before the IP is blocked. */
  readonly rateLimit: number;
  readonly allowedIpRanges: string[];
  readonly blockedIpRanges: string[];
}

/** AWS managed rule groups on every platform web ACL, in evaluation order. */
const MANAGED_RULE_GROUPS = [
  'AWSManagedRulesAmazonIpReputationList',
  'AWSManagedRulesCommonRuleSet',
  'AWSManagedRulesKnownBadInputsRuleSet',
];

/**
 * The front door's web ACL (scope CLOUDFRONT, so it must live in us-east-1). Evaluation order:
 * blocked IPs, allowed IPs (never blocked by the rules after them), AWS managed rule groups
 * (IP reputation, common rule set, known bad inputs), then a per-IP rate limit.
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
      const ipSet = new wafv2.CfnIPSet(this, `${name}IpSet`, {
        name: `${props.platformName}-${name.toLowerCase()}`,
        description: `${name.toLowerCase()} client addresses of the ${props.platformName} front door`,
        scope: 'CLOUDFRONT',
        ipAddressVersion: 'IPV4',
        addresses: cidrs,
      });
      rules.push({
        name: `${name}Ips`,
        priority: rules.length,
        action,
        statement: { ipSetReferenceStatement: { arn: ipSet.attrArn } },
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
        statement: { managedRuleGroupStatement: { vendorName: 'AWS', name } },
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
      name: `${props.platformName}-front-door`,
      description: `front door of the ${props.platformName} platform`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      rules,
      visibilityConfig: visibility('web-acl'),
    });
  }
}
