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
 * A service's name: DNS-safe, 2-32 characters, not reserved; it names the service's base path,
 * resources, alarms and dashboard widgets.
 * @internal
 */
export function validateServiceName(scope: IConstruct, prop: string, serviceName: string): void {
  validateDnsName(scope, prop, serviceName, 32);
  if (RESERVED_SERVICE_NAMES.includes(serviceName)) {
    throw new PropError(scope, prop, serviceName, `reserved names are ${RESERVED_SERVICE_NAMES.join(', ')}`);
  }
}
