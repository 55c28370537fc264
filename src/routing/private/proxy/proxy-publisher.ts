import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { PROXY_LOGS_PREFIX } from './log-forwarder';
import { PROXY_BUNDLE_KEY, publisherCode } from './publisher-code';
import { addNagSuppressions, NODE_RUNTIME_SUPPRESSION } from '../../../core/nag';


/** The instance's constants the configuration is rendered with. @internal */
export const PROXY_INSTANCE_CONSTANTS = {
  bind: ':80',
  // The Amazon DNS server (Route 53 Resolver) at its link-local address, in every VPC.
  nameserver: '169.254.169.253:53',
  tasksPerService: 8,
  log: '/dev/log local0',
  adminSocket: '/run/haproxy/admin.sock',
  // The package's user: HAProxy binds port 80 as root, then drops to it.
  runAs: 'haproxy',
};

/** @internal */
export interface ProxyPublisherProps {
  readonly platformName: string;
  readonly bucket: s3.IBucket;
  readonly logGroup: logs.ILogGroup;
  /** The SSM path of the services' route records. */
  readonly routesPath: string;
  /** The platform's Cloud Map namespace: route records name their SRV service relative to it. */
  readonly namespaceName: string;
  readonly idleTimeoutSeconds: number;
  readonly maxConnections: number;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The proxy publisher: a function outside the VPC that renders the proxy's configuration from
 * the services' route records into the bucket, and forwards the instance's log batches to the
 * proxy's log group. It runs when a record under `routesPath` changes (SSM's "Parameter Store
 * Change" events on the default event bus, free) and every 5 minutes (issuers rotate keys; a
 * missed event is caught up): about 8,700 invocations a month, within Lambda's free tier.
 * Two runs at once cannot put back an older set of routes: the bundle is written only over the
 * version the run read (an S3 conditional write), else the run publishes again. No reserved
 * concurrency: a new account's concurrency quota (10) leaves none to reserve.
 * @internal
 */
export function proxyPublisher(scope: Construct, id: string, props: ProxyPublisherProps): lambda.Function {
  const construct = new Construct(scope, id);
  const stack = Stack.of(scope);
  const functionLogs = new logs.LogGroup(construct, 'Logs', { retention: props.logRetention, removalPolicy: props.removalPolicy });
  const role = new iam.Role(construct, 'Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: `renders the ${props.platformName} long-lived proxy's configuration and forwards its logs`,
  });
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [functionLogs.logGroupArn, `${functionLogs.logGroupArn}:log-stream:*`,
      props.logGroup.logGroupArn, `${props.logGroup.logGroupArn}:log-stream:*`],
  }));
  const routesArn = stack.formatArn({ service: 'ssm', resource: 'parameter', resourceName: props.routesPath.replace(/^\//, '') });
  role.addToPolicy(new iam.PolicyStatement({ actions: ['ssm:GetParametersByPath'], resources: [routesArn, `${routesArn}/*`] }));
  role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject', 's3:PutObject'], resources: [props.bucket.arnForObjects(PROXY_BUNDLE_KEY)] }));
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['s3:ListBucket'],
    resources: [props.bucket.bucketArn],
    conditions: { StringLike: { 's3:prefix': [`${PROXY_LOGS_PREFIX}*`] } },
  }));
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['s3:GetObject', 's3:DeleteObject'],
    resources: [props.bucket.arnForObjects(`${PROXY_LOGS_PREFIX}*`)],
  }));

  const fn = new lambda.Function(construct, 'Handler', {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline(publisherCode()),
    environment: {
      BUCKET: props.bucket.bucketName,
      ROUTES_PATH: props.routesPath,
      NAMESPACE: props.namespaceName,
      LOG_GROUP: props.logGroup.logGroupName,
      BIND: PROXY_INSTANCE_CONSTANTS.bind,
      NAMESERVER: PROXY_INSTANCE_CONSTANTS.nameserver,
      IDLE_TIMEOUT_SECONDS: String(props.idleTimeoutSeconds),
      TASKS_PER_SERVICE: String(PROXY_INSTANCE_CONSTANTS.tasksPerService),
      MAX_CONNECTIONS: String(props.maxConnections),
      LOG: PROXY_INSTANCE_CONSTANTS.log,
      ADMIN_SOCKET: PROXY_INSTANCE_CONSTANTS.adminSocket,
      RUN_AS: PROXY_INSTANCE_CONSTANTS.runAs,
    },
    memorySize: 256,
    timeout: Duration.seconds(60),
    role,
    logGroup: functionLogs,
  });
  addNagSuppressions(fn, [NODE_RUNTIME_SUPPRESSION]);
  addNagSuppressions(role, [{
    id: 'AwsSolutions-IAM5',
    reason: 'the publisher reads every service\'s route record under the platform\'s routes path, and reads and deletes the instance\'s log batches under logs/ (named at run time); its log streams are named at run time',
  }], true);

  new events.Rule(construct, 'RouteChanges', {
    description: `${props.platformName}: renders the long-lived proxy's configuration when a service's route record changes`,
    eventPattern: {
      source: ['aws.ssm'],
      detailType: ['Parameter Store Change'],
      detail: { name: [{ prefix: `${props.routesPath}/` }] },
    },
    targets: [new targets.LambdaFunction(fn, { retryAttempts: 2 })],
  });
  new events.Rule(construct, 'Schedule', {
    description: `${props.platformName}: renders the long-lived proxy's configuration (issuers' keys) and forwards its logs`,
    schedule: events.Schedule.rate(Duration.minutes(5)),
    targets: [new targets.LambdaFunction(fn, { retryAttempts: 0 })],
  });
  return fn;
}
