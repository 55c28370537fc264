import { Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as integrations from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { ApiTargetBinding, ApiTargetBindOptions, ApplicationListenerTargetOptions, HttpUrlTargetOptions } from './api-target-options';
import { PathMode } from './path-mode';
import { admitFrom } from './private/ingress';
import { recordEcsTarget, recordLambdaTarget, recordOtherTarget } from './private/local-run';
import { IGlobalPlatform } from '../contract/platform';
import { PropError, UnscopedPropError } from '../core/errors';


/**
 * Where the central API sends a service's requests.
 *
 * Costs: the Cloud Map targets (`ecsService`, `cloudMapService`) need no load balancer: the
 * platform's VPC link reaches the tasks directly (Cloud Map: $0.10 per registered instance-month).
 */
export abstract class ApiTarget {
  /**
   * An ECS service, reached through its Cloud Map service over the platform's VPC link (no
   * load balancer to pay for). The service must register SRV records (API Gateway reads the
   * port from them): `cloudMapOptions: { dnsRecordType: DnsRecordType.SRV, containerPort }`.
   * The service's security group is opened to the VPC link on the container port.
   *
   * @param service the ECS service
   * @param containerPort the port the container listens on
   * @default containerPort - the default container's first port mapping
   */
  public static ecsService(service: ecs.BaseService, containerPort?: number): ApiTarget {
    return new EcsServiceTarget(service, containerPort);
  }

  /**
   * A Cloud Map service with SRV records, reached over the platform's VPC link. Open its
   * instances' port to `platform.vpcLinkSecurityGroup` yourself.
   *
   * @param service the Cloud Map service
   */
  public static cloudMapService(service: servicediscovery.IService): ApiTarget {
    return new PrivateTarget((id, parameterMapping, platform) =>
      new integrations.HttpServiceDiscoveryIntegration(id, service, { vpcLink: platform.vpcLink, parameterMapping }), 'cloud-map');
  }

  /**
   * An Application Load Balancer listener inside the platform's VPC, reached over the VPC link.
   * The listener's default port is opened to the VPC link when the listener knows it.
   *
   * API Gateway reaches the listener over plain HTTP unless `options.secureServerName` is set;
   * an HTTPS listener created in this app without it is an error (an imported listener's
   * protocol is unknown, so set it yourself when that listener is HTTPS).
   *
   * @param listener the listener
   * @param options TLS to the listener
   */
  public static applicationListener(listener: elbv2.IApplicationListener, options: ApplicationListenerTargetOptions = {}): ApiTarget {
    const secureServerName = options.secureServerName;
    if (secureServerName !== undefined && !Token.isUnresolved(secureServerName)
      && !/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?)*$/.test(secureServerName)) {
      throw new PropError(listener, 'secureServerName', secureServerName, 'expected a host name such as "api.example.com", without scheme, port or path');
    }
    if (secureServerName === undefined && isHttpsListener(listener)) {
      throw new PropError(listener, 'secureServerName', '(none)', 'ApiTarget.applicationListener needs it for an HTTPS listener:'
        + ' API Gateway private integrations send plain HTTP unless a server name to verify is set, so requests to the'
        + ' TLS port would fail; pass { secureServerName: \'<host name in the listener certificate>\' }');
    }
    return new PrivateTarget((id, parameterMapping, platform) => {
      if (listener.connections.defaultPort) {
        admitFrom(listener, platform.vpcLinkSecurityGroup, listener.connections.defaultPort, 'central API VPC link');
      }
      return new integrations.HttpAlbIntegration(id, listener, { vpcLink: platform.vpcLink, parameterMapping, secureServerName });
    }, 'load-balancer');
  }

  /**
   * A Lambda function (payload format 2.0). It receives the full path in `rawPath`, so only
   * `PathMode.KEEP_BASE_PATH` applies.
   *
   * Lambda proxy integrations take no request mapping, so unlike the other targets the function
   * receives the front door's `x-origin-verify` header (`GlobalPlatform.ORIGIN_VERIFY_HEADER`,
   * the platform-wide secret that the routes' authorizer has already checked): never log or
   * forward the request's headers whole.
   *
   * @param handler the function
   */
  public static lambdaFunction(handler: lambda.IFunction): ApiTarget {
    return new LambdaTarget(handler);
  }

  /**
   * A public HTTPS endpoint, e.g. `https://legacy.example.com`. The request path (with or
   * without the base path, per `PathMode`) is appended by parameter mapping. An `http://` URL
   * is refused unless `options.allowInsecureHttp` is set.
   *
   * @param url the endpoint's base URL, without a path
   * @param options whether plain HTTP is accepted
   */
  public static httpUrl(url: string, options: HttpUrlTargetOptions = {}): ApiTarget {
    return new UrlTarget(url, options);
  }

  /** A short name of the target kind, for error messages. */
  public abstract readonly kind: string;

  /**
   * Creates the route integrations. Called once by `ApiRoutes`; extend `ApiTarget` and
   * implement it for a target the factories above do not cover.
   *
   * @param options the routes being wired
   */
  public abstract bind(options: ApiTargetBindOptions): ApiTargetBinding;
}

/**
 * Whether a listener created in this app is HTTPS (from its `AWS::ElasticLoadBalancingV2::Listener`
 * resource). Imported listeners have no such resource: their protocol is unknown, so `false`.
 */
function isHttpsListener(listener: elbv2.IApplicationListener): boolean {
  if (!(listener instanceof elbv2.ApplicationListener)) {
    return false;
  }
  const resource = listener.node.defaultChild;
  return resource instanceof elbv2.CfnListener && resource.protocol === elbv2.ApplicationProtocol.HTTPS;
}

type IntegrationFactory = (id: string, parameterMapping: apigwv2.ParameterMapping | undefined, platform: IGlobalPlatform) =>
apigwv2.HttpRouteIntegration;

/**
 * Parameter mappings that remove the base path: `/base` becomes `/`, `/base/x` becomes `/x`.
 * Private integrations (VPC link) forward the request path unchanged otherwise.
 */
function stripMappings(): { base: apigwv2.ParameterMapping; proxy: apigwv2.ParameterMapping } {
  return {
    base: new apigwv2.ParameterMapping().overwritePath(apigwv2.MappingValue.custom('/')),
    proxy: new apigwv2.ParameterMapping().overwritePath(apigwv2.MappingValue.custom('/$request.path.proxy')),
  };
}

/** A target behind the platform's VPC link. @internal */
class PrivateTarget extends ApiTarget {
  public readonly kind: string = 'private integration';

  /**
   * @param factory creates one route integration
   * @param localKind what platform-dev is told the target is; undefined: the caller records it
   */
  constructor(private readonly factory: IntegrationFactory, private readonly localKind?: 'cloud-map' | 'load-balancer') {
    super();
  }

  public bind(options: ApiTargetBindOptions): ApiTargetBinding {
    if (this.localKind) recordOtherTarget(options.scope, this.localKind);
    if (options.pathMode.mode === PathMode.STRIP_BASE_PATH.mode) {
      const mappings = stripMappings();
      return {
        baseIntegration: this.factory('BaseIntegration', mappings.base, options.platform),
        proxyIntegration: this.factory('ProxyIntegration', mappings.proxy, options.platform),
      };
    }
    const integration = this.factory('Integration', undefined, options.platform);
    return { baseIntegration: integration, proxyIntegration: integration };
  }
}

/** An ECS service behind Cloud Map (SRV) and the VPC link; the long-lived load balancer reaches its tasks by IP. */
class EcsServiceTarget extends ApiTarget {
  public readonly kind: string = 'ECS service';
  public readonly containerPort: number;

  constructor(public readonly service: ecs.BaseService, containerPort?: number) {
    super();
    let port = containerPort;
    if (port === undefined) {
      try {
        port = service.taskDefinition.defaultContainer?.containerPort;
      } catch (e) {
        // aws-cdk-lib throws for a container without port mappings.
        port = undefined;
      }
    }
    if (port === undefined) {
      throw new PropError(service, 'containerPort', '(none)', 'ApiTarget.ecsService needs it: the service\'s default container maps no port');
    }
    this.containerPort = port;
  }

  public bind(options: ApiTargetBindOptions): ApiTargetBinding {
    const cloudMapService = this.service.cloudMapService;
    if (!cloudMapService) {
      throw new PropError(this.service, 'cloudMapOptions', '(none)', 'ApiTarget.ecsService needs a service registered in Cloud Map:'
        + ' set cloudMapOptions: { cloudMapNamespace: platform.namespace, dnsRecordType: DnsRecordType.SRV, containerPort }');
    }
    if (cloudMapService instanceof servicediscovery.Service && cloudMapService.dnsRecordType !== servicediscovery.DnsRecordType.SRV) {
      throw new PropError(this.service, 'cloudMapOptions.dnsRecordType', cloudMapService.dnsRecordType,
        'API Gateway private integrations need SRV records (cloudMapOptions.dnsRecordType: DnsRecordType.SRV)');
    }
    admitFrom(this.service, options.platform.vpcLinkSecurityGroup, ec2.Port.tcp(this.containerPort), 'central API VPC link');
    const routeIntegrations = new PrivateTarget((id, parameterMapping, platform) =>
      new integrations.HttpServiceDiscoveryIntegration(id, cloudMapService, { vpcLink: platform.vpcLink, parameterMapping }),
    ).bind(options);
    const container = this.service.taskDefinition.defaultContainer;
    if (container) recordEcsTarget(options.scope, this.service.taskDefinition, container.containerName, this.containerPort);
    return {
      ...routeIntegrations,
      // The service is announced in its Region once its tasks run (the ECS service is created when stable).
      servingDependencies: [this.service],
      longLived: container && {
        // Resolved when a target group registers it: the container must map the port only then.
        target: {
          // Without registerConnectable: the load balancer would add an egress rule to the
          // platform's group for every service (at most 60); ApiRoutes admits the load balancer
          // with an ingress rule on the service's group instead (see private/ingress.ts).
          attachToApplicationTargetGroup: targetGroup => this.service
            .loadBalancerTarget({ containerName: container.containerName, containerPort: this.containerPort })
            .attachToApplicationTargetGroup(Object.create(targetGroup, { registerConnectable: { value: () => undefined } })),
        },
        port: this.containerPort,
        connectable: this.service,
        srvName: srvServiceName(cloudMapService),
      },
    };
  }
}

/** A Lambda function. @internal */
class LambdaTarget extends ApiTarget {
  public readonly kind: string = 'Lambda function';

  constructor(private readonly handler: lambda.IFunction) {
    super();
  }

  public bind(options: ApiTargetBindOptions): ApiTargetBinding {
    if (options.pathMode.mode === PathMode.STRIP_BASE_PATH.mode) {
      throw new PropError(options.scope, 'pathMode', 'strip', 'a Lambda function target receives the'
        + ' full path in rawPath; use PathMode.KEEP_BASE_PATH and strip the base path in the handler');
    }
    const integration = new integrations.HttpLambdaIntegration('Integration', this.handler);
    recordLambdaTarget(options.scope, this.handler);
    return { baseIntegration: integration, proxyIntegration: integration };
  }
}

/** A public URL. @internal */
class UrlTarget extends ApiTarget {
  public readonly kind: string = 'HTTP URL';

  constructor(private readonly url: string, options: HttpUrlTargetOptions) {
    super();
    if (!Token.isUnresolved(url) && !/^https?:\/\/[a-zA-Z0-9.-]+(:\d{1,5})?\/?$/.test(url)) {
      throw new UnscopedPropError('ApiTarget.httpUrl', 'url', url, 'expected https://host[:port] without a path');
    }
    if (!Token.isUnresolved(url) && /^http:/.test(url) && options.allowInsecureHttp !== true) {
      throw new UnscopedPropError('ApiTarget.httpUrl', 'url', url, 'expected an https:// URL: over http:// API Gateway sends'
        + ' every request, its headers and body, unencrypted across the internet; pass { allowInsecureHttp: true } to accept that');
    }
  }

  public bind(options: ApiTargetBindOptions): ApiTargetBinding {
    const url = this.url.replace(/\/+$/, '');
    recordOtherTarget(options.scope, 'url', url);
    if (options.pathMode.mode === PathMode.STRIP_BASE_PATH.mode) {
      const mappings = stripMappings();
      return {
        baseIntegration: new integrations.HttpUrlIntegration('BaseIntegration', url, { parameterMapping: mappings.base }),
        proxyIntegration: new integrations.HttpUrlIntegration('ProxyIntegration', url, { parameterMapping: mappings.proxy }),
      };
    }
    // A URL integration calls exactly its URL; the request path is appended by mapping.
    const integration = new integrations.HttpUrlIntegration('Integration', url, {
      parameterMapping: new apigwv2.ParameterMapping().overwritePath(apigwv2.MappingValue.requestPath()),
    });
    return { baseIntegration: integration, proxyIntegration: integration };
  }
}

/** The Cloud Map service's name: the literal of a service in this app (its attribute is a token), else the attribute. */
function srvServiceName(service: servicediscovery.IService): string {
  const name = service instanceof servicediscovery.Service ? (service.node.defaultChild as servicediscovery.CfnService).name : undefined;
  return name ?? service.serviceName;
}
