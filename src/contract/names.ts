import { IConstruct } from 'constructs';
import { PropError } from '../core/errors';
import { validateDnsName } from '../core/validation';

/*
 * The names every part of the platform shares: where a platform keeps its parameters, log
 * groups and service resources, the stage services' metrics name, the default long-lived path
 * suffixes and the Region of CloudFront's certificates and web ACLs. A platform's app and each
 * service app derive the same names from these functions, so they must never change.
 */

/** The Region where CloudFront certificates and web ACLs must live. @internal */
export const EDGE_REGION = 'us-east-1';

/** The name of the central HTTP API's auto-deployed stage. @internal */
export const HTTP_STAGE_NAME = '$default';

/** Last path segments routed to the long-lived origin unless the platform names others. @internal */
export const DEFAULT_LONG_LIVED_PATH_SUFFIXES: readonly string[] = ['ws', 'mcp'];

/**
 * `/platform/<platformName>`: the root of the platform's SSM parameters and log groups.
 * @internal
 */
export function platformPath(platformName: string): string {
  return `/platform/${platformName}`;
}

/**
 * `/platform/<platformName>/services/<serviceName>`: the root of a service's log group, secrets
 * and settings parameter.
 * @internal
 */
export function servicePath(platformName: string, serviceName: string): string {
  return `${platformPath(platformName)}/services/${serviceName}`;
}

/**
 * Service names that cannot be used: they are platform host names (`api.<domain>`) or the
 * default long-lived path suffixes.
 * @internal
 */
export const RESERVED_SERVICE_NAMES: readonly string[] = ['api', 'www', 'mail', 'platform', 'ws', 'mcp', 'health'];

/**
 * A service's name: DNS-safe, 2-32 characters, not reserved, not ending in `-sc`; it names the service's base path,
 * resources, alarms and dashboard widgets.
 * @internal
 */
export function validateServiceName(scope: IConstruct, prop: string, serviceName: string): void {
  validateDnsName(scope, prop, serviceName, 32);
  if (RESERVED_SERVICE_NAMES.includes(serviceName)) {
    throw new PropError(scope, prop, serviceName, `reserved names are ${RESERVED_SERVICE_NAMES.join(', ')}`);
  }
  if (serviceName.endsWith(SERVICE_CONNECT_DISCOVERY_SUFFIX)) {
    throw new PropError(scope, prop, serviceName, `names ending in "${SERVICE_CONNECT_DISCOVERY_SUFFIX}" are reserved for service connect`
      + ` discovery names (<service>${SERVICE_CONNECT_DISCOVERY_SUFFIX}, beside the service's own <service> in the platform's namespace)`);
  }
}

/** The port on which a task's Service Connect proxy takes calls from other services. @internal */
export const SERVICE_CONNECT_INGRESS_PORT = 19080;

/** The port of a Service Connect alias: `http://<service>` needs no port. @internal */
export const SERVICE_CONNECT_ALIAS_PORT = 80;

/** Memory kept free in a task for its Service Connect proxy (AWS's minimum suggestion). @internal */
export const SERVICE_CONNECT_PROXY_MEMORY_MIB = 64;

/**
 * The suffix of a service's Service Connect discovery name (`<service>-sc`): its SRV service
 * keeps `<service>` in the same namespace, and discovery names are unique there. Reserved: no
 * service name ends with it.
 * @internal
 */
export const SERVICE_CONNECT_DISCOVERY_SUFFIX = '-sc';

/** A service's Service Connect discovery name (the Cloud Map service). @internal */
export function meshDiscoveryName(serviceName: string): string {
  return `${serviceName}${SERVICE_CONNECT_DISCOVERY_SUFFIX}`;
}

/** The URL a caller reaches a service at through Service Connect: `http://<service>`. @internal */
export function meshUrl(serviceName: string): string {
  return `http://${serviceName}`;
}

/** The variable that holds a callee's URL: `ORDERS_URL` for `orders`, `TTS_API_URL` for `tts-api`. @internal */
export function meshUrlVariable(serviceName: string): string {
  return `${serviceName.toUpperCase().replace(/-/g, '_')}_URL`;
}

/**
 * The Cloud Map service name of a service's tasks on a platform whose long-lived origin is the
 * proxy instance: `_<service>._tcp`. HAProxy resolves a name as DNS SRV only when it starts with
 * "_" (Cloud Map's CreateService reference says the same of HAProxy).
 * @internal
 */
export function proxySrvServiceName(serviceName: string): string {
  return `_${serviceName}._tcp`;
}

/**
 * Where services register their long-lived routes for a platform's proxy instance (SSM, one
 * parameter `<path>/<service>` each): read by the platform's publisher, written by services.
 * @internal
 */
export function proxyRoutesPath(platformName: string): string {
  return `${platformPath(platformName)}/long-lived/routes`;
}
