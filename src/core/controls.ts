import { AspectPriority, Aspects, CfnResource, IAspect, Stack, Token } from 'aws-cdk-lib';
import { CfnPermission } from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { addNagSuppressions } from './nag';
import { Control, CONTROLS } from './private/control-catalogue';
import { addGuardWaivers } from './private/guard-metadata';

/** The resource's properties as CloudFormation spells them (unresolved tokens left in place). */
function propertiesOf(resource: CfnResource): Record<string, any> {
  // The L1's own values with CloudFormation's capitals, tokens left as they are: rendering or
  // resolving here would cache Lazy values that later aspects may still change.
  const pascal = (value: any): any => {
    if (Array.isArray(value)) return value.map(pascal);
    if (value === null || typeof value !== 'object' || Token.isUnresolved(value)) return value;
    if (Object.getPrototypeOf(value) !== Object.prototype) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.charAt(0).toUpperCase() + k.slice(1), pascal(v)]));
  };
  return pascal((resource as any).cfnProperties ?? {});
}

/**
 * Service principals whose Lambda permissions get SourceAccount (Control Tower
 * ct-lambda-pr-2): only API Gateway, the one this library's permissions name. Not every service
 * sends aws:SourceAccount (the AWS::Lambda::Permission reference: "not supported by all event
 * sources"), so the list stays explicit.
 */
const SOURCE_ACCOUNT_PRINCIPALS = ['apigateway.amazonaws.com'];

/** Ids of the functions aws-cdk-lib adds to a stack for this library's constructs. */
const CDK_HELPER_IDS = [
  'AWS679f53fac002430cb0da5b7982bd2287', // AwsCustomResource provider
  'Custom::CDKBucketDeployment', // BucketDeployment handler
  'Custom::S3AutoDeleteObjectsCustomResourceProvider',
  'Custom::VpcRestrictDefaultSGCustomResourceProvider',
];

const MARKER = Symbol.for('@georgi-io/platform-constructs.ControlWaivers');

/**
 * Applies the catalogue to the CloudFormation resources of this library's constructs (and the
 * helper functions aws-cdk-lib adds to their stacks for them): the waivers of opt-in and waived
 * controls where they are raised, and the one default that only an aspect can make
 * (SourceAccount on the Lambda permissions that aws-cdk-lib creates). A user's own resources in
 * the same stack are left alone.
 * @internal
 */
export class ControlWaivers implements IAspect {
  /** Marks `construct` as the library's, and adds the aspect to its stack once. */
  public static applyTo(construct: IConstruct): void {
    const stack = Stack.of(construct);
    let aspect: ControlWaivers = (stack as any)[MARKER];
    if (!aspect) {
      aspect = new ControlWaivers();
      Object.defineProperty(stack, MARKER, { value: aspect, enumerable: false });
      // Before read-only aspects such as cdk-nag's packs, which read the suppressions it writes.
      Aspects.of(stack).add(aspect, { priority: AspectPriority.MUTATING });
    }
    aspect.owned.add(construct);
  }

  private readonly owned = new Set<IConstruct>();

  public visit(node: IConstruct): void {
    if (!CfnResource.isCfnResource(node) || !this.isOwned(node)) return;
    const resource = node;
    if (resource instanceof CfnPermission && typeof resource.principal === 'string'
      && SOURCE_ACCOUNT_PRINCIPALS.includes(resource.principal) && resource.sourceAccount === undefined) {
      resource.sourceAccount = Stack.of(resource).account;
    }
    const properties = propertiesOf(resource);
    const applicable = CONTROLS.filter(c => c.appliesTo?.(resource, properties));
    if (applicable.length === 0) return;
    const reason = (c: Control) => `${c.title}: ${c.status === 'default' ? c.exception : c.reason}`;
    const nist = applicable.flatMap(c => c.nist.map(id => ({ id, reason: reason(c) })));
    if (nist.length > 0) addNagSuppressions(resource, nist);
    const guard = applicable.flatMap(c => c.guard.map(rule => ({ rule, reason: reason(c) })));
    if (guard.length > 0) addGuardWaivers(resource, guard);
  }

  private isOwned(node: IConstruct): boolean {
    const scopes = node.node.scopes;
    if (scopes.some(s => this.owned.has(s))) return true;
    const stack = Stack.of(node);
    const top = scopes[scopes.indexOf(stack) + 1];
    return top !== undefined && CDK_HELPER_IDS.some(id => top.node.id.startsWith(id));
  }
}
