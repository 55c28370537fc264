import { PlatformNetworkOptions } from '../network/network-options';

/**
 * One additional Region of a platform (`GlobalPlatformProps.additionalRegions`): its own
 * network choices. The Region gets a sibling stack, `<platform stack>-<region>`, with the
 * regional parts of the platform (network, cluster and Cloud Map namespace, central HTTP API
 * with its VPC link, the origin checks, logs, alarm topic, alarms and dashboard, and the SSM
 * parameters under the same `/platform/<name>` keys), behind the platform's one front door.
 *
 * The VPC's default CIDR is `10.<n>.0.0/16`, `n` being the entry's position plus 1 (the
 * primary's default is `10.0.0.0/16`), so that the Regions' networks can be peered later.
 *
 * Cost: what the platform's regional parts cost in that Region (see the README's cost table:
 * "a second Region"), plus $0.40 a month for the origin secret's replica there.
 */
export interface PlatformRegionOptions extends PlatformNetworkOptions {
  /**
   * The Region, e.g. `us-west-2`: a commercial Region code, not the platform's own Region,
   * listed once.
   */
  readonly region: string;

  /**
   * Drain the Region automatically when its central API's 5xx rate alarm fires (above the
   * platform's `serverErrorRateThresholdPercent` in 3 of 5 periods of 5 minutes): a function
   * writes the drain key `d/<region>` into the front door's router store, and the front door
   * sends the Region's viewers to the next Region (the primary at the latest) within seconds of
   * the alarm: about 15 to 20 minutes after the Region starts failing. Undrain with the README's
   * command once the Region is healthy (never automatic, so that a flapping alarm cannot swing
   * traffic back and forth).
   *
   * Cost: about $0 a month (the function runs when the alarm fires).
   *
   * @default false
   */
  readonly autoDrain?: boolean;
}
