import { Duration } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';

/**
 * Cross-origin settings of one service's routes.
 *
 * The central API answers preflight (`OPTIONS`) requests for the service's base path itself, so
 * preflights never reach the backend or an authorizer. Responses to the actual requests must
 * still carry `Access-Control-Allow-Origin`: the backend sets it (TtsService passes the allowed
 * origins to the container as `CORS_ALLOW_ORIGINS`).
 */
export interface ServiceCorsOptions {
  /**
   * Origins allowed to call the service, e.g. `https://jessica.georgi.io`, or `*` for any
   * origin (not together with `allowCredentials`).
   */
  readonly allowOrigins: string[];

  /**
   * Methods a preflight allows (`CorsHttpMethod.ANY` for all).
   *
   * @default - GET, POST, PUT, PATCH and DELETE
   */
  readonly allowMethods?: apigwv2.CorsHttpMethod[];

  /**
   * Request headers a preflight allows.
   *
   * @default ['content-type', 'authorization']
   */
  readonly allowHeaders?: string[];

  /**
   * Allow credentials (cookies, HTTP authentication).
   *
   * @default false
   */
  readonly allowCredentials?: boolean;

  /**
   * How long browsers may cache a preflight answer (at most 2 hours).
   *
   * @default Duration.minutes(10)
   */
  readonly maxAge?: Duration;
}
