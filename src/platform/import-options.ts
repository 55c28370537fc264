import { LongLivedPathOptions } from '../routing/long-lived-options';

/**
 * How to import a platform that another app created: what a service's template needs at synth.
 * Everything else is read from the platform's SSM parameters at deploy time, and only the
 * parameters the stack uses are declared.
 */
export interface GlobalPlatformImportOptions {
  /**
   * How many Availability Zones the platform's VPC spans (the platform's `maxAzs`, or the number
   * of its `availabilityZones`). Needed at synth time because subnet lists read from SSM have no
   * length until deploy time. Too large a number fails at deploy; too small a one silently
   * places the service in the first zones only.
   *
   * @default 2
   */
  readonly availabilityZoneCount?: number;

  /**
   * The platform's domain (its `domainName`), e.g. `georgi.io`. Known at synth, so templates
   * carry real host names (`api.georgi.io`, `jessica.georgi.io`): CloudFront aliases, records
   * and outputs, which CDK's template validation checks.
   */
  readonly domainName: string;

  /**
   * The platform's Cloud Map namespace name (its `namespaceName`).
   *
   * @default - `<platformName>.internal`, the platform's default
   */
  readonly namespaceName?: string;

  /**
   * Present when the platform was created with `longLivedConnections`, with the same
   * `pathSuffixes`. Services with WebSocket or streaming paths need it.
   *
   * @default - the platform has no long-lived origin
   */
  readonly longLivedConnections?: LongLivedPathOptions;

  /**
   * Set when the platform was created with `additionalRegions` (on a platform without them the
   * deploy fails: the router store's SSM parameter does not exist). The service's routes then
   * register the stack's Region in the front door's router store at deploy (and remove it at
   * delete), so that the front door sends the service's requests to the nearest Region it is
   * deployed in. Import the platform this way in a stack of each Region the service runs in.
   *
   * In an additional Region, set `longLivedConnections` only when that Region has a long-lived
   * origin of its own (its entry's `longLivedConnections`); otherwise the Region publishes no
   * long-lived parameters (a deploy that reads them fails), and the service's long-lived paths
   * are served by another Region that has a long-lived origin (the primary at the latest): the
   * front door sends a long-lived path to the nearest Region where the service is registered and
   * that has a long-lived origin.
   *
   * Cost: about $0 a month: a registration function that runs only at deploy and delete
   * (Lambda free tier) and writes one key to the store each time.
   *
   * @default false
   */
  readonly multiRegion?: boolean;
}
