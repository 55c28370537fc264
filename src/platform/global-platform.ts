import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Stage, Tags, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { GlobalPlatformImportOptions } from './import-options';
import { ImportedGlobalPlatform } from './private/imported-platform';
import { provideRouteThrottling } from '../contract/capabilities';
import { DEFAULT_LONG_LIVED_PATH_SUFFIXES, EDGE_REGION, platformPath } from '../contract/names';
import { IGlobalPlatform } from '../contract/platform';
import { PlatformParameters } from './private/platform-parameters';
import { PlatformCompute } from '../compute/private/platform-compute';
import { PropError } from '../core/errors';
import { isUnresolved, parseIpv4Cidr, rangesOverlap, validateDnsName, validateDomainName, validateEmail, validateIntegerRange, validateIpCidrList, validatePathSuffixes, validatePercentage, validatePositive, validateRetention } from '../core/validation';
import { BudgetThreshold } from '../monitoring/budget-threshold';
import { AlarmTopic } from '../monitoring/private/alarm-topic';
import { PlatformBudget } from '../monitoring/private/platform-budget';
import { PlatformLogs } from '../monitoring/private/platform-logs';
import { createCertificateExpiryAlarm, PlatformMonitoring } from '../monitoring/private/platform-monitoring';
import { NatType } from '../network/nat-type';
import { PlatformNetwork } from '../network/private/platform-network';
import { CentralApi } from '../routing/private/central-api';
import { FrontDoor } from '../routing/private/front-door';
import { FrontDoorWaf } from '../routing/private/front-door-waf';
import { LongLivedOrigin } from '../routing/private/long-lived-origin';

/**
 * Properties of the shared platform. Every option has a default; the defaults are the cheap,
 * secure choice. Monthly costs are us-east-1 list prices (check the AWS pricing pages).
 */
export interface GlobalPlatformProps {
  /**
   * The platform's name: 2-32 characters of a-z, 0-9 and "-", starting with a letter. Used in
   * resource names, the cluster name, the `platform` cost-allocation tag and the SSM prefix
   * `/platform/<platformName>` that service apps import the platform from.
   */
  readonly platformName: string;

  /**
   * The apex domain, e.g. `georgi.io`. The central API lives on `api.<domain>` and each
   * service on `<service>.<domain>`.
   */
  readonly domainName: string;

  // ---------------------------------------------------------------------------------------- DNS

  /**
   * An existing public hosted zone for `domainName`.
   *
   * @default - a new public hosted zone ($0.50 a month); delegate your domain to its name servers
   */
  readonly hostedZone?: route53.IHostedZone;

  /**
   * A certificate in us-east-1 for `<domain>` and `*.<domain>`, for CloudFront. Pass one when
   * the platform runs outside us-east-1 and you manage that certificate elsewhere.
   *
   * @default - in us-east-1 the platform's own certificate; elsewhere a DNS-validated certificate
   *   created in a companion stack in us-east-1 (see `edgeStack`). ACM public certificates are free.
   */
  readonly edgeCertificate?: acm.ICertificate;

  // ------------------------------------------------------------------------------------ network

  /**
   * The VPC's IPv4 range: a private (RFC 1918) block large enough for one /24 public and one
   * /20 private subnet per Availability Zone.
   *
   * @default '10.0.0.0/16'
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
   * the platform's Region, instead of the first `maxAzs` zones. Not together with `maxAzs`.
   *
   * @default - the first `maxAzs` zones of the Region
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
   * (`t4g.nano`) about $3.07; either plus $3.65 a month for its public IPv4 address.
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

  /**
   * Record VPC flow logs in the central log group `/platform/<name>/vpc-flow`.
   *
   * Cost: CloudWatch Logs ingestion, $0.50 per GB; rejected traffic only is usually a few MB a month.
   *
   * @default true
   */
  readonly flowLogs?: boolean;

  /**
   * Which traffic the flow logs record.
   *
   * @default ec2.FlowLogTrafficType.REJECT
   */
  readonly flowLogTrafficType?: ec2.FlowLogTrafficType;

  // ------------------------------------------------------------------------------------ compute

  /**
   * Turn on CloudWatch Container Insights for the shared cluster.
   *
   * Cost: custom metrics per cluster, service and task (a few dollars a month for a few services).
   *
   * @default false
   */
  readonly containerInsights?: boolean;

  /**
   * The Cloud Map private DNS namespace: a lower-case DNS name of two or more labels.
   *
   * @default '<platformName>.internal'
   */
  readonly namespaceName?: string;

  // -------------------------------------------------------------------------------- central API

  /**
   * Steady-state requests per second allowed on the central API, shared by all routes unless
   * a service sets its own.
   *
   * @default 100
   */
  readonly throttlingRateLimit?: number;

  /**
   * Burst of requests allowed on the central API.
   *
   * @default 200
   */
  readonly throttlingBurstLimit?: number;

  /**
   * Route-level ("detailed") CloudWatch metrics on the central API, which each service's
   * dashboard widgets and 5xx alarm read: with `false` those see no data (synth warns).
   *
   * Cost: CloudWatch custom-metric pricing, about $0.30 per metric-month: 2 routes x 6 metrics
   * (about $3.60 a month) per service.
   *
   * @default true
   */
  readonly detailedMetrics?: boolean;

  // --------------------------------------------------------------------------------- front door

  /**
   * CloudFront price class of the front door. Beyond the free tier (1 TB and 10 million requests
   * a month) traffic is billed at the rate of the edge that serves it (about $0.085 per GB in
   * North America and Europe); a wider class adds edges in dearer regions, no monthly fee.
   *
   * @default cloudfront.PriceClass.PRICE_CLASS_100 (North America and Europe edges; the cheapest)
   */
  readonly priceClass?: cloudfront.PriceClass;

  /**
   * Give the front door a WebSocket-capable origin for long-lived connections: an internal
   * Application Load Balancer reached through a CloudFront VPC origin. Paths ending in one of
   * `longLivedPathSuffixes` (`wss://api.<domain>/<service>/ws`, `/<service>/mcp`) go there
   * instead of the HTTP API, whose integrations end at 30 s.
   *
   * Cost: about $16.40 a month for the load balancer plus $5.84 per LCU-month.
   *
   * @default false
   */
  readonly longLivedConnections?: boolean;

  /**
   * Last path segments routed to the long-lived origin. Each becomes two CloudFront behaviours
   * (`/*\/<suffix>` and `/*\/<suffix>/*`) out of 25 per distribution.
   *
   * @default ['ws', 'mcp']
   */
  readonly longLivedPathSuffixes?: string[];

  /**
   * Idle timeout of the long-lived load balancer (1 s to 4000 s). CloudFront itself closes a
   * WebSocket after 10 minutes without traffic, so a longer value buys nothing.
   *
   * @default Duration.minutes(10)
   */
  readonly longLivedIdleTimeout?: Duration;

  /**
   * CloudFront's origin response timeout for the long-lived origin: the longest gap between
   * two packets of a stream (1 s to 120 s). Streams must send keep-alive traffic more often.
   * Up to 60 s works on every account; above 60 s the deploy fails on an account whose
   * CloudFront "response timeout" quota is still 60 s (request an increase first).
   *
   * @default Duration.seconds(60)
   */
  readonly longLivedReadTimeout?: Duration;

  /**
   * Encrypt the hop from CloudFront to the internal load balancer with TLS (the platform's
   * regional certificate on an HTTPS listener, CloudFront presenting `api.<domain>`). Turn off
   * only to debug: the hop then is plain HTTP inside the VPC.
   *
   * @default true
   */
  readonly longLivedOriginTls?: boolean;

  /**
   * Who may reach the long-lived load balancer.
   *
   * @default - CloudFront's VPC origin security group (`CloudFront-VPCOrigins-Service-SG`), read
   *   at deploy time by a custom resource
   */
  readonly longLivedOriginPeer?: ec2.IPeer;

  // ---------------------------------------------------------------------------------------- WAF

  /**
   * Protect the front door with an AWS WAF web ACL: per-IP rate limit, IP allow and deny
   * lists, and the AWS managed rule groups for IP reputation, common attacks and known bad
   * inputs. Outside us-east-1 the web ACL lives in the us-east-1 companion stack.
   *
   * The common rule set's `SizeRestrictions_BODY` rule (bodies over 8 KB) only counts: API
   * Gateway and the services limit body sizes themselves, so large POSTs still get through.
   *
   * Cost: $5 a month for the web ACL and $1 per rule: about $9 with the 4 default rules (three
   * managed rule groups and the rate limit), $1 more for each IP list; $0.60 per million requests.
   *
   * @default false
   */
  readonly waf?: boolean;

  /**
   * Requests one client IP may send in any 5-minute window before the WAF blocks it
   * (10 to 2,000,000,000).
   *
   * @default 1000
   */
  readonly wafRateLimit?: number;

  /**
   * IPv4 and IPv6 CIDR blocks (for example `203.0.113.0/24`, `2001:db8::/32`) that the WAF
   * always allows: the rate limit and managed rules do not apply to them. The front door
   * serves IPv6 too, so list a client's IPv6 block as well as its IPv4 one. Each block must be
   * a network address (no host bits set), /1 or longer, and listed once.
   *
   * @default - none
   */
  readonly wafAllowedIpRanges?: string[];

  /**
   * IPv4 and IPv6 CIDR blocks (for example `198.51.100.0/24`, `2001:db8:bad::/48`) that the
   * WAF always blocks. The front door serves IPv6 too, so block a client's IPv6 block as well as
   * its IPv4 one. Each block must be a network address (no host bits set), /1 or longer, listed
   * once and not overlapping `wafAllowedIpRanges`.
   *
   * @default - none
   */
  readonly wafBlockedIpRanges?: string[];

  // --------------------------------------------------------------------------------------- logs

  /**
   * Retention of the central log groups (and the expiry of access-log objects).
   *
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Keep access logs of the front door (CloudFront standard logs) and the long-lived load
   * balancer in a central S3 bucket.
   *
   * Cost: S3 storage ($0.023 per GB-month) for the retention period.
   *
   * @default false
   */
  readonly accessLogs?: boolean;

  /**
   * What happens to the platform's stateful resources when they leave the stack or the stack is
   * deleted: the central log groups, the access-log bucket and the alarm topics' KMS keys.
   *
   * `RemovalPolicy.DESTROY` suits test and preview platforms (integration tests): the log groups
   * are deleted (retained ones would keep their fixed names, so the same platform could not be
   * created again), the bucket is emptied and deleted, and the keys are scheduled for deletion
   * after 7 days. `RemovalPolicy.SNAPSHOT` is refused (none of these resources has snapshots).
   *
   * Cost: a retained KMS key costs $1 a month until you schedule its deletion; retained log
   * groups cost their stored data ($0.03 per GB-month).
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  // --------------------------------------------------------------------------------- monitoring

  /**
   * E-mail addresses subscribed to the alarm topic (each must confirm the subscription), and to
   * `edgeAlarmTopic` when the platform has one.
   *
   * @default - no subscriptions; subscribe to `alarmTopic` (and `edgeAlarmTopic`) yourself
   */
  readonly alarmEmails?: string[];

  /**
   * Alarm when more than this percentage of central API requests answer 5xx.
   *
   * @default 5
   */
  readonly serverErrorRateThresholdPercent?: number;

  /**
   * Alarm when the central API's p99 latency exceeds this.
   *
   * @default Duration.seconds(5)
   */
  readonly latencyP99Threshold?: Duration;

  /**
   * Alarm when a certificate has fewer days than this before it expires. ACM renews a
   * DNS-validated certificate only while it is in use (attached to CloudFront or a load
   * balancer), so the platform watches the certificates it uses itself: the edge certificate,
   * and the regional one when it is the same certificate (platform in us-east-1) or the
   * long-lived origin's TLS certificate. A regional certificate used only by your services is
   * not watched (nothing would renew it while unused, and the alarm would always fire).
   *
   * @see https://docs.aws.amazon.com/acm/latest/userguide/acm-renewal.html
   * @default 30
   */
  readonly certificateExpiryThresholdDays?: number;

  // --------------------------------------------------------------------------------------- cost

  /**
   * Create a monthly AWS Budgets cost budget that notifies the alarm topic.
   *
   * Cost: free (budgets without actions).
   *
   * @default true
   */
  readonly budget?: boolean;

  /**
   * The monthly budget in US dollars.
   *
   * @default 100
   */
  readonly monthlyBudgetUsd?: number;

  /**
   * When the budget notifies.
   *
   * @default [BudgetThreshold.actual(80), BudgetThreshold.actual(100), BudgetThreshold.forecasted(100)]
   */
  readonly budgetThresholds?: BudgetThreshold[];

  /**
   * Count only costs tagged `platform=<platformName>`. Activate `platform` as a cost
   * allocation tag in the Billing console first; until then the budget sees nothing.
   *
   * @default false (the whole account's costs)
   */
  readonly budgetFilterByPlatformTag?: boolean;
}

/**
 * The shared foundation of the georgi.io platform: DNS, wildcard certificates, a multi-AZ VPC
 * with one shared NAT, a shared ECS cluster with a Cloud Map namespace, the central API on
 * `api.<domain>` behind a CloudFront front door (with an optional WebSocket-capable origin and
 * an optional WAF), central logs, a dashboard, alarms and a cost budget.
 *
 * It publishes what services need as SSM parameters under `/platform/<platformName>`, so an
 * app in another repository imports it with `GlobalPlatform.fromPlatformName()`.
 *
 * The stack must have an explicit Region. Outside us-east-1, CloudFront's certificate and web
 * ACL (and a hosted zone the platform creates) go into a companion stack in us-east-1, which
 * needs `crossRegionReferences: true` on the platform's stack.
 *
 * @example
 * const platform = new GlobalPlatform(stack, 'Platform', {
 *   platformName: 'georgi',
 *   domainName: 'georgi.io',
 *   longLivedConnections: true,
 *   alarmEmails: ['ops@georgi.io'],
 * });
 */
export class GlobalPlatform extends Construct implements IGlobalPlatform {
  /**
   * Imports a platform that another app created, from its SSM parameters, without any
   * synth-time look-up or CloudFormation export. The result works with every construct of this
   * library like the real platform, except that `dashboard` is undefined (services in another
   * stack get their own) and route throttling needs `addRouteThrottling` in the platform's app.
   *
   * @param scope the scope of the imported platform
   * @param id the construct id
   * @param platformName the `platformName` the platform was created with
   * @param options what cannot be read at synth time
   */
  public static fromPlatformName(scope: Construct, id: string, platformName: string, options?: GlobalPlatformImportOptions): IGlobalPlatform {
    return new ImportedGlobalPlatform(scope, id, platformName, options);
  }

  public readonly platformName: string;
  public readonly domainName: string;
  public readonly apiDomainName: string;
  public readonly hostedZone: route53.IHostedZone;
  public readonly certificate: acm.ICertificate;
  public readonly edgeCertificate: acm.ICertificate;
  public readonly vpc: ec2.IVpc;
  public readonly serviceSubnets: ec2.SubnetSelection;
  public readonly cluster: ecs.ICluster;
  public readonly namespace: servicediscovery.IPrivateDnsNamespace;
  public readonly httpApi: apigwv2.IHttpApi;
  public readonly httpStageName: string;
  public readonly vpcLink: apigwv2.IVpcLink;
  public readonly vpcLinkSecurityGroup: ec2.ISecurityGroup;
  public readonly frontDoor: cloudfront.IDistribution;
  /**
   * The long-lived origin's listener, where services add their WebSocket and stream rules.
   *
   * @default - undefined when `longLivedConnections` is false
   */
  public readonly longLivedListener?: elbv2.IApplicationListener;
  public readonly longLivedPathSuffixes: string[];
  public readonly alarmTopic: sns.ITopic;
  /**
   * The platform dashboard; services in the platform's stack add their widgets to it.
   *
   * @default - always set on a GlobalPlatform (undefined only on an imported platform)
   */
  public readonly dashboard?: cloudwatch.Dashboard;
  public readonly parameterPrefix: string;

  /** The HTTP API's `$default` stage (auto-deploy, access logs, default throttling). */
  public readonly httpStage: apigwv2.IHttpStage;

  /**
   * The companion stack in us-east-1 that holds CloudFront's certificate, the WAF web ACL and
   * (when the platform creates it) the hosted zone.
   *
   * @default - undefined when the platform runs in us-east-1 or needs nothing there
   */
  public readonly edgeStack?: Stack;

  /** The WAF web ACL's ARN. @default - undefined when `waf` is false */
  public readonly webAclArn?: string;

  /** The central access-log bucket. @default - undefined when `accessLogs` is false */
  public readonly accessLogsBucket?: s3.IBucket;

  /** The central log group of the API's access log. */
  public readonly apiAccessLogGroup: logs.ILogGroup;

  /**
   * The platform's alarms in its own Region: API 5xx rate, p99 latency, and the regional
   * certificate's expiry when the platform uses that certificate (see
   * `certificateExpiryThresholdDays`). The edge certificate's alarm lives in `edgeStack` and
   * notifies `edgeAlarmTopic`.
   */
  public readonly alarms: cloudwatch.IAlarm[];

  /**
   * The alarm topic in us-east-1 for the edge certificate's expiry alarm (alarms notify topics in
   * their own Region), with the same `alarmEmails` subscriptions. Subscribe to it as well as to
   * `alarmTopic`. $0 a month for the topic; its KMS key costs $1.
   *
   * @default - undefined when the platform runs in us-east-1 or `edgeCertificate` is passed in
   */
  public readonly edgeAlarmTopic?: sns.ITopic;

  private readonly centralApi: CentralApi;

  /**
   * @param scope the parent construct
   * @param id the construct id (part of every logical id below it: keep it stable)
   * @param props the platform's properties
   */
  constructor(scope: Construct, id: string, props: GlobalPlatformProps) {
    super(scope, id);
    this.validateProps(props);

    const stack = Stack.of(this);
    const platformName = props.platformName;
    this.platformName = platformName;
    this.domainName = props.domainName;
    this.apiDomainName = `api.${props.domainName}`;
    this.parameterPrefix = platformPath(platformName);
    const retention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const wafOn = props.waf ?? false;
    const longLived = props.longLivedConnections ?? false;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.longLivedPathSuffixes = longLived ? (props.longLivedPathSuffixes ?? [...DEFAULT_LONG_LIVED_PATH_SUFFIXES]) : [];

    // -------------------------------------------------------------------- edge (us-east-1) scope
    const inEdgeRegion = stack.region === EDGE_REGION;
    const needsEdgeStack = !inEdgeRegion && (wafOn || !props.edgeCertificate);
    if (needsEdgeStack && !props.edgeCertificate && props.hostedZone instanceof route53.HostedZone && Stack.of(props.hostedZone) === stack) {
      throw new PropError(this, 'hostedZone', props.hostedZone.node.path,
        `a zone created in the platform's own stack cannot validate the CloudFront certificate in the ${EDGE_REGION} companion stack`
        + ' (the stacks would depend on each other); import the zone (HostedZone.fromHostedZoneAttributes), leave hostedZone unset'
        + ' so the platform creates it in the companion stack, or pass edgeCertificate');
    }
    this.edgeStack = needsEdgeStack ? this.createEdgeStack(stack) : undefined;
    const edgeScope: Construct = this.edgeStack ? new Construct(this.edgeStack, id) : this;

    // ------------------------------------------------------------------------------- DNS and TLS
    this.hostedZone = props.hostedZone ?? new route53.PublicHostedZone(edgeScope, 'HostedZone', {
      zoneName: props.domainName,
      comment: `${platformName} platform`,
    });
    const certificateProps = (name: string): acm.CertificateProps => ({
      domainName: props.domainName,
      subjectAlternativeNames: [`*.${props.domainName}`],
      validation: acm.CertificateValidation.fromDns(this.hostedZone),
      certificateName: `${platformName}-${name}`,
    });
    const certificate = new acm.Certificate(this, 'Certificate', certificateProps('regional'));
    this.certificate = certificate;
    this.edgeCertificate = props.edgeCertificate
      ?? (this.edgeStack ? new acm.Certificate(edgeScope, 'EdgeCertificate', certificateProps('edge')) : certificate);

    // ---------------------------------------------------------------------------------- logs
    const platformLogs = new PlatformLogs(this, 'Logs', {
      platformName,
      retention,
      flowLogs: props.flowLogs ?? true,
      accessLogs: props.accessLogs ?? false,
      removalPolicy,
    });
    this.apiAccessLogGroup = platformLogs.apiAccessLogGroup;
    this.accessLogsBucket = platformLogs.accessLogsBucket;

    // ------------------------------------------------------------------------------- network
    const network = new PlatformNetwork(this, 'Network', {
      cidr: props.vpcCidr ?? '10.0.0.0/16',
      maxAzs: props.availabilityZones ? undefined : props.maxAzs ?? 2,
      availabilityZones: props.availabilityZones,
      natType: props.natType ?? NatType.GATEWAY,
      natGateways: props.natGateways ?? 1,
      interfaceEndpoints: props.interfaceEndpoints ?? false,
      flowLogGroup: platformLogs.flowLogGroup,
      flowLogTrafficType: props.flowLogTrafficType ?? ec2.FlowLogTrafficType.REJECT,
    });
    this.vpc = network.vpc;
    this.serviceSubnets = network.serviceSubnets;

    // ------------------------------------------------------------------------------- compute
    const compute = new PlatformCompute(this, 'Compute', {
      platformName,
      vpc: this.vpc,
      namespaceName: props.namespaceName ?? `${platformName}.internal`,
      containerInsights: props.containerInsights ?? false,
    });
    this.cluster = compute.cluster;
    this.namespace = compute.namespace;

    // --------------------------------------------------------------------------- central API
    const api = new CentralApi(this, 'Api', {
      platformName,
      vpc: this.vpc,
      subnets: this.serviceSubnets,
      accessLogGroup: platformLogs.apiAccessLogGroup,
      throttlingRateLimit: props.throttlingRateLimit ?? 100,
      throttlingBurstLimit: props.throttlingBurstLimit ?? 200,
      detailedMetrics: props.detailedMetrics ?? true,
    });
    if (props.detailedMetrics === false) {
      Annotations.of(this).addWarningV2('@georgi-io/platform-constructs:detailedMetricsOff',
        'detailedMetrics is false: the per-service 5xx alarms and dashboard widgets read route-level metrics and will see no data');
    }
    this.centralApi = api;
    provideRouteThrottling(this, {
      stage: api.stage,
      throttleRoute: (routeKey, rateLimit, burstLimit) => this.addRouteThrottling(routeKey, rateLimit, burstLimit),
    });
    this.httpApi = api.httpApi;
    this.httpStage = api.stage;
    this.httpStageName = api.stage.stageName;
    this.vpcLink = api.vpcLink;
    this.vpcLinkSecurityGroup = api.vpcLinkSecurityGroup;

    // ---------------------------------------------------------------------------- front door
    const longLivedOrigin = longLived ? new LongLivedOrigin(this, 'LongLivedOrigin', {
      platformName,
      vpc: this.vpc,
      subnets: this.serviceSubnets,
      certificate: (props.longLivedOriginTls ?? true) ? certificate : undefined,
      originDomainName: this.apiDomainName,
      idleTimeout: props.longLivedIdleTimeout ?? Duration.minutes(10),
      readTimeout: props.longLivedReadTimeout ?? Duration.seconds(60),
      accessLogsBucket: platformLogs.accessLogsBucket,
      cloudFrontPeer: props.longLivedOriginPeer,
    }) : undefined;
    this.longLivedListener = longLivedOrigin?.listener;

    const waf = wafOn ? new FrontDoorWaf(edgeScope, 'Waf', {
      platformName,
      rateLimit: props.wafRateLimit ?? 1000,
      allowedIpRanges: props.wafAllowedIpRanges ?? [],
      blockedIpRanges: props.wafBlockedIpRanges ?? [],
    }) : undefined;
    this.webAclArn = waf?.webAcl.attrArn;

    const frontDoor = new FrontDoor(this, 'FrontDoor', {
      platformName,
      apiDomainName: this.apiDomainName,
      hostedZone: this.hostedZone,
      certificate: this.edgeCertificate,
      httpApi: this.httpApi,
      priceClass: props.priceClass ?? cloudfront.PriceClass.PRICE_CLASS_100,
      longLivedOrigin: longLivedOrigin?.origin,
      longLivedPathPatterns: this.longLivedPathSuffixes.flatMap(s => [`/*/${s}`, `/*/${s}/*`]),
      webAclArn: this.webAclArn,
      accessLogsBucket: platformLogs.accessLogsBucket,
    });
    this.frontDoor = frontDoor.distribution;
    longLivedOrigin?.lookUpAfter(frontDoor.distribution);

    // ---------------------------------------------------------------------------- monitoring
    const alarmEmails = props.alarmEmails ?? [];
    const topic = new AlarmTopic(this, 'AlarmTopic', { platformName, emails: alarmEmails, removalPolicy });
    this.alarmTopic = topic.topic;
    // ACM renews only certificates in use, so only a certificate of the platform's own is watched.
    const certificateInUse = this.edgeCertificate === certificate || (longLivedOrigin !== undefined && (props.longLivedOriginTls ?? true));
    const monitoring = new PlatformMonitoring(this, 'Monitoring', {
      platformName,
      httpApi: api.httpApi,
      topic: topic.topic,
      certificate: certificateInUse ? certificate : undefined,
      serverErrorRatePercent: props.serverErrorRateThresholdPercent ?? 5,
      latencyP99: props.latencyP99Threshold ?? Duration.seconds(5),
      certificateExpiryDays: props.certificateExpiryThresholdDays ?? 30,
    });
    this.dashboard = monitoring.dashboard;
    this.alarms = [monitoring.serverErrorRateAlarm, monitoring.latencyAlarm];
    if (monitoring.certificateExpiryAlarm) this.alarms.push(monitoring.certificateExpiryAlarm);
    if (this.edgeStack && !props.edgeCertificate) {
      // Alarms and their topic must be in the certificate's Region.
      const edgeTopic = new AlarmTopic(edgeScope, 'AlarmTopic', { platformName, emails: alarmEmails, removalPolicy });
      const edgeAlarm = createCertificateExpiryAlarm(edgeScope, 'EdgeCertificateExpiryAlarm', {
        platformName,
        certificate: this.edgeCertificate,
        days: props.certificateExpiryThresholdDays ?? 30,
        label: 'edge',
      });
      edgeAlarm.addAlarmAction(new SnsAction(edgeTopic.topic));
      edgeAlarm.addOkAction(new SnsAction(edgeTopic.topic));
      this.edgeAlarmTopic = edgeTopic.topic;
    }

    // ---------------------------------------------------------------------------------- cost
    if (props.budget ?? true) {
      new PlatformBudget(this, 'Budget', {
        platformName,
        amountUsd: props.monthlyBudgetUsd ?? 100,
        thresholds: props.budgetThresholds ?? [
          BudgetThreshold.actual(80), BudgetThreshold.actual(100), BudgetThreshold.forecasted(100),
        ],
        topic: topic.topic,
        filterByPlatformTag: props.budgetFilterByPlatformTag ?? false,
      });
    }
    // The whole stack: also the custom-resource providers aws-cdk-lib puts at the stack's root.
    Tags.of(stack).add('platform', platformName);
    if (this.edgeStack) Tags.of(this.edgeStack).add('platform', platformName);

    // ------------------------------------------------------------------------------- sharing
    this.publishParameters(network, compute, api, longLivedOrigin);
    new CfnOutput(this, 'ApiUrl', { value: `https://${this.apiDomainName}`, description: 'the central API' });
  }

  /**
   * Throttles one route of the central API, e.g. `ANY /jessica/{proxy+}`, on its stage. Route
   * throttling is a setting of the platform's stage, so services in other apps ask the
   * platform's app to call this; `ApiRoutes` calls it for routes in the platform's own stack.
   *
   * API Gateway refuses a route setting for a route key that does not exist yet: the route must
   * be deployed before the platform stack carries this setting. For a service in another stack
   * or app, deploy the service first, then add this call and deploy the platform.
   *
   * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-properties-apigatewayv2-stage-routesettings.html
   *
   * @param routeKey the route key, `METHOD /path`
   * @param rateLimit steady-state requests per second (1 to 10000)
   * @param burstLimit burst of requests (1 to 5000)
   */
  public addRouteThrottling(routeKey: string, rateLimit: number, burstLimit: number): void {
    if (!Token.isUnresolved(routeKey) && !/^(ANY|GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \/\S*$/.test(routeKey)) {
      throw new PropError(this, 'routeKey', routeKey, 'expected "METHOD /path", such as "ANY /jessica/{proxy+}"');
    }
    validateIntegerRange(this, 'rateLimit', rateLimit, 1, 10_000);
    validateIntegerRange(this, 'burstLimit', burstLimit, 1, 5_000);
    this.centralApi.throttleRoute(routeKey, rateLimit, burstLimit);
  }

  private publishParameters(network: PlatformNetwork, compute: PlatformCompute, api: CentralApi, longLived?: LongLivedOrigin): void {
    const parameters = new PlatformParameters(this, 'Parameters', this.platformName);
    const vpc = network.vpc;
    const serviceSubnets = vpc.selectSubnets(this.serviceSubnets).subnets;
    parameters.publish('domainName', this.domainName);
    parameters.publish('hostedZoneId', this.hostedZone.hostedZoneId);
    parameters.publish('certificateArn', this.certificate.certificateArn);
    parameters.publish('edgeCertificateArn', this.edgeCertificate.certificateArn);
    parameters.publish('vpcId', vpc.vpcId);
    parameters.publish('vpcCidr', vpc.vpcCidrBlock);
    parameters.publish('availabilityZones', vpc.availabilityZones.join(','));
    parameters.publish('publicSubnetIds', vpc.publicSubnets.map(s => s.subnetId).join(','));
    parameters.publish('publicSubnetRouteTableIds', vpc.publicSubnets.map(s => s.routeTable.routeTableId).join(','));
    parameters.publish('serviceSubnetIds', serviceSubnets.map(s => s.subnetId).join(','));
    parameters.publish('serviceSubnetRouteTableIds', serviceSubnets.map(s => s.routeTable.routeTableId).join(','));
    parameters.publish('clusterName', compute.cluster.clusterName);
    parameters.publish('clusterArn', compute.cluster.clusterArn);
    parameters.publish('namespaceId', compute.namespace.namespaceId);
    parameters.publish('namespaceName', compute.namespace.namespaceName);
    parameters.publish('namespaceArn', compute.namespace.namespaceArn);
    parameters.publish('httpApiId', api.httpApi.apiId);
    parameters.publish('httpApiEndpoint', api.httpApi.apiEndpoint);
    parameters.publish('httpStageName', api.stage.stageName);
    parameters.publish('vpcLinkId', api.vpcLink.vpcLinkId);
    parameters.publish('vpcLinkSecurityGroupId', api.vpcLinkSecurityGroup.securityGroupId);
    parameters.publish('frontDoorDistributionId', this.frontDoor.distributionId);
    parameters.publish('frontDoorDomainName', this.frontDoor.distributionDomainName);
    parameters.publish('apiDomainName', this.apiDomainName);
    if (longLived) {
      parameters.publish('longLivedListenerArn', longLived.listener.listenerArn);
      parameters.publish('longLivedSecurityGroupId', longLived.securityGroup.securityGroupId);
      parameters.publish('longLivedPathSuffixes', this.longLivedPathSuffixes.join(','));
    }
    parameters.publish('alarmTopicArn', this.alarmTopic.topicArn);
  }

  /**
   * The us-east-1 companion stack, a sibling of the platform's stack in the same app or stage.
   * The platform's stack reads the certificate and web ACL ARNs through CDK's cross-region
   * references (SSM parameters written by a custom resource), so it must allow them.
   */
  private createEdgeStack(stack: Stack): Stack {
    // aws-cdk-lib keeps the flag in an internal field; should it ever go, CDK's own synth error
    // about cross-region references still stops the deployment, only later and less clearly.
    const crossRegionReferences = (stack as unknown as { _crossRegionReferences?: unknown })._crossRegionReferences;
    if (crossRegionReferences === false) {
      throw new PropError(this, 'crossRegionReferences', false, `the stack "${stack.stackName}" is in ${stack.region}, so CloudFront's`
        + ` certificate and web ACL go into a companion stack in ${EDGE_REGION}; create "${stack.stackName}" with crossRegionReferences: true`
        + ' (or pass edgeCertificate and leave waf off)');
    }
    const parent = Stage.of(stack) ?? stack.node.root;
    const id = `${stack.node.id}-edge`;
    const existing = parent.node.tryFindChild(id);
    if (existing) {
      throw new PropError(this, 'scope', stack.stackName, 'the stack already holds a GlobalPlatform; use one platform per stack');
    }
    return new Stack(parent, id, {
      stackName: `${stack.stackName}-edge`,
      env: { account: stack.account, region: EDGE_REGION },
      crossRegionReferences: true,
      description: `us-east-1 part of the ${this.platformName ?? 'georgi.io'} platform: CloudFront certificate and web ACL`,
    });
  }

  // ---------------------------------------------------------------------------------- validation

  private validateProps(props: GlobalPlatformProps): void {
    validateDnsName(this, 'platformName', props.platformName, 32);
    validateDomainName(this, 'domainName', props.domainName);
    if (props.namespaceName !== undefined) validateDomainName(this, 'namespaceName', props.namespaceName);
    this.validateRegion();
    this.validateNetwork(props);
    this.validateFrontDoor(props);
    this.validateWaf(props);
    this.validateMonitoring(props);
    this.validateBudget(props);
  }

  private validateRegion(): void {
    if (Token.isUnresolved(Stack.of(this).region)) {
      throw new PropError(this, 'stack region', '(unresolved)', 'GlobalPlatform needs a stack with an explicit region (env: { account, region }):'
        + ` CloudFront's certificate and web ACL must be in ${EDGE_REGION}, and the platform decides at synth time where they go`);
    }
  }

  private validateNetwork(props: GlobalPlatformProps): void {
    const zones = props.availabilityZones;
    if (zones !== undefined && props.maxAzs !== undefined) {
      throw new PropError(this, 'maxAzs', props.maxAzs, 'set either maxAzs or availabilityZones, not both');
    }
    if (zones !== undefined && isUnresolved(zones)) {
      throw new PropError(this, 'availabilityZones', '(a token)', 'expected the zone names themselves: the VPC lays out its subnets at synth time');
    }
    if (zones !== undefined) this.validateAvailabilityZones(zones);
    const maxAzs = zones?.length ?? props.maxAzs ?? 2;
    validateIntegerRange(this, 'maxAzs', props.maxAzs ?? 2, 2, 6);
    validateIntegerRange(this, 'natGateways', props.natGateways, 0, 6);
    if (props.natGateways !== undefined && !isUnresolved(props.natGateways) && props.natGateways > maxAzs) {
      throw new PropError(this, 'natGateways', props.natGateways, `at most one per Availability Zone (maxAzs is ${maxAzs})`);
    }
    if (props.natType?.kind === 'none' && props.natGateways) {
      throw new PropError(this, 'natGateways', props.natGateways, 'must be 0 or unset with NatType.NONE');
    }
    if (props.natType?.kind === 'none' && props.interfaceEndpoints !== true) {
      throw new PropError(this, 'interfaceEndpoints', props.interfaceEndpoints ?? false,
        'must be true with NatType.NONE: without a NAT the service subnets reach AWS only through VPC endpoints,'
        + ' and tasks need them to pull images, write logs and read secrets and parameters');
    }
    const natKind = (props.natType ?? NatType.GATEWAY).kind;
    if (natKind !== 'none' && props.natGateways === 0) {
      throw new PropError(this, 'natGateways', 0, `at least 1 with NatType.${natKind.toUpperCase()}; use NatType.NONE for no NAT`);
    }
    if (props.vpcCidr !== undefined && !isUnresolved(props.vpcCidr)) {
      const range = parseIpv4Cidr(this, 'vpcCidr', props.vpcCidr);
      const privateBlocks = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'].map(c => parseIpv4Cidr(this, 'vpcCidr', c));
      if (!privateBlocks.some(b => range.first >= b.first && range.last <= b.last)) {
        throw new PropError(this, 'vpcCidr', props.vpcCidr, 'expected a private (RFC 1918) block inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16');
      }
      // CDK allocates in order: the public /24s, then the private /20s from the next /20 boundary.
      const needed = Math.ceil((maxAzs * 256) / 4096) * 4096 + maxAzs * 4096;
      const largestPrefix = 32 - Math.ceil(Math.log2(needed));
      if (range.prefix < 16 || range.last - range.first + 1 < needed) {
        throw new PropError(this, 'vpcCidr', props.vpcCidr,
          `expected a /16 to /${largestPrefix} block: room for a /24 public and a /20 private subnet in each of ${maxAzs} AZs`);
      }
    }
  }

  private validateAvailabilityZones(zones: string[]): void {
    if (zones.length < 2 || zones.length > 6) {
      throw new PropError(this, 'availabilityZones', zones, 'expected 2 to 6 zones');
    }
    const region = Stack.of(this).region;
    for (const zone of zones) {
      if (isUnresolved(zone)) continue;
      if (!/^[a-z]{2}(-[a-z]+)+-\d[a-z]$/.test(zone)) {
        throw new PropError(this, 'availabilityZones', zone, 'expected a zone name such as "us-east-1b"');
      }
      if (!isUnresolved(region) && !(zone.startsWith(region) && zone.length === region.length + 1)) {
        throw new PropError(this, 'availabilityZones', zone, `expected a zone of the platform's Region ${region}, such as "${region}a"`);
      }
    }
    const repeated = zones.find((z, i) => zones.indexOf(z) !== i);
    if (repeated) throw new PropError(this, 'availabilityZones', repeated, 'list each zone once');
  }

  private validateFrontDoor(props: GlobalPlatformProps): void {
    const longLivedOnly = ['longLivedPathSuffixes', 'longLivedIdleTimeout', 'longLivedReadTimeout', 'longLivedOriginTls', 'longLivedOriginPeer'] as const;
    for (const prop of longLivedOnly) {
      if (props[prop] !== undefined && !props.longLivedConnections) {
        throw new PropError(this, prop, prop === 'longLivedOriginPeer' ? '(peer)' : props[prop], 'only used with longLivedConnections: true');
      }
    }
    validatePathSuffixes(this, 'longLivedPathSuffixes', props.longLivedPathSuffixes);
    const idle = props.longLivedIdleTimeout;
    if (idle && !idle.isUnresolved() && (idle.toSeconds() < 1 || idle.toSeconds() > 4000)) {
      throw new PropError(this, 'longLivedIdleTimeout', `${idle.toSeconds()}s`, 'expected 1 to 4000 seconds (the ALB limit)');
    }
    const read = props.longLivedReadTimeout;
    if (read && !read.isUnresolved() && (read.toSeconds() < 1 || read.toSeconds() > 120)) {
      throw new PropError(this, 'longLivedReadTimeout', `${read.toSeconds()}s`, 'expected 1 to 120 seconds (the CloudFront origin response timeout)');
    }
    validateIntegerRange(this, 'throttlingRateLimit', props.throttlingRateLimit, 1, 10_000);
    validateIntegerRange(this, 'throttlingBurstLimit', props.throttlingBurstLimit, 1, 5_000);
  }

  private validateWaf(props: GlobalPlatformProps): void {
    const wafOnly = ['wafRateLimit', 'wafAllowedIpRanges', 'wafBlockedIpRanges'] as const;
    for (const prop of wafOnly) {
      if (props[prop] !== undefined && !props.waf) {
        throw new PropError(this, prop, props[prop], 'only used with waf: true');
      }
    }
    validateIntegerRange(this, 'wafRateLimit', props.wafRateLimit, 10, 2_000_000_000);
    // IPv4 and IPv6 CIDRs may be mixed; FrontDoorWaf puts each family in its own IP set.
    const allowed = validateIpCidrList(this, 'wafAllowedIpRanges', props.wafAllowedIpRanges);
    const blocked = validateIpCidrList(this, 'wafBlockedIpRanges', props.wafBlockedIpRanges);
    for (const [prop, ranges] of [['wafAllowedIpRanges', allowed], ['wafBlockedIpRanges', blocked]] as const) {
      const everything = [...ranges.ipv4, ...ranges.ipv6].find(r => r.prefix === 0);
      if (everything) {
        throw new PropError(this, prop, everything.cidr,
          'AWS WAF IP sets accept /1 to /32 (IPv4) and /1 to /128 (IPv6), not /0; turn waf off instead of listing every address');
      }
    }
    const clashes = [
      ...blocked.ipv4.map(b => [b, allowed.ipv4.find(a => rangesOverlap(a, b))] as const),
      ...blocked.ipv6.map(b => [b, allowed.ipv6.find(a => rangesOverlap(a, b))] as const),
    ];
    for (const [b, clash] of clashes) {
      if (clash) {
        throw new PropError(this, 'wafBlockedIpRanges', b.cidr,
          `it overlaps "${clash.cidr}" in wafAllowedIpRanges; an address cannot be both allowed and blocked`);
      }
    }
  }

  private validateMonitoring(props: GlobalPlatformProps): void {
    if (props.logRetention !== undefined) validateRetention(this, 'logRetention', props.logRetention);
    if (props.removalPolicy === RemovalPolicy.SNAPSHOT) {
      throw new PropError(this, 'removalPolicy', props.removalPolicy, 'expected RemovalPolicy.RETAIN, RETAIN_ON_UPDATE_OR_DELETE or DESTROY: log groups, buckets and KMS keys have no snapshots');
    }
    const emails = props.alarmEmails;
    if (emails && !isUnresolved(emails)) {
      for (const email of emails) validateEmail(this, 'alarmEmails', email);
      const repeated = emails.find((e, i) => !isUnresolved(e) && emails.indexOf(e) !== i);
      if (repeated) throw new PropError(this, 'alarmEmails', repeated, 'list each address once');
    }
    validatePercentage(this, 'serverErrorRateThresholdPercent', props.serverErrorRateThresholdPercent);
    const latency = props.latencyP99Threshold;
    if (latency && !latency.isUnresolved() && latency.toMilliseconds() <= 0) {
      throw new PropError(this, 'latencyP99Threshold', `${latency.toMilliseconds()}ms`, 'expected a duration greater than zero');
    }
    validateIntegerRange(this, 'certificateExpiryThresholdDays', props.certificateExpiryThresholdDays, 1, 395);
  }

  private validateBudget(props: GlobalPlatformProps): void {
    if (props.budget === false) {
      for (const prop of ['monthlyBudgetUsd', 'budgetThresholds', 'budgetFilterByPlatformTag'] as const) {
        if (props[prop] !== undefined) throw new PropError(this, prop, props[prop], 'only used when budget is not false');
      }
    }
    validatePositive(this, 'monthlyBudgetUsd', props.monthlyBudgetUsd);
    const thresholds = props.budgetThresholds;
    if (thresholds) {
      if (thresholds.length < 1 || thresholds.length > 10) {
        throw new PropError(this, 'budgetThresholds', thresholds.length, 'expected 1 to 10 thresholds (AWS Budgets allows 10 notifications)');
      }
      for (const t of thresholds) validatePositive(this, 'budgetThresholds', t.percent);
    }
  }
}
