import { Stack, Stage, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { EDGE_REGION } from '../../contract/names';
import { PropError } from '../../core/errors';

/**
 * The platform's stack must name its Region: CloudFront's certificate and web ACL must be in
 * us-east-1, and the platform decides at synth time where they go.
 * @internal
 */
export function validateExplicitRegion(scope: IConstruct): void {
  if (Token.isUnresolved(Stack.of(scope).region)) {
    throw new PropError(scope, 'stack region', '(unresolved)', 'GlobalPlatform needs a stack with an explicit region (env: { account, region }):'
      + ` CloudFront's certificate and web ACL must be in ${EDGE_REGION}, and the platform decides at synth time where they go`);
  }
}

/**
 * The us-east-1 companion stack, a sibling of the platform's stack in the same app or stage,
 * named `<stackName>-edge`. The platform's stack reads the certificate and web ACL ARNs through
 * CDK's cross-region references (SSM parameters written by a custom resource), so it must
 * allow them.
 * @internal
 */
export function createEdgeStack(scope: IConstruct, platformName: string): Stack {
  const stack = Stack.of(scope);
  // aws-cdk-lib keeps the flag in an internal field; should it ever go, CDK's own synth error
  // about cross-region references still stops the deployment, only later and less clearly.
  const crossRegionReferences = (stack as unknown as { _crossRegionReferences?: unknown })._crossRegionReferences;
  if (crossRegionReferences === false) {
    throw new PropError(scope, 'crossRegionReferences', false, `the stack "${stack.stackName}" is in ${stack.region}, so CloudFront's`
      + ` certificate and web ACL go into a companion stack in ${EDGE_REGION}; create "${stack.stackName}" with crossRegionReferences: true`
      + ' (or pass edgeCertificate and leave waf out)');
  }
  const parent = Stage.of(stack) ?? stack.node.root;
  const id = `${stack.node.id}-edge`;
  if (parent.node.tryFindChild(id)) {
    throw new PropError(scope, 'scope', stack.stackName, 'the stack already holds a GlobalPlatform; use one platform per stack');
  }
  return new Stack(parent, id, {
    stackName: `${stack.stackName}-edge`,
    env: { account: stack.account, region: EDGE_REGION },
    crossRegionReferences: true,
    description: `us-east-1 part of the ${platformName ?? 'georgi.io'} platform: CloudFront certificate and web ACL`,
  });
}
