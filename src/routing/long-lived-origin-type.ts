import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * The proxy instance's options (`LongLivedOriginType.proxyInstance()`).
 */
export interface ProxyInstanceOptions {
  /**
   * The instance type: an ARM (Graviton) type, since the image is Amazon Linux 2023 for arm64
   * unless `machineImage` says otherwise. `t4g.nano` (2 vCPU burstable, 0.5 GiB) holds a few
   * thousand WebSockets: each needs two connections of the proxy's `maxConnections`.
   *
   * Cost: t4g.nano $0.0042 an hour ($3.07 a month), t4g.micro $6.13, t4g.small $12.26
   * (us-east-1, on demand), plus its 8 GiB gp3 root volume ($0.64).
   *
   * @default ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.NANO)
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * The image. It must be Amazon Linux 2023 (the user data installs HAProxy with dnf and runs
   * the agent with the AWS CLI it brings) for the instance type's architecture. Pin one to move
   * to a new image on your own schedule: a new image replaces the instance (a new id, so the VPC
   * origin changes and CloudFront redeploys it; WebSockets reconnect).
   *
   * @default - the newest Amazon Linux 2023 for the instance's architecture, read from AWS's
   *   public SSM parameter when the instance is launched (`resolve:ssm:`), so a new image does
   *   not replace a running instance
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * The Availability Zone of the instance (one of the platform's). A VPC origin names one
   * instance, so the long-lived paths live in this zone: if the zone fails, name another one
   * and deploy (a new instance; about 5-15 minutes until CloudFront has redeployed the origin).
   *
   * @default - the zone of the platform's first private subnet
   */
  readonly availabilityZone?: string;

  /**
   * Viewer connections the proxy accepts at once (HAProxy's `maxconn`): each WebSocket or
   * stream is one, and holds one more to its task. About 64 KiB of buffers for the pair: 4096
   * take about 256 MiB of a t4g.nano's 512 MiB (choose a larger `instanceType` for more).
   *
   * @default 4096
   */
  readonly maxConnections?: number;

  /**
   * Let AWS Systems Manager Session Manager open a shell on the instance (the managed policy
   * `AmazonSSMManagedInstanceCore` on its role). There is never an SSH key or port. Session
   * Manager needs the private subnets to reach the SSM endpoints: a NAT (`NatType.GATEWAY` or
   * `instance()`) or `interfaceEndpoints` (which include `ssm`, not `ssmmessages`: add that
   * endpoint yourself).
   *
   * @default false
   */
  readonly sessionManager?: boolean;
}

/**
 * What carries the front door's long-lived paths (WebSockets, streams longer than 30 s) to the
 * services' tasks: an internal Application Load Balancer (the default) or one small proxy
 * instance, both reached by CloudFront through a VPC origin.
 */
export class LongLivedOriginType {
  /**
   * An internal Application Load Balancer across the platform's zones: managed, multi-AZ,
   * verifies JWTs itself, TLS to CloudFront. About $16.43 a month plus $5.84 per LCU-month.
   */
  public static readonly APPLICATION_LOAD_BALANCER = new LongLivedOriginType('application-load-balancer');

  /**
   * One small ARM instance running HAProxy (Amazon Linux 2023 packages) in one private subnet:
   * it routes `/<service>/<long-lived path>` to the services' tasks found by Cloud Map DNS SRV
   * records, health-checks them, verifies JWTs with the claims the load balancer checks, and
   * answers unknown paths 404. Services register their routes in SSM; a small Lambda function
   * renders the proxy's configuration into an S3 bucket that the instance reads through the
   * VPC's S3 gateway endpoint, so it works without a NAT and picks up new services without a
   * platform deploy.
   *
   * One instance in one zone: if it fails its status checks EC2 recovers or reboots it (same
   * instance id; open WebSockets drop and clients reconnect after a few minutes); if its zone
   * fails, the long-lived paths are down until you name another zone (`availabilityZone`). The
   * hop from CloudFront to the instance is HTTP inside the VPC (an instance cannot hold an ACM
   * certificate). HTTP API routes are not affected by any of this. See ADR 8.
   *
   * Cost: about $3.71 a month for a t4g.nano and its 8 GiB gp3 root volume, $0.20 for its two
   * alarms, about $0.04 for the S3 requests of its configuration poll (every 30 s); the publisher
   * function's invocations (about 8,700 a month) stay within Lambda's free tier.
   */
  public static proxyInstance(options: ProxyInstanceOptions = {}): LongLivedOriginType {
    return new LongLivedOriginType('proxy-instance', options);
  }

  private constructor(
    /** `application-load-balancer` or `proxy-instance`. */
    public readonly kind: string,
    /** The proxy instance's options; undefined for the load balancer. */
    public readonly proxyOptions?: ProxyInstanceOptions,
  ) {}
}
