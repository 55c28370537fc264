import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Aspects, CfnResource, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as nag2 from 'cdk-nag';
import * as nag3 from 'cdk-nag-v3';
import { IConstruct } from 'constructs';
import { addNagSuppressions } from '../../src/core/nag';
import { everyOptionApp } from '../helpers/every-option-app';
import { testStack } from '../helpers/fixtures';

// cdk-nag 2 (an aspect that reads the cdk_nag metadata) and cdk-nag 3 (a validation plugin that
// reads the acknowledgements of aws-cdk-lib's Validations API), each with the AwsSolutions and
// NIST 800-53 R5 packs, over one app: a platform with every option on, Jessica and a JWT service.

/** Errors and warnings that cdk-nag 2 left as annotations: `<rule>[finding] <construct path>`. */
function nag2Findings(stacks: Stack[]): string[] {
  return stacks.flatMap(stack => {
    const annotations = Annotations.fromStack(stack);
    const pattern = Match.stringLikeRegexp('^(AwsSolutions|NIST\\.800\\.53\\.R5|CdkNagValidationFailure)');
    return [...annotations.findError('*', pattern), ...annotations.findWarning('*', pattern)]
      .map(e => `${String(e.entry.data).split(':')[0]} ${e.id}`);
  }).sort();
}

/** What cdk-nag 3's packs report: `<rule>[finding] <construct path>`. */
function nag3Findings(scope: IConstruct, packs: nag3.NagPack[]): string[] {
  return packs.flatMap(pack => pack.validateScope(scope).violations
    .flatMap(v => v.violatingResources.map(r => `${v.ruleName} ${r.constructPath}`))).sort();
}

const nag3Packs = () => [new nag3.AwsSolutionsChecks(), new nag3.NIST80053R5Checks()];

describe('both cdk-nag majors over every option, Jessica and a JWT service', () => {
  let app: App;
  let stacks: Stack[];
  beforeAll(() => {
    app = everyOptionApp(fs.mkdtempSync(path.join(os.tmpdir(), 'nag-')));
    Aspects.of(app).add(new nag2.AwsSolutionsChecks());
    Aspects.of(app).add(new nag2.NIST80053R5Checks());
    app.synth();
    stacks = app.node.findAll().filter((c): c is Stack => Stack.isStack(c));
  });

  test('cdk-nag 2 (AwsSolutions, NIST 800-53 R5): no unsuppressed error or warning', () => {
    expect(stacks.map(s => s.stackName)).toEqual(['EveryOptionPlatform', 'EveryOptionServices', 'EveryOptionProxy']);
    expect(nag2Findings(stacks)).toEqual([]);
  });

  test('cdk-nag 3 (AwsSolutions, NIST 800-53 R5): no violation', () => {
    expect(nag3Findings(app, nag3Packs())).toEqual([]);
  });

  test('every cdk-nag 2 suppression is a cdk-nag 3 acknowledgement on the same resource with the same reason', () => {
    let count = 0;
    for (const resource of app.node.findAll().filter(CfnResource.isCfnResource)) {
      const acknowledged = acknowledgements(resource);
      for (const rule of resource.getMetadata('cdk_nag')?.rules_to_suppress ?? []) {
        count++;
        const ids: string[] = rule.id === 'CdkNagValidationFailure' ? Object.keys(acknowledged).filter(id => acknowledged[id] === rule.reason)
          : rule.applies_to ? rule.applies_to.map((f: string) => `${rule.id}[${f}]`)
            : rule.id === 'AwsSolutions-IAM5' ? Object.keys(acknowledged).filter(id => id.startsWith('AwsSolutions-IAM5['))
              : [rule.id];
        // A wildcard suppression over a construct's children also lands on resources without policies.
        const needsOne = !(rule.id === 'AwsSolutions-IAM5' && !rule.applies_to && resource.cfnResourceType !== 'AWS::IAM::Policy');
        if (needsOne) expect([resource.node.path, rule.id, ids.length > 0]).toEqual([resource.node.path, rule.id, true]);
        for (const id of ids) expect([resource.node.path, id, acknowledged[id]]).toEqual([resource.node.path, id, rule.reason]);
      }
    }
    expect(count).toBeGreaterThan(100);
  });
});

/** The acknowledgements recorded on a resource through Validations (the prefix that aws-cdk-lib adds removed). */
function acknowledgements(resource: IConstruct): Record<string, string> {
  const entries = resource.node.metadata.filter(m => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY);
  return Object.fromEntries(entries.flatMap(m => Object.entries<string>(m.data)).map(([id, reason]) => [id.replace(/^annotation::/i, ''), reason]));
}

describe('addNagSuppressions', () => {
  /** A stack with a plain topic, a topic whose finding is suppressed, and a role with a managed policy and a wildcard. */
  function probe(): { app: App; stack: Stack } {
    const app = new App();
    const stack = testStack(app, 'Probe');
    new sns.Topic(stack, 'Plain');
    const suppressed = new sns.Topic(stack, 'Suppressed');
    addNagSuppressions(suppressed, [
      { id: 'AwsSolutions-SNS3', reason: 'a probe topic that accepts plain requests on purpose' },
      { id: 'NIST.800.53.R5-SNSEncryptedKMS', reason: 'a probe topic without a customer managed key on purpose' },
    ]);
    const role = new iam.Role(stack, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSLambdaBasicExecutionRole')],
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject*'], resources: ['arn:aws:s3:::probe-bucket/*'] }));
    addNagSuppressions(role, [{
      id: 'AwsSolutions-IAM4',
      reason: 'a probe role that writes its logs with the managed policy',
      appliesTo: ['Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole'],
    }, { id: 'AwsSolutions-IAM5', reason: 'a probe role that reads every object of its bucket' }], true);
    return { app, stack };
  }

  test('cdk-nag 3 reports the plain topic and nothing that is suppressed; cdk-nag 2 likewise', () => {
    const { app, stack } = probe();
    Aspects.of(app).add(new nag2.AwsSolutionsChecks());
    app.synth();
    const v3 = nag3Findings(app, [new nag3.AwsSolutionsChecks()]);
    expect(v3.filter(f => !f.startsWith('AwsSolutions-SNS3 Probe/Plain/'))).toEqual([]);
    expect(v3).toEqual(expect.arrayContaining([expect.stringMatching(/^AwsSolutions-SNS3 Probe\/Plain\//)]));
    expect(nag2Findings([stack]).filter(f => !/^AwsSolutions-SNS3 \/Probe\/Plain\//.test(f))).toEqual([]);
    expect(nag2Findings([stack])).toEqual([expect.stringMatching(/^AwsSolutions-SNS3 \/Probe\/Plain\//)]);
  });

  test('the granular findings are acknowledged one by one: the IAM4 policy and each IAM5 wildcard', () => {
    const { app, stack } = probe();
    app.synth();
    const role = stack.node.findChild('Role');
    expect(acknowledgements(role.node.defaultChild!)).toEqual({
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]': 'a probe role that writes its logs with the managed policy',
    });
    expect(acknowledgements(role.node.findChild('DefaultPolicy').node.defaultChild!)).toEqual(expect.objectContaining({
      'AwsSolutions-IAM5[Action::s3:GetObject*]': 'a probe role that reads every object of its bucket',
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::probe-bucket/*]': 'a probe role that reads every object of its bucket',
    }));
  });

  test('an acknowledgement covers only its own finding: the other wildcard of the statement is reported', () => {
    const app = new App();
    const stack = testStack(app, 'Probe');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject*'], resources: ['arn:aws:s3:::probe-bucket/*'] }));
    addNagSuppressions(role, [{ id: 'AwsSolutions-IAM5', reason: 'a probe role that reads every object of its bucket', appliesTo: ['Action::s3:GetObject*'] }], true);
    app.synth();
    expect(nag3Findings(app, [new nag3.AwsSolutionsChecks()])).toEqual([
      'AwsSolutions-IAM5[Resource::arn:aws:s3:::probe-bucket/*] Probe/Role/DefaultPolicy/Resource',
    ]);
  });

  test('refuses a granular IAM4 suppression without findings and a validation failure without its rules', () => {
    const stack = testStack();
    const topic = new sns.Topic(stack, 'T');
    expect(() => addNagSuppressions(topic, [{ id: 'AwsSolutions-IAM4', reason: 'a reason that is long enough' }]))
      .toThrow(/S\/T: invalid appliesTo of the nag suppression AwsSolutions-IAM4 undefined: list the managed policies/);
    expect(() => addNagSuppressions(topic, [{ id: 'CdkNagValidationFailure', reason: 'a reason that is long enough' }]))
      .toThrow(/S\/T: invalid failingRules of the nag suppression CdkNagValidationFailure undefined: list the rules that cannot evaluate the resource/);
  });
});

// aws-cdk-lib gives validation plugins the construct tree (appConstruct, which cdk-nag 3 needs)
// from 2.276 on; on the minimum (2.257) the packs run through validateScope above.
const cdkVersion: string = JSON.parse(fs.readFileSync(path.join(path.dirname(require.resolve('aws-cdk-lib')), 'package.json'), 'utf8')).version;
const withAppConstruct = Number(cdkVersion.split('.')[1]) >= 276;
(withAppConstruct ? test : test.skip)(`cdk-nag 3 registered as a plugin (Validations.of(app).addPlugins), aws-cdk-lib ${cdkVersion}: synth passes with the library's acknowledgements and fails on a plain topic`, () => {
  const clean = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-plugin-')) });
  const stack = testStack(clean, 'Probe');
  addNagSuppressions(new sns.Topic(stack, 'Suppressed'), [{ id: 'AwsSolutions-SNS3', reason: 'a probe topic that accepts plain requests on purpose' }]);
  Validations.of(clean).addPlugins(new nag3.AwsSolutionsChecks(clean));
  expect(() => clean.synth()).not.toThrow();
  const failing = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'nag-plugin-')) });
  new sns.Topic(testStack(failing, 'Probe'), 'Plain');
  Validations.of(failing).addPlugins(new nag3.AwsSolutionsChecks(failing));
  expect(() => failing.synth()).toThrow(/AwsSolutions-SNS3/);
});
