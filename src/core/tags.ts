import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The cost-allocation tags of a service's resources: `platform` (the platform's name) and
 * `service`, on everything under `scope`, whichever stack or app it is in. The platform's own
 * stack gets `platform` from GlobalPlatform; a service in another app gets it here.
 *
 * @internal
 */
export function tagServiceResources(scope: IConstruct, platformName: string, serviceName: string): void {
  Tags.of(scope).add('platform', platformName);
  Tags.of(scope).add('service', serviceName);
}
