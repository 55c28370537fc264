import * as fs from 'fs';
import * as path from 'path';
import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as nag3Pack from 'cdk-nag-v3';
import { ApiRoutes, ApiTarget, ContainerService, GlobalPlatform, IGlobalPlatform, NatType, TtsService } from '../../src';
import { ENV, georgiPlatform } from '../helpers/fixtures';

const IMAGE = ecs.ContainerImage.fromRegistry('public.ecr.aws/georgi/jessica:1');
const SITE = path.join(__dirname, '../fixtures/site');

/** The newest Node.js runtime that the installed aws-cdk-lib knows: what cdk-nag's AwsSolutions-L1 asks for (nodejs26.x on 2.278). */
function newestNodeRuntime(): lambda.Runtime {
  const version = (r: lambda.Runtime) => Number(/^nodejs(\d+)/.exec(r.name)?.[1] ?? 0);
  return lambda.Runtime.ALL.filter(r => r.family === lambda.RuntimeFamily.NODEJS).sort((a, b) => version(a) - version(b)).pop()!;
}

/** The platform with every option on. */
function createPlatform(app: App): { stack: Stack; platform: GlobalPlatform } {
  const stack = new Stack(app, 'Platform', { env: ENV });
  const platform = georgiPlatform(stack, {
    longLivedConnections: {},
    waf: {},
    accessLogs: true,
    interfaceEndpoints: true,
    containerInsights: true,
    alarmEmails: ['ops@georgi.io'],
  });
  return { stack, platform };
}

/** Jessica with its web page, a container service, and a Lambda service (a compliant fixture: latest runtime, own role). */
function addServices(stack: Stack, platform: IGlobalPlatform, accessLogsBucket?: s3.IBucket): void {
  new TtsService(stack, 'Jessica', { platform, serviceName: 'jessica', image: IMAGE, frontendPath: SITE, accessLogsBucket });
  new ContainerService(stack, 'Service1', { platform, serviceName: 'service1', image: IMAGE });
  const role = new iam.Role(stack, 'Service2Role', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'service2 handler (no managed policies)',
  });
  const handler = new lambda.Function(stack, 'Service2Handler', {
    runtime: newestNodeRuntime(),
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200, body: "ok" });'),
    role,
  });
  new ApiRoutes(stack, 'Service2', { platform, serviceName: 'service2', target: ApiTarget.lambdaFunction(handler) });
}

function check(app: App): Stack[] {
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  return app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
}

/** cdk-nag 2's unsuppressed errors on the stack, then what cdk-nag 3's AwsSolutions pack reports on it. */
function nagErrors(stack: Stack): string[] {
  const nag2 = Annotations.fromStack(stack)
    .findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))
    .map(e => `${e.id}: ${String(e.entry.data).split('\n')[0]}`);
  const nag3 = new nag3Pack.AwsSolutionsChecks().validateScope(stack).violations
    .flatMap(v => v.violatingResources.map(r => `cdk-nag 3: ${v.ruleName} ${r.constructPath}`));
  return [...nag2, ...nag3];
}

/** Rows of cdk-nag's CSV report for one stack: [rule, resource path, compliance]. */
function reportRows(app: App, stack: Stack): string[][] {
  const file = path.join(app.outdir, `AwsSolutions-${stack.artifactId}-NagReport.csv`);
  const alternatives = fs.readdirSync(app.outdir).filter(f => f.endsWith(`-${stack.artifactId}-NagReport.csv`));
  const report = fs.existsSync(file) ? file : path.join(app.outdir, alternatives[0]);
  return fs.readFileSync(report, 'utf8').trim().split('\n').slice(1)
    .map(line => line.split('","').map(cell => cell.replace(/^"|"$/g, '')));
}

describe('cdk-nag AwsSolutions over the services', () => {
  describe('one app: the platform with every option and the three services', () => {
    let app: App;
    let stacks: Stack[];
    beforeAll(() => {
      app = new App();
      const { stack, platform } = createPlatform(app);
      addServices(stack, platform, platform.accessLogsBucket);
      stacks = check(app);
    });

    test('no unsuppressed error in any stack', () => {
      expect(stacks.map(s => s.stackName)).toEqual(['Platform']);
      for (const stack of stacks) {
        expect(nagErrors(stack)).toEqual([]);
      }
    });

    test('the checks really covered the three services', () => {
      const checked = new Set(reportRows(app, stacks[0]).map(row => row[1].split('/')[1]));
      for (const id of ['Jessica', 'Service1', 'Service2', 'Service2Handler', 'Service2Role']) {
        expect(checked.has(id)).toBe(true);
      }
    });

    test('the Lambda fixture is compliant by itself, not suppressed', () => {
      const rows = reportRows(app, stacks[0]).filter(row => row[1].startsWith('Platform/Service2Handler/') || row[1].startsWith('Platform/Service2Role/'));
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.filter(row => row[2] !== 'Compliant')).toEqual([]);
    });
  });

  describe('two apps: the platform in app A, the three services in app B on the imported platform', () => {
    let stacksA: Stack[];
    let stacksB: Stack[];
    let appB: App;
    beforeAll(() => {
      const appA = new App();
      createPlatform(appA);
      stacksA = check(appA);
      appB = new App();
      const services = new Stack(appB, 'Services', { env: ENV });
      const imported = GlobalPlatform.fromPlatformName(services, 'Platform', 'georgi', { domainName: 'georgi.io', longLivedConnections: {} });
      addServices(services, imported);
      stacksB = check(appB);
    });

    test('app A: no unsuppressed error', () => {
      expect(stacksA.map(s => s.stackName)).toEqual(['Platform']);
      for (const stack of stacksA) expect(nagErrors(stack)).toEqual([]);
    });

    test('app B: no unsuppressed error', () => {
      expect(stacksB.map(s => s.stackName)).toEqual(['Services']);
      for (const stack of stacksB) expect(nagErrors(stack)).toEqual([]);
    });

    test('app B: the checks covered the three services', () => {
      const checked = new Set(reportRows(appB, stacksB[0]).map(row => row[1].split('/')[1]));
      for (const id of ['Jessica', 'Service1', 'Service2', 'Service2Handler']) {
        expect(checked.has(id)).toBe(true);
      }
    });
  });

  test('the lean shape (public tasks, no dashboard): the platform and the three services, no unsuppressed error', () => {
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: ENV });
    const platform = georgiPlatform(stack, { natType: NatType.PUBLIC_TASKS, dashboard: false, longLivedConnections: {} });
    addServices(stack, platform);
    for (const checked of check(app)) expect(nagErrors(checked)).toEqual([]);
  });

  test('an image from ECR: the execution role\'s ecr:GetAuthorizationToken on * is accepted with its reason, nothing else', () => {
    const app = new App();
    const stack = new Stack(app, 'Platform', { env: ENV });
    const platform = georgiPlatform(stack);
    const repository = new ecr.Repository(stack, 'Repo');
    new ContainerService(stack, 'Service1', { platform, serviceName: 'service1', image: ecs.ContainerImage.fromEcrRepository(repository, '1.0') });
    const [checked] = check(app);
    expect(nagErrors(checked)).toEqual([]);
    const policies = Object.values(Template.fromStack(checked).findResources('AWS::IAM::Policy'))
      .filter(p => JSON.stringify(p.Properties.PolicyDocument).includes('ecr:GetAuthorizationToken'));
    expect(policies).toHaveLength(1);
    const awsSolutions = policies[0].Metadata.cdk_nag.rules_to_suppress.filter((r: { id: string }) => r.id.startsWith('AwsSolutions-'));
    expect(awsSolutions).toEqual([expect.objectContaining({
      id: 'AwsSolutions-IAM5', applies_to: ['Resource::*'], reason: expect.stringMatching(/^ecr:GetAuthorizationToken/),
    })]);
  });

  test('the harness reports a non-compliant resource (so a clean result means something)', () => {
    const app = new App();
    const stack = new Stack(app, 'Probe', { env: ENV });
    new sns.Topic(stack, 'PlainTopic');
    const [checked] = check(app);
    expect(nagErrors(checked)).toEqual(expect.arrayContaining([expect.stringContaining('AwsSolutions-SNS3')]));
  });
});
