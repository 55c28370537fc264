import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { PARAMETER_KEYS, ParameterKey, parameterName } from '../../contract/parameters';
import { IGlobalPlatform } from '../../contract/platform';

/**
 * Writes the platform's attributes as SSM String parameters (standard tier: free).
 * @internal
 */
export class PlatformParameters extends Construct {
  private readonly platformName: string;

  constructor(scope: Construct, id: string, platformName: string) {
    super(scope, id);
    this.platformName = platformName;
  }

  public publish(key: ParameterKey, value: string): ssm.StringParameter {
    return new ssm.StringParameter(this, key.charAt(0).toUpperCase() + key.slice(1), {
      parameterName: parameterName(this.platformName, key),
      stringValue: value,
      description: `${PARAMETER_KEYS[key]} of the ${this.platformName} platform (published by GlobalPlatform)`,
      tier: ssm.ParameterTier.STANDARD,
    });
  }
}

/**
 * What a Region's parameters are published from: the platform's, or an additional Region's
 * parts (ADR 15).
 * @internal
 */
export type RegionalPlatformView = Pick<IGlobalPlatform, 'domainName' | 'apiDomainName' | 'certificate' | 'vpc' | 'serviceSubnets'
| 'serviceAssignPublicIp' | 'cluster' | 'namespace' | 'httpApi' | 'httpStageName' | 'vpcLink' | 'vpcLinkSecurityGroup' | 'alarmTopic'
| 'originAuthorizerFunction'>;

/**
 * Publishes the parameters every Region of a platform has, with the Region's own values.
 * @internal
 */
export function publishRegionalParameters(parameters: PlatformParameters, platform: RegionalPlatformView,
  originAuthorizerIds: { origin: string; jwt: string }): void {
  const vpc = platform.vpc;
  const serviceSubnets = vpc.selectSubnets(platform.serviceSubnets).subnets;
  parameters.publish('domainName', platform.domainName);
  parameters.publish('certificateArn', platform.certificate.certificateArn);
  parameters.publish('vpcId', vpc.vpcId);
  parameters.publish('vpcCidr', vpc.vpcCidrBlock);
  parameters.publish('availabilityZones', vpc.availabilityZones.join(','));
  parameters.publish('publicSubnetIds', vpc.publicSubnets.map(s => s.subnetId).join(','));
  parameters.publish('publicSubnetRouteTableIds', vpc.publicSubnets.map(s => s.routeTable.routeTableId).join(','));
  parameters.publish('serviceSubnetIds', serviceSubnets.map(s => s.subnetId).join(','));
  parameters.publish('serviceSubnetRouteTableIds', serviceSubnets.map(s => s.routeTable.routeTableId).join(','));
  parameters.publish('serviceAssignPublicIp', platform.serviceAssignPublicIp);
  parameters.publish('clusterName', platform.cluster.clusterName);
  parameters.publish('clusterArn', platform.cluster.clusterArn);
  parameters.publish('namespaceId', platform.namespace.namespaceId);
  parameters.publish('namespaceName', platform.namespace.namespaceName);
  parameters.publish('namespaceArn', platform.namespace.namespaceArn);
  parameters.publish('httpApiId', platform.httpApi.apiId);
  parameters.publish('httpApiEndpoint', platform.httpApi.apiEndpoint);
  parameters.publish('httpStageName', platform.httpStageName);
  parameters.publish('vpcLinkId', platform.vpcLink.vpcLinkId);
  parameters.publish('vpcLinkSecurityGroupId', platform.vpcLinkSecurityGroup.securityGroupId);
  parameters.publish('apiDomainName', platform.apiDomainName);
  if (platform.originAuthorizerFunction) {
    parameters.publish('originAuthorizerFunctionArn', platform.originAuthorizerFunction.functionArn);
  }
  parameters.publish('originAuthorizerId', originAuthorizerIds.origin);
  parameters.publish('jwtOriginAuthorizerId', originAuthorizerIds.jwt);
  parameters.publish('alarmTopicArn', platform.alarmTopic.topicArn);
}

/**
 * Publishes everything an app in another repository needs to import the platform by name
 * (`GlobalPlatform.fromPlatformName`), under `/platform/<platformName>`.
 * @internal
 */
export function publishPlatformParameters(scope: Construct, id: string, platform: IGlobalPlatform, longLivedSecurityGroupId: string | undefined,
  originAuthorizerIds: { origin: string; jwt: string }): void {
  const parameters = new PlatformParameters(scope, id, platform.platformName);
  publishRegionalParameters(parameters, platform, originAuthorizerIds);
  parameters.publish('hostedZoneId', platform.hostedZone.hostedZoneId);
  parameters.publish('edgeCertificateArn', platform.edgeCertificate.certificateArn);
  parameters.publish('frontDoorDistributionId', platform.frontDoor.distributionId);
  parameters.publish('frontDoorDomainName', platform.frontDoor.distributionDomainName);
  if (platform.originSecret) parameters.publish('originSecretArn', platform.originSecret.secretArn);
  if (platform.regionRouterStore) parameters.publish('regionRouterStoreArn', platform.regionRouterStore.keyValueStoreArn);
  if (longLivedSecurityGroupId) {
    publishLongLivedParameters(parameters, platform.longLivedListener, longLivedSecurityGroupId, platform.longLivedPathSuffixes);
  }
}

/**
 * Publishes a Region's long-lived origin: the load balancer's listener and security group, or
 * the proxy instance's security group (no listener), and the path suffixes.
 * @internal
 */
export function publishLongLivedParameters(parameters: PlatformParameters, listener: elbv2.IApplicationListener | undefined,
  securityGroupId: string, pathSuffixes: string[]): void {
  if (listener) {
    parameters.publish('longLivedListenerArn', listener.listenerArn);
    parameters.publish('longLivedSecurityGroupId', securityGroupId);
  } else {
    parameters.publish('longLivedProxySecurityGroupId', securityGroupId);
  }
  parameters.publish('longLivedPathSuffixes', pathSuffixes.join(','));
}
