import { NatType } from './nat-type';

/**
 * The platform's VPC: its address range, its Availability Zones and how its service subnets
 * reach the internet. Monthly costs are us-east-1 list prices.
 */
export interface PlatformNetworkOptions {
  /**
   * The VPC's IPv4 range: a private (RFC 1918) block large enough for one /24 public and one
   * /20 private subnet per Availability Zone.
   *
   * @default '10.0.0.0/16'; for the n-th entry of `additionalRegions` (from 1), '10.<n>.0.0/16'
   */
  readonly vpcCidr?: string;

  /**
   * How many Availability Zones the VPC spans (at least 2).
   *
   * Cost: subnets are free; each further AZ adds $7.30 a month per interface endpoint (with
   * `interfaceEndpoints`) and, only if `natGateways` grows with it, a NAT per AZ.
   *
   * API Gateway VPC links and CloudFront VPC origins are not offered in every zone (in us-east-1
   * not in the zone with id `use1-az3`, for example), and zone names map to zone ids differently
   * in each account: when the first zones of your account include such a zone, name the zones
   * with `availabilityZones` instead.
   *
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-vpc-links.html
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * The Availability Zones of the VPC by name (for example `['us-east-1b', 'us-east-1c']`), in
   * the platform's Region (for an entry of `additionalRegions`, in that entry's Region), instead of the first `maxAzs` zones. Not together with `maxAzs`.
   *
   * Named zones need no look-up: `cdk synth` runs without AWS credentials. Without them, the
   * first `maxAzs` zones of the account are looked up at synth, as aws-cdk-lib's `maxAzs` does:
   * the CDK CLI needs credentials for the account, or a `cdk.context.json` that holds the answer
   * (the CLI writes it on the first synth with credentials; commit it). When the look-up fails,
   * synth fails with a message that says what to set. A stack without an explicit account gets
   * CloudFormation's `Fn::GetAZs` instead, whose order AWS does not guarantee: give production
   * platforms an account, or name their zones. A zone the account does not have fails at deploy.
   *
   * @default - the first `maxAzs` zones of the account in the Region, looked up at synth
   */
  readonly availabilityZones?: string[];

  /**
   * How private subnets reach the internet.
   *
   * @default NatType.GATEWAY (about $32.90 a month per gateway plus $0.045 per GB)
   */
  readonly natType?: NatType;

  /**
   * How many NAT gateways (or NAT instances) to run; at most `maxAzs`. One is shared by all
   * AZs: if its AZ fails, the other AZs lose internet access until it is back.
   *
   * Cost: each NAT gateway about $32.90 a month plus $0.045 per GB, each NAT instance
   * (`t4g.nano`) about $3.07 plus $0.64 for its root volume and $0.10 for its status alarm;
   * either plus $3.65 a month for its public IPv4 address.
   *
   * @default 1
   */
  readonly natGateways?: number;

  /**
   * Add interface VPC endpoints for ECR (API and Docker), CloudWatch Logs, Secrets Manager and
   * SSM (parameters), so that image pulls, logs, secrets and settings stay off the NAT.
   *
   * Required with `NatType.NONE`. Services there still reach nothing outside AWS (no external
   * APIs such as ElevenLabs), and ECS Exec needs a NAT or an `ssmmessages` endpoint of your own.
   *
   * Cost: 5 endpoints x $7.30 a month per AZ (about $73 a month for 2 AZs) plus $0.01 per GB.
   *
   * @default false
   */
  readonly interfaceEndpoints?: boolean;
}
