import * as fs from 'fs';
import * as path from 'path';
import { App, CfnElement, RemovalPolicy, SecretValue, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { IConstruct } from 'constructs';
import { GlobalPlatform, ServiceSchedule, TtsService, TtsServiceProps } from '../../src';
import { ENV, georgiPlatform } from '../helpers/fixtures';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1');
const SITE = path.join(__dirname, '../fixtures/site');
const KNOWN_KEY = 'sk_test_elevenlabs_DO_NOT_LEAK_7f3a';

interface Synth {
  readonly app: App;
  readonly stack: Stack;
  readonly platform: GlobalPlatform;
  readonly tts: TtsService;
  readonly template: Template;
}

function synth(props: Partial<TtsServiceProps> = {}, extra?: (stack: Stack) => Partial<TtsServiceProps>): Synth {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: ENV });
  const platform = georgiPlatform(stack, { longLivedConnections: {} });
  const tts = new TtsService(stack, 'Jessica', {
    platform,
    serviceName: 'jessica',
    image: IMAGE,
    ...props,
    ...(extra ? extra(stack) : {}),
  });
  return { app, stack, platform, tts, template: Template.fromStack(stack) };
}

function idOf(stack: Stack, construct: IConstruct): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}

function container(s: Synth): any {
  const taskDefinition = s.template.toJSON().Resources[idOf(s.stack, s.tts.containerService.taskDefinition)];
  expect(taskDefinition.Properties.ContainerDefinitions).toHaveLength(1);
  return taskDefinition.Properties.ContainerDefinitions[0];
}

function env(s: Synth): Record<string, unknown> {
  return Object.fromEntries((container(s).Environment as any[]).map(e => [e.Name, e.Value]));
}

function policiesOfRole(s: Synth, roleId: string): any[] {
  return Object.values(s.template.findResources('AWS::IAM::Policy'))
    .filter(p => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
    .map(p => p.Properties.PolicyDocument);
}

/** Every IAM statement of the template that mentions Secrets Manager, with the policy's roles. */
/** The secrets of the template except the platform's origin secret (the platform is in the same stack). */
function serviceSecrets(s: Synth): Record<string, any> {
  return Object.fromEntries(Object.entries(s.template.findResources('AWS::SecretsManager::Secret'))
    .filter(([, r]) => !String(r.Properties.Description ?? '').includes('x-origin-verify')));
}

/** The statements about secrets, except those of the platform's origin check. */
function secretStatements(s: Synth): Array<{ roles: unknown; statement: any }> {
  return Object.values(s.template.findResources('AWS::IAM::Policy'))
    .filter(p => !JSON.stringify(p.Properties.Roles).includes('PlatformOriginCheck')).flatMap(p =>
      (p.Properties.PolicyDocument.Statement as any[])
        .filter(st => JSON.stringify(st.Action).includes('secretsmanager'))
        .map(statement => ({ roles: p.Properties.Roles, statement })));
}

function ecsService(s: Synth): any {
  return s.template.toJSON().Resources[idOf(s.stack, s.tts.containerService.service)].Properties;
}

/** The service's scalable target (id and properties); fails unless there is exactly one. */
function scalableTarget(s: Synth): { id: string; props: any } {
  const found = Object.entries(s.template.findResources('AWS::ApplicationAutoScaling::ScalableTarget', {
    Properties: { ScalableDimension: 'ecs:service:DesiredCount' },
  }));
  expect(found).toHaveLength(1);
  return { id: found[0][0], props: (found[0][1] as any).Properties };
}

/** The target tracking value of the service's CPU scaling policy. */
function cpuTargetValue(s: Synth): unknown {
  const target = scalableTarget(s).id;
  const policies = Object.values(s.template.findResources('AWS::ApplicationAutoScaling::ScalingPolicy', {
    Properties: { ScalingTargetId: { Ref: target }, PolicyType: 'TargetTrackingScaling' },
  }));
  expect(policies).toHaveLength(1);
  const config = (policies[0] as any).Properties.TargetTrackingScalingPolicyConfiguration;
  expect(config.PredefinedMetricSpecification).toEqual({ PredefinedMetricType: 'ECSServiceAverageCPUUtilization' });
  return config.TargetValue;
}

/** The resource entry (with DeletionPolicy) of a construct. */
function resourceOf(s: Synth, construct: IConstruct): any {
  return s.template.toJSON().Resources[idOf(s.stack, construct)];
}

function outputValue(s: Synth, prefix: string): unknown {
  const found = Object.entries(s.template.toJSON().Outputs ?? {}).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return (found[0][1] as any).Value;
}

describe('TtsService with defaults and a frontend', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({ frontendPath: SITE });
  });

  test('the container gets the Jessica environment', () => {
    expect(env(s)).toEqual(expect.objectContaining({
      ROOT_PATH: '/jessica',
      PORT: '9020',
      HOST: '0.0.0.0',
      DEFAULT_VOICE_ID: 'cgSgspJ2msm6clMCkdW9',
      DEFAULT_MODEL_ID: 'eleven_flash_v2_5',
      SERVICE_NAME: 'jessica',
      CONFIG_PARAMETER_NAME: '/platform/georgi/services/jessica/settings',
    }));
    expect(env(s)).not.toHaveProperty('ELEVENLABS_BASE_URL');
  });

  test('the container listens on 9020 and checks /jessica/health', () => {
    const c = container(s);
    expect(c.PortMappings).toEqual([expect.objectContaining({ ContainerPort: 9020 })]);
    expect(c.HealthCheck.Command[1]).toContain('http://127.0.0.1:9020/jessica/health');
  });

  test('creates the ElevenLabs secret with the placeholder in its api_key field and no value', () => {
    const secrets = serviceSecrets(s);
    expect(Object.keys(secrets)).toEqual([idOf(s.stack, s.tts.elevenLabsSecret)]);
    const props = Object.values(secrets)[0].Properties;
    expect(props.Name).toBe('/platform/georgi/services/jessica/elevenlabs-api-key');
    expect(props.SecretString).toBeUndefined();
    expect(JSON.parse(props.GenerateSecretString.SecretStringTemplate)).toEqual({ api_key: TtsService.PLACEHOLDER_API_KEY });
    // A changed placeholder would make CloudFormation generate a new value for every created
    // secret, overwriting the key an operator put in: it stays this string.
    expect(TtsService.PLACEHOLDER_API_KEY).toBe('replace-with-your-elevenlabs-api-key');
    expect(props.GenerateSecretString.GenerateStringKey).not.toBe('api_key');
  });

  test('the per-client queue counts the front door\'s viewer address (CLIENT_ADDRESS_HEADER), not X-Forwarded-For', () => {
    expect(container(s).Environment).toEqual(expect.arrayContaining([{ Name: 'CLIENT_ADDRESS_HEADER', Value: 'x-viewer-address' }]));
  });

  test('injects the api_key field of the created secret as exactly ELEVENLABS_API_KEY', () => {
    const secretId = idOf(s.stack, s.tts.elevenLabsSecret);
    expect(container(s).Secrets).toEqual([{
      Name: 'ELEVENLABS_API_KEY',
      ValueFrom: { 'Fn::Join': ['', [{ Ref: secretId }, ':api_key::']] },
    }]);
  });

  test('never as ELEVEN_LABS_API_KEY, and never as a plain environment variable', () => {
    const c = container(s);
    const names = [...(c.Secrets as any[]), ...(c.Environment as any[])].map(v => v.Name);
    expect(names).not.toContain('ELEVEN_LABS_API_KEY');
    expect((c.Environment as any[]).map(v => v.Name)).not.toContain('ELEVENLABS_API_KEY');
    expect(JSON.stringify(s.template.toJSON())).not.toContain('ELEVEN_LABS_API_KEY');
  });

  test('only the task execution role may read the secret, and only that secret', () => {
    const secretId = idOf(s.stack, s.tts.elevenLabsSecret);
    const executionRole = idOf(s.stack, s.tts.containerService.taskDefinition.executionRole!);
    const statements = secretStatements(s);
    expect(statements).toEqual([{
      roles: [{ Ref: executionRole }],
      statement: expect.objectContaining({ Effect: 'Allow', Resource: { Ref: secretId } }),
    }]);
    expect(statements[0].statement.Action).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue']));
  });

  test('the task role has no Secrets Manager permission', () => {
    const taskRole = idOf(s.stack, s.tts.containerService.taskDefinition.taskRole);
    expect(JSON.stringify(policiesOfRole(s, taskRole))).not.toContain('secretsmanager');
    const role = s.template.toJSON().Resources[taskRole].Properties;
    expect(JSON.stringify(role.Policies ?? [])).not.toContain('secretsmanager');
    expect(role.ManagedPolicyArns).toBeUndefined();
  });

  test('run-time settings live in an SSM parameter that only the task role may read and write', () => {
    // Not a CloudFormation resource: a template value would overwrite the saved settings at the
    // parameter's next update, and the stack's deletion would delete them.
    const names = Object.values(s.template.findResources('AWS::SSM::Parameter')).map(r => r.Properties.Name as string);
    expect(names.length).toBeGreaterThan(0); // the platform's own, published for other apps
    expect(names.filter(name => name.includes('/services/'))).toEqual([]);
    expect(s.tts.settingsParameterName).toBe('/platform/georgi/services/jessica/settings');
    // Nor a template parameter that CloudFormation would resolve (and fail on) at deploy time.
    expect(JSON.stringify(s.template.toJSON().Parameters ?? {})).not.toContain('/services/jessica/settings');
    const parameterId = 'parameter/platform/georgi/services/jessica/settings';
    const taskRole = idOf(s.stack, s.tts.containerService.taskDefinition.taskRole);
    const ssmStatements = JSON.stringify(policiesOfRole(s, taskRole));
    expect(ssmStatements).toContain('ssm:PutParameter');
    expect(ssmStatements).toContain('ssm:GetParameter');
    // Every SSM permission is on that one parameter.
    const all = s.template.toJSON().Resources;
    for (const [, policy] of Object.entries(all) as any) {
      if (policy.Type !== 'AWS::IAM::Policy') continue;
      if (!JSON.stringify(policy.Properties.Roles).includes(taskRole)) continue;
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [].concat(statement.Action);
        if (actions.some((a: string) => a.startsWith('ssm:'))) {
          expect(JSON.stringify(statement.Resource)).toContain(parameterId);
        }
      }
    }
  });

  test('long-lived rules send /jessica/ws* and /jessica/mcp* to the service on the platform listener', () => {
    const targetGroup = Object.entries(s.template.findResources('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Properties: { Port: 9020 },
    }));
    expect(targetGroup).toHaveLength(1);
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: s.stack.resolve(s.platform.longLivedListener!.listenerArn),
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/jessica/ws', '/jessica/ws/*', '/jessica/mcp', '/jessica/mcp/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: targetGroup[0][0] } }],
    });
  });

  test('runs weekdays 07-19 UTC by default', () => {
    s.template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScheduledActions: [
        Match.objectLike({ Schedule: 'cron(0 7 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 1, MaxCapacity: 1 } }),
        Match.objectLike({ Schedule: 'cron(0 19 ? * MON-FRI *)', ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 } }),
      ],
    });
  });

  test('keeps its logs 7 days by default', () => {
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/services/jessica', RetentionInDays: 7 });
  });

  test('serves the frontend on jessica.georgi.io with its own distribution', () => {
    s.template.resourceCountIs('AWS::CloudFront::Distribution', 2);
    s.template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({ Aliases: ['jessica.georgi.io'] }),
    });
    expect(s.tts.frontend?.url).toBe('https://jessica.georgi.io');
  });

  test('deploys the site folder and a generated config.json into the site bucket', () => {
    const deployments = Object.values(s.template.findResources('Custom::CDKBucketDeployment'));
    expect(deployments).toHaveLength(1);
    const props = deployments[0].Properties;
    expect(props.SourceObjectKeys).toHaveLength(2);
    expect(props.DestinationBucketName).toEqual({ Ref: idOf(s.stack, s.tts.frontend!.bucket) });

    const folders = (props.SourceObjectKeys as string[]).map(key => path.join(s.app.outdir, `asset.${key.replace(/\.zip$/, '')}`));
    for (const folder of folders) expect(fs.existsSync(folder)).toBe(true);
    expect(fs.readdirSync(folders[0])).toEqual(fs.readdirSync(SITE));
    expect(fs.readdirSync(folders[1])).toEqual(['config.json']);
    const config = JSON.parse(fs.readFileSync(path.join(folders[1], 'config.json'), 'utf8'));
    expect(config).toEqual({
      serviceName: 'jessica',
      apiBaseUrl: 'https://api.georgi.io/jessica/api/v1',
      webSocketUrl: 'wss://api.georgi.io/jessica/ws',
      mcpUrl: 'https://api.georgi.io/jessica/mcp',
    });
  });

  test('outputs the frontend, WebSocket and MCP URLs', () => {
    expect(outputValue(s, 'JessicaFrontendUrl')).toBe('https://jessica.georgi.io');
    expect(outputValue(s, 'JessicaWebSocketUrl')).toBe('wss://api.georgi.io/jessica/ws');
    expect(outputValue(s, 'JessicaMcpUrl')).toBe('https://api.georgi.io/jessica/mcp');
    expect(s.tts.webSocketUrl).toBe('wss://api.georgi.io/jessica/ws');
    expect(s.tts.mcpUrl).toBe('https://api.georgi.io/jessica/mcp');
    expect(s.tts.apiUrl).toBe('https://api.georgi.io/jessica');
  });

  test('the API answers CORS preflights for the frontend origin', () => {
    const apiId = s.stack.resolve(s.platform.httpApi.apiId);
    const handlers = Object.entries(s.template.findResources('AWS::Lambda::Function', {
      Properties: { Environment: { Variables: { CORS_POLICY: Match.anyValue() } } },
    }));
    expect(handlers).toHaveLength(1);
    const policy = JSON.parse((handlers[0][1] as any).Properties.Environment.Variables.CORS_POLICY);
    expect(policy.allowOrigins).toEqual(['https://jessica.georgi.io']);
    const integration = Object.entries(s.template.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: { IntegrationUri: { 'Fn::GetAtt': [handlers[0][0], 'Arn'] } },
    }));
    expect(integration).toHaveLength(1);
    for (const routeKey of ['OPTIONS /jessica', 'OPTIONS /jessica/{proxy+}']) {
      s.template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        ApiId: apiId,
        RouteKey: routeKey,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integration[0][0] }]] },
      });
    }
  });

  test('tells the container the allowed origin', () => {
    expect(env(s).CORS_ALLOW_ORIGINS).toBe('https://jessica.georgi.io');
  });

  test('by default: one task (the WebSocket clients live in it) on FARGATE, no ECS Exec, log group and site bucket retained', () => {
    expect(ecsService(s).DesiredCount).toBeUndefined();
    expect(scalableTarget(s).props).toEqual(expect.objectContaining({ MinCapacity: 1, MaxCapacity: 1 }));
    expect(Annotations.fromStack(s.stack).findWarning('*', Match.stringLikeRegexp('maxCapacity is'))).toEqual([]);
    expect(ecsService(s).CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE', Weight: 1 }]);
    expect(ecsService(s).EnableExecuteCommand).toBe(false);
    // min = max = 1: nothing to scale between, so no target tracking policy (and none of its two alarms)
    s.template.resourceCountIs('AWS::ApplicationAutoScaling::ScalingPolicy', 0);
    expect(resourceOf(s, s.tts.containerService.logGroup).DeletionPolicy).toBe('Retain');
    expect(resourceOf(s, s.tts.frontend!.bucket).DeletionPolicy).toBe('Retain');
    s.template.resourceCountIs('Custom::S3AutoDeleteObjects', 0);
  });

  test('the created secret (the operator puts the key into it) is retained with the stack by default', () => {
    const secret = Object.values(serviceSecrets(s));
    expect(secret).toHaveLength(1);
    expect(secret[0].DeletionPolicy).toBe('Retain');
  });
});

describe('TtsService passes scaling and operations settings on', () => {
  let s: Synth;
  beforeAll(() => {
    s = synth({
      frontendPath: SITE,
      minCapacity: 2,
      maxCapacity: 5,
      fargateSpot: true,
      enableExecuteCommand: true,
      cpuTargetUtilizationPercent: 45,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  });

  test('minCapacity: scales from 2, and the schedule starts 2 (no DesiredCount in the template)', () => {
    expect(ecsService(s).DesiredCount).toBeUndefined();
    const target = scalableTarget(s).props;
    expect(target.MinCapacity).toBe(2);
    expect(target.ScheduledActions[0]).toEqual(expect.objectContaining({
      Schedule: 'cron(0 7 ? * MON-FRI *)',
      ScalableTargetAction: expect.objectContaining({ MinCapacity: 2 }),
    }));
  });

  test('maxCapacity: scales up to 5 tasks, also after the schedule starts', () => {
    const target = scalableTarget(s).props;
    expect(target.MaxCapacity).toBe(5);
    expect(target.ScheduledActions[0].ScalableTargetAction).toEqual({ MinCapacity: 2, MaxCapacity: 5 });
    expect(target.ScheduledActions[1].ScalableTargetAction).toEqual({ MinCapacity: 0, MaxCapacity: 0 });
  });

  test('maxCapacity above 1: a warning that the WebSocket clients live in one task', () => {
    const warnings = Annotations.fromStack(s.stack).findWarning('*', Match.stringLikeRegexp('maxCapacity is 5: .*live in one task'));
    expect(warnings).toHaveLength(1);
  });

  test('fargateSpot: runs on FARGATE_SPOT only', () => {
    expect(ecsService(s).CapacityProviderStrategy).toEqual([{ CapacityProvider: 'FARGATE_SPOT', Weight: 1 }]);
  });

  test('enableExecuteCommand: ECS Exec is on and the task role may open SSM message channels', () => {
    expect(ecsService(s).EnableExecuteCommand).toBe(true);
    const taskRole = idOf(s.stack, s.tts.containerService.taskDefinition.taskRole);
    const statements = policiesOfRole(s, taskRole).flatMap(d => d.Statement);
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({
      Effect: 'Allow',
      Action: expect.arrayContaining(['ssmmessages:CreateControlChannel', 'ssmmessages:OpenDataChannel']),
    })]));
  });

  test('cpuTargetUtilizationPercent: target tracking keeps 45% average CPU', () => {
    expect(cpuTargetValue(s)).toBe(45);
  });

  test('utilizationAlarms reaches the container service: false leaves no CPU or memory alarm', () => {
    const lean = synth({ utilizationAlarms: false });
    const names = Object.values(lean.template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName);
    expect(names).toContain('georgi-jessica-no-running-task');
    expect(names.filter(n => /jessica-(cpu|memory)-high/.test(n))).toEqual([]);
    const defaults = synth();
    expect(Object.values(defaults.template.findResources('AWS::CloudWatch::Alarm')).map(a => a.Properties.AlarmName))
      .toEqual(expect.arrayContaining(['georgi-jessica-cpu-high', 'georgi-jessica-memory-high']));
  });

  test('removalPolicy: the created secret goes with the stack too', () => {
    const secret = Object.values(serviceSecrets(s));
    expect(secret).toHaveLength(1);
    expect(secret[0].DeletionPolicy).toBe('Delete');
  });

  test('removalPolicy: the log group and the site bucket (emptied first) go with the stack', () => {
    const logGroup = resourceOf(s, s.tts.containerService.logGroup);
    expect(logGroup.Properties.LogGroupName).toBe('/platform/georgi/services/jessica');
    expect(logGroup.DeletionPolicy).toBe('Delete');
    expect(logGroup.UpdateReplacePolicy).toBe('Delete');
    const bucket = resourceOf(s, s.tts.frontend!.bucket);
    expect(bucket.DeletionPolicy).toBe('Delete');
    expect(bucket.UpdateReplacePolicy).toBe('Delete');
    s.template.hasResourceProperties('Custom::S3AutoDeleteObjects', {
      BucketName: { Ref: idOf(s.stack, s.tts.frontend!.bucket) },
    });
  });
});

describe('TtsService with overrides and a passed secret', () => {
  let s: Synth;
  let secret: secretsmanager.ISecret;
  beforeAll(() => {
    s = synth({
      defaultVoiceId: 'pNInz6obpgDQGcFmaJgB',
      defaultModelId: 'eleven_multilingual_v2',
      containerPort: 9100,
      elevenLabsBaseUrl: 'https://eu.api.elevenlabs.io',
      environment: { LOG_LEVEL: 'debug', FEATURE_X: 'on' },
      schedule: ServiceSchedule.ALWAYS_ON,
      logRetention: logs.RetentionDays.ONE_MONTH,
      cpu: 1024,
      memoryLimitMiB: 2048,
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
    }, stack => {
      secret = secretsmanager.Secret.fromSecretNameV2(stack, 'ElevenLabs', 'shared/elevenlabs');
      return { elevenLabsSecret: secret };
    });
  });

  test('the overrides reach the environment', () => {
    expect(env(s)).toEqual(expect.objectContaining({
      ROOT_PATH: '/jessica',
      PORT: '9100',
      DEFAULT_VOICE_ID: 'pNInz6obpgDQGcFmaJgB',
      DEFAULT_MODEL_ID: 'eleven_multilingual_v2',
      ELEVENLABS_BASE_URL: 'https://eu.api.elevenlabs.io',
      LOG_LEVEL: 'debug',
      FEATURE_X: 'on',
    }));
  });

  test('the container port, size and architecture are passed on', () => {
    expect(container(s).PortMappings).toEqual([expect.objectContaining({ ContainerPort: 9100 })]);
    s.template.hasResourceProperties('AWS::ECS::TaskDefinition', {
      Cpu: '1024',
      Memory: '2048',
      RuntimePlatform: Match.objectLike({ CpuArchitecture: 'ARM64' }),
    });
    s.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 9100 });
  });

  test('creates no secret and injects the whole passed secret', () => {
    expect(serviceSecrets(s)).toEqual({});
    expect(s.tts.elevenLabsSecret).toBe(secret);
    expect(container(s).Secrets).toEqual([{ Name: 'ELEVENLABS_API_KEY', ValueFrom: s.stack.resolve(secret.secretArn) }]);
    expect(JSON.stringify(container(s).Secrets)).not.toMatch(/:[a-z_]*::"/);
  });

  test('the execution role may read only the passed secret', () => {
    const executionRole = idOf(s.stack, s.tts.containerService.taskDefinition.executionRole!);
    const statements = secretStatements(s);
    expect(statements).toHaveLength(1);
    expect(statements[0].roles).toEqual([{ Ref: executionRole }]);
    expect(JSON.stringify(statements[0].statement.Resource)).toContain('secret:shared/elevenlabs-??????');
    expect(Array.isArray(statements[0].statement.Resource)).toBe(false);
  });

  test('always on: no scheduled actions', () => {
    const target = Object.values(s.template.findResources('AWS::ApplicationAutoScaling::ScalableTarget'))[0];
    expect(target.Properties.ScheduledActions).toBeUndefined();
  });

  test('log retention override', () => {
    s.template.hasResourceProperties('AWS::Logs::LogGroup', { LogGroupName: '/platform/georgi/services/jessica', RetentionInDays: 30 });
  });

  test('without frontendPath: no distribution besides the platform front door, no CORS', () => {
    s.template.resourceCountIs('AWS::CloudFront::Distribution', 1);
    s.template.resourceCountIs('Custom::CDKBucketDeployment', 0);
    expect(s.tts.frontend).toBeUndefined();
    expect(env(s)).not.toHaveProperty('CORS_ALLOW_ORIGINS');
    expect(s.template.findResources('AWS::ApiGatewayV2::Route', { Properties: { RouteKey: Match.stringLikeRegexp('^OPTIONS ') } })).toEqual({});
    expect(Object.keys(s.template.toJSON().Outputs).filter(id => id.startsWith('JessicaFrontendUrl'))).toEqual([]);
  });

  test('still outputs the WebSocket and MCP URLs', () => {
    expect(outputValue(s, 'JessicaWebSocketUrl')).toBe('wss://api.georgi.io/jessica/ws');
    expect(outputValue(s, 'JessicaMcpUrl')).toBe('https://api.georgi.io/jessica/mcp');
  });
});

describe('TtsService with a passed secret and a JSON field', () => {
  let s: Synth;
  let secret: secretsmanager.ISecret;
  beforeAll(() => {
    s = synth({ elevenLabsSecretField: 'key' }, stack => {
      secret = secretsmanager.Secret.fromSecretNameV2(stack, 'ElevenLabs', 'shared/elevenlabs');
      return { elevenLabsSecret: secret };
    });
  });

  test('injects the field as <secret arn>:key::', () => {
    expect(s.stack.resolve(secret.secretArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:shared/elevenlabs']],
    });
    expect(container(s).Secrets).toEqual([{
      Name: 'ELEVENLABS_API_KEY',
      ValueFrom: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':secretsmanager:us-east-1:123456789012:secret:shared/elevenlabs:key::']] },
    }]);
  });
});

describe('TtsService never puts the key into a template', () => {
  let s: Synth;
  let secretId: string;
  beforeAll(() => {
    s = synth({ elevenLabsSecretField: 'api_key', frontendPath: SITE }, stack => {
      const secret = new secretsmanager.Secret(stack, 'OperatorSecret', {
        secretObjectValue: { api_key: SecretValue.unsafePlainText(KNOWN_KEY) },
      });
      secretId = idOf(stack, secret);
      return { elevenLabsSecret: secret };
    });
  });

  test('the known key appears only in the secret resource the test itself created', () => {
    const json = s.template.toJSON();
    expect(JSON.stringify(json.Resources[secretId])).toContain(KNOWN_KEY);
    const others = { ...json, Resources: { ...json.Resources } };
    delete others.Resources[secretId];
    expect(JSON.stringify(others)).not.toContain(KNOWN_KEY);
  });

  test('the key is not in any asset (config.json, site) either', () => {
    const assets = fs.readdirSync(s.app.outdir).filter(f => f.startsWith('asset.'));
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const full = path.join(s.app.outdir, asset);
      const files = fs.statSync(full).isDirectory() ? fs.readdirSync(full).map(f => path.join(full, f)) : [full];
      for (const file of files.filter(f => fs.statSync(f).isFile())) {
        expect(fs.readFileSync(file).includes(KNOWN_KEY)).toBe(false);
      }
    }
  });

  test('the field of the passed secret is referenced, not resolved', () => {
    expect(container(s).Secrets).toEqual([{
      Name: 'ELEVENLABS_API_KEY',
      ValueFrom: { 'Fn::Join': ['', [{ Ref: secretId }, ':api_key::']] },
    }]);
  });
});

describe('TtsService runs its container read-only, as a non-root user, with a memory limit, no capabilities and an init process', () => {
  function taskDefinition(s: Synth): any {
    return s.template.toJSON().Resources[idOf(s.stack, s.tts.containerService.taskDefinition)].Properties;
  }

  test('defaults: ContainerService\'s, on the one container (no sidecar) with all of the task\'s memory', () => {
    const s = synth();
    const c = container(s);
    expect(c.ReadonlyRootFilesystem).toBe(true);
    expect(c.User).toBe('1000:1000');
    expect(taskDefinition(s).Memory).toBe('1024');
    expect(c.Memory).toBe(1024);
    expect(c.LinuxParameters).toEqual({ Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true });
    expect(taskDefinition(s).Volumes).toEqual([{ Name: 'scratch-tmp' }]);
    expect(c.MountPoints).toEqual([{ SourceVolume: 'scratch-tmp', ContainerPath: '/tmp', ReadOnly: false }]);
  });

  test('the options are passed on: user, writable paths, memory limit, capabilities, init process', () => {
    const s = synth({
      cpu: 1024,
      memoryLimitMiB: 2048,
      user: '65534',
      writablePaths: ['/tmp', '/var/cache/jessica'],
      containerMemoryLimitMiB: 1792,
      dropCapabilities: [ecs.Capability.NET_RAW],
      initProcessEnabled: false,
    });
    const c = container(s);
    expect(c.User).toBe('65534');
    expect(c.Memory).toBe(1792);
    expect(c.LinuxParameters).toEqual({ Capabilities: { Drop: ['NET_RAW'] }, InitProcessEnabled: false });
    expect(c.MountPoints.map((m: any) => m.ContainerPath)).toEqual(['/tmp', '/var/cache/jessica']);
  });

  test('readonlyRootFilesystem: false and root with allowRootUser are passed on', () => {
    const c = container(synth({ readonlyRootFilesystem: false, user: '0', allowRootUser: true }));
    expect(c.ReadonlyRootFilesystem).toBe(false);
    expect(c.User).toBe('0');
    expect(c.MountPoints).toBeUndefined();
  });

  test('a root user without allowRootUser fails at synth, as on ContainerService', () => {
    expect(() => synth({ user: 'root' })).toThrow(/Platform\/Jessica\/Service: invalid user "root": root is refused/);
  });
});

describe('TtsService validation', () => {
  let stack: Stack;
  let platform: GlobalPlatform;
  let n = 0;
  const make = (props: Partial<TtsServiceProps>) => {
    n++;
    return () => new TtsService(stack, `Tts${n}`, {
      platform,
      serviceName: `tts${n}`,
      image: IMAGE,
      ...props,
    });
  };
  beforeAll(() => {
    stack = new Stack(new App(), 'Platform', { env: ENV });
    platform = georgiPlatform(stack, { longLivedConnections: {} });
  });

  test('a platform without longLivedConnections is refused', () => {
    const other = new Stack(new App(), 'Other', { env: ENV });
    const plain = georgiPlatform(other);
    expect(() => new TtsService(other, 'Jessica', { platform: plain, serviceName: 'jessica', image: IMAGE }))
      .toThrow(/^Other\/Jessica: invalid platform "georgi": TtsService serves WebSockets and MCP streams: the platform needs longLivedConnections \(or, imported, .*; in an additional region, that region's entry of additionalRegions needs its own longLivedConnections$/);
  });

  test('an imported platform without longLivedConnections is refused', () => {
    const other = new Stack(new App(), 'Other', { env: ENV });
    const imported = GlobalPlatform.fromPlatformName(other, 'Platform', 'georgi', { domainName: 'georgi.io' });
    expect(() => new TtsService(other, 'Jessica', { platform: imported, serviceName: 'jessica', image: IMAGE }))
      .toThrow(/invalid platform "georgi": .*fromPlatformName\(\.\.\., \{ longLivedConnections: \{\} \}\)/);
  });

  test('elevenLabsSecretField without elevenLabsSecret is refused', () => {
    expect(make({ elevenLabsSecretField: 'api_key' })).toThrow(/invalid elevenLabsSecretField "api_key": only used with elevenLabsSecret$/);
  });

  test.each(['api.elevenlabs.io', 'ftp://api.elevenlabs.io', 'https://', 'https://api elevenlabs.io',
    // the task's security group lets it out on 443 only
    'http://api.elevenlabs.io', 'https://api.elevenlabs.io:8443'])(
    'elevenLabsBaseUrl %j is refused', url => {
      expect(make({ elevenLabsBaseUrl: url })).toThrow(new RegExp(`invalid elevenLabsBaseUrl ${JSON.stringify(url).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: expected an https:// URL on the default port`));
    });

  test('a proper elevenLabsBaseUrl is accepted', () => {
    expect(make({ elevenLabsBaseUrl: 'https://api.elevenlabs.io' })).not.toThrow();
    expect(make({ elevenLabsBaseUrl: 'https://api.elevenlabs.io:443/v1' })).not.toThrow();
  });

  test.each(['Jessica', 'j', 'jessica_tts', '1jessica', 'jessica-'])('serviceName %j is refused by TtsService itself', serviceName => {
    n++;
    expect(() => new TtsService(stack, `Bad${n}`, { platform, serviceName, image: IMAGE }))
      .toThrow(new RegExp(`^Platform/Bad${n}: invalid serviceName "${serviceName}": expected 2-32 characters`));
  });

  test('a bad frontend folder is refused, naming frontendPath', () => {
    expect(make({ frontendPath: path.join(SITE, 'missing') })).toThrow(/invalid frontendPath .*does not exist or is not a folder/);
  });
});
