import { CfnResource } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { PropError } from './errors';

/**
 * One cdk-nag finding that a construct of this library accepts on purpose, with the reason.
 * @internal
 */
export interface NagSuppression {
  /** Rule id, e.g. `AwsSolutions-ELB2`. */
  readonly id: string;
  /** Why the finding is accepted: specific, at least 10 characters. */
  readonly reason: string;
  /** Finding ids the suppression is limited to (IAM4/IAM5 granular findings). */
  readonly appliesTo?: string[];
}

/**
 * Records cdk-nag suppressions as resource metadata, in the format cdk-nag reads
 * (`Metadata.cdk_nag.rules_to_suppress`). Written here so that cdk-nag stays a dev
 * dependency: service teams that do not run cdk-nag pay nothing for it.
 *
 * @param construct the construct whose CloudFormation resources are suppressed
 * @param suppressions what to suppress and why
 * @param applyToChildren also every CfnResource below `construct`
 * @internal
 */
export function addNagSuppressions(construct: IConstruct, suppressions: NagSuppression[], applyToChildren = false): void {
  for (const s of suppressions) {
    if (s.reason.length < 10) {
      throw new PropError(construct, `reason of the nag suppression ${s.id}`, s.reason, 'give a specific reason of at least 10 characters');
    }
  }
  const targets = applyToChildren ? construct.node.findAll() : [construct];
  for (const target of targets) {
    const resource = target.node.defaultChild ?? target;
    if (!CfnResource.isCfnResource(resource)) continue;
    const existing: Array<Record<string, unknown>> = resource.getMetadata('cdk_nag')?.rules_to_suppress ?? [];
    const added = suppressions.map(s => ({
      id: s.id,
      reason: s.reason,
      ...(s.appliesTo ? { applies_to: s.appliesTo } : {}),
    }));
    const seen = new Set<string>();
    const merged = [...existing, ...added].filter(rule => {
      const key = JSON.stringify(rule);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    resource.addMetadata('cdk_nag', { rules_to_suppress: merged });
  }
}

/** Construct id of the singleton Lambda that every `AwsCustomResource` in a stack shares. */
const AWS_CUSTOM_RESOURCE_PROVIDER_ID = 'AWS679f53fac002430cb0da5b7982bd2287';

/**
 * Accepts the findings on aws-cdk-lib's own `AwsCustomResource` provider function, which this
 * library uses for deploy-time look-ups. Call after the custom resource is created.
 * @internal
 */
export function suppressAwsCustomResourceProvider(stack: IConstruct): void {
  const provider = stack.node.tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
  if (!provider) return;
  addNagSuppressions(provider, [
    {
      id: 'AwsSolutions-IAM4',
      reason: 'aws-cdk-lib AwsCustomResource provider uses AWSLambdaBasicExecutionRole only to write its own logs',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    },
    { id: 'AwsSolutions-L1', reason: 'the runtime of the AwsCustomResource provider is chosen by aws-cdk-lib, not by this library' },
  ], true);
}

/**
 * Accepts the findings on the singleton functions that aws-cdk-lib adds to a stack for S3: the
 * provider behind `autoDeleteObjects`, and (`bucketDeployment`) the `BucketDeployment` handler.
 * Call after the bucket or deployment is created.
 * @internal
 */
export function suppressS3HelperFunctions(stack: IConstruct, bucketDeployment = false): void {
  for (const child of stack.node.children) {
    const deploymentHandler = child.node.id.startsWith('Custom::CDKBucketDeployment');
    if (deploymentHandler && !bucketDeployment) continue;
    if (!deploymentHandler && !child.node.id.startsWith('Custom::S3AutoDeleteObjects')) continue;
    const helper = deploymentHandler ? 'the BucketDeployment handler' : 'the auto-delete-objects provider';
    addNagSuppressions(child, [
      {
        id: 'AwsSolutions-IAM4',
        reason: `aws-cdk-lib ${helper} uses AWSLambdaBasicExecutionRole only to write its own logs`,
        appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
      },
      ...(deploymentHandler ? [{
        id: 'AwsSolutions-IAM5',
        reason: 'aws-cdk-lib BucketDeployment needs object-level wildcards on the site bucket and its asset bucket to sync files',
      }] : []),
      { id: 'AwsSolutions-L1', reason: `the runtime of aws-cdk-lib ${helper} is chosen by aws-cdk-lib, not by this library` },
    ], true);
  }
}
