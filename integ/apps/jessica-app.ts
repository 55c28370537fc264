import * as path from 'path';
import { App, Duration, RemovalPolicy, Stack, StackProps } from 'aws-cdk-lib';
import * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { NagSuppressions } from 'cdk-nag';
import { Construct } from 'constructs';
import { CostBudget, FargateTaskOptions, GlobalPlatform, GuardWaiversValidator, LongLivedOriginType, NatType, ServiceSchedule, TtsService } from '../../src';
import { probeAudioStream, probeWebSocket } from '../contract/probes';

/**
 * The lean task (README, "Lean shape"): the smallest Fargate size on ARM64 Spot, weekdays
 * 07-19 UTC, one task, no CPU or memory alarm (the 5xx and no-running-task alarms stay).
 */
export const LEAN_TASK: FargateTaskOptions = {
  cpu: 256,
  memoryLimitMiB: 512,
  cpuArchitecture: ecs.CpuArchitecture.ARM64,
  fargateSpot: true,
  schedule: ServiceSchedule.weekdays(7, 19),
  minCapacity: 1,
  maxCapacity: 1,
  utilizationAlarms: false,
};

/**
 * The task of the lean integ test (`integ/integ.lean.ts`): LEAN_TASK's size and alarms, but on
 * demand and always on (a Spot interruption or the schedule's end would fail a test run), on the
 * architecture given (the image is built for the same one: `imagePlatformFor`).
 */
export function leanIntegTask(cpuArchitecture: ecs.CpuArchitecture): FargateTaskOptions {
  return { ...LEAN_TASK, cpuArchitecture, fargateSpot: false, schedule: ServiceSchedule.ALWAYS_ON };
}

/**
 * The Fargate architecture of the machine that runs this code (`process.arch`): a Docker engine
 * builds an image for it without emulation.
 */
export function hostCpuArchitecture(arch: string = process.arch): ecs.CpuArchitecture {
  if (arch === 'x64') return ecs.CpuArchitecture.X86_64;
  if (arch === 'arm64') return ecs.CpuArchitecture.ARM64;
  throw new Error(`this machine's architecture ${arch} is not one Fargate runs: build the image on x64 or arm64`);
}

/** The image platform for tasks on `cpuArchitecture` (ARM64: linux/arm64, else linux/amd64). */
export function imagePlatformFor(cpuArchitecture: ecs.CpuArchitecture | undefined): ecrAssets.Platform {
  return cpuArchitecture === ecs.CpuArchitecture.ARM64 ? ecrAssets.Platform.LINUX_ARM64 : ecrAssets.Platform.LINUX_AMD64;
}

/** The reference service's folder: its Dockerfile is the image, `web/` the page. */
export const JESSICA_DIR = path.join(__dirname, '..', 'jessica');

/** Where the reference app is deployed; from the environment for a real deploy. */
export interface JessicaAppSettings {
  /** The platform's domain (a public hosted zone you own for a real deploy). */
  readonly domainName: string;
  /** The hosted zone's id. */
  readonly hostedZoneId: string;
  /** Complete ARN (preferred) or name of an existing Secrets Manager secret with the ElevenLabs key; undefined: the service creates an empty one. */
  readonly elevenLabsSecretName?: string;
  /** The platform's name. */
  readonly platformName: string;
  /** Stack environment. */
  readonly env?: StackProps['env'];
  /** The hosted zone's name, when `domainName` is a subdomain in it. Default: `domainName`. */
  readonly zoneName?: string;
  /** The stacks are `<prefix>Platform` and `<prefix>Service`. Default: `Jessica`. */
  readonly stackPrefix?: string;
  /**
   * The lean shape (README, "Lean shape"): the platform without a NAT (`NatType.PUBLIC_TASKS`),
   * without a dashboard, and with the proxy instance as its long-lived origin; Jessica on `task` (default LEAN_TASK: 0.25 vCPU / 0.5 GB ARM64
   * Fargate Spot on weekdays 07-19 UTC without CPU and memory alarms).
   */
  readonly lean?: boolean;
  /**
   * Jessica's task options; its image is built for their `cpuArchitecture`. Default: LEAN_TASK
   * for the lean shape, else x86_64 on demand and always on.
   */
  readonly task?: FargateTaskOptions;
}

/** Reads the settings from the environment, with integ-runner's dummy values for synthesis. */
export function settingsFromEnvironment(): JessicaAppSettings {
  // integ-runner sets wildcard dummies such as "*.example.com" when it only synthesizes.
  const fromEnv = (name: string) => {
    const value = process.env[name];
    return value && !value.includes('*') ? value : undefined;
  };
  return {
    domainName: fromEnv('CDK_INTEG_DOMAIN_NAME') ?? 'jessica-integ.example.com',
    hostedZoneId: fromEnv('CDK_INTEG_HOSTED_ZONE_ID') ?? 'Z0123456789EXAMPLE',
    elevenLabsSecretName: fromEnv('JESSICA_ELEVENLABS_SECRET_NAME'),
    platformName: 'jessica-integ',
    // CloudFront's certificate must be in us-east-1: the reference platform lives there.
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: 'us-east-1' },
  };
}

/**
 * The lean variant's settings: the same zone as the reference (from the environment), the
 * platform on `lean.<domain>`, so both can be deployed side by side.
 */
export function leanSettingsFromEnvironment(): JessicaAppSettings {
  const reference = settingsFromEnvironment();
  return {
    ...reference,
    domainName: `lean.${reference.domainName}`,
    zoneName: reference.domainName,
    platformName: 'jessica-lean',
    stackPrefix: 'JessicaLean',
    lean: true,
    task: leanIntegTask(integCpuArchitecture()),
  };
}

/**
 * The lean integ test's architecture: the machine's, so that a deploy builds the image without
 * emulation and runs it on the same architecture. integ-runner's snapshot synthesis (placeholder
 * settings: CDK_INTEG_DOMAIN_NAME is `*.example.com`) records x86_64, the architecture of the
 * GitHub runner that deploys the tests, so that the committed snapshot is the same on every machine.
 */
export function integCpuArchitecture(env: NodeJS.ProcessEnv = process.env, arch: string = process.arch): ecs.CpuArchitecture {
  if (env.CDK_INTEG_DOMAIN_NAME?.includes('*')) return ecs.CpuArchitecture.X86_64;
  return hostCpuArchitecture(arch);
}

/** The stacks of the reference app. */
export interface JessicaApp {
  readonly platformStack: Stack;
  readonly serviceStack: Stack;
  readonly platform: GlobalPlatform;
  readonly jessica: TtsService;
  /** A Lambda that runs the WebSocket and audio-stream probes against the live URLs. */
  readonly probe: lambda.Function;
}

/**
 * The reference deployment: the platform in one stack (the infrastructure repository) and Jessica
 * in another that imports the platform by name (a service repository), deployed in that order.
 */
export function buildJessicaApp(app: App, settings: JessicaAppSettings): JessicaApp {
  const prefix = settings.stackPrefix ?? 'Jessica';
  const lean = settings.lean ?? false;
  const task: FargateTaskOptions = settings.task ?? (lean ? LEAN_TASK : { schedule: ServiceSchedule.ALWAYS_ON });
  const platformStack = new Stack(app, `${prefix}Platform`, { env: settings.env });
  const platform = new GlobalPlatform(platformStack, 'Platform', {
    platformName: settings.platformName,
    domainName: settings.domainName,
    hostedZone: route53.HostedZone.fromHostedZoneAttributes(platformStack, 'Zone', {
      hostedZoneId: settings.hostedZoneId,
      zoneName: settings.zoneName ?? settings.domainName,
    }),
    longLivedConnections: longLivedConnectionsOf(lean),
    // The lean shape: tasks with their own public IPv4 instead of a NAT, no dashboard.
    ...(lean ? { natType: NatType.PUBLIC_TASKS, dashboard: false } : {}),
    logRetention: logs.RetentionDays.ONE_WEEK,
    budget: CostBudget.NONE,
    // a test deployment: nothing of it stays behind, so the next run can create it again
    removalPolicy: RemovalPolicy.DESTROY,
  });

  const serviceStack = new Stack(app, `${prefix}Service`, { env: settings.env });
  serviceStack.addDependency(platformStack, 'the service reads the platform\'s SSM parameters');
  const imported = GlobalPlatform.fromPlatformName(serviceStack, 'Platform', settings.platformName, {
    domainName: settings.domainName,
    longLivedConnections: longLivedConnectionsOf(lean),
  });
  const jessica = new TtsService(serviceStack, 'Jessica', {
    platform: imported,
    serviceName: 'jessica',
    image: ecs.ContainerImage.fromAsset(JESSICA_DIR, {
      exclude: ['node_modules', 'dist', 'web', '*.md'],
      // The image is built for the architecture the task runs on.
      platform: imagePlatformFor(task.cpuArchitecture),
    }),
    elevenLabsSecret: elevenLabsSecret(serviceStack, settings.elevenLabsSecretName),
    frontendPath: path.join(JESSICA_DIR, 'web'),
    ...task,
    removalPolicy: RemovalPolicy.DESTROY,
  });

  const probeLogs = new logs.LogGroup(serviceStack, 'ProbeLogs', { retention: logs.RetentionDays.ONE_DAY, removalPolicy: RemovalPolicy.DESTROY });
  const probe = new lambda.Function(serviceStack, 'Probe', {
    description: 'runs the WebSocket and audio-stream probes of the Jessica contract against the live URLs',
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    timeout: Duration.seconds(60),
    memorySize: 256,
    // Node 22+ has global fetch and WebSocket: the probe needs no dependencies.
    code: lambda.Code.fromInline([
      `const probeWebSocket = ${probeWebSocket.toString()};`,
      `const probeAudioStream = ${probeAudioStream.toString()};`,
      'exports.handler = async (event) => event.kind === "websocket"',
      '  ? probeWebSocket(WebSocket, event.url, event.text, 30000)',
      '  : probeAudioStream(fetch, event.url, event.text);',
    ].join('\n')),
    role: probeRole(serviceStack, probeLogs),
    logGroup: probeLogs,
  });
  // The probe belongs to the integration test, not to the platform: the security packs' findings
  // on it are waived here, each with its reason (README "Security controls").
  const probeIsATestTool = 'the integ test\'s probe function runs only during a test deploy, is invoked synchronously by integ-runner and calls the public URLs it tests';
  NagSuppressions.addResourceSuppressions(probe, [
    ...['LambdaInsideVPC', 'LambdaDLQ', 'LambdaConcurrency'].map(rule => ({ id: `NIST.800.53.R5-${rule}`, reason: probeIsATestTool })),
    // aws-cdk-lib 2.278 knows nodejs26.x, so cdk-nag's latest-runtime rule flags Node.js 24 there.
    { id: 'AwsSolutions-L1', reason: 'the probe uses the global fetch and WebSocket of Node.js 24 (a maintained LTS runtime), as the library\'s own functions do' },
  ]);
  GuardWaiversValidator.waive(probe, 'lambda_inside_vpc_check', probeIsATestTool);
  NagSuppressions.addResourceSuppressions(probeLogs, [{ id: 'NIST.800.53.R5-CloudWatchLogGroupEncrypted', reason: 'the probe\'s test log, kept one day: CloudWatch Logs encrypts it at rest' }]);
  GuardWaiversValidator.waive(probeLogs, 'cloudwatch_log_group_encrypted_check', 'the probe\'s test log, kept one day: CloudWatch Logs encrypts it at rest');
  GuardWaiversValidator.waive(probeLogs, 'cloudwatch_log_group_retention_period_check', 'the probe\'s test log is kept one day on purpose');

  return { platformStack, serviceStack, platform, jessica, probe };
}

/**
 * The ElevenLabs secret given by complete ARN (preferred: ECS resolves partial ARNs unreliably)
 * or by name; none: TtsService creates one.
 */
function elevenLabsSecret(scope: Construct, nameOrArn?: string): secretsmanager.ISecret | undefined {
  if (!nameOrArn) return undefined;
  return nameOrArn.startsWith('arn:')
    ? secretsmanager.Secret.fromSecretCompleteArn(scope, 'ElevenLabsKey', nameOrArn)
    : secretsmanager.Secret.fromSecretNameV2(scope, 'ElevenLabsKey', nameOrArn);
}

/** The probe's role: it only writes to its own log group (no AWS managed policy). */
function probeRole(scope: Construct, logGroup: logs.ILogGroup): iam.Role {
  const role = new iam.Role(scope, 'ProbeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  role.addToPolicy(new iam.PolicyStatement({
    actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    resources: [logGroup.logGroupArn, `${logGroup.logGroupArn}:log-stream:*`],
  }));
  NagSuppressions.addResourceSuppressions(role, [{
    id: 'AwsSolutions-IAM5',
    reason: 'Lambda names its log streams at run time: the probe may write to any stream of its own log group only',
    appliesTo: ['Resource::<ProbeLogsBF6C3D77.Arn>:log-stream:*'],
  }, {
    id: 'NIST.800.53.R5-IAMNoInlinePolicy',
    reason: 'the probe role\'s one policy is attached to it alone and grants only its own log group',
  }], true);
  return role;
}

/**
 * The long-lived origin: the internal load balancer in the reference shape, the proxy instance
 * in the lean shape (README "Lean shape"; the service's import names the same kind).
 */
function longLivedConnectionsOf(lean: boolean): { origin?: LongLivedOriginType } {
  return lean ? { origin: LongLivedOriginType.proxyInstance() } : {};
}
