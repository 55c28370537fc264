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
   * Each instance installs `iptables-services` (retried with back-off), turns on IP forwarding
   * and MASQUERADE on its primary interface, keeps them across reboots and checks them at every
   * boot; when NAT is not in place it powers itself off, and its status alarm (on the platform's
   * alarm topic) fires. Its image is resolved by EC2 when it launches: later deploys keep the
   * instance (see `NatInstanceOptions.machineImage` and "Moving the NAT instance to a new AMI" in
   * the README).
   *
   * Cost: about $7.46 a month per `t4g.nano` instance: $3.07 for the instance, $3.65 for its
   * public IPv4 address, $0.64 for its 8 GB gp3 root volume and $0.10 for its status alarm, plus
   * data transfer out. You patch and size it yourself, and it is a single point of failure for
   * the zones that route through it (EC2's simplified automatic recovery restarts it on a new
   * host when AWS hardware fails).
   *
   * @param instanceType the NAT instance type
   * @param options the NAT instances' image
   * @default - `t4g.nano`
   */
  public static instance(instanceType?: ec2.InstanceType, options: NatInstanceOptions = {}): NatType {
    return new NatType('instance', instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO), options.machineImage);
  }

  /**
   * @param kind `gateway`, `instance`, `none` or `public-tasks`
   * @param instanceType the instance type for `instance`
   * @param machineImage the image for `instance`
   */
  private constructor(
    /** `gateway`, `instance`, `none` or `public-tasks`. */
    public readonly kind: string,
    /** The NAT instance type, for `instance` only. @default - undefined for `gateway` and `none` */
    public readonly instanceType?: ec2.InstanceType,
    /**
     * The NAT instances' image, when one was given to `instance`.
     *
     * @default - undefined: the newest Amazon Linux 2023 image at each instance's launch
     */
    public readonly machineImage?: ec2.IMachineImage,
  ) {}
}

/** Options of `NatType.instance()`. */
export interface NatInstanceOptions {
  /**
   * The NAT instances' image: Amazon Linux 2023 (the set-up installs `iptables-services` with
   * dnf) for the instance type's architecture.
   *
   * Pin an image to choose when the instances move to a new one, for example
   * `ec2.MachineImage.genericLinux({ 'eu-central-1': 'ami-0123456789abcdef0' })`: changing it
   * replaces the instances at the next deploy. An image whose id is read at every deploy
   * (`ec2.MachineImage.latestAmazonLinux2023()`) replaces them whenever AWS publishes a new image,
   * and synth warns about it.
   *
   * Cost: nothing; Amazon Linux 2023 images are free.
   *
   * @default - the newest Amazon Linux 2023 image when each instance launches
   * (`ec2.MachineImage.resolveSsmParameterAtLaunch` of AWS's public parameter
   * `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-<arm64|x86_64>`): the template
   * holds the parameter's name, so a deploy after AWS publishes a new image keeps the instance
   */
  readonly machineImage?: ec2.IMachineImage;
}
