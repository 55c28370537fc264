import { AP_SOUTHEAST_1 } from './prices/ap-southeast-1';
import { EU_CENTRAL_1 } from './prices/eu-central-1';
import { EU_WEST_1 } from './prices/eu-west-1';
import { PriceFigure } from './prices/figure';
import { US_EAST_1 } from './prices/us-east-1';
import { US_WEST_2 } from './prices/us-west-2';

export type { PriceFigure };

/*
 * The prices the cost estimator uses, one file per Region under prices/: one figure per line,
 * each with the page it comes from and the date it was read. List prices in USD, on-demand,
 * first tier, no free tier subtracted.
 *
 * Update a figure by changing its line there (and its `asOf`); the estimator's tests recompute
 * their expected figures by hand, so a changed price shows up as a failing test to update.
 */

/** Every price the estimator knows, by key. @internal */
export interface RegionPriceList {
  readonly fargateX86VcpuHour: PriceFigure;
  readonly fargateX86GbHour: PriceFigure;
  readonly fargateArmVcpuHour: PriceFigure;
  readonly fargateArmGbHour: PriceFigure;
  readonly fargateSpotX86VcpuHour: PriceFigure;
  readonly fargateSpotX86GbHour: PriceFigure;
  readonly fargateSpotArmVcpuHour: PriceFigure;
  readonly fargateSpotArmGbHour: PriceFigure;
  readonly fargateEphemeralGbHour: PriceFigure;
  readonly natGatewayHour: PriceFigure;
  readonly natGatewayGb: PriceFigure;
  readonly publicIpv4Hour: PriceFigure;
  readonly albHour: PriceFigure;
  readonly albLcuHour: PriceFigure;
  readonly nlbHour: PriceFigure;
  readonly nlbLcuHour: PriceFigure;
  readonly interfaceEndpointAzHour: PriceFigure;
  readonly interfaceEndpointGb: PriceFigure;
  readonly ebsGp3GbMonth: PriceFigure;
  readonly wafWebAclMonth: PriceFigure;
  readonly wafRuleMonth: PriceFigure;
  readonly wafMillionRequests: PriceFigure;
  readonly kmsKeyMonth: PriceFigure;
  readonly secretMonth: PriceFigure;
  readonly hostedZoneMonth: PriceFigure;
  readonly dnsMillionQueries: PriceFigure;
  readonly dashboardMonth: PriceFigure;
  readonly alarmMetricMonth: PriceFigure;
  readonly alarmHighResolutionMetricMonth: PriceFigure;
  readonly compositeAlarmMonth: PriceFigure;
  readonly customMetricMonth: PriceFigure;
  readonly logsIngestedGb: PriceFigure;
  readonly logsStoredGbMonth: PriceFigure;
  readonly cloudMapInstanceMonth: PriceFigure;
  readonly cloudMapMillionApiCalls: PriceFigure;
  /** ECS Service Connect's own charge per task-hour (none: its proxy runs on the task's CPU and memory). */
  readonly serviceConnectTaskHour: PriceFigure;
  readonly privateCaGeneralPurposeMonth: PriceFigure;
  readonly privateCaShortLivedMonth: PriceFigure;
  readonly privateCaGeneralPurposeCertificate: PriceFigure;
  readonly privateCaShortLivedCertificate: PriceFigure;
  readonly httpApiMillionRequests: PriceFigure;
  readonly webSocketMillionMessages: PriceFigure;
  readonly webSocketMillionConnectionMinutes: PriceFigure;
  readonly cloudFrontGbOut: PriceFigure;
  readonly cloudFront10kHttpsRequests: PriceFigure;
  /** CloudFront Functions invocations (global). */
  readonly cloudFrontFunctionMillionInvocations: PriceFigure;
  /** CloudFront KeyValueStore reads by functions (global; no monthly fee per store). */
  readonly keyValueStoreMillionReads: PriceFigure;
  /** CloudFront KeyValueStore API calls (global). */
  readonly keyValueStoreThousandApiCalls: PriceFigure;
  readonly lambdaMillionRequests: PriceFigure;
  readonly lambdaGbSecond: PriceFigure;
  readonly s3GbMonth: PriceFigure;
  readonly s3ThousandGetRequests: PriceFigure;
  /** S3 PUT, COPY, POST and LIST requests (Standard); replication writes at the destination Region's price. */
  readonly s3ThousandPutRequests: PriceFigure;
  readonly dataTransferOutGb: PriceFigure;
  /** Data transfer from this Region to another AWS Region (S3 replication, EC2 out to another Region). */
  readonly dataTransferInterRegionGb: PriceFigure;
  /** On-demand Linux prices of the EC2 instance types a NAT instance typically uses. */
  readonly ec2InstanceHour: Record<string, PriceFigure>;
}

/** The prices of a whole price list. @internal */
export interface PriceList {
  /** The newest `asOf` of all figures. */
  readonly asOf: string;
  /** Region -> its prices. */
  readonly regions: Record<string, RegionPriceList>;
}

/** @internal */
export const PRICE_LIST: PriceList = {
  asOf: '2026-12-07',
  regions: {
    'us-east-1': US_EAST_1,
    'eu-central-1': EU_CENTRAL_1,
    'us-west-2': US_WEST_2,
    'eu-west-1': EU_WEST_1,
    'ap-southeast-1': AP_SOUTHEAST_1,
  },
};
