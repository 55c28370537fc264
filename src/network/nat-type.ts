import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * How the platform's private subnets reach the internet.
 *
 * Prices are us-east-1 list prices; check the AWS pricing pages for your Region.
 */
export class NatType {
  /**
   * Managed NAT gateways (the default): highly available within an AZ, no maintenance.
   *
   * Cost: about $32.90 a month per gateway plus $0.045 per GB processed, plus $3.65 a month
   * for each gateway's public IPv4 address. The platform shares one gateway by default.
   */
  public static readonly GATEWAY = new NatType('gateway');

  /**
   * No NAT: the private subnets are isolated (no internet route).
   *
   * Cost: nothing. Tasks then reach AWS services only through VPC endpoints (turn on
   * `interfaceEndpoints`) and cannot call external APIs such as ElevenLabs.
   */
  public static readonly NONE = new NatType('none');

  /**
   * A NAT instance (Amazon Linux 2023, `t4g.nano` unless given) per NAT "gateway" count.
   *
   * Cost: about $3.07 a month for a `t4g.nano` plus $3.65 for its public IPv4 address and
   * its EBS volume; you patch and size it yourself, and it is a single point of failure.
   *
   * @param instanceType the NAT instance type
   * @default - `t4g.nano`
   */
  public static instance(instanceType?: ec2.InstanceType): NatType {
    return new NatType('instance', instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO));
  }

  /**
   * @param kind `gateway`, `instance` or `none`
   * @param instanceType the instance type for `instance`
   */
  private constructor(
    /** `gateway`, `instance` or `none`. */
    public readonly kind: string,
    /** The NAT instance type, for `instance` only. @default - undefined for `gateway` and `none` */
    public readonly instanceType?: ec2.InstanceType,
  ) {}
}
