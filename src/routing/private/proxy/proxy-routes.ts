import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { proxyRoutesPath, proxySrvServiceName } from '../../../contract/names';
import { IGlobalPlatform } from '../../../contract/platform';
import { PropError } from '../../../core/errors';
import { isUnresolved } from '../../../core/validation';
import { LongLivedTargetBinding } from '../../api-target-options';
import { ServiceRoutingOptions } from '../../routing-options';
import { admitFrom } from '../ingress';

/** What a service registers for the proxy instance. @internal */
export interface ProxyRoutesProps {
  readonly platform: IGlobalPlatform;
  readonly serviceName: string;
  readonly basePath: string;
  readonly paths: string[];
  readonly healthCheckPath: string;
  readonly target: LongLivedTargetBinding;
  readonly options: ServiceRoutingOptions;
}

/** HAProxy resolves a name as SRV only when it starts with "_" (Cloud Map's CreateService docs say the same). */
const SRV_NAME_RE = /^_[a-z0-9][a-z0-9-]{0,62}\._tcp$/;

/**
 * Registers the service's long-lived paths with the platform's proxy instance: its route record
 * as the SSM parameter `<prefix>/long-lived/routes/<service>` (a standard String parameter: free,
 * at most 4 KB; the platform's publisher renders it into the proxy's configuration within
 * seconds of the deploy), and an ingress rule on the tasks' port from the proxy's security group.
 * No load balancer rule, no platform deploy. Creates its constructs directly in `scope`.
 * @internal
 */
export function registerProxyRoutes(scope: Construct, props: ProxyRoutesProps): ssm.StringParameter {
  const proxy = props.platform.longLivedProxySecurityGroup!;
  const srv = props.target.srvName;
  if (srv === undefined) {
    throw new PropError(scope, 'target', '(no Cloud Map service)', 'the platform\'s long-lived proxy finds tasks by DNS SRV records:'
      + ' use ApiTarget.ecsService with a service registered in the platform\'s Cloud Map namespace (ContainerService does it)');
  }
  if (!isUnresolved(srv) && !SRV_NAME_RE.test(srv)) {
    throw new PropError(scope, 'target', srv, 'the platform\'s long-lived proxy (HAProxy) reads DNS SRV records only under a name that'
      + ` starts with "_": register the ECS service in Cloud Map as "${proxySrvServiceName(props.serviceName)}"`
      + ' (cloudMapOptions.name; ContainerService does it on a platform with a proxy instance)');
  }
  admitFrom(props.target.connectable, { connections: new ec2.Connections({ securityGroups: [proxy] }) },
    ec2.Port.tcp(props.target.port), 'platform long-lived proxy instance');

  const options = props.options;
  const record = {
    v: 1,
    service: props.serviceName,
    basePath: props.basePath,
    paths: props.paths,
    srv,
    healthCheckPath: props.healthCheckPath,
    ...(options.jwtIssuer ? {
      jwt: {
        issuer: options.jwtIssuer,
        audiences: options.jwtAudience,
        audienceClaim: options.jwtAudienceClaim ?? 'aud',
        jwksUri: options.jwtJwksEndpoint ?? `${options.jwtIssuer.replace(/\/+$/, '')}/.well-known/jwks.json`,
      },
    } : {}),
  };
  const value = Stack.of(scope).toJsonString(record);
  if (!isUnresolved(value) && Buffer.byteLength(value) > 4096) {
    throw new PropError(scope, 'longLivedPaths', props.paths, `the service's proxy route record is ${Buffer.byteLength(value)} bytes,`
      + ' more than the 4096 of a standard SSM parameter: use fewer or shorter paths or audiences');
  }
  return new ssm.StringParameter(scope, 'LongLivedProxyRoutes', {
    parameterName: `${proxyRoutesPath(props.platform.platformName)}/${props.serviceName}`,
    stringValue: value,
    description: `the long-lived routes of ${props.serviceName} for the platform's proxy instance`,
    tier: ssm.ParameterTier.STANDARD,
  });
}

/**
 * What the proxy cannot take from a service's options: values it writes into its configuration
 * between single quotes (a quote, a space or a control character would be refused there).
 * @internal
 */
export function validateProxyRouteOptions(scope: Construct, options: ServiceRoutingOptions, healthCheckPath?: string): void {
  const safe = /^[\x21-\x26\x28-\x7e]{1,256}$/;
  if (healthCheckPath !== undefined && !isUnresolved(healthCheckPath) && !/^\/[\x21-\x26\x28-\x7e]{0,255}$/.test(healthCheckPath)) {
    throw new PropError(scope, 'healthCheckPath', healthCheckPath, 'the platform\'s long-lived proxy takes a path of printable characters without quotes or spaces');
  }
  for (const audience of isUnresolved(options.jwtAudience ?? []) ? [] : options.jwtAudience ?? []) {
    if (!isUnresolved(audience) && !safe.test(audience)) {
      throw new PropError(scope, 'jwtAudience', audience, 'the platform\'s long-lived proxy takes audiences of 1 to 256 printable characters without quotes or spaces');
    }
  }
}
