/**
 * The values only the platform's stack knows, written into each additional Region's SSM: one
 * custom resource per Region, one function per platform with a role of its own. The function's
 * inline code runs here against a stand-in of the Lambda runtime's SSM client (tests only) and
 * of CloudFormation's response URL.
 */
import * as vm from 'node:vm';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { GlobalPlatform, LongLivedOriginType } from '../../../src';
import { PARAMETER_KEYS } from '../../../src/contract/parameters';
import { MAX_ADDITIONAL_REGIONS } from '../../../src/platform/private/additional-regions';
import { parameterWriterCode, REGIONAL_PARAMETERS_TYPE } from '../../../src/platform/private/regional-copies';
import { ACCOUNT } from '../../helpers/fixtures';
import { resources } from '../../helpers/templates';

const REGIONS = ['us-west-2', 'us-east-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'ap-southeast-1', 'ap-northeast-1'];

function platformTemplate(regions: string[], longLived: boolean): Template {
  const app = new App();
  const stack = new Stack(app, 'Platform', { env: { account: ACCOUNT, region: 'eu-central-1' } });
  const origin = { origin: LongLivedOriginType.proxyInstance() };
  new GlobalPlatform(stack, 'Platform', {
    platformName: 'georgi',
    domainName: 'georgi.io',
    longLivedConnections: longLived ? origin : undefined,
    additionalRegions: regions.map(region => ({ region, longLivedConnections: longLived ? origin : undefined })),
  });
  return Template.fromJSON(app.synth().getStackByName('Platform').template);
}

/** A role's inline policies as IAM counts them: the JSON without whitespace, references written out. */
function inlinePolicyCharacters(template: Template, roleId: string): number {
  const policies = Object.values(resources(template, 'AWS::IAM::Policy')).filter(p => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`));
  return policies.reduce((sum, p) => sum + JSON.stringify(writeOut(p.Properties.PolicyDocument)).length, 0);
}

/** References replaced by values of their real length (an ARN of 90 characters, an account id, a partition). */
function writeOut(value: any): any {
  if (Array.isArray(value)) return value.map(writeOut);
  if (value && typeof value === 'object') {
    if ('Ref' in value) return value.Ref === 'AWS::AccountId' ? ACCOUNT : value.Ref === 'AWS::Partition' ? 'aws' : 'x'.repeat(90);
    if ('Fn::GetAtt' in value) return 'x'.repeat(90);
    if ('Fn::Join' in value) return (value['Fn::Join'][1] as any[]).map(writeOut).join(value['Fn::Join'][0]);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, writeOut(v)]));
  }
  return value;
}

describe('RegionalParameterCopies in the platform\'s stack', () => {
  const template = platformTemplate(['us-west-2', 'eu-west-1'], false);
  const copies = Object.values(resources(template, REGIONAL_PARAMETERS_TYPE));
  const writers = Object.entries(resources(template, 'AWS::Lambda::Function'))
    .filter(([, f]) => String(f.Properties.Code?.ZipFile ?? '').includes('PutParameterCommand'));

  test('one custom resource per Region, each with the six values only the primary knows, served by one function', () => {
    expect(copies.map(c => c.Properties.Region).sort()).toEqual(['eu-west-1', 'us-west-2']);
    const keys = ['originSecretArn', 'originSecretAcceptedStages', 'regionRouterStoreArn', 'frontDoorDistributionId', 'frontDoorDomainName', 'edgeCertificateArn'] as const;
    for (const copy of copies) {
      expect(Object.keys(copy.Properties.Parameters).sort()).toEqual(keys.map(k => `/platform/georgi/${PARAMETER_KEYS[k]}`).sort());
      expect(copy.Properties.Parameters['/platform/georgi/front-door/region-router-store-arn'].Description)
        .toBe(`${PARAMETER_KEYS.regionRouterStoreArn} of the georgi platform (written by its stack in eu-central-1)`);
    }
    expect(writers).toHaveLength(1);
    const [writerId] = writers[0];
    expect(copies.map(c => c.Properties.ServiceToken)).toEqual([{ 'Fn::GetAtt': [writerId, 'Arn'] }, { 'Fn::GetAtt': [writerId, 'Arn'] }]);
    // No AwsCustomResource writes parameters any more.
    expect(JSON.stringify(resources(template, 'Custom::AWS'))).not.toContain('putParameter');
  });

  test('the writer\'s role may put and delete exactly those parameters, each in its Region, and write its own logs', () => {
    const roleId = writers[0][1].Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(resources(template, 'AWS::IAM::Policy'))
      .filter(p => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`)).flatMap(p => p.Properties.PolicyDocument.Statement);
    const ssm = statements.filter(s => JSON.stringify(s.Action).includes('ssm:'));
    expect(ssm.map(s => s.Action)).toEqual([['ssm:PutParameter', 'ssm:DeleteParameter'], ['ssm:PutParameter', 'ssm:DeleteParameter']]);
    const arns = ssm.flatMap(s => s.Resource).map((r: any) => JSON.stringify(writeOut(r)));
    expect(arns).toHaveLength(12);
    expect(arns.filter(a => a.includes(':ssm:us-west-2:123456789012:parameter/platform/georgi/'))).toHaveLength(6);
    expect(arns.filter(a => a.includes(':ssm:eu-west-1:123456789012:parameter/platform/georgi/'))).toHaveLength(6);
    expect(arns.join()).not.toContain('*');
    expect(statements.map(s => s.Action).flat().filter((a: string) => !/^(ssm:(Put|Delete)Parameter|logs:(CreateLogStream|PutLogEvents))$/.test(a))).toEqual([]);
  });

  test('each Region\'s grant is a policy of its own that its custom resource depends on (a dropped Region is deleted before its grant)', () => {
    const policies = resources(template, 'AWS::IAM::Policy');
    for (const copy of Object.values(resources(template, REGIONAL_PARAMETERS_TYPE))) {
      const grants = (copy.DependsOn as string[]).filter(id => policies[id]);
      expect(grants).toHaveLength(1);
      const arns = JSON.stringify(writeOut(policies[grants[0]].Properties.PolicyDocument));
      expect(arns).toContain(`:ssm:${copy.Properties.Region}:`);
      expect(arns.match(/:ssm:[a-z0-9-]+:/g)!.every(m => m === `:ssm:${copy.Properties.Region}:`)).toBe(true);
    }
  });

  test(`at the most Regions (${MAX_ADDITIONAL_REGIONS}, each with a long-lived origin), every role's inline policies stay under IAM's 10,240 characters`, () => {
    expect(REGIONS).toHaveLength(MAX_ADDITIONAL_REGIONS);
    const largest = platformTemplate(REGIONS, true);
    const sizes = Object.keys(resources(largest, 'AWS::IAM::Role')).map(roleId => [roleId, inlinePolicyCharacters(largest, roleId)] as const);
    const provider = sizes.find(([id]) => id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'))!;
    // The shared AwsCustomResource provider now carries only the long-lived admissions (and the primary's own look-ups).
    expect(provider[1]).toBeGreaterThan(0);
    for (const [roleId, size] of sizes) expect([roleId, size < 10_240]).toEqual([roleId, true]);
  });
});

describe('the writer\'s inline code (stand-in SSM client, tests only)', () => {
  function run(event: Record<string, unknown>, existing: string[] = [], options: { denied?: string[]; remainingMs?: number } = {}) {
    const calls: Array<[string, Record<string, unknown>]> = [];
    const responses: any[] = [];
    const stored = new Set(existing);
    class PutParameterCommand { constructor(public readonly input: any) {} }
    class DeleteParameterCommand { constructor(public readonly input: any) {} }
    let clientRegion: string | undefined;
    class SSMClient {
      constructor(config: { region: string }) { clientRegion = config.region; }
      async send(command: any) {
        calls.push([command.constructor.name, command.input]);
        if (command instanceof PutParameterCommand) {
          if (String(command.input.Value).startsWith('fail-')) throw Object.assign(new Error('ValidationException: bad value'), { name: 'ValidationException' });
          if (String(command.input.Value).startsWith('hang-')) return new Promise(() => undefined);
          stored.add(command.input.Name);
        } else if (options.denied?.includes(command.input.Name)) {
          throw Object.assign(new Error(`not authorized to delete ${command.input.Name}`), { name: 'AccessDeniedException' });
        } else if (!stored.delete(command.input.Name)) {
          throw Object.assign(new Error('parameter not found'), { name: 'ParameterNotFound' });
        }
        return {};
      }
    }
    const https = {
      request: (url: string, requestOptions: any, callback: (res: any) => void) => ({
        on: () => undefined,
        end: (body: string) => {
          responses.push({ url, method: requestOptions.method, body: JSON.parse(body) });
          callback({ resume: () => undefined, on: (_: string, done: () => void) => done() });
        },
      }),
    };
    const module = { exports: {} as { handler: (e: unknown) => Promise<void> } };
    const sandbox = vm.createContext({
      module,
      exports: module.exports,
      Buffer,
      setTimeout,
      clearTimeout,
      console: { log: () => undefined, error: () => undefined },
      require: (name: string) => {
        if (name === 'https') return https;
        if (name === '@aws-sdk/client-ssm') return { SSMClient, PutParameterCommand, DeleteParameterCommand };
        throw new Error(`unexpected require ${name}`);
      },
    });
    new vm.Script(parameterWriterCode(), { filename: 'index.js' }).runInContext(sandbox);
    const context = options.remainingMs === undefined ? undefined : { getRemainingTimeInMillis: () => options.remainingMs };
    const handled: Promise<void> = (module.exports.handler as any)(event, context);
    return handled.then(() => ({ calls, responses, stored: [...stored].sort(), clientRegion }));
  }

  const base = { ResponseURL: 'https://cloudformation-response.example/x', StackId: 's', RequestId: 'r', LogicalResourceId: 'Copies' };
  const params = (names: string[], value = 'v') => Object.fromEntries(names.map(n => [n, { Value: `${value}-${n}`, Description: `d ${n}` }]));

  test('create: puts each parameter as a String with Overwrite in the Region, answers SUCCESS with <region>:parameters', async () => {
    const { calls, responses, stored, clientRegion } = await run({ ...base, RequestType: 'Create', ResourceProperties: { Region: 'us-west-2', Parameters: params(['/p/a', '/p/b']) } });
    expect(clientRegion).toBe('us-west-2');
    expect(calls).toEqual([
      ['PutParameterCommand', { Name: '/p/a', Value: 'v-/p/a', Description: 'd /p/a', Type: 'String', Overwrite: true }],
      ['PutParameterCommand', { Name: '/p/b', Value: 'v-/p/b', Description: 'd /p/b', Type: 'String', Overwrite: true }],
    ]);
    expect(stored).toEqual(['/p/a', '/p/b']);
    expect(responses).toEqual([{ url: base.ResponseURL, method: 'PUT', body: expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'us-west-2:parameters' }) }]);
  });

  test('update: writes the new values and deletes the names the update dropped', async () => {
    const { stored, calls, responses } = await run({
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'us-west-2:parameters',
      ResourceProperties: { Region: 'us-west-2', Parameters: params(['/p/a'], 'new') },
      OldResourceProperties: { Region: 'us-west-2', Parameters: params(['/p/a', '/p/b']) },
    }, ['/p/a', '/p/b']);
    expect(calls.map(([name, input]) => [name, input.Name])).toEqual([['PutParameterCommand', '/p/a'], ['DeleteParameterCommand', '/p/b']]);
    expect(stored).toEqual(['/p/a']);
    expect(responses[0].body.Status).toBe('SUCCESS');
  });

  test('delete: deletes every parameter; one already gone is no error', async () => {
    const { stored, calls, responses } = await run({
      ...base,
      RequestType: 'Delete',
      PhysicalResourceId: 'us-west-2:parameters',
      ResourceProperties: { Region: 'us-west-2', Parameters: params(['/p/a', '/p/b']) },
    }, ['/p/b']);
    expect(calls.map(([name, input]) => [name, input.Name])).toEqual([['DeleteParameterCommand', '/p/a'], ['DeleteParameterCommand', '/p/b']]);
    expect(stored).toEqual([]);
    expect(responses[0].body.Status).toBe('SUCCESS');
  });

  test('a failed create answers FAILED with the reason and a marker id, after deleting what it wrote; the rollback\'s delete of it does nothing', async () => {
    const parameters = { ...params(['/p/a']), ...params(['/p/b'], 'fail') };
    const created = await run({ ...base, RequestType: 'Create', ResourceProperties: { Region: 'us-west-2', Parameters: parameters } });
    expect(created.responses).toHaveLength(1);
    expect(created.responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'ValidationException: bad value', PhysicalResourceId: 'us-west-2:parameters:failed' });
    expect(created.stored).toEqual([]);
    const rollback = await run({ ...base, RequestType: 'Delete', PhysicalResourceId: 'us-west-2:parameters:failed', ResourceProperties: { Region: 'us-west-2', Parameters: parameters } },
      [], { denied: ['/p/a', '/p/b'] });
    expect(rollback.calls).toEqual([]);
    expect(rollback.responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'us-west-2:parameters:failed' });
  });

  test('an update may leave a dropped name its role may no longer delete (a renamed platform): logged, SUCCESS; a delete that is denied fails', async () => {
    const updated = await run({
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'us-west-2:parameters',
      ResourceProperties: { Region: 'us-west-2', Parameters: params(['/new/a']) },
      OldResourceProperties: { Region: 'us-west-2', Parameters: params(['/old/a']) },
    }, ['/old/a'], { denied: ['/old/a'] });
    expect(updated.stored).toEqual(['/new/a', '/old/a']);
    expect(updated.responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'us-west-2:parameters' });
    const deleted = await run({ ...base, RequestType: 'Delete', PhysicalResourceId: 'us-west-2:parameters', ResourceProperties: { Region: 'us-west-2', Parameters: params(['/p/a']) } },
      ['/p/a'], { denied: ['/p/a'] });
    expect(deleted.responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'not authorized to delete /p/a', PhysicalResourceId: 'us-west-2:parameters' });
  });

  test('a call that never returns: FAILED 5 s before the function\'s time ends, not CloudFormation\'s timeout', async () => {
    const { responses } = await run({
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'us-west-2:parameters',
      ResourceProperties: { Region: 'us-west-2', Parameters: params(['/p/a'], 'hang') },
      OldResourceProperties: { Region: 'us-west-2', Parameters: {} },
    },
    [], { remainingMs: 5_200 });
    expect(responses).toHaveLength(1);
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'timed out writing the parameters' });
  });
});
