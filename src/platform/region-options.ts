import { PlatformNetworkOptions } from '../network/network-options';
import { LongLivedOriginOptions } from '../routing/long-lived-options';

/**
 * One additional Region of a platform (`GlobalPlatformProps.additionalRegions`): its own
 * network choices. The Region gets a sibling stack, `<platform stack>-<region>`, with the
 * regional parts of the platform (network, cluster and Cloud Map namespace, central HTTP API
 * with its VPC link, the origin checks, logs, alarm topic, alarms and dashboard, the SSM
 * parameters under the same `/platform/<name>` keys, and with `longLivedConnections` a long-lived
 * origin of its own), behind the platform's one front door.
 *
 * The VPC's default CIDR is `10.<n>.0.0/16`, `n` being the entry's position plus 1 (the
 * primary's default is `10.0.0.0/16`), so that the Regions' networks can be peered later.
 *
 * Cost: what the platform's regional parts cost in that Region (see the README's cost table:
 * "a second Region", which includes the $0.40 a month of the origin secret's replica there).
 */
export interface PlatformRegionOptions extends PlatformNetworkOptions {
  /**
   * The Region, e.g. `us-west-2`: a commercial Region code, not the platform's own Region,
   * listed once.
   */
  readonly region: string;

  /**
   * Drain the Region automatically when its drain alarm fires: the central API's 5xx rate above
   * the platform's `serverErrorRateThresholdPercent` in 3 of 5 periods of 5 minutes, counting
   * only periods with at least `autoDrainMinimumRequests` requests (a few failed requests of a
   * quiet period drain nothing). A function then writes the drain key `d/<region>` into the
   * front door's router store, and the front door sends the Region's viewers to the next
   * Region (the primary at the latest) within seconds of the alarm: about 15 to 20 minutes after
   * the Region starts failing. Undrain with the README's command once the Region is healthy
   * (never automatic, so that a flapping alarm cannot swing traffic back and forth).
   *
   * The drain covers the whole Region: every service's 5xx count, so one failing service (or a
   * service scaled to zero by a schedule, whose routes answer 503) can drain the Region for all
   * of them. The primary is never drained: it is every service's fallback.
   *
   * Cost: $0.20 a month for the drain alarm (2 metrics); the function runs only when it fires.
   *
   * @default false
   */
  readonly autoDrain?: boolean;

  /**
   * With `autoDrain`: the fewest requests a 5-minute period needs for its 5xx rate to count
   * toward draining the Region.
   *
   * @default 20
   */
  readonly autoDrainMinimumRequests?: number;

  /**
   * A long-lived origin of the Region's own (WebSockets, streams), as the platform's
   * `longLivedConnections` makes one in the primary: the internal load balancer (default) or the
   * proxy instance, reached by the front door through a VPC origin. The front door then sends a
   * long-lived path to the nearest Region in which the path's service is registered and that has
   * a long-lived origin (the primary at the latest). The platform must have
   * `longLivedConnections` too, with the same `pathSuffixes` (the front door's behaviours are
   * the same for every Region); timeouts and the origin's kind may differ.
   *
   * The Region's stack deploys before the front door, and CloudFront creates the security group
   * of its VPC origins only once a distribution uses one: without `originPeer`, the platform's
   * stack opens the origin's port to that group in the Region after its distribution is deployed
   * (a look-up and an ingress rule written by custom resources in the Region).
   *
   * Cost: the load balancer about $16.43 a month plus LCUs (us-east-1 prices; a little more in
   * most other Regions), or the proxy instance about $4 a month (t4g.nano, its 8 GB volume and
   * alarms). The front door gains one cache behaviour (`/_region-ll/<region>/*`, no fee).
   *
   * @default - none: the Region's services serve only HTTP API routes; long-lived paths go to
   *   another Region with a long-lived origin, the primary at the latest
   */
  readonly longLivedConnections?: LongLivedOriginOptions;
}
