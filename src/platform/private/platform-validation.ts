import { Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { validateExplicitRegion } from './edge-stack';
import { EDGE_REGION } from '../../contract/names';
import { PropError } from '../../core/errors';
import { isUnresolved, validateDnsName, validateDomainName } from '../../core/validation';
import { validateAlarmEmails } from '../../monitoring/private/alarm-topic';
import { validateCostBudget } from '../../monitoring/private/platform-budget';
import { validateLogOptions } from '../../monitoring/private/platform-logs';
import { validateAlarmThresholds } from '../../monitoring/private/platform-monitoring';
import { validateNetworkOptions } from '../../network/private/platform-network';
import { validateThrottling } from '../../routing/private/central-api';
import { validateWafOptions } from '../../routing/private/front-door-waf';
import { validateLongLivedConnections } from '../../routing/private/long-lived-origins';
import { GlobalPlatformProps } from '../global-platform-props';

/**
 * The checks of `GlobalPlatformProps` before anything is built. Each part's props are checked
 * beside the construct that uses them; here they are called in one place, with the shared ones.
 * @internal
 */
export function validatePlatformProps(scope: Construct, props: GlobalPlatformProps): void {
  validateDnsName(scope, 'platformName', props.platformName, 32);
  validateDomainName(scope, 'domainName', props.domainName);
  if (props.namespaceName !== undefined) validateDomainName(scope, 'namespaceName', props.namespaceName);
  validateExplicitRegion(scope);
  validateNetworkOptions(scope, props, Stack.of(scope).region);
  if (props.longLivedConnections) validateLongLivedConnections(scope, 'longLivedConnections', props.longLivedConnections);
  validateThrottling(scope, 'throttlingRateLimit', props.throttlingRateLimit, 'throttlingBurstLimit', props.throttlingBurstLimit);
  if (props.waf) validateWafOptions(scope, props.waf);
  validateLogOptions(scope, props.logRetention, props.removalPolicy);
  const rotation = props.originSecretRotation;
  if (rotation !== undefined && !isUnresolved(rotation)
    && (!/^[A-Za-z0-9._-]{1,40}$/.test(rotation) || /^AWS/.test(rotation))) {
    throw new PropError(scope, 'originSecretRotation', rotation,
      'expected a staging label of 1 to 40 letters, digits and . _ - that does not start with AWS (such as "2026-12-01")');
  }
  validateAlarmEmails(scope, 'alarmEmails', props.alarmEmails);
  validateAlarmThresholds(scope, props);
  if (props.budget) validateCostBudget(scope, props.budget);
}

/**
 * A platform outside us-east-1 with a companion stack: the hosted zone that validates the
 * CloudFront certificate there cannot be created in the platform's own stack.
 * @internal
 */
export function validateEdgeHostedZone(scope: Construct, props: GlobalPlatformProps): void {
  const zone = props.hostedZone;
  if (!props.edgeCertificate && zone instanceof route53.HostedZone && Stack.of(zone) === Stack.of(scope)) {
    throw new PropError(scope, 'hostedZone', zone.node.path,
      `a zone created in the platform's own stack cannot validate the CloudFront certificate in the ${EDGE_REGION} companion stack`
      + ' (the stacks would depend on each other); import the zone (HostedZone.fromHostedZoneAttributes), leave hostedZone unset'
      + ' so the platform creates it in the companion stack, or pass edgeCertificate');
  }
}
