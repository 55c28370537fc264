import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import { Construct } from 'constructs';
import { AdditionalRegion } from './additional-regions';
import { FrontDoorRegions } from '../../routing/private/front-door';
import { regionalApiDomain } from '../../routing/private/regions/regional-api-domain';

/** @internal */
export interface RegionRoutingProps {
  readonly platformName: string;
  readonly primaryRegion: string;
  /** The primary's regional certificate. */
  readonly certificate: acm.ICertificate;
  readonly httpApi: apigwv2.IHttpApi;
  readonly stage: apigwv2.IHttpStage;
  readonly apiDomainName: string;
  readonly additional: AdditionalRegion[];
  readonly longLivedPathSuffixes: string[];
}

/**
 * What the front door needs to route between the primary and `additionalRegions` (ADR 15): the
 * primary's HTTP API under `api.<domain>` (as every Region's is), and the router's
 * KeyValueStore `RegionRouterStore` (no monthly fee; reads $0.03 per million), which holds the
 * keys `s/<service>/<region>` (a service deployed there: written by its stack) and
 * `d/<region>` (a drained Region: written by the drain command or the Region's alarm).
 * @internal
 */
export function createRegionRouting(platform: Construct, props: RegionRoutingProps): FrontDoorRegions {
  const primaryApiOriginDomainName = regionalApiDomain(platform, {
    apiDomainName: props.apiDomainName,
    certificate: props.certificate,
    httpApi: props.httpApi,
    stage: props.stage,
  });
  const store = new cloudfront.KeyValueStore(platform, 'RegionRouterStore', {
    comment: `${props.platformName}: where each service runs (s/<service>/<region>) and which regions are drained (d/<region>)`,
  });
  return {
    primaryRegion: props.primaryRegion,
    primaryApiOriginDomainName,
    apiOriginDomainNames: Object.fromEntries(props.additional.map(r => [r.region, r.apiOriginDomainName])),
    store,
    longLivedPathSuffixes: props.longLivedPathSuffixes,
  };
}
