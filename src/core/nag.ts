import { AspectPriority, Aspects, CfnResource, IAspect, Stack, Validations } from 'aws-cdk-lib';
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
  /**
   * Finding ids the suppression is limited to (IAM4/IAM5 granular findings; for
   * `CdkNagValidationFailure`, the ids of the rules that cannot evaluate the resource).
   */
  readonly appliesTo?: string[];
  /**
   * For `CdkNagValidationFailure` without `appliesTo`: the rules that cannot evaluate the
   * resource. cdk-nag 2 suppresses every validation failure of the resource; cdk-nag 3 reports
   * a rule that cannot evaluate a resource by the rule's own id, acknowledged for these.
   */
  readonly failingRules?: string[];
}

/** cdk-nag 2's rule id for a rule that could not evaluate a resource (3.x reports the rule's own id). */
const VALIDATION_FAILURE_ID = 'CdkNagValidationFailure';

/** The granular rule on wildcards in IAM policies: its findings are `Action::<action>` and `Resource::<resource>`. */
const WILDCARD_RULE = 'AwsSolutions-IAM5';

/**
 * The rules that read the ingress rules of a security group and cannot evaluate a source that is
 * a token (a deploy-time CIDR or security group): for `failingRules`.
 * @internal
 */
export const SECURITY_GROUP_INGRESS_RULES = ['AwsSolutions-EC23', 'NIST.800.53.R5-EC2RestrictedCommonPorts', 'NIST.800.53.R5-EC2RestrictedSSH'];

/**
 * The ids cdk-nag 3 looks for (exact strings, on the resource or any construct above it): the
 * rule id, `<rule>[<finding>]` for each finding of a granular rule, and for a validation failure
 * the ids of the rules that could not evaluate the resource.
 */
function acknowledgementIds(s: NagSuppression): string[] {
  if (s.id === VALIDATION_FAILURE_ID) return s.appliesTo ?? s.failingRules ?? [];
  return s.appliesTo ? s.appliesTo.map(finding => `${s.id}[${finding}]`) : [s.id];
}

/**
 * Records one acknowledgement through aws-cdk-lib's Validations API. aws-cdk-lib before 2.262
 * refuses an id with more than one `::` (its namespace delimiter), which granular findings hold
 * (`AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:...]`; later versions skip `::`
 * inside brackets): for those, the same metadata entry that `acknowledge()` writes.
 */
function acknowledge(resource: CfnResource, id: string, reason: string): void {
  try {
    Validations.of(resource).acknowledge({ id, reason });
  } catch (error) {
    if (!/Invalid validation rule ID/.test((error as Error).message ?? '')) throw error;
    resource.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
  }
}

/**
 * cdk-nag's flat form of a CloudFormation reference (its `flattenCfnReference`, the same in 2.x
 * and 3.x): `${X}` as `<X>`, `Ref` as `<X>`, `Fn::GetAtt` as `<X.Attr>`, `Fn::Join` joined.
 */
function flattenReference(node: unknown): string {
  if (node === undefined) return '';
  if (typeof node === 'string') return node.replace(/\$\{/g, '<').replace(/}/g, '>');
  const value = node as Record<string, any>;
  if (value['Fn::Join']) {
    const [delimiter, items] = value['Fn::Join'];
    return (items as unknown[]).map(flattenReference).join(delimiter);
  }
  if (value['Fn::Sub']) return flattenReference(value['Fn::Sub']);
  if (value['Fn::GetAtt']) return `<${flattenReference(value['Fn::GetAtt'][0])}.${flattenReference(value['Fn::GetAtt'][1])}>`;
  if (value['Fn::ImportValue']) return flattenReference(value['Fn::ImportValue']);
  if (value.Ref) return `<${flattenReference(value.Ref)}>`;
  return JSON.stringify(node);
}

/** The findings of `AwsSolutions-IAM5` on one resolved policy document, as cdk-nag forms them. */
function wildcardFindings(document: any): string[] {
  const findings = new Set<string>();
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : [value]);
  for (const statement of document?.Statement ?? []) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of list(statement.Action)) if (typeof action === 'string' && action.includes('*')) findings.add(`Action::${action}`);
    for (const resource of list(statement.Resource).map(flattenReference)) if (resource.includes('*')) findings.add(`Resource::${resource}`);
  }
  return [...findings];
}

/**
 * Acknowledges, for cdk-nag 3, every `AwsSolutions-IAM5` finding on the policy documents of one
 * resource (an IAM policy, or a role's inline policies) once its grants are complete: at synth,
 * before the validation plugins run. The cdk-nag 2 equivalent is a suppression without `applies_to`.
 */
class WildcardAcknowledgement implements IAspect {
  constructor(private readonly resource: CfnResource, private readonly reason: string) {}

  public visit(node: IConstruct): void {
    if (node !== this.resource) return;
    const stack = Stack.of(node);
    const props = node as unknown as { policyDocument?: unknown; policies?: unknown };
    const documents = props.policyDocument !== undefined
      ? [stack.resolve(props.policyDocument)]
      : (stack.resolve(props.policies) as Array<{ policyDocument?: unknown }> | undefined ?? []).map(p => stack.resolve(p.policyDocument));
    for (const finding of new Set(documents.flatMap(wildcardFindings))) acknowledge(this.resource, `${WILDCARD_RULE}[${finding}]`, this.reason);
  }
}

/**
 * Records cdk-nag suppressions both ways: as resource metadata in the format cdk-nag 2 reads
 * (`Metadata.cdk_nag.rules_to_suppress`), and as acknowledgements through aws-cdk-lib's
 * `Validations.of(resource).acknowledge()`, which cdk-nag 3 reads (one per finding, same reason).
 * Written here so that cdk-nag stays a dev dependency: service teams that do not run cdk-nag pay
 * nothing for it.
 *
 * cdk-nag 3 matches each finding of a granular rule by its exact id (`AwsSolutions-IAM5[Action::s3:*]`):
 * an `AwsSolutions-IAM5` suppression without `appliesTo` is acknowledged, at synth, for every
 * wildcard finding on the resource's policies; `AwsSolutions-IAM4` needs `appliesTo`; a
 * `CdkNagValidationFailure` needs `appliesTo` or `failingRules`.
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
    if (s.id === 'AwsSolutions-IAM4' && !s.appliesTo?.length) {
      throw new PropError(construct, `appliesTo of the nag suppression ${s.id}`, s.appliesTo, 'list the managed policies (cdk-nag 3 acknowledges each finding by its id)');
    }
    if (s.id === VALIDATION_FAILURE_ID && !s.appliesTo?.length && !s.failingRules?.length) {
      throw new PropError(construct, `failingRules of the nag suppression ${s.id}`, s.failingRules, 'list the rules that cannot evaluate the resource (cdk-nag 3 reports them by their own ids)');
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
    for (const suppression of suppressions) {
      if (suppression.id === WILDCARD_RULE && !suppression.appliesTo) {
        Aspects.of(resource).add(new WildcardAcknowledgement(resource, suppression.reason), { priority: AspectPriority.MUTATING });
        continue;
      }
      for (const id of acknowledgementIds(suppression)) acknowledge(resource, id, suppression.reason);
    }
  }
}

/**
 * The library's own Lambda functions run on Node.js 24: cdk-nag's `AwsSolutions-L1` wants the
 * newest Node.js runtime that the installed aws-cdk-lib knows (2.278 knows nodejs26.x; 2.257 does not).
 * @internal
 */
export const NODE_RUNTIME_SUPPRESSION: NagSuppression = {
  id: 'AwsSolutions-L1',
  reason: 'the library\'s function code is written and tested for Node.js 24 (nodejs24.x, a maintained LTS runtime that Lambda patches); newer aws-cdk-lib versions also know nodejs26.x, which the library moves to once its code is tested on it',
};

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
