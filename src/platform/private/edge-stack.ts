import { CfnOutput, Fn, RemovalPolicy, Stack, Stage, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { EDGE_REGION } from '../../contract/names';
import { PropError } from '../../core/errors';
import { addStackDependency } from '../../core/stacks';
import { AlarmTopic } from '../../monitoring/private/alarm-topic';
import { createCertificateExpiryAlarm } from '../../monitoring/private/platform-monitoring';

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
 * named `<stackName>-edge`. The platform's stack reads the certificate and web ACL ARNs (and a
 * created zone's id) with `Fn::GetStackOutput` (`edgeValue`), not with CDK's cross-region
 * references, whose export writer refuses to change a value that is in use: a new certificate
 * (a domain or name change) or web ACL deploys like any other update.
 * @internal
 */
export function createEdgeStack(scope: IConstruct, platformName: string): Stack {
  const stack = Stack.of(scope);
  const parent = Stage.of(stack) ?? stack.node.root;
  const id = `${stack.node.id}-edge`;
  if (parent.node.tryFindChild(id)) {
    throw new PropError(scope, 'scope', stack.stackName, 'the stack already holds a GlobalPlatform; use one platform per stack');
  }
  return new Stack(parent, id, {
    stackName: `${stack.stackName}-edge`,
    env: { account: stack.account, region: EDGE_REGION },
    description: `us-east-1 part of the ${platformName ?? 'georgi.io'} platform: CloudFront certificate and web ACL`,
  });
}

/**
 * A value of the companion stack for the platform's stack: an output of the companion stack
 * (logical id `outputId`, stable) read with `Fn::GetStackOutput` at deploy time, and a
 * dependency so that the companion stack deploys first. The value may change at any deploy.
 * @internal
 */
export function edgeValue(consumer: IConstruct, edgeStack: Stack, outputId: string, value: string): string {
  return siblingValue(consumer, edgeStack, outputId, value, `the ${EDGE_REGION} companion stack`);
}

/**
 * A value of a sibling stack (the us-east-1 companion, an additional Region's stack) for
 * `consumer`'s stack: an output of `producer` (logical id `outputId`, created once) read with
 * `Fn::GetStackOutput` in the producer's Region, and a dependency so that `producer` deploys
 * first. No CDK cross-region references (ADR 4).
 * @internal
 */
export function siblingValue(consumer: IConstruct, producer: Stack, outputId: string, value: string, what: string): string {
  if (!producer.node.tryFindChild(outputId)) {
    const output = new CfnOutput(producer, outputId, { value, description: `read by ${Stack.of(consumer).stackName} (Fn::GetStackOutput)` });
    output.overrideLogicalId(outputId);
  }
  addStackDependency(Stack.of(consumer), producer, `reads ${outputId} of ${what}`);
  return Fn.getStackOutput(producer.stackName, outputId, producer.region);
}

/** @internal */
export interface EdgeCertificateAlarmProps {
  readonly platformName: string;
  readonly accountWidePrefix: string;
  readonly emails: string[];
  readonly removalPolicy: RemovalPolicy;
  /** CloudFront's certificate, as the companion stack holds it. */
  readonly certificate: acm.ICertificate;
  readonly days: number;
}

/**
 * The expiry alarm of CloudFront's certificate and the topic it notifies, in the companion stack
 * (alarms and their topic must be in the certificate's Region), named with the platform's Region
 * beside the edge alarms of platforms in other Regions. Returns the topic.
 * @internal
 */
export function createEdgeCertificateAlarm(edgeScope: Construct, props: EdgeCertificateAlarmProps): sns.ITopic {
  const edgeTopic = new AlarmTopic(edgeScope, 'AlarmTopic', { platformName: props.platformName, emails: props.emails, removalPolicy: props.removalPolicy });
  const edgeAlarm = createCertificateExpiryAlarm(edgeScope, 'EdgeCertificateExpiryAlarm', {
    platformName: props.accountWidePrefix,
    certificate: props.certificate,
    days: props.days,
    label: 'edge',
  });
  edgeAlarm.addAlarmAction(new SnsAction(edgeTopic.topic));
  edgeAlarm.addOkAction(new SnsAction(edgeTopic.topic));
  return edgeTopic.topic;
}
