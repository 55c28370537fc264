import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { PARAMETER_KEYS, ParameterKey, parameterName } from '../../contract/parameters';

/**
 * Writes the platform's attributes as SSM String parameters (standard tier: free).
 * @internal
 */
export class PlatformParameters extends Construct {
  private readonly platformName: string;

  constructor(scope: Construct, id: string, platformName: string) {
    super(scope, id);
    this.platformName = platformName;
  }

  public publish(key: ParameterKey, value: string): ssm.StringParameter {
    return new ssm.StringParameter(this, key.charAt(0).toUpperCase() + key.slice(1), {
      parameterName: parameterName(this.platformName, key),
      stringValue: value,
      description: `${PARAMETER_KEYS[key]} of the ${this.platformName} platform (published by GlobalPlatform)`,
      tier: ssm.ParameterTier.STANDARD,
    });
  }
}
