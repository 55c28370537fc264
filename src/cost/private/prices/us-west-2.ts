import { p, RegionPriceList, u } from './figure';
import { FUNCTION_MILLION_INVOCATIONS, KVS_MILLION_READS, KVS_THOUSAND_API_CALLS } from './global';
import {
  APIGW_PAGE, ARM_SPOT_NOTE, AWS_FARGATE, CLOUDFRONT, CLOUDFRONT_WRING, CLOUDMAP, CLOUDMAP_API, CLOUDMAP_API_NOTE, CW,
  DEFANG_USW2, EC2, ECS_PRICING, ELB, FGCALC, GENERAL_CERT_NOTE, KMS, LAMBDA, LOGS_USW2, PRIVATE_CA, PRIVATE_CA_OFFER,
  ROUTE53, S3, SECRETS, SERVICE_CONNECT_NOTE, SHORT_LIVED_CERT_NOTE, SPOT_NOTE, TRANSFER, VPCE_USW2, WAF,
  INTER_REGION_NOTE, PUT_NOTE, S3_REPLICATION,
} from './sources';

const SAME = 'the us-east-1 figure, commonly quoted for Oregon too; Oregon\'s was not read';

/**
 * The us-west-2 (Oregon) prices: a likely second Region of a platform in us-east-1. Oregon's
 * list prices are those of us-east-1 for everything the estimator prices, as far as we could
 * read them (Fargate, NAT gateway, load balancer, interface endpoints, logs ingested).
 *
 * @internal
 */
export const US_WEST_2: RegionPriceList = {
  fargateX86VcpuHour: p(0.04048, 'vCPU-hour', FGCALC, '2021-01-14', 'a 2026 us-west-2 Price List estimate agrees ($7.39 for 182.5 vCPU-hours, ' + DEFANG_USW2 + ')'),
  fargateX86GbHour: p(0.004445, 'GB-hour', FGCALC, '2021-01-14', 'a 2026 us-west-2 Price List estimate agrees ($1.62 for 365 GB-hours)'),
  fargateArmVcpuHour: u(0.03238, 'vCPU-hour', AWS_FARGATE, '2026-12-07', SAME),
  fargateArmGbHour: u(0.00356, 'GB-hour', AWS_FARGATE, '2026-12-07', SAME),
  fargateSpotX86VcpuHour: u(0.01269464, 'vCPU-hour', FGCALC, '2021-01-14', SPOT_NOTE),
  fargateSpotX86GbHour: u(0.00139396, 'GB-hour', FGCALC, '2021-01-14', SPOT_NOTE),
  fargateSpotArmVcpuHour: u(0.0101545, 'vCPU-hour', AWS_FARGATE, '2026-12-07', ARM_SPOT_NOTE),
  fargateSpotArmGbHour: u(0.00111642, 'GB-hour', AWS_FARGATE, '2026-12-07', ARM_SPOT_NOTE),
  fargateEphemeralGbHour: p(0.000111, 'GB-hour above 20 GB', DEFANG_USW2, '2026-12-07'),
  natGatewayHour: p(0.045, 'hour', DEFANG_USW2, '2026-12-07'),
  natGatewayGb: u(0.045, 'GB processed', TRANSFER, '2026-01-01', 'as quoted for Oregon beside the hourly figure; not read from the offer file'),
  publicIpv4Hour: u(0.005, 'hour per address', EC2, '2026-12-07', 'the figure of every Region we read (us-east-1, eu-central-1, eu-west-1)'),
  albHour: p(0.0225, 'hour', DEFANG_USW2, '2026-12-07'),
  albLcuHour: u(0.008, 'LCU-hour', ELB, '2026-12-07', SAME),
  nlbHour: u(0.0225, 'hour', ELB, '2026-12-07', SAME),
  nlbLcuHour: u(0.006, 'NLCU-hour', ELB, '2026-12-07', SAME),
  interfaceEndpointAzHour: p(0.01, 'hour per AZ', VPCE_USW2, '2026-10-06'),
  interfaceEndpointGb: p(0.01, 'GB processed', VPCE_USW2, '2026-10-06'),
  ebsGp3GbMonth: u(0.08, 'GB-month', EC2, '2026-12-07', SAME),
  wafWebAclMonth: p(5, 'web ACL-month', WAF, '2026-11-26'),
  wafRuleMonth: p(1, 'rule-month', WAF, '2026-11-26'),
  wafMillionRequests: p(0.6, 'million requests', WAF, '2026-11-26'),
  kmsKeyMonth: u(1, 'key-month', KMS, '2026-11-26', 'the us-east-1 figure, commonly quoted for every Region'),
  secretMonth: u(0.4, 'secret-month', SECRETS, '2026-11-26', 'the us-east-1 figure, commonly quoted for every Region (eu-west-1\'s offer file has $0.40 too)'),
  hostedZoneMonth: p(0.5, 'hosted zone-month', ROUTE53, '2026-11-26'),
  dnsMillionQueries: p(0.4, 'million queries', ROUTE53, '2026-11-26'),
  dashboardMonth: u(3, 'dashboard-month', CW, '2026-12-07', SAME),
  alarmMetricMonth: u(0.1, 'alarm metric-month', CW, '2026-12-07', SAME),
  alarmHighResolutionMetricMonth: u(0.3, 'alarm metric-month', CW, '2026-12-07', SAME),
  compositeAlarmMonth: u(0.5, 'composite alarm-month', CW, '2026-12-07', SAME),
  customMetricMonth: u(0.3, 'metric-month', CW, '2026-12-07', SAME),
  logsIngestedGb: p(0.5, 'GB ingested', LOGS_USW2, '2026-12-07'),
  logsStoredGbMonth: u(0.03, 'GB-month stored', CW, '2026-12-07', SAME),
  cloudMapInstanceMonth: p(0.1, 'registered instance-month', CLOUDMAP, '2025-08-01'),
  cloudMapMillionApiCalls: u(1, 'million API calls', CLOUDMAP_API, '2025-08-01', CLOUDMAP_API_NOTE),
  serviceConnectTaskHour: u(0, 'task-hour', ECS_PRICING, '2026-12-07', SERVICE_CONNECT_NOTE),
  privateCaGeneralPurposeMonth: p(400, 'CA-month (general-purpose mode)', PRIVATE_CA, '2026-12-07'),
  privateCaShortLivedMonth: p(50, 'CA-month (short-lived certificate mode)', PRIVATE_CA, '2026-12-07'),
  privateCaGeneralPurposeCertificate: u(0.75, 'certificate issued', PRIVATE_CA, '2026-12-07', GENERAL_CERT_NOTE),
  privateCaShortLivedCertificate: u(0.058, 'certificate issued', PRIVATE_CA_OFFER, '2025-07-01', SHORT_LIVED_CERT_NOTE),
  httpApiMillionRequests: u(1, 'million requests', APIGW_PAGE, '2026-12-07', SAME),
  webSocketMillionMessages: u(1, 'million messages', APIGW_PAGE, '2026-12-07', SAME),
  webSocketMillionConnectionMinutes: u(0.25, 'million connection minutes', APIGW_PAGE, '2026-12-07', SAME),
  cloudFrontGbOut: p(0.085, 'GB out (North America, Europe)', CLOUDFRONT, '2026-11-26'),
  cloudFront10kHttpsRequests: p(0.01, '10,000 HTTPS requests', CLOUDFRONT_WRING, '2026-03-08'),
  cloudFrontFunctionMillionInvocations: FUNCTION_MILLION_INVOCATIONS,
  keyValueStoreMillionReads: KVS_MILLION_READS,
  keyValueStoreThousandApiCalls: KVS_THOUSAND_API_CALLS,
  lambdaMillionRequests: u(0.2, 'million requests', LAMBDA, '2026-12-07', SAME),
  lambdaGbSecond: u(0.0000166667, 'GB-second (x86)', LAMBDA, '2026-12-07', SAME),
  s3GbMonth: u(0.023, 'GB-month (Standard)', S3, '2026-12-07', SAME),
  s3ThousandGetRequests: u(0.0004, '1,000 GET requests (Standard)', S3, '2026-12-07', SAME),
  s3ThousandPutRequests: u(0.005, '1,000 PUT requests (Standard)', S3_REPLICATION, '2026-12-07', PUT_NOTE),
  dataTransferOutGb: u(0.09, 'GB out to the internet', TRANSFER, '2026-01-01', SAME),
  dataTransferInterRegionGb: u(0.02, 'GB to another AWS Region', S3_REPLICATION, '2026-12-07', INTER_REGION_NOTE),
  ec2InstanceHour: {
    't4g.nano': u(0.0042, 'hour', EC2, '2026-12-07', SAME),
    't4g.micro': u(0.0084, 'hour', EC2, '2026-12-07', 'derived: t4g.nano x 2 (t4g prices scale with size)'),
    't4g.small': u(0.0168, 'hour', EC2, '2026-12-07', 'derived: t4g.nano x 4 (t4g prices scale with size)'),
  },
};
