import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import { imagePlatformFor, integCpuArchitecture, LEAN_TASK, leanIntegTask } from '../../integ/apps/jessica-app';
import { ServiceSchedule } from '../../src';

/**
 * The integ tests as integ-runner deploys them (integ/integ.*.ts), synthesized here: every live
 * assertion waits for the deploy to settle (it is a waiter itself, or it runs only after one has
 * passed), and the lean test runs on demand, always on, on the architecture its image is built for.
 */

/** A synthesized integ app: its stacks' templates and asset manifests by stack name. */
interface Synthesized {
  readonly templates: Map<string, any>;
  readonly assetManifests: Map<string, any>;
}

function synthesize(integFile: string): Synthesized {
  let app: App | undefined;
  // Each integ file builds its App when it is loaded (as integ-runner runs it): load it afresh.
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    app = require(path.join(__dirname, '..', '..', 'integ', integFile)).app;
  });
  const assembly = app!.synth();
  const templates = new Map<string, any>();
  const assetManifests = new Map<string, any>();
  for (const stack of assembly.stacks) {
    templates.set(stack.stackName, stack.template);
    const manifest = path.join(assembly.directory, `${stack.stackName}.assets.json`);
    if (fs.existsSync(manifest)) assetManifests.set(stack.stackName, JSON.parse(fs.readFileSync(manifest, 'utf8')));
  }
  return { templates, assetManifests };
}

/** integ-tests-alpha's assertion custom resources: httpApiCall, awsApiCall, invokeFunction. */
const isAssertion = (resource: any) => String(resource.Type).startsWith('Custom::DeployAssert@');
/** An assertion that retries until it passes: `waitForAssertions` gives it a waiter state machine. */
const isWaiter = (resource: any) => isAssertion(resource) && resource.Properties?.stateMachineArn !== undefined;

/** The logical ids that `id` depends on, directly or through others (DependsOn). */
function dependenciesOf(resources: Record<string, any>, id: string): Set<string> {
  const seen = new Set<string>();
  const pending = [...(resources[id].DependsOn ?? [])];
  while (pending.length) {
    const next = pending.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    pending.push(...(resources[next]?.DependsOn ?? []));
  }
  return seen;
}

/** `{ IntervalSeconds, MaxAttempts, BackoffRate }` of a waiter's state machine. */
function waiterRetry(resources: Record<string, any>, assertionId: string): { IntervalSeconds: number; MaxAttempts: number; BackoffRate: number } {
  const arn = resources[assertionId].Properties.stateMachineArn;
  const machine = resources[arn.Ref];
  expect(machine?.Type).toBe('AWS::StepFunctions::StateMachine');
  const definition = JSON.parse(machine.Properties.DefinitionString['Fn::Join'][1]
    .map((part: unknown) => typeof part === 'string' ? part : 'token').join(''));
  return definition.States['framework-isComplete-task'].Retry[0];
}

describe.each([
  // file, assertion stack (undefined: integ-tests' default), assertions, all in one chain
  ['integ.jessica.ts', 'JessicaAssertions', 15, true],
  ['integ.lean.ts', 'JessicaLeanAssertions', 15, true],
  ['integ.platform.ts', undefined, 2, false],
])('%s: every live assertion waits for the deploy to settle', (integFile, assertionStackName, assertionCount, oneChain) => {
  let resources: Record<string, any>;
  beforeAll(() => {
    const { templates } = synthesize(integFile);
    const name = assertionStackName ?? [...templates.keys()].find(n => n.includes('DeployAssert'))!;
    resources = templates.get(name).Resources;
  });

  test('each assertion is a waiter or runs after one (a DependsOn chain to a waiter)', () => {
    const assertions = Object.keys(resources).filter(id => isAssertion(resources[id]));
    expect(assertions).toHaveLength(assertionCount);
    const racing = assertions.filter(id => !isWaiter(resources[id])
      && ![...dependenciesOf(resources, id)].some(dep => resources[dep] && isWaiter(resources[dep])));
    expect(racing).toEqual([]);
  });

  test('one chain: the first assertion waits, every other one runs after it', () => {
    if (!oneChain) return; // integ.platform: two independent waiters, checked above
    const assertions = Object.keys(resources).filter(id => isAssertion(resources[id]));
    const firsts = assertions.filter(id => ![...dependenciesOf(resources, id)].some(dep => resources[dep] && isAssertion(resources[dep])));
    expect(firsts).toHaveLength(1);
    expect(isWaiter(resources[firsts[0]])).toBe(true);
    expect(waiterRetry(resources, firsts[0])).toMatchObject({ IntervalSeconds: 30, MaxAttempts: 30, BackoffRate: 1 }); // 15 minutes
    const notAfterFirst = assertions.filter(id => id !== firsts[0] && !dependenciesOf(resources, id).has(firsts[0]));
    expect(notAfterFirst).toEqual([]);
  });

  test('each waiter gives up within the hour that CloudFormation waits for a custom resource', () => {
    const waiters = Object.keys(resources).filter(id => isWaiter(resources[id]));
    expect(waiters.length).toBeGreaterThan(0);
    for (const id of waiters) {
      const retry = waiterRetry(resources, id);
      expect(retry.BackoffRate).toBe(1);
      expect(retry.IntervalSeconds).toBeGreaterThanOrEqual(10);
      // minutes the waiter tries for: at least 5 (a cold start), under 60 (CloudFormation's limit)
      const minutes = retry.IntervalSeconds * retry.MaxAttempts / 60;
      expect([id, minutes >= 5 && minutes < 60]).toEqual([id, true]);
    }
  });
});

describe('integ.lean.ts: on demand, always on, on the architecture its image is built for', () => {
  let service: Record<string, any>;
  let imagePlatforms: string[];
  beforeAll(() => {
    const { templates, assetManifests } = synthesize('integ.lean.ts');
    service = templates.get('JessicaLeanService').Resources;
    imagePlatforms = Object.values<any>(assetManifests.get('JessicaLeanService').dockerImages ?? {}).map(image => image.source.platform);
  });
  const ofType = (type: string) => Object.values<any>(service).filter(r => r.Type === type);

  test('no Fargate Spot: the service runs on FARGATE only', () => {
    const strategies = ofType('AWS::ECS::Service').map(s => s.Properties.CapacityProviderStrategy);
    expect(strategies).toEqual([[{ CapacityProvider: 'FARGATE', Weight: 1 }]]);
  });

  test('always on: no scheduled scaling action, at least one task', () => {
    const targets = ofType('AWS::ApplicationAutoScaling::ScalableTarget');
    expect(targets).toHaveLength(1);
    expect(targets[0].Properties.ScheduledActions ?? []).toEqual([]);
    expect(targets[0].Properties.MinCapacity).toBeGreaterThanOrEqual(1);
  });

  test('the task\'s architecture is the image\'s platform, and both are this machine\'s', () => {
    const architectures = ofType('AWS::ECS::TaskDefinition').map(t => t.Properties.RuntimePlatform?.CpuArchitecture);
    expect(architectures).toHaveLength(1);
    expect(imagePlatforms).toHaveLength(1);
    const platformOf: Record<string, string> = { X86_64: 'linux/amd64', ARM64: 'linux/arm64' };
    expect(imagePlatforms[0]).toBe(platformOf[architectures[0]]);
    // jest runs outside integ-runner's snapshot synthesis: the machine's own architecture
    const machine: Record<string, string> = { x64: 'X86_64', arm64: 'ARM64' };
    expect(architectures[0]).toBe(machine[process.arch]);
  });
});

describe('the lean integ test\'s architecture', () => {
  test('the machine\'s (process.arch) for a deploy; x86_64 in integ-runner\'s snapshot synthesis', () => {
    expect(integCpuArchitecture({}, 'arm64')).toBe(ecs.CpuArchitecture.ARM64);
    expect(integCpuArchitecture({}, 'x64')).toBe(ecs.CpuArchitecture.X86_64);
    expect(integCpuArchitecture({ CDK_INTEG_DOMAIN_NAME: 'integ.example.org' }, 'arm64')).toBe(ecs.CpuArchitecture.ARM64);
    // integ-runner's placeholder settings: the committed snapshot is the same on every machine
    expect(integCpuArchitecture({ CDK_INTEG_DOMAIN_NAME: '*.example.com' }, 'arm64')).toBe(ecs.CpuArchitecture.X86_64);
    expect(() => integCpuArchitecture({}, 'ia32')).toThrow(/ia32 is not one Fargate runs/);
  });

  test('the image platform follows the task: ARM64 linux/arm64, x86_64 (and the default) linux/amd64', () => {
    expect(imagePlatformFor(ecs.CpuArchitecture.ARM64).platform).toBe('linux/arm64');
    expect(imagePlatformFor(ecs.CpuArchitecture.X86_64).platform).toBe('linux/amd64');
    expect(imagePlatformFor(undefined).platform).toBe('linux/amd64');
  });

  test('the example app\'s lean shape keeps ARM64 Fargate Spot on the weekday schedule', () => {
    expect(LEAN_TASK).toMatchObject({
      cpuArchitecture: ecs.CpuArchitecture.ARM64,
      fargateSpot: true,
      schedule: { startHourUtc: 7, endHourUtc: 19, weekdaysOnly: true },
    });
    expect(leanIntegTask(ecs.CpuArchitecture.ARM64)).toEqual({ ...LEAN_TASK, fargateSpot: false, schedule: ServiceSchedule.ALWAYS_ON });
  });
});
