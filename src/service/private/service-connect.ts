import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct, IConstruct } from 'constructs';
import {
  meshDiscoveryName, meshUrl, meshUrlVariable, SERVICE_CONNECT_ALIAS_PORT, SERVICE_CONNECT_INGRESS_PORT,
  SERVICE_CONNECT_PROXY_MEMORY_MIB, validateServiceName,
} from '../../contract/names';
import { readServiceParameter, serviceParameterName } from '../../contract/parameters';
import { IGlobalPlatform } from '../../contract/platform';
import { PropError } from '../../core/errors';
import { addNagSuppressions } from '../../core/nag';
import { isUnresolved, validatePercentage, validateUnique } from '../../core/validation';
import { claimBasePath, platformKeyOf } from '../../routing/private/base-path-registry';
import { routingOptionsOf } from '../../routing/private/routing-options';
import { ServiceRoutingOptions } from '../../routing/routing-options';
import { ServiceConnectOptions, ServiceConnectProtocol } from '../service-connect-options';

/*
 * The service mesh (ECS Service Connect) of one ContainerService: the proxy's configuration, the
 * security group rules that say who may call whom, the callee URLs a caller gets, and the
 * parameter that lets callers in other apps be admitted. See docs/adr/0014-service-mesh.md.
 */

/** `ServiceConnectOptions` defaults. @internal */
export const SERVICE_CONNECT_DEFAULTS = {
  perRequestTimeout: Duration.seconds(30),
  idleTimeout: Duration.minutes(5),
};

/**
 * At most this many callers (from other apps and this one): a security group holds 60 inbound
 * rules, and the VPC link's and the load balancer's take some.
 * @internal
 */
export const MAX_MESH_CALLERS = 50;

/** What a ContainerService's props say about the mesh (the fields this module reads). @internal */
export interface MeshProps extends ServiceRoutingOptions {
  readonly serviceName: string;
  readonly containerPort?: number;
  readonly serviceConnect?: ServiceConnectOptions;
  readonly publicRoutes?: boolean;
  readonly environment?: Record<string, string>;
  readonly secrets?: Record<string, ecs.Secret>;
}

/** Memory the container must leave to the proxy (0 without the mesh). @internal */
export function proxyMemoryReserveMiB(options: ServiceConnectOptions | undefined): number {
  return options ? SERVICE_CONNECT_PROXY_MEMORY_MIB : 0;
}

/** The variables a caller gets: `<NAME>_URL=http://<name>` per callee. @internal */
export function meshEnvironment(options: ServiceConnectOptions | undefined): Record<string, string> {
  return Object.fromEntries((options?.calls ?? []).map(callee => [meshUrlVariable(callee), meshUrl(callee)]));
}

/** Checks the mesh options against the service's other props. @internal */
export function validateServiceConnect(scope: IConstruct, props: MeshProps, platformName: string): void {
  const options = props.serviceConnect;
  if (props.publicRoutes === false && (!options || options.clientOnly)) {
    throw new PropError(scope, 'publicRoutes', false, 'a service without public routes is reached only through the service mesh:'
      + ' set serviceConnect (and not clientOnly)');
  }
  if (props.publicRoutes === false) {
    // ApiRoutes checks the name otherwise.
    validateServiceName(scope, 'serviceName', props.serviceName);
    const routing = Object.keys(routingOptionsOf(props)) as Array<keyof ServiceRoutingOptions>;
    if (routing.length > 0) {
      throw new PropError(scope, routing[0], describe(props[routing[0]]),
        'only used with public routes (publicRoutes is false: the service is reached only through the service mesh)');
    }
  }
  if (!options) return;
  if (options.clientOnly) {
    if (!options.calls?.length) {
      throw new PropError(scope, 'serviceConnect.clientOnly', true, 'a client-only service is in the mesh to call others: name them in'
        + ' serviceConnect.calls (or leave the service out of the mesh)');
    }
    const calleeOnly: Array<keyof ServiceConnectOptions> = ['allowedCallers', 'appProtocol', 'perRequestTimeout', 'idleTimeout', 'tls',
      'serverErrorRateThresholdPercent'];
    for (const prop of calleeOnly) {
      if (options[prop] !== undefined) {
        throw new PropError(scope, `serviceConnect.${prop}`, describe(options[prop]), 'only used without clientOnly: a client-only service takes no calls');
      }
    }
  } else if (props.containerPort === SERVICE_CONNECT_INGRESS_PORT) {
    throw new PropError(scope, 'containerPort', props.containerPort,
      `the service connect proxy takes calls on ${SERVICE_CONNECT_INGRESS_PORT} in the task; choose another container port`);
  }
  const perRequest = validateWholeSeconds(scope, 'serviceConnect.perRequestTimeout', options.perRequestTimeout);
  const idle = validateWholeSeconds(scope, 'serviceConnect.idleTimeout', options.idleTimeout);
  const effectivePerRequest = perRequest ?? SERVICE_CONNECT_DEFAULTS.perRequestTimeout.toSeconds();
  const effectiveIdle = idle ?? SERVICE_CONNECT_DEFAULTS.idleTimeout.toSeconds();
  if (!options.clientOnly && (perRequest !== undefined || idle !== undefined) && effectiveIdle > 0 && effectivePerRequest > 0
    && effectiveIdle < effectivePerRequest) {
    throw new PropError(scope, 'serviceConnect.idleTimeout', `${effectiveIdle}s`, `at least perRequestTimeout (${effectivePerRequest}s):`
      + ' the proxy closes an idle connection first, cutting a slow answer');
  }
  validatePercentage(scope, 'serviceConnect.serverErrorRateThresholdPercent', options.serverErrorRateThresholdPercent);
  if (options.serverErrorRateThresholdPercent !== undefined && options.appProtocol === ServiceConnectProtocol.GRPC) {
    throw new PropError(scope, 'serviceConnect.serverErrorRateThresholdPercent', options.serverErrorRateThresholdPercent,
      'only used with the HTTP and HTTP2 protocols: gRPC proxies publish no HTTP status codes, so a gRPC service has no mesh 5xx alarm');
  }
  validateNames(scope, 'serviceConnect.allowedCallers', options.allowedCallers, props.serviceName, 'call itself');
  validateNames(scope, 'serviceConnect.calls', options.calls, props.serviceName, 'call itself');
  if ((options.allowedCallers?.length ?? 0) > MAX_MESH_CALLERS) {
    throw new PropError(scope, 'serviceConnect.allowedCallers', `${options.allowedCallers!.length} services`, `at most ${MAX_MESH_CALLERS}:`
      + ' each is an inbound rule of the service\'s security group, which holds 60, some taken by the VPC link and load balancer');
  }
  for (const callee of options.calls ?? []) {
    const variable = meshUrlVariable(callee);
    for (const [prop, values] of [['environment', props.environment], ['secrets', props.secrets]] as const) {
      if (values && Object.prototype.hasOwnProperty.call(values, variable)) {
        throw new PropError(scope, prop, variable, `is set by serviceConnect.calls (${callee}: ${meshUrl(callee)}); a variable comes from one place`);
      }
    }
  }
  if (!options.clientOnly) claimMeshName(scope, platformName, props.serviceName);
  // A service with routes claims its name through them; one without claims it here.
  if (props.publicRoutes === false) claimBasePath(scope, platformName, props.serviceName, undefined);
}

/** The service's place in the mesh, made in `configureServiceConnect`. @internal */
export interface ServiceConnectWiring {
  readonly service: ecs.FargateService;
  readonly securityGroup: ec2.SecurityGroup;
  readonly logGroup: logs.ILogGroup;
  readonly platform: IGlobalPlatform;
  readonly serviceName: string;
}

/**
 * Turns Service Connect on for the service: the proxy's endpoint (alias `http://<service>` on port
 * 80, discovery name `<service>-sc`, the proxy on 19080 so that the front door's traffic to the
 * container port bypasses it), its timeouts and logs; the security group rules (out: the proxy
 * port in the VPC; in: the proxy port from each allowed caller in another app); and the
 * parameter with the service's security group, by which callees in other apps admit it.
 * @internal
 */
export function configureServiceConnect(scope: Construct, options: ServiceConnectOptions, wiring: ServiceConnectWiring): void {
  const { service, securityGroup, platform, serviceName } = wiring;
  const tlsRole = options.tls && new iam.Role(scope, 'ServiceConnectTlsRole', {
    description: `ECS infrastructure role: TLS certificates of ${platform.platformName}-${serviceName}'s service connect proxy`,
    assumedBy: new iam.ServicePrincipal('ecs.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity')],
  });
  if (tlsRole) {
    options.tls!.kmsKey?.grant(tlsRole, 'kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyPair', 'kms:DescribeKey');
    addNagSuppressions(tlsRole, [{
      id: 'AwsSolutions-IAM4',
      reason: 'AWS\'s managed policy for service connect TLS: ECS issues and rotates the proxy\'s certificates from the private CA'
        + ' and keeps them in ecs-sc! secrets it creates; the policy limits itself to those secrets and ECS-tagged resources',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonECSInfrastructureRolePolicyForServiceConnectTransportLayerSecurity'],
    }]);
  }
  service.enableServiceConnect({
    namespace: platform.namespace.namespaceArn,
    logDriver: ecs.LogDrivers.awsLogs({ logGroup: wiring.logGroup, streamPrefix: 'service-connect' }),
    accessLogConfiguration: options.accessLogs ? { format: ecs.ServiceConnectAccessLogFormat.JSON, includeQueryParameters: false } : undefined,
    services: options.clientOnly ? undefined : [{
      portMappingName: 'http',
      discoveryName: meshDiscoveryName(serviceName),
      dnsName: serviceName,
      port: SERVICE_CONNECT_ALIAS_PORT,
      ingressPortOverride: SERVICE_CONNECT_INGRESS_PORT,
      perRequestTimeout: options.perRequestTimeout ?? SERVICE_CONNECT_DEFAULTS.perRequestTimeout,
      idleTimeout: options.idleTimeout ?? SERVICE_CONNECT_DEFAULTS.idleTimeout,
      tls: options.tls && {
        awsPcaAuthorityArn: options.tls.certificateAuthority.certificateAuthorityArn,
        kmsKey: options.tls.kmsKey,
        role: tlsRole,
      },
    }],
  });

  // Out, for a caller: the proxy port of other services (the callee's inbound rule decides who gets in).
  if (options.calls?.length) {
    securityGroup.addEgressRule(ec2.Peer.ipv4(platform.vpc.vpcCidrBlock), ec2.Port.tcp(SERVICE_CONNECT_INGRESS_PORT),
      'service mesh: calls to other services\' service connect proxies');
  }
  // In: the proxy port, from each allowed caller in another app.
  for (const caller of options.clientOnly ? [] : options.allowedCallers ?? []) {
    const callerGroup = readServiceParameter(scope, platform.platformName, caller, 'meshSecurityGroupId');
    new ec2.CfnSecurityGroupIngress(scope, `MeshCaller-${caller}`, {
      groupId: securityGroup.securityGroupId,
      sourceSecurityGroupId: callerGroup,
      ipProtocol: 'tcp',
      fromPort: SERVICE_CONNECT_INGRESS_PORT,
      toPort: SERVICE_CONNECT_INGRESS_PORT,
      description: `service mesh: calls from ${caller}`,
    });
  }
  new ssm.StringParameter(scope, 'MeshSecurityGroupParameter', {
    parameterName: serviceParameterName(platform.platformName, serviceName, 'meshSecurityGroupId'),
    stringValue: securityGroup.securityGroupId,
    description: `${serviceName}'s task security group: services that ${serviceName} calls admit it by this id`,
  });
}

/**
 * Checks a caller admitted in this app: both in the mesh, the callee taking calls, not itself,
 * within the callee's rule budget (`inAppCallers` admitted before).
 * @internal
 */
export function validateMeshCaller(callee: IConstruct, calleeOptions: ServiceConnectOptions | undefined, caller: IConstruct,
  callerOptions: ServiceConnectOptions | undefined, inAppCallers: number): void {
  if (!calleeOptions || calleeOptions.clientOnly) {
    throw new PropError(callee, 'serviceConnect', calleeOptions ? 'clientOnly' : 'not set',
      `allowServiceConnectFrom(${caller.node.id}) needs this service in the mesh, taking calls: set serviceConnect (not clientOnly)`);
  }
  if (caller === callee) throw new PropError(callee, 'allowServiceConnectFrom', caller.node.path, 'a service does not call itself through the mesh');
  if (!callerOptions) {
    throw new PropError(caller, 'serviceConnect', 'not set', `it calls ${callee.node.path} through the mesh: set serviceConnect on it`);
  }
  if ((calleeOptions.allowedCallers?.length ?? 0) + inAppCallers + 1 > MAX_MESH_CALLERS) {
    throw new PropError(callee, 'allowServiceConnectFrom', caller.node.path, `at most ${MAX_MESH_CALLERS} callers with`
      + ' serviceConnect.allowedCallers: each is an inbound rule of the service\'s security group, which holds 60');
  }
}

/** A service in the mesh as `allowMeshCaller` sees it. @internal */
export interface MeshMember {
  readonly service: ecs.FargateService;
  readonly securityGroup: ec2.SecurityGroup;
}

/**
 * Admits calls from `caller`'s security group on the proxy port of `callee`'s. The rule lives with
 * the caller (in its stack), and the caller's ECS service waits for the callee's: a task resolves
 * only the endpoints that exist when it starts, so the callee must be there first.
 * @internal
 */
export function allowMeshCaller(callee: MeshMember, caller: MeshMember, callerName: string): void {
  callee.securityGroup.addIngressRule(caller.securityGroup, ec2.Port.tcp(SERVICE_CONNECT_INGRESS_PORT), `service mesh: calls from ${callerName}`, true);
  caller.service.node.addDependency(callee.service);
}

/** The port mapping's `appProtocol`. @internal */
export function appProtocolOf(options: ServiceConnectOptions | undefined): ecs.AppProtocol | undefined {
  if (!options || options.clientOnly) return undefined;
  const protocol = options.appProtocol ?? ServiceConnectProtocol.HTTP;
  return protocol === ServiceConnectProtocol.GRPC ? ecs.AppProtocol.grpc
    : protocol === ServiceConnectProtocol.HTTP2 ? ecs.AppProtocol.http2 : ecs.AppProtocol.http;
}

/** Service names in the mesh, per CDK app and platform (see `platformKeyOf`). */
const meshNames = new WeakMap<IConstruct, Map<string, string>>();

/** An alias is unique in the namespace: two services of one app may not take the same. */
function claimMeshName(scope: IConstruct, platformName: string, serviceName: string): void {
  const root = scope.node.root;
  const claims = meshNames.get(root) ?? new Map<string, string>();
  meshNames.set(root, claims);
  const key = `${serviceName} on ${platformKeyOf(scope, platformName)}`;
  const owner = claims.get(key);
  if (owner !== undefined && owner !== scope.node.path) {
    throw new PropError(scope, 'serviceName', serviceName, `the service mesh name http://${serviceName} is already taken by ${owner}`
      + ` on platform "${platformName}"; each service needs its own`);
  }
  claims.set(key, scope.node.path);
}

function validateNames(scope: IConstruct, prop: string, names: string[] | undefined, self: string, what: string): void {
  if (names === undefined) return;
  if (isUnresolved(names)) throw new PropError(scope, prop, names, 'expected a list of service names known at synth');
  for (const name of names) {
    if (isUnresolved(name)) throw new PropError(scope, prop, name, 'expected a service name known at synth');
    validateServiceName(scope, prop, name);
    if (name === self) throw new PropError(scope, prop, name, `a service does not ${what} through the mesh`);
  }
  validateUnique(scope, prop, names, 'list each service once');
}

function validateWholeSeconds(scope: IConstruct, prop: string, value: Duration | undefined): number | undefined {
  if (value === undefined || value.isUnresolved()) return undefined;
  const ms = value.toMilliseconds();
  if (ms < 0 || ms % 1000 !== 0) {
    throw new PropError(scope, prop, `${ms / 1000}s`, 'expected whole seconds, Duration.seconds(0) for no limit');
  }
  return ms / 1000;
}

function describe(value: unknown): unknown {
  if (value instanceof Duration) return `${value.toSeconds({ integral: false })}s`;
  if (value instanceof ServiceConnectProtocol) return value.value;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? '{...}' : value;
}
