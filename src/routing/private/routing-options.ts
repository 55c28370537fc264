import { pickOptions } from '../../core/options';
import { ServiceRoutingOptions } from '../routing-options';

/** Every field of `ServiceRoutingOptions` (the compiler keeps the list complete). */
const ROUTING_KEYS: Record<keyof ServiceRoutingOptions, true> = {
  basePath: true,
  pathMode: true,
  longLivedPaths: true,
  longLivedRulePriority: true,
  throttlingRateLimit: true,
  throttlingBurstLimit: true,
  jwtIssuer: true,
  jwtAudience: true,
  jwtAudienceClaim: true,
  jwtJwksEndpoint: true,
  authorizer: true,
  cors: true,
  serverErrorRateThresholdPercent: true,
  dashboard: true,
  regionRouting: true,
};

/** Only the routing options of a construct's props, to pass on to `ApiRoutes` as one struct. @internal */
export function routingOptionsOf(props: ServiceRoutingOptions): ServiceRoutingOptions {
  return pickOptions(props, ROUTING_KEYS);
}
