/**
 * One price of a price list: the figure, its unit, the page it comes from and the date it was
 * read. List prices in USD, on-demand, first tier, no free tier subtracted.
 *
 * @internal
 */
export interface PriceFigure {
  /** The price in USD per `unit`. */
  readonly usd: number;
  /** What one unit is (`hour`, `GB`, `month`, `million requests`, ...). */
  readonly unit: string;
  /** Where the figure comes from (a URL). */
  readonly source: string;
  /** When the figure was read or published (YYYY-MM-DD). */
  readonly asOf: string;
  /**
   * False when the figure could not be read from its source on our machines (AWS's regional
   * price tables load by script) and is the figure as commonly quoted: re-check it.
   */
  readonly verified?: boolean;
  /** How the figure was derived or what to know about it. */
  readonly note?: string;
}

/** A figure read from its source (with what to know about it, if anything). @internal */
export const p = (usd: number, unit: string, source: string, asOf: string, note?: string): PriceFigure =>
  (note ? { usd, unit, source, asOf, note } : { usd, unit, source, asOf });

/** A figure that could not be read for this Region here: as commonly quoted or derived (`note`). @internal */
export const u = (usd: number, unit: string, source: string, asOf: string, note: string): PriceFigure =>
  ({ usd, unit, source, asOf, verified: false, note });

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
