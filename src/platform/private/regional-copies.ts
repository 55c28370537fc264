import { Fn, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { PARAMETER_KEYS, ParameterKey, parameterName } from '../../contract/parameters';
import { suppressAwsCustomResourceProvider } from '../../core/nag';

/**
 * The ARN of a secret's replica in `region`: the primary's ARN with the Region replaced
 * (Secrets Manager: "The ARN for a replicated secret is the same as the primary secret except
 * for the Region").
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
 * @internal
 */
export function replicaSecretArn(primaryArn: string, region: string): string {
  const parts = Fn.split(':', primaryArn, 7);
  return Fn.join(':', [Fn.select(0, parts), Fn.select(1, parts), Fn.select(2, parts), region,
    Fn.select(4, parts), Fn.select(5, parts), Fn.select(6, parts)]);
}

/**
 * Writes values that only the platform's stack knows into an additional Region's SSM, under the
 * platform's keys (ADR 15): that Region's stack deploys first and cannot read them. One
 * `AwsCustomResource` per key (`PutParameter` with `Overwrite` on create and update,
 * `DeleteParameter` on delete), each allowed to write its own parameter only.
 * @internal
 */
export class RegionalParameterCopies extends Construct {
  constructor(scope: Construct, id: string, platformName: string, region: string, values: Partial<Record<ParameterKey, string>>) {
    super(scope, id);
    const stack = Stack.of(this);
    for (const [key, value] of Object.entries(values) as [ParameterKey, string][]) {
      const name = parameterName(platformName, key);
      const put: cr.AwsSdkCall = {
        service: 'SSM',
        action: 'putParameter',
        region,
        parameters: {
          Name: name,
          Value: value,
          Type: 'String',
          Overwrite: true,
          Description: `${PARAMETER_KEYS[key]} of the ${platformName} platform (written by its stack in ${stack.region})`,
        },
        physicalResourceId: cr.PhysicalResourceId.of(`${region}:${name}`),
      };
      new cr.AwsCustomResource(this, key.charAt(0).toUpperCase() + key.slice(1), {
        onCreate: put,
        onUpdate: put,
        onDelete: { service: 'SSM', action: 'deleteParameter', region, parameters: { Name: name }, ignoreErrorCodesMatching: 'ParameterNotFound' },
        policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
          actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
          resources: [stack.formatArn({ service: 'ssm', region, resource: 'parameter', resourceName: name.slice(1) })],
        })]),
        installLatestAwsSdk: false,
      });
    }
    suppressAwsCustomResourceProvider(stack);
  }
}
