import { p, RegionPriceList, u } from './figure';
import { FUNCTION_MILLION_INVOCATIONS, KVS_MILLION_READS, KVS_THOUSAND_API_CALLS } from './global';
import {
  APIGW_OFFER_EUW1, APIGW_PAGE, ARM_NOTE, ARM_SPOT_NOTE, AWS_FARGATE, BILL_EUW1, CLOUDFRONT, CLOUDFRONT_WRING, CLOUDMAP,
  CLOUDMAP_API, CLOUDMAP_API_NOTE, CW, CW_OFFER_EUW1, EC2, EC2_OFFER_EUW1, ECS_OFFER_EUW1, ECS_PRICING, ELB, ELB_OFFER_EUW1,
  FGCALC, GENERAL_CERT_NOTE, KMS, LAMBDA_OFFER_EUW1, PRIVATE_CA, PRIVATE_CA_OFFER, PRIVATELINK, ROUTE53, S3_OFFER_EUW1,
  SECRETS_OFFER_EUW1, SERVICE_CONNECT_NOTE, SHORT_LIVED_CERT_NOTE, SPOT_NOTE, TRANSFER_OFFER_EUW1, VPC_OFFER_EUW1, WAF,
  INTER_REGION_NOTE, PUT_NOTE, S3_REPLICATION,
} from './sources';

const NOT_FOUND = 'the us-east-1 figure; Ireland\'s was not found';
const QUOTED = 'as commonly quoted; not in the pages we could read';

/**
 * The eu-west-1 (Ireland) prices: a likely second Region of a platform in eu-central-1 or
 * us-east-1. Fargate on demand, logs, alarms, HTTP API, Lambda, S3 and data transfer cost here
 * what they cost in us-east-1; NAT gateways ($0.048) and load balancers ($0.0252) a little more.
 *
 * @internal
 */
export const EU_WEST_1: RegionPriceList = {
  fargateX86VcpuHour: p(0.04048, 'vCPU-hour', ECS_OFFER_EUW1, '2026-09-11'),
  fargateX86GbHour: p(0.004445, 'GB-hour', ECS_OFFER_EUW1, '2026-09-11'),
  fargateArmVcpuHour: u(0.03238, 'vCPU-hour', AWS_FARGATE, '2026-12-07', ARM_NOTE),
  fargateArmGbHour: u(0.00356, 'GB-hour', AWS_FARGATE, '2026-12-07', ARM_NOTE),
  fargateSpotX86VcpuHour: u(0.01257825, 'vCPU-hour', FGCALC, '2021-01-14', SPOT_NOTE),
  fargateSpotX86GbHour: u(0.00138118, 'GB-hour', FGCALC, '2021-01-14', SPOT_NOTE),
  fargateSpotArmVcpuHour: u(0.0100614, 'vCPU-hour', AWS_FARGATE, '2026-12-07', ARM_SPOT_NOTE),
  fargateSpotArmGbHour: u(0.00110619, 'GB-hour', AWS_FARGATE, '2026-12-07', ARM_SPOT_NOTE),
  fargateEphemeralGbHour: u(0.000111, 'GB-hour above 20 GB', AWS_FARGATE, '2026-12-07', NOT_FOUND),
  natGatewayHour: p(0.048, 'hour', EC2_OFFER_EUW1, '2026-09-25'),
  natGatewayGb: p(0.048, 'GB processed', EC2_OFFER_EUW1, '2026-09-25'),
  publicIpv4Hour: p(0.005, 'hour per address', VPC_OFFER_EUW1, '2026-09-17'),
  albHour: u(0.0252, 'hour', BILL_EUW1, '2026-07-31', 'derived from a bill ($15.00 / 595 hours = $0.0252); the price table was not read'),
  albLcuHour: p(0.008, 'LCU-hour', ELB_OFFER_EUW1, '2026-09-11'),
  nlbHour: u(0.0252, 'hour', ELB, '2026-12-07', 'assumed equal to the ALB hour, as in us-east-1 and eu-central-1; not read'),
  nlbLcuHour: u(0.006, 'NLCU-hour', ELB, '2026-12-07', NOT_FOUND),
  interfaceEndpointAzHour: u(0.011, 'hour per AZ', PRIVATELINK, '2026-12-07', QUOTED),
  interfaceEndpointGb: u(0.01, 'GB processed', PRIVATELINK, '2026-12-07', NOT_FOUND),
  ebsGp3GbMonth: u(0.088, 'GB-month', EC2, '2026-12-07', QUOTED),
  wafWebAclMonth: p(5, 'web ACL-month', WAF, '2026-11-26'),
  wafRuleMonth: p(1, 'rule-month', WAF, '2026-11-26'),
  wafMillionRequests: p(0.6, 'million requests', WAF, '2026-11-26'),
  kmsKeyMonth: u(1, 'key-month', KMS, '2026-11-26', 'the us-east-1 figure, commonly quoted for every Region'),
  secretMonth: p(0.4, 'secret-month', SECRETS_OFFER_EUW1, '2026-09-11'),
  hostedZoneMonth: p(0.5, 'hosted zone-month', ROUTE53, '2026-11-26'),
  dnsMillionQueries: p(0.4, 'million queries', ROUTE53, '2026-11-26'),
  dashboardMonth: u(3, 'dashboard-month', CW, '2026-12-07', NOT_FOUND),
  alarmMetricMonth: p(0.1, 'alarm metric-month', CW_OFFER_EUW1, '2026-09-22'),
  alarmHighResolutionMetricMonth: u(0.3, 'alarm metric-month', CW, '2026-12-07', NOT_FOUND),
  compositeAlarmMonth: u(0.5, 'composite alarm-month', CW, '2026-12-07', NOT_FOUND),
  customMetricMonth: p(0.3, 'metric-month', CW_OFFER_EUW1, '2026-09-22'),
  logsIngestedGb: p(0.57, 'GB ingested', CW_OFFER_EUW1, '2026-09-22'),
  logsStoredGbMonth: p(0.03, 'GB-month stored', CW_OFFER_EUW1, '2026-09-22'),
  cloudMapInstanceMonth: p(0.1, 'registered instance-month', CLOUDMAP, '2025-08-01'),
  cloudMapMillionApiCalls: u(1, 'million API calls', CLOUDMAP_API, '2025-08-01', CLOUDMAP_API_NOTE),
  serviceConnectTaskHour: u(0, 'task-hour', ECS_PRICING, '2026-12-07', SERVICE_CONNECT_NOTE),
  privateCaGeneralPurposeMonth: p(400, 'CA-month (general-purpose mode)', PRIVATE_CA, '2026-12-07'),
  privateCaShortLivedMonth: p(50, 'CA-month (short-lived certificate mode)', PRIVATE_CA, '2026-12-07'),
  privateCaGeneralPurposeCertificate: u(0.75, 'certificate issued', PRIVATE_CA, '2026-12-07', GENERAL_CERT_NOTE),
  privateCaShortLivedCertificate: u(0.058, 'certificate issued', PRIVATE_CA_OFFER, '2025-07-01', SHORT_LIVED_CERT_NOTE),
  httpApiMillionRequests: p(1.11, 'million requests', APIGW_OFFER_EUW1, '2026-10-02'),
  webSocketMillionMessages: u(1, 'million messages', APIGW_PAGE, '2026-12-07', NOT_FOUND),
  webSocketMillionConnectionMinutes: u(0.25, 'million connection minutes', APIGW_PAGE, '2026-12-07', NOT_FOUND),
  cloudFrontGbOut: p(0.085, 'GB out (North America, Europe)', CLOUDFRONT, '2026-11-26'),
  cloudFront10kHttpsRequests: p(0.01, '10,000 HTTPS requests', CLOUDFRONT_WRING, '2026-03-08'),
  cloudFrontFunctionMillionInvocations: FUNCTION_MILLION_INVOCATIONS,
  keyValueStoreMillionReads: KVS_MILLION_READS,
  keyValueStoreThousandApiCalls: KVS_THOUSAND_API_CALLS,
  lambdaMillionRequests: p(0.2, 'million requests', LAMBDA_OFFER_EUW1, '2026-10-01'),
  lambdaGbSecond: p(0.0000166667, 'GB-second (x86)', LAMBDA_OFFER_EUW1, '2026-10-01'),
  s3GbMonth: p(0.023, 'GB-month (Standard)', S3_OFFER_EUW1, '2026-09-28'),
  s3ThousandGetRequests: p(0.0004, '1,000 GET requests (Standard)', S3_OFFER_EUW1, '2026-09-28'),
  s3ThousandPutRequests: u(0.005, '1,000 PUT requests (Standard)', S3_REPLICATION, '2026-12-07', PUT_NOTE),
  dataTransferOutGb: p(0.09, 'GB out to the internet', TRANSFER_OFFER_EUW1, '2026-09-16'),
  dataTransferInterRegionGb: u(0.02, 'GB to another AWS Region', S3_REPLICATION, '2026-12-07', INTER_REGION_NOTE),
  ec2InstanceHour: {
    't4g.nano': u(0.0046, 'hour', EC2, '2026-12-07', QUOTED),
    't4g.micro': u(0.0092, 'hour', EC2, '2026-12-07', 'derived: t4g.nano x 2 (t4g prices scale with size)'),
    't4g.small': u(0.0184, 'hour', EC2, '2026-12-07', 'derived: t4g.nano x 4 (t4g prices scale with size)'),
  },
};
