import { Duration, Stack } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { checkVpcOriginRegion } from './vpc-origin-zones';
import { addNagSuppressions, suppressAwsCustomResourceProvider } from '../../core/nag';
import { validatePathSuffixes, validateSeconds } from '../../core/validation';
import { LongLivedOriginOptions, LongLivedPathOptions } from '../long-lived-options';

/** @internal */
export interface LongLivedOriginProps {
  readonly platformName: string;
  /**
   * `<platformName>-<Region of the platform's stack>`: the prefix of names that must be unique in
   * the account, not only in its Region.
   */
  readonly accountWidePrefix: string;
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** Regional certificate covering `originDomainName`; undefined: plain HTTP inside the VPC. */
  readonly certificate?: acm.ICertificate;
  /** Name CloudFront presents to the ALB (TLS SNI and certificate check). */
  readonly originDomainName: string;
  readonly idleTimeout: Duration;
  readonly readTimeout: Duration;
  readonly accessLogsBucket?: s3.IBucket;
  /** Who may reach the listener; undefined: CloudFront's VPC origin security group, looked up at deploy time. */
  readonly cloudFrontPeer?: ec2.IPeer;
  /**
   * Open the listener's port to CloudFront here (to `cloudFrontPeer`, or to CloudFront's VPC
   * origin security group, looked up after the distribution). False in an additional Region's
   * stack without a peer: that stack deploys before the front door, and the platform's stack
   * admits CloudFront once its distribution uses the VPC origin (ADR 15).
   * @default true
   */
  readonly admitCloudFront?: boolean;
}

/** The name of the security group that CloudFront creates in a VPC for its VPC origins. */
/** @internal */
export const VPC_ORIGIN_SECURITY_GROUP_NAME = 'CloudFront-VPCOrigins-Service-SG';

/**
 * The WebSocket-capable origin of the front door: one internal Application Load Balancer in the
 * private subnets, reached only by CloudFront through a VPC origin. Services add listener rules
 * for their long-lived paths (`/<service>/ws`, `/<service>/mcp`); anything else answers 404.
 *
 * The load balancer spans every zone of the VPC, and CloudFront does not offer VPC origins in
 * some zones: by zone ID, `use1-az3` (us-east-1), `usw1-az2` (us-west-1), `apne1-az3`
 * (ap-northeast-1) and `cac1-az3` (ca-central-1), per the CloudFront guide's "Supported AWS
 * Regions for VPC origins" (read 2026-12-07; `VPC_ORIGIN_EXCLUDED_ZONE_IDS` in
 * ./vpc-origin-zones.ts). Zone names map to IDs per account, so the VPC's zone names cannot be
 * checked here; a Region the guide does not list at all gets a synth warning.
 *
 * @internal
 */
export class LongLivedOrigin extends Construct {
  public readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  public readonly listener: elbv2.ApplicationListener;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly vpcOrigin: cloudfront.VpcOrigin;
  public readonly origin: cloudfront.IOrigin;
  /** The listener's port (443 with TLS from CloudFront, else 80). */
  public readonly port: number;
  /** The name CloudFront presents to the load balancer. */
  public readonly originDomainName: string;
  private securityGroupLookup?: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: LongLivedOriginProps) {
    super(scope, id);
    checkVpcOriginRegion(this, 'longLivedConnections', Stack.of(this).region);
    const https = props.certificate !== undefined;
    const port = https ? 443 : 80;

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `${props.platformName} long-lived origin ALB: CloudFront VPC origin in, service ports out`,
      allowAllOutbound: false,
    });

    this.loadBalancer = new elbv2.ApplicationLoadBalancer(this, 'LoadBalancer', {
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      internetFacing: false,
      securityGroup: this.securityGroup,
      idleTimeout: props.idleTimeout,
      dropInvalidHeaderFields: true,
      http2Enabled: true,
    });
    if (props.accessLogsBucket) {
      this.loadBalancer.logAccessLogs(props.accessLogsBucket, 'long-lived-alb');
    } else {
      addNagSuppressions(this.loadBalancer, [{
        id: 'AwsSolutions-ELB2',
        reason: 'ALB access logs are off because the GlobalPlatform prop accessLogs is false; CloudWatch metrics remain',
      }]);
    }

    this.listener = this.loadBalancer.addListener('Listener', {
      port,
      protocol: https ? elbv2.ApplicationProtocol.HTTPS : elbv2.ApplicationProtocol.HTTP,
      certificates: props.certificate ? [props.certificate] : undefined,
      sslPolicy: https ? elbv2.SslPolicy.RECOMMENDED_TLS : undefined,
      open: false,
      defaultAction: elbv2.ListenerAction.fixedResponse(404, {
        contentType: 'application/json',
        messageBody: JSON.stringify({ message: 'Not Found' }),
      }),
    });

    this.vpcOrigin = new cloudfront.VpcOrigin(this, 'VpcOrigin', {
      endpoint: cloudfront.VpcOriginEndpoint.applicationLoadBalancer(this.loadBalancer),
      vpcOriginName: `${props.accountWidePrefix}-long-lived`,
      protocolPolicy: https ? cloudfront.OriginProtocolPolicy.HTTPS_ONLY : cloudfront.OriginProtocolPolicy.HTTP_ONLY,
      httpPort: 80,
      httpsPort: 443,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
    });
    this.origin = origins.VpcOrigin.withVpcOrigin(this.vpcOrigin, {
      domainName: props.originDomainName,
      readTimeout: props.readTimeout,
      keepaliveTimeout: Duration.seconds(60),
    });

    this.port = port;
    this.originDomainName = props.originDomainName;
    if (props.admitCloudFront !== false) {
      this.securityGroupLookup = admitCloudFront(this, this.securityGroup, props.vpc, this.vpcOrigin, port, props.cloudFrontPeer);
    }
    // Targets are the services' tasks inside the VPC.
    this.securityGroup.addEgressRule(ec2.Peer.ipv4(props.vpc.vpcCidrBlock), ec2.Port.allTcp(), 'to service tasks in the VPC');
    // Services with jwtIssuer add jwt-validation rules: the load balancer then fetches the
    // issuer's public keys (JWKS) over HTTPS, through the NAT, like its OIDC authentication does.
    // Added here once (services in other stacks cannot add the same rule twice).
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to JWT issuers (JWKS) for jwt-validation rules');
  }

  /**
   * Makes the security group look-up wait for the distribution that uses the VPC origin:
   * CloudFront may create its VPC-origin security group only when the distribution is deployed.
   * @see https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudfront_origins-readme.html
   */
  public lookUpAfter(distribution: IConstruct): void {
    this.securityGroupLookup?.node.addDependency(distribution);
  }
}

/**
 * Opens `port` of a VPC origin's security group to CloudFront: to `peer` when given, else to the
 * security group CloudFront creates in the VPC for its VPC origins, read at deploy time (the
 * look-up is returned: it must wait for the distribution, see `lookUpAfter`). A separate ingress
 * resource (`CloudFrontIngress` in `scope`): inline in the security group it would close a cycle
 * (security group -> look-up -> VPC origin -> origin -> security group).
 * @internal
 */
export function admitCloudFront(scope: Construct, securityGroup: ec2.ISecurityGroup, vpc: ec2.IVpc, vpcOrigin: cloudfront.IVpcOrigin,
  port: number, peer?: ec2.IPeer): cr.AwsCustomResource | undefined {
  if (peer) {
    securityGroup.addIngressRule(peer, ec2.Port.tcp(port), 'CloudFront VPC origin');
    return undefined;
  }
  const found = lookUpVpcOriginSecurityGroup(scope, vpc.vpcId, vpcOrigin.vpcOriginId);
  new ec2.CfnSecurityGroupIngress(scope, 'CloudFrontIngress', {
    groupId: securityGroup.securityGroupId,
    sourceSecurityGroupId: found.securityGroupId,
    ipProtocol: 'tcp',
    fromPort: port,
    toPort: port,
    description: 'CloudFront VPC origin',
  });
  return found.lookup;
}

/**
 * CloudFront creates one security group per VPC for its VPC origins; its id is not returned by
 * CloudFormation, so it is read once the VPC origin exists (the look-up `VpcOriginSecurityGroupLookup`
 * in `scope`). Allowing only this group (rather than the CloudFront origin-facing prefix list)
 * keeps the origin closed to every other CloudFront distribution.
 *
 * With `region` (a VPC in another Region than the stack's), the call goes to that Region.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
 * @internal
 */
export function lookUpVpcOriginSecurityGroup(scope: Construct, vpcId: string, vpcOriginId: string, region?: string):
{ lookup: cr.AwsCustomResource; securityGroupId: string } {
  const call: cr.AwsSdkCall = {
    service: 'EC2',
    action: 'describeSecurityGroups',
    ...(region ? { region } : {}),
    parameters: {
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [VPC_ORIGIN_SECURITY_GROUP_NAME] },
      ],
    },
    // The VPC origin's id in the physical id: a replaced VPC origin changes this property, so
    // CloudFormation updates the look-up and the ingress rule follows CloudFront's group.
    physicalResourceId: cr.PhysicalResourceId.of(`${region ? `${region}:` : ''}${VPC_ORIGIN_SECURITY_GROUP_NAME}-lookup-${vpcOriginId}`),
    outputPaths: ['SecurityGroups.0.GroupId'],
  };
  const lookup = new cr.AwsCustomResource(scope, 'VpcOriginSecurityGroupLookup', {
    onCreate: call,
    onUpdate: call,
    policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
    installLatestAwsSdk: false,
  });
  // No explicit dependency on the VPC origin: the physical id references it already.
  addNagSuppressions(lookup, [{
    id: 'AwsSolutions-IAM5',
    reason: 'ec2:DescribeSecurityGroups supports no resource-level permissions; the call only reads the VPC origin security group id'
      + (region ? ` in ${region}` : ''),
    appliesTo: ['Resource::*'],
  }], true);
  suppressAwsCustomResourceProvider(Stack.of(scope));
  return { lookup, securityGroupId: lookup.getResponseField('SecurityGroups.0.GroupId') };
}

/** The path suffixes of a long-lived origin, created or imported (`prop` is the options' name). @internal */
export function validateLongLivedPathOptions(scope: IConstruct, prop: string, options: LongLivedPathOptions): void {
  validatePathSuffixes(scope, `${prop}.pathSuffixes`, options.pathSuffixes);
}

/** The long-lived origin's options: suffixes, and the ALB's and CloudFront's timeout ranges. @internal */
export function validateLongLivedOriginOptions(scope: IConstruct, prop: string, options: LongLivedOriginOptions): void {
  validateLongLivedPathOptions(scope, prop, options);
  validateSeconds(scope, `${prop}.idleTimeout`, options.idleTimeout, 1, 4000, 'the ALB limit');
  validateSeconds(scope, `${prop}.readTimeout`, options.readTimeout, 1, 120, 'the CloudFront origin response timeout');
}
