import { CfnResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { addNagSuppressions, NODE_RUNTIME_SUPPRESSION } from './nag';

/** @internal */
export interface InlineFunctionProps {
  /** The function's inline code (`index.handler`). */
  readonly code: string;
  readonly description: string;
  /** The construct id of the log group in `scope`. */
  readonly logGroupId: string;
  /** @default - a generated name */
  readonly logGroupName?: string;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  readonly timeout: Duration;
  /** @default - none */
  readonly environment?: Record<string, string>;
}

/** What `createInlineFunction` made. @internal */
export interface InlineFunction {
  readonly handler: lambda.Function;
  /** The function's own role: so far it may only write the function's log streams. */
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
}

/**
 * The library's small inline functions (origin checks, store writers, parameter copies): in
 * `scope`, a log group (`logGroupId`), a role `Role` that may only write that group's log streams
 * (grant the rest with `role.addToPolicy`), and `Handler`, Node.js 24 on ARM with 128 MB. No
 * reserved concurrency: a new account's quota (10) leaves none to reserve.
 * @internal
 */
export function createInlineFunction(scope: Construct, props: InlineFunctionProps): InlineFunction {
  const logGroup = new logs.LogGroup(scope, props.logGroupId, {
    ...props.logGroupName !== undefined ? { logGroupName: props.logGroupName } : {},
    retention: props.logRetention,
    removalPolicy: props.removalPolicy,
  });
  const role = new iam.Role(scope, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'), description: props.description });
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`],
  }));
  const handler = new lambda.Function(scope, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline(props.code),
    environment: props.environment,
    memorySize: 128,
    timeout: props.timeout,
    role,
    logGroup,
    description: props.description,
  });
  addNagSuppressions(handler, [NODE_RUNTIME_SUPPRESSION]);
  addNagSuppressions(role, [{
    id: 'AwsSolutions-IAM5',
    reason: 'log streams of the function\'s own log group are created at run time with generated names',
    appliesTo: [`Resource::<${Stack.of(scope).getLogicalId(logGroup.node.defaultChild as CfnResource)}.Arn>:log-stream:*`],
  }], true);
  return { handler, role, logGroup };
}
