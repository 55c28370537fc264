import { LongLivedPathOptions } from '../routing/long-lived-options';

/**
 * How to import a platform that another app created. Everything else is read from the
 * platform's SSM parameters at deploy time.
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
   * The platform's domain, when you want it literal in your templates (record names, outputs).
   *
   * @default - read from the platform's SSM parameter at deploy time
   */
  readonly domainName?: string;

  /**
   * Present when the platform was created with `longLivedConnections`, with the same
   * `pathSuffixes`. Services with WebSocket or streaming paths need it.
   *
   * @default - the platform has no long-lived origin
   */
  readonly longLivedConnections?: LongLivedPathOptions;
}
