import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { IGlobalPlatform } from '../platform/platform-interface';

/**
 * The cost-allocation tags of a service's resources: `platform` (the platform's name) and
 * `service`, on everything under `scope`, whichever stack or app it is in. The platform's own
 * stack gets `platform` from GlobalPlatform; a service in another app gets it here.
 *
 * @internal
 */
export function tagServiceResources(scope: IConstruct, platform: IGlobalPlatform, serviceName: string): void {
  Tags.of(scope).add('platform', platform.platformName);
  Tags.of(scope).add('service', serviceName);
}
