import { App, Aspects, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as nag3 from 'cdk-nag-v3';
import { IConstruct } from 'constructs';
import { CostBudget, GlobalPlatformProps, NatType } from '../../src';
import { georgiPlatform, testStack } from '../helpers/fixtures';

/** Every option on: the configuration cdk-nag must find clean. */
const EVERYTHING_ON: Omit<GlobalPlatformProps, 'platformName' | 'domainName'> = {
  longLivedConnections: {},
  waf: {
    allowedIpRanges: ['203.0.113.0/24'],
    blockedIpRanges: ['198.51.100.0/24'],
  },
  accessLogs: true,
  interfaceEndpoints: true,
  containerInsights: true,
  flowLogs: true,
  alarmEmails: ['ops@georgi.io'],
  budget: CostBudget.monthly(100, { filterByPlatformTag: true }),
};

function nagged(region: string, props: Omit<GlobalPlatformProps, 'platformName' | 'domainName'>): Stack[] {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: { account: '123456789012', region }, crossRegionReferences: true });
  georgiPlatform(stack, { ...props });
  Aspects.of(app).add(new AwsSolutionsChecks());
  app.synth();
  return app.node.children.filter((c): c is Stack => c instanceof Stack);
}

function nagErrors(stack: Stack): string[] {
  return Annotations.fromStack(stack)
    .findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))
    .map(e => `${e.id}: ${String(e.entry.data).split('\n')[0]}`);
}

/** What cdk-nag 3's AwsSolutions pack reports over the synthesized app: `<rule>[finding] <construct path>`. */
function nag3Violations(app: IConstruct): string[] {
  return new nag3.AwsSolutionsChecks().validateScope(app).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`)).sort();
}

function nagWarnings(stack: Stack): string[] {
  return Annotations.fromStack(stack)
    .findWarning('*', Match.stringLikeRegexp('(AwsSolutions|CdkNagValidationFailure).*'))
    .map(e => `${e.id}: ${String(e.entry.data).split('\n')[0]}`);
}

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['every option on, us-east-1', 'us-east-1', EVERYTHING_ON],
    ['every option on with NAT instances, us-east-1', 'us-east-1', { ...EVERYTHING_ON, natType: NatType.instance() }],
    ['every option on, eu-central-1 with the us-east-1 companion stack', 'eu-central-1', EVERYTHING_ON],
    ['defaults', 'us-east-1', {}],
    ['no NAT, no flow logs', 'us-east-1', { natType: NatType.NONE, flowLogs: false, interfaceEndpoints: true }],
    ['public tasks (no NAT), no dashboard, long-lived connections', 'us-east-1', { natType: NatType.PUBLIC_TASKS, dashboard: false, longLivedConnections: {} }],
    ['every option on, removalPolicy DESTROY (auto-delete provider), eu-central-1', 'eu-central-1', { ...EVERYTHING_ON, removalPolicy: RemovalPolicy.DESTROY }],
  ])('%s: no unsuppressed errors', (_name, region, props) => {
    const stacks = nagged(region, props);
    expect(stacks.length).toBe(region === 'us-east-1' ? 1 : 2);
    for (const stack of stacks) {
      expect(nagErrors(stack)).toEqual([]);
    }
    expect(nag3Violations(stacks[0].node.root)).toEqual([]);
  });

  test('the harness reports a non-compliant resource (so a clean result means something)', () => {
    const app = new App();
    const stack = testStack(app, 'Probe');
    new sns.Topic(stack, 'PlainTopic');
    Aspects.of(app).add(new AwsSolutionsChecks());
    app.synth();
    expect(nagErrors(stack)).toEqual([expect.stringContaining('AwsSolutions-SNS3')]);
  });

  test('the validation warnings cdk-nag cannot evaluate are suppressed too', () => {
    for (const stack of nagged('us-east-1', { ...EVERYTHING_ON, natType: NatType.instance() })) {
      expect(nagWarnings(stack).filter(w => w.includes('CdkNagValidationFailure'))).toEqual([]);
    }
  });

  test('every suppression names a rule and gives a specific reason', () => {
    const stacks = nagged('eu-central-1', { ...EVERYTHING_ON, natType: NatType.instance() });
    let count = 0;
    for (const stack of stacks) {
      for (const resource of stack.node.findAll()) {
        const cfn = resource as unknown as { getMetadata?: (key: string) => any; cfnResourceType?: string };
        if (typeof cfn.getMetadata !== 'function' || !cfn.cfnResourceType) continue;
        for (const rule of cfn.getMetadata('cdk_nag')?.rules_to_suppress ?? []) {
          count++;
          expect(rule.id).toMatch(/^(AwsSolutions-[A-Z0-9]+|NIST\.800\.53\.R5-[A-Za-z0-9]+|CdkNagValidationFailure)$/);
          expect(rule.reason.length).toBeGreaterThanOrEqual(40);
        }
      }
    }
    expect(count).toBeGreaterThan(5);
  });

  test('flowLogs: false: NIST VPCFlowLogsEnabled is left to the user, and the README\'s one line acknowledges it (cdk-nag 3)', () => {
    const flowLogFindings = (acknowledge: boolean) => {
      const app = new App();
      const stack = new Stack(app, 'Platform', { env: { account: '123456789012', region: 'us-east-1' } });
      const platform = georgiPlatform(stack, { flowLogs: false });
      if (acknowledge) Validations.of(platform).acknowledge({ id: 'NIST.800.53.R5-VPCFlowLogsEnabled', reason: 'flowLogs: false to save its CloudWatch Logs cost' });
      app.synth();
      return new nag3.NIST80053R5Checks().validateScope(app).violations.filter(v => v.ruleName === 'NIST.800.53.R5-VPCFlowLogsEnabled')
        .flatMap(v => v.violatingResources.map(r => r.constructPath));
    };
    expect(flowLogFindings(false)).toEqual(['Platform/Platform/Network/Vpc/Resource']);
    expect(flowLogFindings(true)).toEqual([]);
  });

  test('a switched-off feature is the reason of its suppression', () => {
    const [stack] = nagged('us-east-1', { flowLogs: false });
    const vpc = stack.node.findAll().find(c => c.node.path.endsWith('Network/Vpc/Resource'))!;
    const rules = (vpc as any).getMetadata('cdk_nag').rules_to_suppress;
    expect(rules).toEqual([expect.objectContaining({ id: 'AwsSolutions-VPC7', reason: expect.stringContaining('flowLogs: false') })]);
  });
});
