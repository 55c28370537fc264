import { IConstruct } from 'constructs';
import { IGlobalPlatform } from './platform';

/**
 * What a platform created in this app can do beyond the contract: throttle single routes on
 * its stage. An imported platform has no stage of its own in the app, so it has no such
 * capability (its app calls `GlobalPlatform.addRouteThrottling` instead).
 *
 * @internal
 */
export interface RouteThrottling {
  /** The stage that carries the route settings; it must be deployed after the routes it names. */
  readonly stage: IConstruct;
  /** Adds (or replaces) one route's throttling; the route key is `METHOD /path`. */
  throttleRoute(routeKey: string, rateLimit: number, burstLimit: number): void;
}

/**
 * Capabilities are found by a global symbol, not by `instanceof`, so that a platform built with
 * one copy of this package works with constructs from another copy (aws-cdk's `isFoo()` pattern).
 */
const ROUTE_THROTTLING = Symbol.for('@georgi-io/platform-constructs.RouteThrottling');

/** Marks `platform` as able to throttle routes. @internal */
export function provideRouteThrottling(platform: IGlobalPlatform, capability: RouteThrottling): void {
  Object.defineProperty(platform, ROUTE_THROTTLING, { value: capability, enumerable: false });
}

/** The platform's route throttling, or undefined when it has none (an imported platform). @internal */
export function routeThrottlingOf(platform: IGlobalPlatform): RouteThrottling | undefined {
  return (platform as unknown as Record<symbol, RouteThrottling | undefined>)[ROUTE_THROTTLING];
}

/**
 * Whether the platform's private subnets (the internal load balancer's) reach the internet: a
 * NAT gateway or instance. Known only for a platform created in this app.
 *
 * @internal
 */
export interface PrivateEgress {
  /** True with `NatType.GATEWAY` or `NatType.instance()`; false with `NONE` and `PUBLIC_TASKS`. */
  readonly privateSubnetsReachInternet: boolean;
}

const PRIVATE_EGRESS = Symbol.for('@georgi-io/platform-constructs.PrivateEgress');

/** Marks whether `platform`'s private subnets reach the internet. @internal */
export function providePrivateEgress(platform: IGlobalPlatform, capability: PrivateEgress): void {
  Object.defineProperty(platform, PRIVATE_EGRESS, { value: capability, enumerable: false });
}

/** The platform's private egress, or undefined when unknown (an imported platform). @internal */
export function privateEgressOf(platform: IGlobalPlatform): PrivateEgress | undefined {
  return (platform as unknown as Record<symbol, PrivateEgress | undefined>)[PRIVATE_EGRESS];
}
