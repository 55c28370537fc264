/**
 * The prices the cost estimator uses: one figure per line, each with the page it comes from and
 * the date it was read. List prices in USD, on-demand, first tier, no free tier subtracted.
 *
 * Update a figure by changing its line here (and its `asOf`); the estimator's tests recompute
 * their expected figures by hand, so a changed price shows up as a failing test to update.
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
  readonly lambdaMillionRequests: PriceFigure;
  readonly lambdaGbSecond: PriceFigure;
  readonly s3GbMonth: PriceFigure;
  readonly s3ThousandGetRequests: PriceFigure;
  readonly dataTransferOutGb: PriceFigure;
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

// Where each figure was read. AWS's own pricing pages draw their regional tables by script, so
// the stored copies our machines can read hold no numbers; these are the pages and public copies
// of AWS's Price List offer files that do (each with the date it gives).
const AWS_FARGATE = 'https://aws.amazon.com/fargate/pricing/';
const VANTAGE_FARGATE = 'https://www.vantage.sh/blog/fargate-pricing';
const WRING_FARGATE = 'https://www.wring.co/blog/aws-fargate-pricing-guide';
const FGCALC = 'https://github.com/theuves/fgcalc (src/utils/data.js, copied from aws.amazon.com/fargate/pricing)';
const ECS_OFFER_EUC1 = 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/eu-central-1/index.json (public copy)';
const EC2_OFFER_EUC1 = 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/eu-central-1/index.json (public copy)';
const VPC_OFFER_EUC1 = 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonVPC/current/eu-central-1/index.json (public copy, checked against a bill)';
const CLOUDBURN_NAT = 'https://cloudburn.io/blog/aws-nat-gateway-pricing';
const ELB_EXAMPLES = 'https://aws.amazon.com/elasticloadbalancing/pricing/ (pricing examples)';
const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
const EGRESSCOST = 'https://www.egresscost.com/nat-gateway';
const PRIVATELINK = 'https://aws.amazon.com/privatelink/pricing/';
const FCK_NAT = 'https://github.com/AndrewGuenther/fck-nat (README)';
const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
const WAF = 'https://aws.amazon.com/waf/pricing/ (the same in every Region)';
const KMS = 'https://www.wring.co/blog/aws-kms-pricing-guide';
const SECRETS = 'https://aws.amazon.com/secrets-manager/pricing/';
const ROUTE53 = 'https://aws.amazon.com/route53/pricing/ (global)';
const CW_FACTUAL = 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/';
const CW = 'https://aws.amazon.com/cloudwatch/pricing/';
const CW_PRICEBOOK_EUC1 = 'CloudWatch eu-central-1 price book (public CloudHealth template, effective 2025-01-01)';
const CLOUDMAP = 'https://aws.amazon.com/cloud-map/pricing/ (AWS Price List, AWSCloudMap, effective 2025-08-01)';
const CLOUDMAP_API = 'https://huggingface.co/datasets/labofsahil/aws-pricing-dataset (AWSCloudMap.csv, a copy of the AWS Price List: "$1.00 per million API calls", effective 2025-08-01)';
const ECS_PRICING = 'https://aws.amazon.com/ecs/pricing/ ("no additional charge for Amazon ECS orchestration"; no Service Connect line)';
const PRIVATE_CA = 'https://aws.amazon.com/private-ca/pricing/';
const PRIVATE_CA_OFFER = 'https://huggingface.co/datasets/labofsahil/aws-pricing-dataset (AWSCertificateManager.csv, a copy of the AWS Price List, effective 2025-07-01)';
const APIGW = 'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html';
const APIGW_PAGE = 'https://aws.amazon.com/api-gateway/pricing/';
const CLOUDFRONT = 'https://aws.amazon.com/cloudfront/pricing/';
const CLOUDFRONT_WRING = 'https://wring.co/blog/aws-cloudfront-pricing-guide';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const S3_REQUESTS = 'https://c3x.dev/blog/s3-request-fees-explained';
const TRANSFER = 'https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/';

const p = (usd: number, unit: string, source: string, asOf: string): PriceFigure => ({ usd, unit, source, asOf });
/** A figure that could not be read for this Region here: as commonly quoted or derived (`note`). */
const u = (usd: number, unit: string, source: string, asOf: string, note: string): PriceFigure =>
  ({ usd, unit, source, asOf, verified: false, note });

// Fargate Spot: AWS publishes Spot prices only in a feed our machines cannot reach. The x86
// figures are the newest dated copy we found (January 2021); ARM64 Spot keeps the same ratio to
// ARM64 on demand (x86 Spot / x86 on demand = 0.3123 for vCPU, 0.3123 for memory).
const SPOT_NOTE = 'Spot prices move with supply; AWS says up to 70% below on demand';
const ARM_SPOT_NOTE = 'derived: ARM64 on demand x (x86 Spot / x86 on demand) of the same Region';
const SERVICE_CONNECT_NOTE = 'no Service Connect fee on the AWS pages we read (third-party: "the feature is free", '
  + 'https://fortem.dev/blog/ecs-service-connect-guide/); its proxy runs on the task\'s own CPU and memory';
const CLOUDMAP_API_NOTE = 'the Price List rows we read name other Regions (Cloud Map prices are the same in every Region we saw)';
const SHORT_LIVED_CERT_NOTE = 'the Price List rows we read are af-south-1 and me-south-1 ($0.058 each); this Region\'s row was not read';
const GENERAL_CERT_NOTE = 'as commonly quoted (the first 1,000 a month; less above); this Region\'s row was not read';
const ARM_NOTE = 'derived: x86 x 0.8, the ARM64/x86 ratio of every Region whose prices we could read';

/** @internal */
export const PRICE_LIST: PriceList = {
  asOf: '2026-12-07',
  regions: {
    'us-east-1': {
      fargateX86VcpuHour: p(0.04048, 'vCPU-hour', WRING_FARGATE, '2026-03-10'),
      fargateX86GbHour: p(0.004445, 'GB-hour', WRING_FARGATE, '2026-03-10'),
      fargateArmVcpuHour: p(0.03238, 'vCPU-hour', VANTAGE_FARGATE, '2026-03-10'),
      fargateArmGbHour: p(0.00356, 'GB-hour', VANTAGE_FARGATE, '2026-03-10'),
      fargateSpotX86VcpuHour: u(0.01264355, 'vCPU-hour', FGCALC, '2021-01-14', SPOT_NOTE),
      fargateSpotX86GbHour: u(0.00138835, 'GB-hour', FGCALC, '2021-01-14', SPOT_NOTE),
      fargateSpotArmVcpuHour: u(0.0101131, 'vCPU-hour', AWS_FARGATE, '2026-12-01', ARM_SPOT_NOTE),
      fargateSpotArmGbHour: u(0.00111194, 'GB-hour', AWS_FARGATE, '2026-12-01', ARM_SPOT_NOTE),
      fargateEphemeralGbHour: p(0.000111, 'GB-hour above 20 GB', VANTAGE_FARGATE, '2026-03-10'),
      natGatewayHour: p(0.045, 'hour', CLOUDBURN_NAT, '2026-02-24'),
      natGatewayGb: p(0.045, 'GB processed', CLOUDBURN_NAT, '2026-02-24'),
      publicIpv4Hour: p(0.005, 'hour per address', CLOUDBURN_NAT, '2026-02-24'),
      albHour: p(0.0225, 'hour', ELB_EXAMPLES, '2026-09-20'),
      albLcuHour: p(0.008, 'LCU-hour', ELB_EXAMPLES, '2026-09-20'),
      nlbHour: p(0.0225, 'hour', ELB_EXAMPLES, '2026-09-20'),
      nlbLcuHour: p(0.006, 'NLCU-hour', ELB_EXAMPLES, '2026-09-20'),
      interfaceEndpointAzHour: p(0.01, 'hour per AZ', EGRESSCOST, '2026-03-01'),
      interfaceEndpointGb: p(0.01, 'GB processed', PRIVATELINK, '2026-11-26'),
      ebsGp3GbMonth: p(0.08, 'GB-month', FCK_NAT, '2026-11-26'),
      wafWebAclMonth: p(5, 'web ACL-month', WAF, '2026-11-26'),
      wafRuleMonth: p(1, 'rule-month', WAF, '2026-11-26'),
      wafMillionRequests: p(0.6, 'million requests', WAF, '2026-11-26'),
      kmsKeyMonth: p(1, 'key-month', KMS, '2026-11-26'),
      secretMonth: p(0.4, 'secret-month', SECRETS, '2026-11-26'),
      hostedZoneMonth: p(0.5, 'hosted zone-month', ROUTE53, '2026-11-26'),
      dnsMillionQueries: p(0.4, 'million queries', ROUTE53, '2026-11-26'),
      dashboardMonth: p(3, 'dashboard-month', CW_FACTUAL, '2026-06-13'),
      alarmMetricMonth: p(0.1, 'alarm metric-month', CW_FACTUAL, '2026-06-13'),
      alarmHighResolutionMetricMonth: p(0.3, 'alarm metric-month', CW_FACTUAL, '2026-06-13'),
      compositeAlarmMonth: p(0.5, 'composite alarm-month', CW_FACTUAL, '2026-06-13'),
      customMetricMonth: u(0.3, 'metric-month', CW, '2026-11-26', 'as commonly quoted (first 10,000 metrics); not in the pages we could read'),
      logsIngestedGb: p(0.5, 'GB ingested', CW_FACTUAL, '2026-06-13'),
      logsStoredGbMonth: u(0.03, 'GB-month stored', CW, '2026-11-26', 'as commonly quoted; not in the pages we could read'),
      cloudMapInstanceMonth: p(0.1, 'registered instance-month', CLOUDMAP, '2025-08-01'),
      cloudMapMillionApiCalls: u(1, 'million API calls', CLOUDMAP_API, '2025-08-01', CLOUDMAP_API_NOTE),
      serviceConnectTaskHour: u(0, 'task-hour', ECS_PRICING, '2026-12-07', SERVICE_CONNECT_NOTE),
      privateCaGeneralPurposeMonth: p(400, 'CA-month (general-purpose mode)', PRIVATE_CA, '2026-12-07'),
      privateCaShortLivedMonth: p(50, 'CA-month (short-lived certificate mode)', PRIVATE_CA, '2026-12-07'),
      privateCaGeneralPurposeCertificate: u(0.75, 'certificate issued', PRIVATE_CA, '2026-12-07', GENERAL_CERT_NOTE),
      privateCaShortLivedCertificate: u(0.058, 'certificate issued', PRIVATE_CA_OFFER, '2025-07-01', SHORT_LIVED_CERT_NOTE),
      httpApiMillionRequests: p(1, 'million requests', APIGW, '2026-11-26'),
      webSocketMillionMessages: p(1, 'million messages', APIGW_PAGE, '2026-11-26'),
      webSocketMillionConnectionMinutes: p(0.25, 'million connection minutes', APIGW_PAGE, '2026-11-26'),
      cloudFrontGbOut: p(0.085, 'GB out (North America, Europe)', CLOUDFRONT, '2026-11-26'),
      cloudFront10kHttpsRequests: p(0.01, '10,000 HTTPS requests', CLOUDFRONT_WRING, '2026-03-08'),
      lambdaMillionRequests: p(0.2, 'million requests', LAMBDA, '2026-11-26'),
      lambdaGbSecond: p(0.0000166667, 'GB-second (x86)', LAMBDA, '2026-11-26'),
      s3GbMonth: p(0.023, 'GB-month (Standard)', S3, '2026-11-26'),
      s3ThousandGetRequests: p(0.0004, '1,000 GET requests (Standard)', S3_REQUESTS, '2026-12-07'),
      dataTransferOutGb: p(0.09, 'GB out to the internet', TRANSFER, '2026-01-01'),
      ec2InstanceHour: {
        't4g.nano': p(0.0042, 'hour', FCK_NAT, '2026-11-26'),
        't4g.micro': u(0.0084, 'hour', EC2, '2026-11-26', 'derived: t4g.nano x 2 (t4g prices scale with size)'),
        't4g.small': u(0.0168, 'hour', EC2, '2026-11-26', 'derived: t4g.nano x 4 (t4g prices scale with size)'),
      },
    },
    'eu-central-1': {
      fargateX86VcpuHour: p(0.04656, 'vCPU-hour', ECS_OFFER_EUC1, '2026-07-07'),
      fargateX86GbHour: p(0.00511, 'GB-hour', ECS_OFFER_EUC1, '2026-07-07'),
      fargateArmVcpuHour: u(0.037248, 'vCPU-hour', AWS_FARGATE, '2026-12-01', ARM_NOTE),
      fargateArmGbHour: u(0.004088, 'GB-hour', AWS_FARGATE, '2026-12-01', ARM_NOTE),
      fargateSpotX86VcpuHour: u(0.0140458, 'vCPU-hour', FGCALC, '2021-01-14', SPOT_NOTE),
      fargateSpotX86GbHour: u(0.00154154, 'GB-hour', FGCALC, '2021-01-14', SPOT_NOTE),
      fargateSpotArmVcpuHour: u(0.0112366, 'vCPU-hour', AWS_FARGATE, '2026-12-01', ARM_SPOT_NOTE),
      fargateSpotArmGbHour: u(0.00123323, 'GB-hour', AWS_FARGATE, '2026-12-01', ARM_SPOT_NOTE),
      fargateEphemeralGbHour: u(0.000111, 'GB-hour above 20 GB', AWS_FARGATE, '2026-12-01', 'the us-east-1 figure; Frankfurt\'s was not found'),
      natGatewayHour: p(0.052, 'hour', VPC_OFFER_EUC1, '2026-09-22'),
      natGatewayGb: u(0.052, 'GB processed', VPC_OFFER_EUC1, '2026-09-22', 'as quoted beside the hourly figure; not read from the offer file'),
      publicIpv4Hour: p(0.005, 'hour per address', EC2_OFFER_EUC1, '2026-08-26'),
      albHour: u(0.027, 'hour', ELB, '2017-12-18', 'a table last updated 2017; no newer Frankfurt figure found'),
      albLcuHour: u(0.008, 'LCU-hour', ELB, '2026-12-01', 'the us-east-1 figure; Frankfurt\'s was not found'),
      nlbHour: u(0.027, 'hour', ELB, '2017-12-18', 'a table last updated 2017; no newer Frankfurt figure found'),
      nlbLcuHour: u(0.006, 'NLCU-hour', ELB, '2026-12-01', 'the us-east-1 figure; Frankfurt\'s was not found'),
      interfaceEndpointAzHour: p(0.012, 'hour per AZ', VPC_OFFER_EUC1, '2026-09-22'),
      interfaceEndpointGb: p(0.01, 'GB processed', VPC_OFFER_EUC1, '2026-09-22'),
      ebsGp3GbMonth: p(0.0952, 'GB-month', EC2_OFFER_EUC1, '2026-08-26'),
      wafWebAclMonth: p(5, 'web ACL-month', WAF, '2026-11-26'),
      wafRuleMonth: p(1, 'rule-month', WAF, '2026-11-26'),
      wafMillionRequests: p(0.6, 'million requests', WAF, '2026-11-26'),
      kmsKeyMonth: u(1, 'key-month', KMS, '2026-11-26', 'the us-east-1 figure, commonly quoted for every Region'),
      secretMonth: u(0.4, 'secret-month', SECRETS, '2026-11-26', 'the us-east-1 figure, commonly quoted for every Region'),
      hostedZoneMonth: p(0.5, 'hosted zone-month', ROUTE53, '2026-11-26'),
      dnsMillionQueries: p(0.4, 'million queries', ROUTE53, '2026-11-26'),
      dashboardMonth: p(3, 'dashboard-month', CW_PRICEBOOK_EUC1, '2025-01-01'),
      alarmMetricMonth: u(0.1, 'alarm metric-month', CW, '2026-11-26', 'the us-east-1 figure; Frankfurt\'s was not found'),
      alarmHighResolutionMetricMonth: u(0.3, 'alarm metric-month', CW, '2026-11-26', 'the us-east-1 figure; Frankfurt\'s was not found'),
      compositeAlarmMonth: u(0.5, 'composite alarm-month', CW, '2026-11-26', 'the us-east-1 figure; Frankfurt\'s was not found'),
      customMetricMonth: u(0.3, 'metric-month', CW, '2026-11-26', 'the us-east-1 figure; Frankfurt\'s was not found'),
      logsIngestedGb: p(0.63, 'GB ingested', CW_PRICEBOOK_EUC1, '2025-01-01'),
      logsStoredGbMonth: u(0.0324, 'GB-month stored', CW, '2026-11-26', 'as commonly quoted; not in the pages we could read'),
      cloudMapInstanceMonth: p(0.1, 'registered instance-month', CLOUDMAP, '2025-08-01'),
      cloudMapMillionApiCalls: u(1, 'million API calls', CLOUDMAP_API, '2025-08-01', CLOUDMAP_API_NOTE),
      serviceConnectTaskHour: u(0, 'task-hour', ECS_PRICING, '2026-12-07', SERVICE_CONNECT_NOTE),
      privateCaGeneralPurposeMonth: p(400, 'CA-month (general-purpose mode)', PRIVATE_CA, '2026-12-07'),
      privateCaShortLivedMonth: p(50, 'CA-month (short-lived certificate mode)', PRIVATE_CA, '2026-12-07'),
      privateCaGeneralPurposeCertificate: u(0.75, 'certificate issued', PRIVATE_CA, '2026-12-07', GENERAL_CERT_NOTE),
      privateCaShortLivedCertificate: u(0.058, 'certificate issued', PRIVATE_CA_OFFER, '2025-07-01', SHORT_LIVED_CERT_NOTE),
      httpApiMillionRequests: u(1.2, 'million requests', APIGW_PAGE, '2026-11-26', 'as commonly quoted; not in the pages we could read'),
      webSocketMillionMessages: u(1, 'million messages', APIGW_PAGE, '2026-11-26', 'the us-east-1 figure; Frankfurt\'s was not found'),
      webSocketMillionConnectionMinutes: u(0.25, 'million connection minutes', APIGW_PAGE, '2026-11-26', 'the us-east-1 figure; Frankfurt\'s was not found'),
      cloudFrontGbOut: p(0.085, 'GB out (North America, Europe)', CLOUDFRONT, '2026-11-26'),
      cloudFront10kHttpsRequests: p(0.01, '10,000 HTTPS requests', CLOUDFRONT_WRING, '2026-03-08'),
      lambdaMillionRequests: u(0.2, 'million requests', LAMBDA, '2026-11-26', 'the us-east-1 figure, commonly quoted for Frankfurt too'),
      lambdaGbSecond: u(0.0000166667, 'GB-second (x86)', LAMBDA, '2026-11-26', 'the us-east-1 figure, commonly quoted for Frankfurt too'),
      s3GbMonth: u(0.0245, 'GB-month (Standard)', S3, '2026-11-26', 'as commonly quoted; not in the pages we could read'),
      s3ThousandGetRequests: u(0.00043, '1,000 GET requests (Standard)', S3, '2026-12-07', 'as commonly quoted; not in the pages we could read'),
      dataTransferOutGb: u(0.09, 'GB out to the internet', TRANSFER, '2026-01-01', 'the us-east-1 figure, commonly quoted for Frankfurt too'),
      ec2InstanceHour: {
        't4g.nano': u(0.0048, 'hour', EC2_OFFER_EUC1, '2026-08-26', 'derived: t4g.small / 4 (t4g prices scale with size)'),
        't4g.micro': u(0.0096, 'hour', EC2_OFFER_EUC1, '2026-08-26', 'derived: t4g.small / 2 (t4g prices scale with size)'),
        't4g.small': p(0.0192, 'hour', EC2_OFFER_EUC1, '2026-08-26'),
      },
    },
  },
};
