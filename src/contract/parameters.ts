import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { platformPath, servicePath } from './names';

/**
 * The SSM parameters a platform publishes, relative to its prefix. The names are a contract
 * between the platform's app and every service app: add keys, never rename one.
 *
 * @internal
 */
export const PARAMETER_KEYS = {
  domainName: 'dns/domain-name',
  hostedZoneId: 'dns/hosted-zone-id',
  certificateArn: 'tls/certificate-arn',
  edgeCertificateArn: 'tls/edge-certificate-arn',
  vpcId: 'network/vpc-id',
  vpcCidr: 'network/vpc-cidr',
  availabilityZones: 'network/availability-zones',
  publicSubnetIds: 'network/public-subnet-ids',
  publicSubnetRouteTableIds: 'network/public-subnet-route-table-ids',
  serviceSubnetIds: 'network/service-subnet-ids',
  serviceSubnetRouteTableIds: 'network/service-subnet-route-table-ids',
  serviceAssignPublicIp: 'network/service-assign-public-ip',
  clusterName: 'compute/cluster-name',
  clusterArn: 'compute/cluster-arn',
  namespaceId: 'compute/namespace-id',
  namespaceName: 'compute/namespace-name',
  namespaceArn: 'compute/namespace-arn',
  httpApiId: 'api/http-api-id',
  httpApiEndpoint: 'api/http-api-endpoint',
  httpStageName: 'api/stage-name',
  vpcLinkId: 'api/vpc-link-id',
  vpcLinkSecurityGroupId: 'api/vpc-link-security-group-id',
  frontDoorDistributionId: 'front-door/distribution-id',
  frontDoorDomainName: 'front-door/distribution-domain-name',
  apiDomainName: 'front-door/api-domain-name',
  originSecretArn: 'front-door/origin-secret-arn',
  originAuthorizerFunctionArn: 'front-door/origin-authorizer-function-arn',
  originAuthorizerId: 'front-door/origin-authorizer-id',
  jwtOriginAuthorizerId: 'front-door/jwt-origin-authorizer-id',
  longLivedListenerArn: 'front-door/long-lived-listener-arn',
  longLivedSecurityGroupId: 'front-door/long-lived-security-group-id',
  longLivedPathSuffixes: 'front-door/long-lived-path-suffixes',
  // Its own key, so that an app importing the platform with the wrong origin kind fails at deploy.
  longLivedProxySecurityGroupId: 'front-door/long-lived-proxy-security-group-id',
  alarmTopicArn: 'monitoring/alarm-topic-arn',
  // Published in every Region of a platform with additionalRegions (issue 24).
  regionRouterStoreArn: 'front-door/region-router-store-arn',
  // Written into additional Regions by the primary's stack: the labels their origin checks accept.
  originSecretAcceptedStages: 'front-door/origin-secret-accepted-stages',
};

/** @internal */
export type ParameterKey = keyof typeof PARAMETER_KEYS;

/** The full name of one platform parameter. @internal */
export function parameterName(platformName: string, key: ParameterKey): string {
  return `${platformPath(platformName)}/${PARAMETER_KEYS[key]}`;
}

/**
 * Reads one platform parameter at deploy time (a CloudFormation parameter of type
 * `AWS::SSM::Parameter::Value<String>`): no synth-time look-up, no credentials, no exports.
 * @internal
 */
export function readParameter(scope: Construct, platformName: string, key: ParameterKey): string {
  return ssm.StringParameter.valueForStringParameter(scope, parameterName(platformName, key));
}

/**
 * The SSM parameters a service publishes, relative to its path
 * (`/platform/<platform>/services/<service>`): a contract between service apps (add keys, never
 * rename one).
 *
 * @internal
 */
export const SERVICE_PARAMETER_KEYS = {
  /** The security group of a Service Connect service's tasks (callees admit callers by it). */
  meshSecurityGroupId: 'mesh/security-group-id',
};

/** @internal */
export type ServiceParameterKey = keyof typeof SERVICE_PARAMETER_KEYS;

/** The full name of one service parameter. @internal */
export function serviceParameterName(platformName: string, serviceName: string, key: ServiceParameterKey): string {
  return `${servicePath(platformName, serviceName)}/${SERVICE_PARAMETER_KEYS[key]}`;
}

/** Reads one service parameter (of a service in this app or another) at deploy time. @internal */
export function readServiceParameter(scope: Construct, platformName: string, serviceName: string, key: ServiceParameterKey): string {
  return ssm.StringParameter.valueForStringParameter(scope, serviceParameterName(platformName, serviceName, key));
}
