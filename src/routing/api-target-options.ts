import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { Construct, IConstruct } from 'constructs';
import { PathMode } from './path-mode';
import { IGlobalPlatform } from '../contract/platform';

/** Options of `ApiTarget.applicationListener`. */
export interface ApplicationListenerTargetOptions {
  /**
   * The host name API Gateway verifies in the listener's TLS certificate; set it for an HTTPS
   * listener (it becomes the integration's `TlsConfig.ServerNameToVerify`). Private integrations
   * talk plain HTTP unless it is set, which fails against a TLS port.
   *
   * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html
   * @default - no TLS: API Gateway sends plain HTTP to the listener (right for an HTTP listener only)
   */
  readonly secureServerName?: string;
}

/** Options of `ApiTarget.httpUrl`. */
export interface HttpUrlTargetOptions {
  /**
   * Accept an `http://` URL. API Gateway then sends every request, with its headers and body
   * (cookies, tokens), unencrypted across the internet to the endpoint: set it only for an
   * endpoint that has no TLS and carries nothing worth reading.
   *
   * @default false - only https:// URLs
   */
  readonly allowInsecureHttp?: boolean;
}

/** What a target learns when `ApiRoutes` wires it (`ApiTarget.bind`). */
export interface ApiTargetBindOptions {
  /** The `ApiRoutes` construct: create any construct the target needs below it. */
  readonly scope: Construct;
  /** The platform whose central API carries the routes. */
  readonly platform: IGlobalPlatform;
  /** Whether the backend sees the base path (map the path yourself for `STRIP_BASE_PATH`). */
  readonly pathMode: PathMode;
  /** The service's base path, e.g. `/jessica`. */
  readonly basePath: string;
}

/**
 * How the platform's long-lived load balancer reaches a target: what its target group registers,
 * on which port, and whose security group admits it.
 */
export interface LongLivedTargetBinding {
  /** What the target group registers, e.g. `service.loadBalancerTarget({ containerName, containerPort })`. */
  readonly target: elbv2.IApplicationLoadBalancerTarget;
  /** The port the target listens on (the target group's port). */
  readonly port: number;
  /** What holds the target's security groups; `ApiRoutes` opens `port` to the load balancer, and nothing else. */
  readonly connectable: ec2.IConnectable;
  /**
   * The name of the target's Cloud Map service in the platform's namespace (`_<service>._tcp`):
   * the platform's long-lived proxy instance (`LongLivedOriginType.proxyInstance()`) finds the
   * tasks by the DNS SRV records `<name>.<the platform's namespace>`.
   *
   * @default - the target cannot be reached by the proxy instance
   */
  readonly srvName?: string;
}

/**
 * What a target gives `ApiRoutes`: the integrations of the service's two routes, `ANY <base>` and
 * `ANY <base>/{proxy+}` (the same one may serve both), and, for a target that can serve
 * WebSockets and long streams, how the long-lived load balancer reaches it.
 */
export interface ApiTargetBinding {
  /** The integration of `ANY <base>`. */
  readonly baseIntegration: apigwv2.HttpRouteIntegration;
  /** The integration of `ANY <base>/{proxy+}`. */
  readonly proxyIntegration: apigwv2.HttpRouteIntegration;
  /**
   * How the long-lived load balancer reaches the target, for `longLivedPaths`.
   *
   * @default - the target cannot serve long-lived paths
   */
  readonly longLived?: LongLivedTargetBinding;

  /**
   * What must be in place before the service counts as running in its stack's Region, such as
   * the ECS service (which CloudFormation creates only once its tasks are stable). On a platform
   * in several Regions, `ApiRoutes` registers the service with the front door only after these
   * (and its routes) are created, and withdraws it before they are deleted, so the front door
   * never sends requests to a Region whose service is not running yet, or no longer.
   *
   * @default - only the routes (and the long-lived target group) come first
   */
  readonly servingDependencies?: IConstruct[];
}
