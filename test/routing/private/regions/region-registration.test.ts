import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Aspects, CfnResource, IPolicyValidationContextBeta1, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as nag2 from 'cdk-nag';
import * as nag3 from 'cdk-nag-v3';
import { Construct, IConstruct } from 'constructs';
import { ApiRoutes, ApiTarget, ContainerService, GlobalPlatform, GuardWaiversValidator, IGlobalPlatform, PathMode, TtsService } from '../../../../src';
import { RegionDrainAction, RegionRegistration } from '../../../../src/routing/private/regions/region-registration';
import { testStack } from '../../../helpers/fixtures';
import { Resource, resources } from '../../../helpers/templates';

// The registration of a service in its stack's Region (a custom resource on a function shared by
// the stack's services) and the drain action, as templates: the properties, the function, the
// policy of exactly the three KeyValueStore actions on the store, and both cdk-nag majors.

const STORE_PARAMETER = '/platform/georgi/front-door/region-router-store-arn';
const WRITER_ACTIONS = ['cloudfront-keyvaluestore:DescribeKeyValueStore', 'cloudfront-keyvaluestore:PutKey', 'cloudfront-keyvaluestore:DeleteKey',
  'cloudfront-keyvaluestore:GetKey'];

/** A service repository's stack in eu-west-1 with the platform imported (`multiRegion` as given). */
function serviceStack(multiRegion: boolean | undefined, app = new App(), longLived = false): { stack: Stack; platform: IGlobalPlatform } {
  const stack = testStack(app, 'Service', 'eu-west-1');
  const platform = GlobalPlatform.fromPlatformName(stack, 'Platform', 'georgi', {
    domainName: 'georgi.io', multiRegion, longLivedConnections: longLived ? {} : undefined,
  });
  return { stack, platform };
}

function lambdaRoutes(stack: Stack, platform: IGlobalPlatform, serviceName: string): ApiRoutes {
  const fn = new lambda.Function(stack, `${serviceName}Fn`, {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
  });
  return new ApiRoutes(stack, `${serviceName}Routes`, { platform, serviceName, target: ApiTarget.lambdaFunction(fn) });
}

/** The writer functions: the ones whose inline code is the kvs writer's. */
function writers(template: Template): Record<string, Resource> {
  return Object.fromEntries(Object.entries(resources(template, 'AWS::Lambda::Function'))
    .filter(([, r]) => JSON.stringify(r.Properties.Code?.ZipFile ?? '').includes('kvsWriterHandler')));
}

/** The statements of the policies attached to `roleId`. */
function statementsOf(template: Template, roleId: string): any[] {
  return Object.values(resources(template, 'AWS::IAM::Policy'))
    .filter(p => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(p => p.Properties.PolicyDocument.Statement);
}

/** The CloudFormation parameter that reads the store's ARN from SSM. */
function storeParameter(template: Template): string {
  const found = Object.entries(template.toJSON().Parameters ?? {})
    .filter(([, p]: [string, any]) => p.Default === STORE_PARAMETER).map(([id]) => id);
  expect(found).toHaveLength(1);
  return found[0];
}

describe('RegionRegistration through ApiRoutes', () => {
  test('an imported platform with multiRegion: a custom resource with the service name and the store from SSM', () => {
    const { stack, platform } = serviceStack(true);
    const routes = lambdaRoutes(stack, platform, 'jessica');
    const template = Template.fromStack(stack);
    const registrations = resources(template, 'Custom::RegionRegistration');
    expect(Object.keys(registrations)).toHaveLength(1);
    const [id, registration] = Object.entries(registrations)[0];
    expect(id).toMatch(/^jessicaRoutesRegionRegistration/);
    expect(registration.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [Object.keys(writers(template))[0], 'Arn'] },
      StoreArn: { Ref: storeParameter(template) },
      ServiceName: 'jessica',
    });
    // Announced once the routes exist, withdrawn before they are removed.
    const routeIds = routes.routes.map(r => stack.getLogicalId(r.node.defaultChild as any));
    expect(registration.DependsOn).toEqual(expect.arrayContaining(routeIds));
    expect(routes.node.tryFindChild('RegionRegistration')).toBeInstanceOf(RegionRegistration);
  });

  test('a ContainerService: announced once its ECS service is created (its tasks are stable), withdrawn before it is deleted', () => {
    const { stack, platform } = serviceStack(true);
    const service = new ContainerService(stack, 'Orders', {
      platform, serviceName: 'orders', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/hello:1'),
    });
    const template = Template.fromStack(stack);
    const ecsServices = Object.keys(resources(template, 'AWS::ECS::Service'));
    expect(ecsServices).toEqual([stack.getLogicalId(service.service.node.defaultChild as CfnResource)]);
    const registrations = Object.values(resources(template, 'Custom::RegionRegistration'));
    expect(registrations.map(r => r.Properties.ServiceName)).toEqual(['orders']);
    expect(registrations[0].DependsOn).toEqual(expect.arrayContaining(ecsServices));
    // Still after its routes too, under the same construct id.
    const routeIds = service.routes!.routes.map(r => stack.getLogicalId(r.node.defaultChild as CfnResource));
    expect(registrations[0].DependsOn).toEqual(expect.arrayContaining(routeIds));
    expect(service.routes!.node.tryFindChild('RegionRegistration')).toBeInstanceOf(RegionRegistration);
  });

  test('ApiTarget.ecsService binds the ECS service as what must serve before the Region is announced', () => {
    const { stack, platform } = serviceStack(true);
    const service = new ContainerService(stack, 'Orders', {
      platform, serviceName: 'orders', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/hello:1'),
    });
    const binding = ApiTarget.ecsService(service.service, 8080).bind({ scope: new Construct(stack, 'Scope'), platform, pathMode: PathMode.KEEP_BASE_PATH, basePath: '/orders' });
    expect(binding.servingDependencies).toEqual([service.service]);
  });

  test('the function: Node.js 24 on arm64, its own log group, a role with exactly the three store actions on the store', () => {
    const { stack, platform } = serviceStack(true);
    lambdaRoutes(stack, platform, 'jessica');
    const template = Template.fromStack(stack);
    const [fnId, fn] = Object.entries(writers(template))[0];
    expect(fnId).toMatch(/^PlatformRegionRegistrationWriterHandler/);
    expect(fn.Properties).toMatchObject({ Runtime: 'nodejs24.x', Architectures: ['arm64'], Handler: 'index.handler', Timeout: 120 });
    expect(fn.Properties.Environment).toBeUndefined();
    const logGroupId = fn.Properties.LoggingConfig.LogGroup.Ref;
    expect(resources(template, 'AWS::Logs::LogGroup')[logGroupId]).toMatchObject({ Properties: { RetentionInDays: 30 }, DeletionPolicy: 'Delete' });
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    expect(resources(template, 'AWS::IAM::Role')[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    const statements = statementsOf(template, roleId);
    expect(statements).toHaveLength(2);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: WRITER_ACTIONS, Resource: { Ref: storeParameter(template) } });
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [{ 'Fn::GetAtt': [logGroupId, 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logGroupId, 'Arn'] }, ':log-stream:*']] }],
    });
  });

  test('the function carries its runtime waiver; the log retention is ApiRoutes\' logRetention', () => {
    const { stack, platform } = serviceStack(true);
    const fn = lambda.Function.fromFunctionArn(stack, 'X', 'arn:aws:lambda:eu-west-1:123456789012:function:x');
    new ApiRoutes(stack, 'Routes', { platform, serviceName: 'jessica', target: ApiTarget.lambdaFunction(fn), logRetention: logs.RetentionDays.ONE_WEEK });
    const template = Template.fromStack(stack);
    const writer = Object.values(writers(template))[0];
    expect(writer.Metadata?.cdk_nag.rules_to_suppress.map((r: { id: string }) => r.id)).toContain('AwsSolutions-L1');
    expect(resources(template, 'AWS::Logs::LogGroup')[writer.Properties.LoggingConfig.LogGroup.Ref].Properties.RetentionInDays).toBe(7);
  });

  test('two services in one stack share one function (and one grant); each has its registration', () => {
    const { stack, platform } = serviceStack(true);
    lambdaRoutes(stack, platform, 'jessica');
    lambdaRoutes(stack, platform, 'echo');
    const template = Template.fromStack(stack);
    expect(Object.keys(writers(template))).toHaveLength(1);
    const names = Object.values(resources(template, 'Custom::RegionRegistration')).map(r => r.Properties.ServiceName).sort();
    expect(names).toEqual(['echo', 'jessica']);
    const roleId = Object.values(writers(template))[0].Properties.Role['Fn::GetAtt'][0];
    expect(statementsOf(template, roleId).filter(s => JSON.stringify(s.Action) === JSON.stringify(WRITER_ACTIONS))).toHaveLength(1);
  });

  test('a stack\'s registrations run one after another: each depends on the one made before it (they would race for the store\'s ETag)', () => {
    const { stack, platform } = serviceStack(true);
    const ids = ['jessica', 'echo', 'orders'].map(name => {
      const routes = lambdaRoutes(stack, platform, name);
      const registration = routes.node.findChild('RegionRegistration') as RegionRegistration;
      return stack.getLogicalId(registration.resource.node.defaultChild as CfnResource);
    });
    const registrations = resources(Template.fromStack(stack), 'Custom::RegionRegistration');
    const registrationsBefore = (id: string) => (registrations[id].DependsOn ?? []).filter((d: string) => d in registrations);
    expect(registrationsBefore(ids[0])).toEqual([]);
    expect(registrationsBefore(ids[1])).toEqual([ids[0]]);
    expect(registrationsBefore(ids[2])).toEqual([ids[1]]);
  });

  test('a second store in the same stack is granted too', () => {
    const { stack } = serviceStack(true);
    const a = cloudfront.KeyValueStore.fromKeyValueStoreArn(stack, 'A', 'arn:aws:cloudfront::123456789012:key-value-store/aaaa');
    const b = cloudfront.KeyValueStore.fromKeyValueStoreArn(stack, 'B', 'arn:aws:cloudfront::123456789012:key-value-store/bbbb');
    new RegionRegistration(stack, 'One', { store: a, serviceName: 'one' });
    new RegionRegistration(stack, 'Two', { store: b, serviceName: 'two' });
    new RegionRegistration(stack, 'Three', { store: a, serviceName: 'three' });
    const template = Template.fromStack(stack);
    const roleId = Object.values(writers(template))[0].Properties.Role['Fn::GetAtt'][0];
    const granted = statementsOf(template, roleId).filter(s => JSON.stringify(s.Action) === JSON.stringify(WRITER_ACTIONS)).map(s => s.Resource);
    expect(granted).toEqual([a.keyValueStoreArn, b.keyValueStoreArn]);
  });

  test.each([false, undefined])('without multiRegion (%s): no registration, no function, no store parameter', (multiRegion) => {
    const { stack, platform } = serviceStack(multiRegion);
    lambdaRoutes(stack, platform, 'jessica');
    const template = Template.fromStack(stack);
    expect(resources(template, 'Custom::RegionRegistration')).toEqual({});
    expect(writers(template)).toEqual({});
    expect(JSON.stringify(template.toJSON().Parameters ?? {})).not.toContain('region-router-store-arn');
  });

  test('regionRouting: true on a platform without a router (imported without multiRegion): a warning, no registration; unset or false: no warning', () => {
    const { stack, platform } = serviceStack(undefined);
    const fn = lambda.Function.fromFunctionArn(stack, 'X', 'arn:aws:lambda:eu-west-1:123456789012:function:x');
    new ApiRoutes(stack, 'On', { platform, serviceName: 'on', target: ApiTarget.lambdaFunction(fn), regionRouting: true });
    new ApiRoutes(stack, 'Unset', { platform, serviceName: 'unset', target: ApiTarget.lambdaFunction(fn) });
    new ApiRoutes(stack, 'Off', { platform, serviceName: 'off', target: ApiTarget.lambdaFunction(fn), regionRouting: false });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('regionRouting has no effect'));
    expect(warnings.map(w => w.id)).toEqual(['/Service/On']);
    expect(String(warnings[0].entry.data)).toContain('GlobalPlatform.fromPlatformName(..., { multiRegion: true })');
    expect(resources(Template.fromStack(stack), 'Custom::RegionRegistration')).toEqual({});
  });

  test('a base path that does not start with the service name: a warning that the service stays in the primary', () => {
    const { stack, platform } = serviceStack(true);
    const fn = lambda.Function.fromFunctionArn(stack, 'X', 'arn:aws:lambda:eu-west-1:123456789012:function:x');
    new ApiRoutes(stack, 'Team', { platform, serviceName: 'app', basePath: '/team/app', target: ApiTarget.lambdaFunction(fn) });
    new ApiRoutes(stack, 'Own', { platform, serviceName: 'jessica', basePath: '/jessica/v2', target: ApiTarget.lambdaFunction(fn) });
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('picks a Region by the first segment'));
    expect(warnings.map(w => [w.id, String(w.entry.data).split('.')[0]])).toEqual([[
      '/Service/Team',
      'the front door picks a Region by the first segment of the path ("team" of /team/app), not app:'
      + ' the service is not registered in this region and its requests go to the platform\'s primary region',
    ]]);
    // Registered under "app", /team/* would never be routed; under "team" it would route other services' paths.
    const names = Object.values(resources(Template.fromStack(stack), 'Custom::RegionRegistration')).map(r => r.Properties.ServiceName);
    expect(names).toEqual(['jessica']);
  });

  test('regionRouting: false deploys the routes without registering the Region', () => {
    const { stack, platform } = serviceStack(true);
    const fn = new lambda.Function(stack, 'Fn2', { runtime: lambda.Runtime.NODEJS_24_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler=async()=>({})') });
    new ApiRoutes(stack, 'Quiet', { platform, serviceName: 'quiet', regionRouting: false, target: ApiTarget.lambdaFunction(fn) });
    const template = Template.fromStack(stack);
    template.resourceCountIs('Custom::RegionRegistration', 0);
    template.resourcePropertiesCountIs('AWS::ApiGatewayV2::Route', { RouteKey: 'ANY /quiet/{proxy+}' }, 1);
  });

  test('a service with long-lived paths bound in the Region registers them too (LongLived), one without does not', () => {
    const { stack, platform } = serviceStack(true, new App(), true);
    new TtsService(stack, 'Tts', { platform, serviceName: 'jessica', regionRouting: true, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1') });
    lambdaRoutes(stack, platform, 'plain');
    const registrations = Object.values(resources(Template.fromStack(stack), 'Custom::RegionRegistration'));
    expect(registrations.map(r => [r.Properties.ServiceName, r.Properties.LongLived])).toEqual([['jessica', 'true'], ['plain', undefined]]);
  });

  test('TtsService stays in the primary by default (its WebSocket hub is in memory there)', () => {
    const { stack, platform } = serviceStack(true, new App(), true);
    new TtsService(stack, 'Tts', { platform, serviceName: 'jessica', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1') });
    Template.fromStack(stack).resourceCountIs('Custom::RegionRegistration', 0);
  });

  test('TtsService with regionRouting goes through ApiRoutes: it registers its service, after its long-lived target group', () => {
    const { stack, platform } = serviceStack(true, new App(), true);
    new TtsService(stack, 'Tts', { platform, serviceName: 'jessica', regionRouting: true, image: ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1') });
    const template = Template.fromStack(stack);
    const registrations = Object.values(resources(template, 'Custom::RegionRegistration'));
    expect(registrations.map(r => r.Properties.ServiceName)).toEqual(['jessica']);
    const targetGroup = Object.keys(resources(template, 'AWS::ElasticLoadBalancingV2::TargetGroup'));
    expect(targetGroup).toHaveLength(1);
    expect(registrations[0].DependsOn).toEqual(expect.arrayContaining(targetGroup));
  });

  test('the stack-root id of the function is reserved', () => {
    const { stack } = serviceStack(true);
    new cloudwatch.Dashboard(stack, 'PlatformRegionRegistrationWriter');
    const store = cloudfront.KeyValueStore.fromKeyValueStoreArn(stack, 'A', 'arn:aws:cloudfront::123456789012:key-value-store/aaaa');
    expect(() => new RegionRegistration(stack, 'One', { store, serviceName: 'one' })).toThrow(/PlatformRegionRegistrationWriter is not the region registration function/);
  });
});

describe('RegionDrainAction', () => {
  test('refuses to be made without the store or the parameter that holds its arn', () => {
    const stack = testStack(new App(), 'Platform', 'eu-west-1');
    expect(() => new RegionDrainAction(stack, 'Drain', { platformName: 'georgi' })).toThrow(/invalid store undefined: give the store or the ssm parameter/);
  });

  function drainStack() {
    const stack = testStack(new App(), 'Platform', 'eu-west-1');
    const store = cloudfront.KeyValueStore.fromKeyValueStoreArn(stack, 'Store', 'arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c');
    const drain = new RegionDrainAction(stack, 'Drain', { store, platformName: 'georgi' });
    const alarm = new cloudwatch.Alarm(stack, 'Health', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName: '5xx' }), threshold: 1, evaluationPeriods: 1,
    });
    alarm.addAlarmAction(drain.alarmAction);
    return { stack, drain, alarm, template: Template.fromStack(stack) };
  }

  test('the alarm invokes the writer, which CloudWatch alarms may call for that alarm only; STORE_ARN names the store', () => {
    const { template } = drainStack();
    const [fnId, fn] = Object.entries(writers(template))[0];
    expect(fn.Properties.Environment.Variables).toEqual({ STORE_ARN: 'arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c' });
    const alarm = Object.values(resources(template, 'AWS::CloudWatch::Alarm'))[0];
    expect(alarm.Properties.AlarmActions).toEqual([{ 'Fn::GetAtt': [fnId, 'Arn'] }]);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnId, 'Arn'] },
      Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Object.keys(resources(template, 'AWS::CloudWatch::Alarm'))[0], 'Arn'] },
      SourceAccount: '123456789012',
    });
    const statements = statementsOf(template, fn.Properties.Role['Fn::GetAtt'][0]);
    expect(statements).toContainEqual({ Effect: 'Allow', Action: WRITER_ACTIONS, Resource: 'arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c' });
    expect(statements).toHaveLength(2);
    // The platform's log groups are kept.
    expect(resources(template, 'AWS::Logs::LogGroup')[fn.Properties.LoggingConfig.LogGroup.Ref]).toMatchObject({ DeletionPolicy: 'Retain' });
  });

  test('log retention and removal policy are the platform\'s when given', () => {
    const stack = testStack(new App(), 'Platform', 'eu-west-1');
    const store = cloudfront.KeyValueStore.fromKeyValueStoreArn(stack, 'Store', 'arn:aws:cloudfront::123456789012:key-value-store/0f1e2d3c');
    new RegionDrainAction(stack, 'Drain', { store, platformName: 'georgi', logRetention: logs.RetentionDays.ONE_WEEK });
    Template.fromStack(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  });
});

// ---------------------------------------------------------------------------------------- cdk-nag

function nag2Findings(stack: Stack): string[] {
  const pattern = Match.stringLikeRegexp('^(AwsSolutions|NIST\\.800\\.53\\.R5|CdkNagValidationFailure)');
  const annotations = Annotations.fromStack(stack);
  return [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)]
    .map(e => `${String(e.entry.data).split(':')[0]} ${e.id}`).sort();
}

function nag3Findings(scope: IConstruct): string[] {
  return [new nag3.AwsSolutionsChecks(), new nag3.NIST80053R5Checks()].flatMap(pack => pack.validateScope(scope).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`))).sort();
}

describe('cdk-nag over two registered services and a drain action', () => {
  /** Only the writers' findings (the test's own target functions are not the library's). */
  const writerFindings = (findings: string[]) => findings.filter(f => /RegionRegistration|Drain/.test(f));

  function build(nag: boolean) {
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'region-registration-')) });
    const { stack, platform } = serviceStack(true, app);
    if (nag) {
      Aspects.of(app).add(new nag2.AwsSolutionsChecks());
      Aspects.of(app).add(new nag2.NIST80053R5Checks());
    }
    lambdaRoutes(stack, platform, 'jessica');
    lambdaRoutes(stack, platform, 'echo');
    const drain = new RegionDrainAction(stack, 'Drain', { store: platform.regionRouterStore!, platformName: 'georgi' });
    new cloudwatch.Alarm(stack, 'Health', {
      metric: new cloudwatch.Metric({ namespace: 'AWS/ApiGateway', metricName: '5xx' }), threshold: 1, evaluationPeriods: 1,
    }).addAlarmAction(drain.alarmAction);
    const assembly = app.synth();
    return { app, stack, assembly };
  }

  test('cdk-nag 2 (AwsSolutions, NIST 800-53 R5): nothing unsuppressed on the writers', () => {
    const { stack } = build(true);
    const all = nag2Findings(stack);
    expect(all.length).toBeGreaterThan(0); // the packs ran (the test's own functions have findings)
    expect(writerFindings(all)).toEqual([]);
  });

  test('cdk-nag 3 (AwsSolutions, NIST 800-53 R5): no violation on the writers', () => {
    const { app } = build(false);
    const all = nag3Findings(app);
    expect(all.length).toBeGreaterThan(0);
    expect(writerFindings(all)).toEqual([]);
  });

  test('Control Tower proactive controls (cfn-guard): no failure on the writers that is not waived where it is raised', () => {
    const { app, assembly, stack } = build(false);
    // As test/core/controls.test.ts runs them (the two certificate rules do not apply here).
    const guard = new CfnGuardValidator({ controlTowerRulesEnabled: true, disabledRules: ['ct-cloudfront-pr-6', 'ct-cloudfront-pr-7'] });
    const templatePaths = assembly.stacksRecursively.map(s => s.templateFullPath);
    const context = { templatePaths, appConstruct: app } as unknown as IPolicyValidationContextBeta1;
    const findings = (waivers: boolean) => (waivers ? new GuardWaiversValidator({ plugin: guard }) : guard).validate(context).violations
      .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.resourceLogicalId}`));
    const writerIds = Object.keys(Template.fromStack(stack).toJSON().Resources).filter(id => /RegionRegistration|Drain/.test(id));
    const onWriters = (found: string[]) => found.filter(f => writerIds.includes(f.split(' ')[1]));
    expect(onWriters(findings(false)).length).toBeGreaterThan(0); // the rules ran and see the functions
    expect(onWriters(findings(true))).toEqual([]);
  });
});
