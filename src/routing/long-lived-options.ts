import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';

/**
 * Which paths the front door sends to a platform's long-lived origin. An app that imports the
 * platform gives the same options as the platform's app.
 */
export interface LongLivedPathOptions {
  /**
   * Last path segments routed to the long-lived origin: a path `/<service>/.../<suffix>` or
   * `/<service>/.../<suffix>/...` goes to the internal load balancer. Each becomes two
   * CloudFront behaviours (`/*\/<suffix>` and `/*\/<suffix>/*`) out of 25 per distribution.
   *
   * @default ['ws', 'mcp']
   */
  readonly pathSuffixes?: string[];
}

/**
 * The front door's WebSocket-capable origin for long-lived connections: an internal Application
 * Load Balancer reached through a CloudFront VPC origin. Paths ending in one of `pathSuffixes`
 * (`wss://api.<domain>/<service>/ws`, `/<service>/mcp`) go there instead of the HTTP API,
 * whose integrations end at 30 s.
 *
 * Cost: about $16.40 a month for the load balancer plus $5.84 per LCU-month.
 */
export interface LongLivedOriginOptions extends LongLivedPathOptions {
  /**
   * Idle timeout of the long-lived load balancer (1 s to 4000 s). CloudFront itself closes a
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
   *
   * @default true
   */
  readonly originTls?: boolean;

  /**
   * Who may reach the long-lived load balancer.
   *
   * @default - CloudFront's VPC origin security group (`CloudFront-VPCOrigins-Service-SG`), read
   *   at deploy time by a custom resource
   */
  readonly originPeer?: ec2.IPeer;
}
