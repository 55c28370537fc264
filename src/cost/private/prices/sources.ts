/*
 * The sources and notes the Regions' price lists share.
 */
// Where each figure was read. AWS's own pricing pages draw their regional tables by script, so
// the stored copies our machines can read hold no numbers; these are the pages and public copies
// of AWS's Price List offer files that do (each with the date it gives).
export const AWS_FARGATE = 'https://aws.amazon.com/fargate/pricing/';
export const VANTAGE_FARGATE = 'https://www.vantage.sh/blog/fargate-pricing';
export const WRING_FARGATE = 'https://www.wring.co/blog/aws-fargate-pricing-guide';
export const FGCALC = 'https://github.com/theuves/fgcalc (src/utils/data.js, copied from aws.amazon.com/fargate/pricing)';
export const ECS_OFFER_EUC1 = 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonECS/current/eu-central-1/index.json (public copy)';
export const EC2_OFFER_EUC1 = 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonEC2/current/eu-central-1/index.json (public copy)';
export const VPC_OFFER_EUC1 = 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/AmazonVPC/current/eu-central-1/index.json (public copy, checked against a bill)';
export const CLOUDBURN_NAT = 'https://cloudburn.io/blog/aws-nat-gateway-pricing';
export const ELB_EXAMPLES = 'https://aws.amazon.com/elasticloadbalancing/pricing/ (pricing examples)';
export const ELB = 'https://aws.amazon.com/elasticloadbalancing/pricing/';
export const EGRESSCOST = 'https://www.egresscost.com/nat-gateway';
export const PRIVATELINK = 'https://aws.amazon.com/privatelink/pricing/';
export const FCK_NAT = 'https://github.com/AndrewGuenther/fck-nat (README)';
export const EC2 = 'https://aws.amazon.com/ec2/pricing/on-demand/';
export const WAF = 'https://aws.amazon.com/waf/pricing/ (the same in every Region)';
export const KMS = 'https://www.wring.co/blog/aws-kms-pricing-guide';
export const SECRETS = 'https://aws.amazon.com/secrets-manager/pricing/';
export const ROUTE53 = 'https://aws.amazon.com/route53/pricing/ (global)';
export const CW_FACTUAL = 'https://www.factualminds.com/blog/amazon-cloudwatch-pricing-metrics-logs-alarms-dashboards/';
export const CW = 'https://aws.amazon.com/cloudwatch/pricing/';
export const CW_PRICEBOOK_EUC1 = 'CloudWatch eu-central-1 price book (public CloudHealth template, effective 2025-01-01)';
export const CLOUDMAP = 'https://aws.amazon.com/cloud-map/pricing/ (AWS Price List, AWSCloudMap, effective 2025-08-01)';
export const CLOUDMAP_API = 'https://huggingface.co/datasets/labofsahil/aws-pricing-dataset (AWSCloudMap.csv, a copy of the AWS Price List: "$1.00 per million API calls", effective 2025-08-01)';
export const ECS_PRICING = 'https://aws.amazon.com/ecs/pricing/ ("no additional charge for Amazon ECS orchestration"; no Service Connect line)';
export const PRIVATE_CA = 'https://aws.amazon.com/private-ca/pricing/';
export const PRIVATE_CA_OFFER = 'https://huggingface.co/datasets/labofsahil/aws-pricing-dataset (AWSCertificateManager.csv, a copy of the AWS Price List, effective 2025-07-01)';
export const APIGW = 'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html';
export const APIGW_PAGE = 'https://aws.amazon.com/api-gateway/pricing/';
export const CLOUDFRONT = 'https://aws.amazon.com/cloudfront/pricing/';
export const CLOUDFRONT_WRING = 'https://wring.co/blog/aws-cloudfront-pricing-guide';
export const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
export const S3 = 'https://aws.amazon.com/s3/pricing/';
export const S3_REQUESTS = 'https://c3x.dev/blog/s3-request-fees-explained';
export const TRANSFER = 'https://cloudpipelines.pages.dev/guides/aws-nat-gateway-pricing-2026/';
export const INTER_REGION = 'https://repost.aws/articles/ARjzluyMS8RbeOOK4MGXRG6Q/cost-effective-methods-for-accessing-s3-buckets-cross-region'
  + ' (AWS re:Post, prices "verified as of January 2026": us-east-1 to us-west-2 "$0.02 per GB transferred")';
export const S3_REPLICATION = 'https://aws.amazon.com/s3/pricing/ (Replication: replication PUT requests at the destination\'s PUT price,'
  + ' and for cross-Region replication the inter-Region data transfer out of the source Region)';

// eu-west-1 (Ireland): public copies of AWS Price List offer files, each named by its version.
const OFFER = 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws';
const IRELAND_RATES = 'public copy: github.com/henderjm/world-cup-sweepstake docs/costs/aws-ireland-rates.json, checked 2026-10-04';
export const ECS_OFFER_EUW1 = `${OFFER}/AmazonECS/20260911124425/eu-west-1/index.json (${IRELAND_RATES})`;
export const EC2_OFFER_EUW1 = `${OFFER}/AmazonEC2/20260925174521/eu-west-1/index.json (public excerpt of its NAT Gateway rows, retrieved 2026-10-02)`;
export const VPC_OFFER_EUW1 = `${OFFER}/AmazonVPC/20260917190528/eu-west-1/index.json (${IRELAND_RATES})`;
export const ELB_OFFER_EUW1 = `${OFFER}/AWSELB/20260911124544/eu-west-1/index.json (the EU-LCUUsage row, copied into a public test)`;
export const CW_OFFER_EUW1 = `${OFFER}/AmazonCloudWatch/20260922021715/eu-west-1/index.json (${IRELAND_RATES}; github.com/mamtha4u/SDLC backend/config/pricing_eu-west-1.json)`;
export const SECRETS_OFFER_EUW1 = `${OFFER}/AWSSecretsManager/20260911124610/eu-west-1/index.json (${IRELAND_RATES})`;
export const APIGW_OFFER_EUW1 = `${OFFER}/AmazonApiGateway/20261002231501/eu-west-1/index.json (${IRELAND_RATES}; "$1.11/million requests - API Gateway HTTP API (first 300 million)")`;
export const LAMBDA_OFFER_EUW1 = `${OFFER}/AWSLambda/20261001184746/eu-west-1/index.json (${IRELAND_RATES})`;
export const S3_OFFER_EUW1 = `${OFFER}/AmazonS3/20260928230416/eu-west-1/index.json (${IRELAND_RATES})`;
export const TRANSFER_OFFER_EUW1 = `${OFFER}/AWSDataTransfer/20260916132208/eu-west-1/index.json (${IRELAND_RATES})`;
export const BILL_EUW1 = 'a published eu-west-1 Cost Explorer breakdown of July 2026 (EU-LoadBalancerUsage: $15.00 for 595 hours)';

// us-west-2 (Oregon).
export const DEFANG_USW2 = 'https://docs.defang.io/docs/concepts/estimation (an AWS Price List estimate in us-west-2: '
  + 'USW2-LoadBalancerUsage 730 h $16.43, USW2-NatGateway-Hours 730 h $32.85, USW2-Fargate-EphemeralStorage-GB-Hours 14,600 GB-h $1.62)';
export const VPCE_USW2 = 'AWS Price List API, AmazonVPC, US West (Oregon): USW2-VpcEndpoint-Hours $0.010, USW2-VpcEndpoint-Bytes $0.010 (as quoted in a public guide, 2026-10-06)';
export const LOGS_USW2 = 'a published us-west-2 bill line: USW2-DataProcessing-Bytes "$0.50 per GB - custom log data ingested"';

// ap-southeast-1 (Singapore): public copy of AWS Price List offer files, each named by its version.
const SINGAPORE_RATES = 'public copy: github.com/aadk979/SPOH_2027 remediation/reports/P05/pricing/prices.json, fetched 2026-09-25';
const aps1 = (offer: string, version: string, file = 'index.json') => `${OFFER}/${offer}/${version}/ap-southeast-1/${file} (${SINGAPORE_RATES})`;
export const ECS_OFFER_APS1 = aps1('AmazonECS', '20260911124425');
export const EC2_OFFER_APS1 = aps1('AmazonEC2', '20260924165117', 'index.csv');
export const VPC_OFFER_APS1 = aps1('AmazonVPC', '20260917190528');
export const ELB_OFFER_APS1 = aps1('AWSELB', '20260911124544');
export const WAF_OFFER_APS1 = aps1('awswaf', '20260914163921');
export const KMS_OFFER_APS1 = aps1('awskms', '20260911124601');
export const SECRETS_OFFER_APS1 = aps1('AWSSecretsManager', '20260911124610');
export const CW_OFFER_APS1 = aps1('AmazonCloudWatch', '20260922021715');
export const CLOUDMAP_OFFER_APS1 = aps1('AWSCloudMap', '20260911124531');
export const APIGW_OFFER_APS1 = aps1('AmazonApiGateway', '20260921231404');
export const S3_OFFER_APS1 = aps1('AmazonS3', '20260918174747');
export const TRANSFER_OFFER_APS1 = aps1('AWSDataTransfer', '20260916132208');
export const LAMBDA_APS1 = 'AWS Price List API, regionCode ap-southeast-1, read 2026-08-12 and quoted in a public cost report '
  + '(APS1-Lambda-GB-Second $0.0000166667, APS1-Request-ARM $0.0000002)';

// Fargate Spot: AWS publishes Spot prices only in a feed our machines cannot reach. The x86
// figures are the newest dated copy we found (January 2021); ARM64 Spot keeps the same ratio to
// ARM64 on demand (x86 Spot / x86 on demand = 0.3123 for vCPU, 0.3123 for memory).
export const SPOT_NOTE = 'Spot prices move with supply; AWS says up to 70% below on demand';
export const ARM_SPOT_NOTE = 'derived: ARM64 on demand x (x86 Spot / x86 on demand) of the same Region';
export const SERVICE_CONNECT_NOTE = 'no Service Connect fee on the AWS pages we read (third-party: "the feature is free", '
  + 'https://fortem.dev/blog/ecs-service-connect-guide/); its proxy runs on the task\'s own CPU and memory';
export const CLOUDMAP_API_NOTE = 'the Price List rows we read name other Regions (Cloud Map prices are the same in every Region we saw)';
export const SHORT_LIVED_CERT_NOTE = 'the Price List rows we read are af-south-1 and me-south-1 ($0.058 each); this Region\'s row was not read';
export const GENERAL_CERT_NOTE = 'as commonly quoted (the first 1,000 a month; less above); this Region\'s row was not read';
export const INTER_REGION_NOTE = 'as commonly quoted for transfer to another AWS Region; the page\'s table loads by script and was not read here';
export const PUT_NOTE = 'as commonly quoted (PUT, COPY, POST, LIST requests, S3 Standard); the page\'s table loads by script and was not read here';
export const ARM_NOTE = 'derived: x86 x 0.8, the ARM64/x86 ratio of every Region whose prices we could read';
