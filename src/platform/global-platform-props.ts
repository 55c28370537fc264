import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { PlatformRegionOptions } from './region-options';
import { CostBudget } from '../monitoring/cost-budget';
import { PlatformNetworkOptions } from '../network/network-options';
import { LongLivedOriginOptions } from '../routing/long-lived-options';
import { WafOptions } from '../routing/waf-options';

/**
 * Properties of the shared platform. Every option has a default; the defaults are the cheap,
 * secure choice. Monthly costs are us-east-1 list prices (check the AWS pricing pages).
 */
export interface GlobalPlatformProps extends PlatformNetworkOptions {
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
   * A zone that the platform creates follows `removalPolicy` (retained by default): the domain's
   * delegation points at its name servers, and the certificates' DNS validation records (CNAMEs
   * that ACM adds to the zone; deleting a certificate leaves them) stay in it. To delete a retained zone,
   * delete those records, then the zone. With `RemovalPolicy.DESTROY` the stack deletion fails
   * on the zone while the records are there.
   *
   * @default - a new public hosted zone ($0.50 a month, retained); delegate your domain to its name servers
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
  // (and the network options of PlatformNetworkOptions)

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
   * The staging label of the origin secret's value that the front door sends. The front door
   * sends a generated secret to the HTTP API in `x-origin-verify`, and every service route
   * refuses requests without it, so a direct call to the public `execute-api` URL cannot skip
   * the WAF, the rate limit or the response headers.
   *
   * The platform makes sure the label exists before CloudFront reads it: a label that no version
   * carries yet is attached to the secret's AWSCURRENT version (so it can be set on a new stack,
   * or set to a new label to roll CloudFront onto the current value). The checks accept the
   * AWSCURRENT and AWSPREVIOUS values and the value of this label, however often the secret was
   * changed since the deploy, and the previous label's value (from the deploy that changed the
   * label until the next one that does: rotate twice to retire a leaked value at once).
   * Labels of earlier deploys are removed from older versions (a secret holds 20 labels).
   *
   * To rotate: put a new value (`aws secretsmanager put-secret-value --secret-id <arn>
   * --secret-string <new>`), then set this prop to a new label and deploy the platform. The
   * label is part of the template's reference to the secret, so CloudFormation reads the new
   * value into the distribution (see the README's "Rotating the origin secret").
   *
   * Cost: the secret is $0.40 a month; its check runs a few times an hour (API Gateway caches its
   * answer for 5 minutes), inside Lambda's free tier; the label function once per deploy that
   * changes the label.
   *
   * @default "front-door"
   */
  readonly originSecretRotation?: string;

  /**
   * Give the front door a WebSocket-capable origin for long-lived connections (an internal
   * Application Load Balancer reached through a CloudFront VPC origin): present, it is on, and
   * `{}` takes every default. See `LongLivedOriginOptions`.
   *
   * Cost: about $16.40 a month for the load balancer plus $5.84 per LCU-month.
   *
   * Zones: CloudFront VPC origins are not offered in the zones with IDs `use1-az3` (us-east-1),
   * `usw1-az2` (us-west-1), `apne1-az3` (ap-northeast-1) and `cac1-az3` (ca-central-1)
   * (CloudFront Developer Guide, "Restrict access with VPC origins", read 2026-12-07), and zone
   * names map to zone IDs per account in the first three: check the account with `aws ec2
   * describe-availability-zones --region <region> --query 'AvailabilityZones[].[ZoneName,ZoneId]'`
   * and name zones that are not excluded in `availabilityZones`. See `LongLivedOriginOptions`.
   *
   * @default - no long-lived origin: every path goes through the HTTP API (30 s limit)
   */
  readonly longLivedConnections?: LongLivedOriginOptions;

  // ------------------------------------------------------------------------------------ Regions

  /**
   * More Regions behind the same front door (ADR 15), each with its own network choices. Each
   * gets a sibling stack `<stack>-<region>` with the platform's regional parts, which deploys
   * before the platform's stack; the front door's function sends each request to the nearest
   * Region in which the request's service is deployed and which is not drained (services
   * register their Region when their stack deploys: `GlobalPlatform.fromPlatformName(..., {
   * multiRegion: true })`), and to this stack's Region (the primary, which cannot be drained)
   * when the service runs nowhere else or the router's store cannot be read. Long-lived paths
   * (WebSockets, streams) go to Regions with a long-lived origin of their own
   * (`PlatformRegionOptions.longLivedConnections`), else to the primary.
   *
   * With additional Regions, each Region's HTTP API also answers under `api.<domain>` (an API
   * Gateway Regional custom domain, no charge), because the front door then forwards the viewer's
   * Host and CloudFront headers (the router reads the viewer's location from them).
   *
   * Cost: each additional Region costs what the platform's regional parts cost there (see the
   * README's cost table: "a second Region", which includes the origin secret's $0.40 replica);
   * the router reads its store for each Region nearer to the viewer than the primary (one or two
   * reads each), at $0.03 per million reads.
   *
   * @default - one Region: the stack's
   */
  readonly additionalRegions?: PlatformRegionOptions[];

  // ---------------------------------------------------------------------------------------- WAF

  /**
   * Protect the front door with an AWS WAF web ACL (rate limit, IP lists, AWS managed rule
   * groups): present, it is on, and `{}` takes every default. See `WafOptions`.
   *
   * Cost: $5 a month for the web ACL and $1 per rule: about $9 with the 4 default rules, $1 more
   * for each IP list; $0.60 per million requests.
   *
   * @default - no WAF
   */
  readonly waf?: WafOptions;

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
   * deleted: the central log groups, the access-log bucket, the alarm topics' KMS keys and the
   * hosted zone that the platform creates (see `hostedZone`).
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
   * The platform dashboard `<platform>-platform`: the central API's requests, errors and
   * latency, and search widgets that show every service's routes, CPU and memory (services in
   * the platform's stack add their own widgets too). `false` for none; CloudWatch's automatic
   * dashboards (free) still show each service.
   *
   * Cost: $3 a month (an account's first three dashboards are free).
   *
   * @default true
   */
  readonly dashboard?: boolean;

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
   * The monthly AWS Budgets cost budget that notifies the alarm topic, e.g.
   * `CostBudget.monthly(150)`; `CostBudget.NONE` for none.
   *
   * Cost: free (budgets without actions).
   *
   * @default CostBudget.monthly(100)
   */
  readonly budget?: CostBudget;
}
