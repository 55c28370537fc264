import { Duration, Stack } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { AdditionalRegion } from './additional-regions';
import { suppressAwsCustomResourceProvider } from '../../core/nag';
import { FrontDoorRegions, longLivedOriginId } from '../../routing/private/front-door';
import { lookUpVpcOriginSecurityGroup } from '../../routing/private/long-lived-origin';
import { regionalApiDomain } from '../../routing/private/regions/regional-api-domain';

/** @internal */
export interface RegionRoutingProps {
  readonly platformName: string;
  readonly primaryRegion: string;
  /** The primary's regional certificate. */
  readonly certificate: acm.ICertificate;
  readonly httpApi: apigwv2.IHttpApi;
  readonly stage: apigwv2.IHttpStage;
  readonly apiDomainName: string;
  readonly additional: AdditionalRegion[];
  readonly longLivedPathSuffixes: string[];
}

/**
 * What the front door needs to route between the primary and `additionalRegions` (ADR 15): the
 * primary's HTTP API under `api.<domain>` (as every Region's is), and the router's
 * KeyValueStore `RegionRouterStore` (no monthly fee; reads $0.03 per million), which holds the
 * keys `s/<service>/<region>` (a service deployed there: written by its stack) and
 * `d/<region>` (a drained Region: written by the drain command or the Region's alarm).
 * @internal
 */
export function createRegionRouting(platform: Construct, props: RegionRoutingProps): FrontDoorRegions {
  const primaryApiOriginDomainName = regionalApiDomain(platform, {
    apiDomainName: props.apiDomainName,
    certificate: props.certificate,
    httpApi: props.httpApi,
    stage: props.stage,
  });
  const store = new cloudfront.KeyValueStore(platform, 'RegionRouterStore', {
    comment: `${props.platformName}: where each service runs (s/<service>/<region>) and which regions are drained (d/<region>)`,
  });
  return {
    primaryRegion: props.primaryRegion,
    primaryApiOriginDomainName,
    apiOriginDomainNames: Object.fromEntries(props.additional.map(r => [r.region, r.apiOriginDomainName])),
    store,
    longLivedPathSuffixes: props.longLivedPathSuffixes,
    longLivedOrigins: Object.fromEntries(props.additional.filter(r => r.longLived).map(r => [r.region, regionalLongLivedOrigin(platform, r)])),
  };
}

/**
 * The front door's origin `ll-<region>` for an additional Region's long-lived origin: its VPC
 * origin (made in the Region's stack, a CloudFront resource) by the id that stack outputs.
 */
function regionalLongLivedOrigin(platform: Construct, region: AdditionalRegion): cloudfront.IOrigin {
  const longLived = region.longLived!;
  return origins.VpcOrigin.withVpcOrigin(cloudfront.VpcOrigin.fromVpcOriginId(platform, `LongLivedVpcOrigin-${region.region}`, longLived.vpcOriginId), {
    originId: longLivedOriginId(region.region),
    domainName: longLived.originDomainName,
    readTimeout: longLived.readTimeout,
    keepaliveTimeout: Duration.seconds(60),
  });
}

/**
 * Opens each additional Region's long-lived origin to CloudFront once the front door uses its
 * VPC origin (CloudFront creates the security group of its VPC origins in a VPC only then, and
 * the Region's stack deploys before the front door). Per such Region, in the platform's stack,
 * `LongLivedAdmission-<region>` with two custom resources that call EC2 in that Region, after
 * the distribution:
 * - `VpcOriginSecurityGroupLookup`: `DescribeSecurityGroups` of the group named
 *   `CloudFront-VPCOrigins-Service-SG` in the Region's VPC (as the primary's look-up does);
 * - `CloudFrontIngress`: `AuthorizeSecurityGroupIngress` on the origin's security group from
 *   that group on the origin's port (`RevokeSecurityGroupIngress` at delete, and for the old
 *   group when CloudFront's group or the port changes), allowed on that security group only.
 * @internal
 */
export function admitCloudFrontInRegions(platform: Construct, additional: AdditionalRegion[], distribution: IConstruct): void {
  const stack = Stack.of(platform);
  const admitted = additional.filter(r => r.longLived?.needsAdmission);
  for (const region of admitted) {
    const longLived = region.longLived!;
    const scope = new Construct(platform, `LongLivedAdmission-${region.region}`);
    const { lookup, securityGroupId: cloudFrontGroupId } = lookUpVpcOriginSecurityGroup(scope, longLived.vpcId, longLived.vpcOriginId, region.region);
    lookup.node.addDependency(distribution);
    const permission = {
      GroupId: longLived.securityGroupId,
      IpPermissions: [{
        IpProtocol: 'tcp',
        FromPort: longLived.port,
        ToPort: longLived.port,
        UserIdGroupPairs: [{ GroupId: cloudFrontGroupId, Description: 'CloudFront VPC origin' }],
      }],
    };
    const authorize: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'authorizeSecurityGroupIngress',
      region: region.region,
      parameters: permission,
      // Another group or port is another rule: CloudFormation then deletes the old one (revoke).
      physicalResourceId: cr.PhysicalResourceId.of(`${region.region}:${longLived.securityGroupId}:${cloudFrontGroupId}:${longLived.port}`),
      ignoreErrorCodesMatching: 'InvalidPermission.Duplicate',
      outputPaths: ['Return'],
    };
    const ingress = new cr.AwsCustomResource(scope, 'CloudFrontIngress', {
      onCreate: authorize,
      onUpdate: authorize,
      onDelete: {
        service: 'EC2',
        action: 'revokeSecurityGroupIngress',
        region: region.region,
        parameters: permission,
        ignoreErrorCodesMatching: 'InvalidPermission.NotFound|InvalidGroup.NotFound',
      },
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
        actions: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:RevokeSecurityGroupIngress'],
        resources: [stack.formatArn({ service: 'ec2', region: region.region, resource: 'security-group', resourceName: longLived.securityGroupId })],
      })]),
      installLatestAwsSdk: false,
    });
    ingress.node.addDependency(distribution);
  }
  if (admitted.length > 0) suppressAwsCustomResourceProvider(stack);
}
