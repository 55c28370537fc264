import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LongLivedOriginType } from './long-lived-origin-type';

/**
 * Which paths the front door sends to a platform's long-lived origin. An app that imports the
 * platform gives the same options as the platform's app.
 */
export interface LongLivedPathOptions {
  /**
   * Last path segments routed to the long-lived origin: a path `/<service>/.../<suffix>` or
   * `/<service>/.../<suffix>/...` goes to the internal load balancer. Each becomes two
   * CloudFront behaviours (`/*\/<suffix>` and `/*\/<suffix>/*`) out of CloudFront's 75 per distribution
   * (default quota).
   *
   * @default ['ws', 'mcp']
   */
  readonly pathSuffixes?: string[];

  /**
   * What carries the long-lived paths: the internal load balancer, or one small proxy instance
   * (`LongLivedOriginType.proxyInstance()`, about $4 a month instead of about $22; see its
   * TSDoc for what one instance in one zone means). An app that imports the platform names the
   * same kind: its services then register their routes for the proxy instead of adding rules
   * to the load balancer's listener.
   *
   * @default LongLivedOriginType.APPLICATION_LOAD_BALANCER
   */
  readonly origin?: LongLivedOriginType;
}

/**
 * The front door's WebSocket-capable origin for long-lived connections: an internal Application
 * Load Balancer (the default) or one small proxy instance (`origin:
 * LongLivedOriginType.proxyInstance()`), reached through a CloudFront VPC origin. Paths ending in one of `pathSuffixes`
 * (`wss://api.<domain>/<service>/ws`, `/<service>/mcp`) go there instead of the HTTP API,
 * whose integrations end at 30 s.
 *
 * Availability Zones: CloudFront VPC origins are not offered in every zone, and the load
 * balancer spans all the platform's zones. The CloudFront Developer Guide, "Restrict access with
 * VPC origins", section "Supported AWS Regions for VPC origins"
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html#vpc-origins-supported-regions,
 * read 2026-12-07) excludes, by zone ID: `use1-az3` in us-east-1, `usw1-az2` in us-west-1,
 * `apne1-az3` in ap-northeast-1 and `cac1-az3` in ca-central-1. In us-east-1, us-west-1 and
 * ap-northeast-1 zone names (`us-east-1a`) map to zone IDs differently in each account (AWS "AZ
 * IDs" page), so the same `availabilityZones` can deploy in one account and fail in another;
 * ca-central-1 maps names alike in every account, but no AWS page names the zone of `cac1-az3`.
 * The platform therefore cannot tell at synth. Check the
 * account: `aws ec2 describe-availability-zones --region <region> --query
 * 'AvailabilityZones[].[ZoneName,ZoneId]'`, and name zones (`availabilityZones`) whose IDs are
 * not excluded. A Region the guide does not list gets a synth warning.
 *
 * Cost: about $16.40 a month for the load balancer plus $5.84 per LCU-month; about $4 a month
 * for the proxy instance instead (see `LongLivedOriginType.proxyInstance()`).
 */
export interface LongLivedOriginOptions extends LongLivedPathOptions {
  /**
   * Idle timeout of the long-lived load balancer or proxy (1 s to 4000 s): a WebSocket or a
   * stream without traffic for this long is closed. CloudFront itself closes a
   * WebSocket after 10 minutes without traffic, so a longer value buys nothing.
   *
   * @default Duration.minutes(10)
   */
  readonly idleTimeout?: Duration;

  /**
   * CloudFront's origin response timeout for the long-lived origin: the longest gap between
   * two packets of a stream (1 s to 120 s). Streams must send keep-alive traffic more often.
   * Up to 60 s works on every account; above 60 s the deploy fails on an account whose
   * CloudFront "response timeout" quota is still 60 s (request an increase first).
   *
   * @default Duration.seconds(60)
   */
  readonly readTimeout?: Duration;

  /**
   * Encrypt the hop from CloudFront to the internal load balancer with TLS (the platform's
   * regional certificate on an HTTPS listener, CloudFront presenting `api.<domain>`). Turn off
   * only to debug: the hop then is plain HTTP inside the VPC, and services cannot use
   * `jwtIssuer` on long-lived paths (the load balancer verifies JWTs on HTTPS listeners only).
   * The proxy instance has no TLS on this hop (it cannot hold an ACM certificate): leave this
   * unset with `LongLivedOriginType.proxyInstance()`.
   *
   * @default - true with the load balancer, false with the proxy instance
   */
  readonly originTls?: boolean;

  /**
   * Who may reach the long-lived load balancer or proxy instance.
   *
   * @default - CloudFront's VPC origin security group (`CloudFront-VPCOrigins-Service-SG`), read
   *   at deploy time by a custom resource
   */
  readonly originPeer?: ec2.IPeer;
}
