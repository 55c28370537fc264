import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import * as sns from 'aws-cdk-lib/aws-sns';
import { IConstruct } from 'constructs';
import { LocalRunOptions } from './local-run-options';

/**
 * What a service needs from the shared platform. Implemented by `GlobalPlatform` itself and by
 * the platform that `GlobalPlatform.fromPlatformName()` imports in another app; every construct
 * of this library accepts either.
 */
export interface IGlobalPlatform extends IConstruct {
  /** The platform's name: DNS- and SSM-safe, used in resource names and parameter paths. */
  readonly platformName: string;

  /** The apex domain, e.g. `georgi.io`. Services live on `<service>.<domain>`. */
  readonly domainName: string;

  /** The host name of the central API, `api.<domain>`. */
  readonly apiDomainName: string;

  /** The hosted zone of `domainName`. */
  readonly hostedZone: route53.IHostedZone;

  /** ACM certificate for `<domain>` and `*.<domain>` in the platform's Region. */
  readonly certificate: acm.ICertificate;

  /**
   * ACM certificate for `<domain>` and `*.<domain>` in us-east-1, for CloudFront. The same
   * certificate as `certificate` when the platform runs in us-east-1.
   */
  readonly edgeCertificate: acm.ICertificate;

  /** The shared VPC. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnets where services run: private (with or without a NAT route), or public with
   * `NatType.PUBLIC_TASKS`.
   */
  readonly serviceSubnets: ec2.SubnetSelection;

  /**
   * `ENABLED` when service tasks get a public IPv4 address (`NatType.PUBLIC_TASKS`: they run
   * in the public subnets), `DISABLED` otherwise: the `AssignPublicIp` of their ECS services.
   * A deploy-time value (token) for an imported platform.
   */
  readonly serviceAssignPublicIp: string;

  /** The shared ECS cluster, with FARGATE and FARGATE_SPOT capacity providers. */
  readonly cluster: ecs.ICluster;

  /** The Cloud Map private DNS namespace services register in. */
  readonly namespace: servicediscovery.IPrivateDnsNamespace;

  /** The central HTTP API behind `api.<domain>`. */
  readonly httpApi: apigwv2.IHttpApi;

  /** The name of the HTTP API's auto-deployed stage (`$default`). */
  readonly httpStageName: string;

  /** The VPC link (v2) from the HTTP API into the service subnets. */
  readonly vpcLink: apigwv2.IVpcLink;

  /** The security group of the VPC link's network interfaces; services open their port to it. */
  readonly vpcLinkSecurityGroup: ec2.ISecurityGroup;

  /** The CloudFront distribution on `api.<domain>` (the front door). */
  readonly frontDoor: cloudfront.IDistribution;

  /**
   * The secret that the front door sends to the HTTP API in the `x-origin-verify` header
   * (`GlobalPlatform.ORIGIN_VERIFY_HEADER`). A service's routes refuse requests without it, so
   * that a direct call to the API's public `execute-api` URL never skips the front door's WAF,
   * rate limit and response headers.
   *
   * @default - none: the routes do not check where a request came from
   */
  readonly originSecret?: secretsmanager.ISecret;

  /**
   * The Lambda function that checks `x-origin-verify` for a service's HTTP API routes (the
   * authorizer of every route without a JWT). API Gateway may call it for any authorizer of
   * the platform's API.
   *
   * @default - none: the routes do not check where a request came from
   */
  readonly originAuthorizerFunction?: lambda.IFunction;

  /**
   * The platform's one authorizer that checks `x-origin-verify`, shared by the routes of every
   * service without a JWT (and by CORS preflight routes). An HTTP API holds at most 10
   * authorizers, so services share the platform's instead of adding their own.
   *
   * @default - none: the routes do not check where a request came from
   */
  readonly originAuthorizer?: apigwv2.IHttpRouteAuthorizer;

  /**
   * The platform's one authorizer for services with `jwtIssuer`: it checks `x-origin-verify`,
   * then the bearer token against the issuer and audiences that the route's service publishes
   * under `<parameterPrefix>/jwt/<serviceName>`. Not cached (a route's service decides which
   * issuer applies, and an expired token must be refused at once).
   *
   * @default - none: a service with `jwtIssuer` uses an API Gateway JWT authorizer of its own
   */
  readonly jwtOriginAuthorizer?: apigwv2.IHttpRouteAuthorizer;

  /**
   * The HTTPS listener of the internal load balancer that carries WebSockets and long-lived
   * streams; services add rules for their long-lived paths.
   *
   * @default - undefined when the platform has no long-lived origin
   */
  readonly longLivedListener?: elbv2.IApplicationListener;

  /**
   * The security group of the long-lived proxy instance (`LongLivedOriginType.proxyInstance()`):
   * services open their port to it, and register their long-lived routes in SSM instead of
   * adding listener rules.
   *
   * @default - undefined when the long-lived origin is the load balancer, or there is none
   */
  readonly longLivedProxySecurityGroup?: ec2.ISecurityGroup;

  /**
   * Last path segments that the front door sends to the long-lived origin: a path
   * `/<service>/.../<suffix>` or `/<service>/.../<suffix>/...` goes to the internal load balancer.
   * Empty when the platform has no long-lived origin.
   */
  readonly longLivedPathSuffixes: string[];

  /**
   * The front door's router store (a CloudFront KeyValueStore) when the platform has
   * `additionalRegions`: a service's routes register their Region in it at deploy (and remove it
   * at delete), so that the front door sends the service's requests to the nearest Region it
   * runs in. Drained Regions are recorded there too (see the README's "Several Regions").
   *
   * @default - undefined when the platform runs in one Region
   */
  readonly regionRouterStore?: cloudfront.IKeyValueStore;

  /** The SNS topic that every platform and service alarm notifies. */
  readonly alarmTopic: sns.ITopic;

  /**
   * The platform dashboard; services add their widgets to it.
   *
   * @default - undefined for an imported platform: a service in another app builds its own dashboard
   */
  readonly dashboard?: cloudwatch.Dashboard;

  /** The SSM parameter path under which the platform publishes its attributes, e.g. `/platform/georgi`. */
  readonly parameterPrefix: string;
}

/** What every service construct of the platform is given: the platform and the service's name. */
export interface PlatformServiceProps {
  /** The platform, created in this app (`GlobalPlatform`) or imported (`GlobalPlatform.fromPlatformName`). */
  readonly platform: IGlobalPlatform;

  /**
   * The service's name: 2-32 characters of a-z, 0-9 and "-", starting with a letter; not one of
   * api, www, mail, platform, ws, mcp, health, and not ending in "-sc" (reserved for Service
   * Connect's discovery names). Names its base path (`/<serviceName>`), its alarms and dashboard
   * widgets, and its `service` cost-allocation tag; one service per name on a platform.
   */
  readonly serviceName: string;

  /**
   * How `platform-dev` (README "Run it locally") starts the service on a developer's machine:
   * a command such as `npm run dev`. Recorded in the cloud assembly only; nothing is deployed.
   *
   * @default - `platform-dev --run <service>=<command>`, else the image with Docker where a
   *   Docker engine answers (a container service), else the function in-process (a Node.js Lambda)
   */
  readonly localRun?: LocalRunOptions;
}
