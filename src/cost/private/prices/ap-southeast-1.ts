import { p, RegionPriceList, u } from './figure';
import { FUNCTION_MILLION_INVOCATIONS, KVS_MILLION_READS, KVS_THOUSAND_API_CALLS } from './global';
import {
  APIGW_OFFER_APS1, APIGW_PAGE, ARM_SPOT_NOTE, AWS_FARGATE, CLOUDFRONT, CLOUDFRONT_WRING, CLOUDMAP_OFFER_APS1, CW,
  CW_OFFER_APS1, EC2_OFFER_APS1, ECS_OFFER_APS1, ECS_PRICING, ELB, ELB_OFFER_APS1, FGCALC, GENERAL_CERT_NOTE,
  KMS_OFFER_APS1, LAMBDA_APS1, PRIVATE_CA, PRIVATE_CA_OFFER, PRIVATELINK, ROUTE53, S3, S3_OFFER_APS1, SECRETS_OFFER_APS1,
  SERVICE_CONNECT_NOTE, SHORT_LIVED_CERT_NOTE, SPOT_NOTE, TRANSFER_OFFER_APS1, VPC_OFFER_APS1, WAF_OFFER_APS1,
  INTER_REGION_NOTE, PUT_NOTE, S3_REPLICATION,
} from './sources';

const NOT_FOUND = 'the us-east-1 figure; Singapore\'s was not found (Singapore is usually dearer)';

/**
 * The ap-southeast-1 (Singapore) prices: a second Region near Asian viewers. Most of it is dearer
 * than us-east-1: Fargate about 25% more, NAT gateway $0.059, interface endpoints $0.013 an AZ-hour,
 * logs $0.70 per GB ingested, HTTP API $1.25 per million, data out $0.12 per GB.
 *
 * @internal
 */
export const AP_SOUTHEAST_1: RegionPriceList = {
  fargateX86VcpuHour: p(0.05056, 'vCPU-hour', FGCALC, '2021-01-14', 'the 2026-09 ARM64 row of the offer file ($0.04045) / 0.8 agrees'),
  fargateX86GbHour: p(0.00553, 'GB-hour', FGCALC, '2021-01-14', 'the 2026-09 ARM64 row of the offer file ($0.00442) / 0.8 agrees'),
  fargateArmVcpuHour: p(0.04045, 'vCPU-hour', ECS_OFFER_APS1, '2026-09-11'),
  fargateArmGbHour: p(0.00442, 'GB-hour', ECS_OFFER_APS1, '2026-09-11'),
  fargateSpotX86VcpuHour: u(0.015168, 'vCPU-hour', FGCALC, '2021-01-14', SPOT_NOTE),
  fargateSpotX86GbHour: u(0.001659, 'GB-hour', FGCALC, '2021-01-14', SPOT_NOTE),
  fargateSpotArmVcpuHour: u(0.012135, 'vCPU-hour', AWS_FARGATE, '2026-12-07', ARM_SPOT_NOTE),
  fargateSpotArmGbHour: u(0.001326, 'GB-hour', AWS_FARGATE, '2026-12-07', ARM_SPOT_NOTE),
  fargateEphemeralGbHour: u(0.000111, 'GB-hour above 20 GB', AWS_FARGATE, '2026-12-07', NOT_FOUND),
  natGatewayHour: p(0.059, 'hour', EC2_OFFER_APS1, '2026-09-24'),
  natGatewayGb: p(0.059, 'GB processed', EC2_OFFER_APS1, '2026-09-24'),
  publicIpv4Hour: p(0.005, 'hour per address', VPC_OFFER_APS1, '2026-09-17'),
  albHour: p(0.0252, 'hour', ELB_OFFER_APS1, '2026-09-11'),
  albLcuHour: p(0.008, 'LCU-hour', ELB_OFFER_APS1, '2026-09-11'),
  nlbHour: u(0.0252, 'hour', ELB, '2026-12-07', 'assumed equal to the ALB hour, as in us-east-1 and eu-central-1; not read'),
  nlbLcuHour: u(0.006, 'NLCU-hour', ELB, '2026-12-07', NOT_FOUND),
  interfaceEndpointAzHour: p(0.013, 'hour per AZ', VPC_OFFER_APS1, '2026-09-17'),
  interfaceEndpointGb: u(0.01, 'GB processed', PRIVATELINK, '2026-12-07', NOT_FOUND),
  ebsGp3GbMonth: p(0.096, 'GB-month', EC2_OFFER_APS1, '2026-09-24'),
  wafWebAclMonth: p(5, 'web ACL-month', WAF_OFFER_APS1, '2026-09-14'),
  wafRuleMonth: p(1, 'rule-month', WAF_OFFER_APS1, '2026-09-14'),
  wafMillionRequests: p(0.6, 'million requests', WAF_OFFER_APS1, '2026-09-14'),
  kmsKeyMonth: p(1, 'key-month', KMS_OFFER_APS1, '2026-09-11'),
  secretMonth: p(0.4, 'secret-month', SECRETS_OFFER_APS1, '2026-09-11'),
  hostedZoneMonth: p(0.5, 'hosted zone-month', ROUTE53, '2026-11-26'),
  dnsMillionQueries: p(0.4, 'million queries', ROUTE53, '2026-11-26'),
  dashboardMonth: u(3, 'dashboard-month', CW, '2026-12-07', 'as commonly quoted; the Price List does not carry dashboards'),
  alarmMetricMonth: p(0.1, 'alarm metric-month', CW_OFFER_APS1, '2026-09-22'),
  alarmHighResolutionMetricMonth: u(0.3, 'alarm metric-month', CW, '2026-12-07', NOT_FOUND),
  compositeAlarmMonth: u(0.5, 'composite alarm-month', CW, '2026-12-07', NOT_FOUND),
  customMetricMonth: p(0.3, 'metric-month', CW_OFFER_APS1, '2026-09-22'),
  logsIngestedGb: p(0.7, 'GB ingested', CW_OFFER_APS1, '2026-09-22'),
  logsStoredGbMonth: p(0.03, 'GB-month stored', CW_OFFER_APS1, '2026-09-22'),
  cloudMapInstanceMonth: p(0.1, 'registered instance-month', CLOUDMAP_OFFER_APS1, '2026-09-11'),
  cloudMapMillionApiCalls: p(1, 'million API calls', CLOUDMAP_OFFER_APS1, '2026-09-11'),
  serviceConnectTaskHour: u(0, 'task-hour', ECS_PRICING, '2026-12-07', SERVICE_CONNECT_NOTE),
  privateCaGeneralPurposeMonth: p(400, 'CA-month (general-purpose mode)', PRIVATE_CA, '2026-12-07'),
  privateCaShortLivedMonth: p(50, 'CA-month (short-lived certificate mode)', PRIVATE_CA, '2026-12-07'),
  privateCaGeneralPurposeCertificate: u(0.75, 'certificate issued', PRIVATE_CA, '2026-12-07', GENERAL_CERT_NOTE),
  privateCaShortLivedCertificate: u(0.058, 'certificate issued', PRIVATE_CA_OFFER, '2025-07-01', SHORT_LIVED_CERT_NOTE),
  httpApiMillionRequests: p(1.25, 'million requests', APIGW_OFFER_APS1, '2026-09-21'),
  webSocketMillionMessages: u(1, 'million messages', APIGW_PAGE, '2026-12-07', NOT_FOUND),
  webSocketMillionConnectionMinutes: u(0.25, 'million connection minutes', APIGW_PAGE, '2026-12-07', NOT_FOUND),
  cloudFrontGbOut: p(0.085, 'GB out (North America, Europe)', CLOUDFRONT, '2026-11-26'),
  cloudFront10kHttpsRequests: p(0.01, '10,000 HTTPS requests', CLOUDFRONT_WRING, '2026-03-08'),
  cloudFrontFunctionMillionInvocations: FUNCTION_MILLION_INVOCATIONS,
  keyValueStoreMillionReads: KVS_MILLION_READS,
  keyValueStoreThousandApiCalls: KVS_THOUSAND_API_CALLS,
  lambdaMillionRequests: u(0.2, 'million requests', LAMBDA_APS1, '2026-08-12', 'the ARM64 request row ($0.20 per million); the x86 row was not read'),
  lambdaGbSecond: p(0.0000166667, 'GB-second (x86)', LAMBDA_APS1, '2026-08-12'),
  s3GbMonth: p(0.025, 'GB-month (Standard)', S3_OFFER_APS1, '2026-09-18'),
  s3ThousandGetRequests: u(0.0004, '1,000 GET requests (Standard)', S3, '2026-12-07', NOT_FOUND),
  s3ThousandPutRequests: u(0.005, '1,000 PUT requests (Standard)', S3_REPLICATION, '2026-12-07', PUT_NOTE),
  dataTransferOutGb: p(0.12, 'GB out to the internet', TRANSFER_OFFER_APS1, '2026-09-16'),
  dataTransferInterRegionGb: u(0.09, 'GB to another AWS Region', S3_REPLICATION, '2026-12-07', `${INTER_REGION_NOTE} (Singapore's is dearer than the US and EU Regions')`),
  ec2InstanceHour: {
    't4g.nano': u(0.0053, 'hour', EC2_OFFER_APS1, '2026-09-24', 'derived: t4g.small / 4 (t4g prices scale with size)'),
    't4g.micro': u(0.0106, 'hour', EC2_OFFER_APS1, '2026-09-24', 'derived: t4g.small / 2 (t4g prices scale with size)'),
    't4g.small': p(0.0212, 'hour', EC2_OFFER_APS1, '2026-09-24'),
  },
};
