import { Annotations, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/*
 * Where CloudFront VPC origins are offered, from the CloudFront Developer Guide, "Restrict access
 * with VPC origins", section "Supported AWS Regions for VPC origins"
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html#vpc-origins-supported-regions),
 * read on 2026-12-07 (the README's "Availability Zones and VPC origins" says how to check an
 * account). Zones are listed by zone ID, and a zone name alone cannot be checked against them at
 * synth: us-east-1, us-west-1 and ap-northeast-1 are among the nine Regions where AWS maps zone
 * names to zone IDs independently per account (for accounts created before November 2025; AWS
 * "AZ IDs", https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html#independently-mapped-azs:
 * us-east-1, us-west-1, us-west-2, ap-southeast-1, ap-southeast-2, ap-northeast-1, eu-west-1,
 * sa-east-1, us-gov-west-1), and ca-central-1 maps names uniformly, but no AWS page found names
 * the zone whose ID is cac1-az3.
 */

/** Where the lists below come from, and when they were read. @internal */
export const VPC_ORIGIN_SOURCE = {
  url: 'https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html#vpc-origins-supported-regions',
  readOn: '2026-12-07',
} as const;

/**
 * Availability Zone IDs where CloudFront VPC origins are not offered, by Region (the guide's
 * "AZ exceptions"). An internal load balancer with a subnet in one of them cannot be a VPC
 * origin: the deploy fails.
 *
 * @internal
 */
export const VPC_ORIGIN_EXCLUDED_ZONE_IDS: Readonly<Record<string, readonly string[]>> = {
  'us-east-1': ['use1-az3'],
  'us-west-1': ['usw1-az2'],
  'ap-northeast-1': ['apne1-az3'],
  'ca-central-1': ['cac1-az3'],
};

/** The commercial Regions where the guide lists VPC origins as supported. @internal */
export const VPC_ORIGIN_REGIONS: readonly string[] = [
  'us-east-2', 'us-east-1', 'us-west-1', 'us-west-2',
  'af-south-1',
  'ap-east-1', 'ap-south-1', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-northeast-3', 'ap-southeast-1',
  'ap-southeast-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-southeast-7', 'ap-southeast-5', 'ap-east-2',
  'ca-central-1', 'ca-west-1',
  'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-south-1', 'eu-west-3', 'eu-south-2', 'eu-north-1', 'eu-central-2',
  'il-central-1', 'me-south-1', 'me-central-1', 'sa-east-1', 'mx-central-1',
];

/**
 * Warns at synth when the long-lived origin's Region is not one where the guide lists VPC
 * origins (the deploy would fail at the VPC origin). Only a Region outside the list warns: in the
 * four Regions with an excluded zone the platform cannot tell a zone name's ID (see above), so
 * a warning there would fire on every platform, zones fine or not; the TSDoc and the README say
 * how to check. An unresolved Region (an environment-agnostic stack) is skipped.
 *
 * @param scope the long-lived origin
 * @param prop the platform prop that turns it on
 * @param region the platform stack's Region
 * @internal
 */
export function checkVpcOriginRegion(scope: IConstruct, prop: string, region: string): void {
  if (Token.isUnresolved(region) || VPC_ORIGIN_REGIONS.includes(region)) return;
  Annotations.of(scope).addWarningV2('@georgi-io/platform-constructs:vpcOriginRegion',
    `${prop}: CloudFront VPC origins are not listed for ${region} in the CloudFront guide (read ${VPC_ORIGIN_SOURCE.readOn}:`
    + ` ${VPC_ORIGIN_SOURCE.url}), and the long-lived origin is one: unless AWS has added ${region} since, its deploy fails.`
    + ' Put the platform in a listed Region or leave longLivedConnections unset');
}
