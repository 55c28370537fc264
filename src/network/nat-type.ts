import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * How the platform's services reach the internet: through a NAT from private subnets, not at
 * all, or with public IPv4 addresses of their own from the public subnets.
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
   * `interfaceEndpoints`) and cannot call external APIs such as ElevenLabs; the internal load
   * balancer cannot fetch a JWT issuer's keys (`jwtIssuer` on long-lived paths is refused).
   */
  public static readonly NONE = new NatType('none');

  /**
   * No NAT: service tasks run in the public subnets, each with a public IPv4 address, and reach
   * the internet (ElevenLabs, ECR, CloudWatch Logs, Secrets Manager) through the internet
   * gateway. The VPC link, the internal load balancer and any interface endpoints stay in
   * isolated private subnets.
   *
   * Cost: no NAT charge; $0.005 an hour for each running task's public IPv4 address (about
   * $3.65 a month for a task that runs all month, $1.30 on a weekday 07-19 schedule). The
   * cheapest way to give tasks the internet; see "Lean shape" in the README.
   *
   * Trade-off: each task has an address on the internet. Its security group still admits only
   * the VPC link and the load balancer, so nothing from the internet reaches it, but a rule
   * added by hand that opens a port opens it to the internet; outbound calls come from changing
   * addresses (no fixed egress IP for an allow-list), and data that a NAT would have processed
   * ($0.045 per GB) goes straight out. The internal load balancer cannot reach the internet, so
   * it cannot fetch a JWT issuer's keys: `jwtIssuer` on long-lived paths is refused (the HTTP
   * API's JWT check works). Switching a running platform to or from it: redeploy every service
   * stack afterwards (their subnets and public IPv4 setting come from the platform's SSM
   * parameters at deploy time).
   */
  public static readonly PUBLIC_TASKS = new NatType('public-tasks');
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
   * @param kind `gateway`, `instance`, `none` or `public-tasks`
   * @param instanceType the instance type for `instance`
   */
  private constructor(
    /** `gateway`, `instance`, `none` or `public-tasks`. */
    public readonly kind: string,
    /** The NAT instance type, for `instance` only. @default - undefined for `gateway` and `none` */
    public readonly instanceType?: ec2.InstanceType,
  ) {}
}
