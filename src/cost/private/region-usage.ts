import { PRICE_LIST, PriceFigure, RegionPriceList } from './price-list';
import { literal } from './template-values';

/*
 * What a platform with several Regions adds per use (issue 24): S3 replication of a static site
 * to its replica Region, and the router store's API calls of a service's registration. None of
 * it is a fixed monthly charge.
 */

/** What the functions here need of the template pricer. @internal */
export interface RegionUsageContext {
  /** This stack's prices. */
  readonly prices: RegionPriceList;
  /** This stack's Region, when known. */
  readonly region?: string;
  use(description: string, price: PriceFigure, logicalId: string): void;
}

/**
 * The Region of a replication rule's destination bucket, when the template says it: the
 * `Region` of an `Fn::GetStackOutput` in the destination's ARN (a bucket of a sibling stack, as
 * `StaticSite`'s replica is read). An S3 ARN itself names no Region.
 * @internal
 */
export function destinationRegionOf(destination: unknown): string | undefined {
  let found: string | undefined;
  const visit = (value: any): void => {
    if (found !== undefined || value === null || typeof value !== 'object') return;
    const output = value['Fn::GetStackOutput'];
    if (output && typeof output === 'object' && typeof literal(output.Region) === 'string') {
      found = output.Region;
      return;
    }
    Object.values(value).forEach(visit);
  };
  visit(destination);
  return found;
}

/**
 * A bucket's `ReplicationConfiguration`, per enabled rule: each replicated object version and
 * delete marker is a PUT request at the destination Region's S3 PUT price, and, when the
 * destination is in another Region (or a Region only known at deploy time), each GB replicated
 * is inter-Region data transfer out of this Region. Both per use: they follow the files a
 * deploy writes (S3 pricing, "Replication").
 * @internal
 */
export function useBucketReplication(ctx: RegionUsageContext, logicalId: string, props: any): void {
  const rules = Array.isArray(props?.ReplicationConfiguration?.Rules) ? props.ReplicationConfiguration.Rules : [];
  for (const rule of rules) {
    if (literal(rule?.Status) === 'Disabled') continue;
    const region = destinationRegionOf(rule?.Destination?.Bucket);
    const list = region ? PRICE_LIST.regions[region] : undefined;
    const where = region ?? 'a Region known at deploy time';
    const putPrice = list ? `${region}'s PUT price` : `this stack's PUT price${region ? `: no price list for ${region}` : ''}`;
    ctx.use(`S3 replication to ${where}: a PUT request per replicated file or delete marker (${putPrice})`,
      (list ?? ctx.prices).s3ThousandPutRequests, logicalId);
    if (region === undefined || region !== ctx.region) {
      ctx.use(`S3 replication to ${where}: inter-Region data transfer${region === undefined ? ' (if in another Region)' : ''}`,
        ctx.prices.dataTransferInterRegionGb, logicalId);
    }
  }
}

/**
 * A service's registration in the front door's router store (`Custom::RegionRegistration`):
 * KeyValueStore API calls, per use. A create makes `DescribeKeyValueStore` and `PutKey` for
 * `s/<service>/<region>` (2), and again for `l/<service>/<region>` when the service's
 * long-lived paths are served in the Region (4); a delete makes `DescribeKeyValueStore`,
 * `GetKey` and `DeleteKey` for each of the two keys (up to 6: fewer when a key is absent or
 * held by another registration); an update puts and deletes accordingly; each write conflict
 * repeats a key's calls.
 * @internal
 */
export function useRegionRegistration(ctx: RegionUsageContext, logicalId: string): void {
  ctx.use('CloudFront KeyValueStore API calls of service registrations (a create: describe and put, 2, or 4 with the long-lived l/ key; a delete: describe, get and delete for s/ and for l/, up to 6; more on an update or a write conflict)',
    ctx.prices.keyValueStoreThousandApiCalls, logicalId);
}
