import * as vm from 'vm';
import { SecretVersion, stageHandlerCode, stageLogic } from '../../../src/routing/private/origin-secret-stage';
import { synthPlatform } from '../../helpers/fixtures';
import { onlyOne } from '../../helpers/templates';

// The custom resource that puts the front door's staging label in place before CloudFront's
// dynamic reference reads it: the decisions (called directly) and the inline code as Lambda
// runs it, against a stand-in for Secrets Manager (ListSecretVersionIds, UpdateSecretVersionStage)
// and for CloudFormation's pre-signed response URL.

const v = (id: string, created: number, ...stages: string[]): SecretVersion => ({ id, created, stages });

describe('stageLogic', () => {
  test('a fresh stack (trap 1): the label does not exist yet, so it goes on the AWSCURRENT version', () => {
    expect(stageLogic([v('v1', 1, 'AWSCURRENT')], '2026-12-01', undefined)).toEqual({
      changes: [{ stage: '2026-12-01', moveTo: 'v1' }],
      accepted: ['2026-12-01'],
    });
  });

  test('a label already put with the new value stays where it is', () => {
    const versions = [v('v1', 1, 'AWSPREVIOUS', 'front-door'), v('v2', 2, 'AWSCURRENT', '2026-12-01')];
    expect(stageLogic(versions, '2026-12-01', 'front-door')).toEqual({ changes: [], accepted: ['2026-12-01', 'front-door'] });
  });

  test('a rotation keeps the previous deploy\'s label and removes older ones, never AWS labels or newer ones', () => {
    const versions = [
      v('v1', 1, 'old-1'), v('v2', 2, 'old-2', 'AWSPREVIOUS'), v('v3', 3, 'front-door'),
      v('v4', 4, 'AWSCURRENT'), v('v5', 5, 'AWSPENDING', 'next'),
    ];
    expect(stageLogic(versions, '2026-12-01', 'front-door')).toEqual({
      changes: [
        { stage: '2026-12-01', moveTo: 'v4' },
        { stage: 'old-1', removeFrom: 'v1' },
        { stage: 'old-2', removeFrom: 'v2' },
      ],
      accepted: ['2026-12-01', 'front-door'],
    });
  });

  test('an unchanged label (an update for another reason) changes nothing', () => {
    const versions = [v('v1', 1, 'front-door'), v('v2', 2, 'AWSCURRENT'), v('v3', 3, 'AWSPREVIOUS')];
    expect(stageLogic(versions, 'front-door', 'front-door')).toEqual({ changes: [], accepted: ['front-door'] });
  });

  test('a secret without AWSCURRENT cannot be labelled', () => {
    expect(() => stageLogic([], 'front-door', undefined)).toThrow(/no AWSCURRENT version/);
  });
});

describe('the label function, as deployed', () => {
  const { template } = synthPlatform();
  const [, fn] = onlyOne(template, 'AWS::Lambda::Function', r => JSON.stringify(r.Properties.Code).includes('UpdateSecretVersionStage'));

  function run(event: Record<string, unknown>, versions: SecretVersion[]) {
    const updates: Array<Record<string, unknown>> = [];
    const responses: any[] = [];
    class ListSecretVersionIdsCommand {
      constructor(public readonly input: Record<string, unknown>) {}
    }
    class UpdateSecretVersionStageCommand {
      constructor(public readonly input: Record<string, unknown>) {}
    }
    class SecretsManagerClient {
      async send(command: any) {
        if (command instanceof ListSecretVersionIdsCommand) {
          return { Versions: versions.map(x => ({ VersionId: x.id, CreatedDate: new Date(x.created * 1000), VersionStages: x.stages })) };
        }
        updates.push(command.input);
        return {};
      }
    }
    const https = {
      request: (url: string, options: any, callback: (res: any) => void) => ({
        on: () => undefined,
        end: (body: string) => {
          responses.push({ url, method: options.method, body: JSON.parse(body) });
          callback({ resume: () => undefined, on: (_: string, done: () => void) => done() });
        },
      }),
    };
    const module = { exports: {} as { handler: (e: unknown) => Promise<void> } };
    const context = vm.createContext({
      module,
      exports: module.exports,
      Buffer,
      console: { log: () => undefined, error: () => undefined },
      Date,
      require: (name: string) => {
        if (name === 'https') return https;
        if (name === '@aws-sdk/client-secrets-manager') return { SecretsManagerClient, ListSecretVersionIdsCommand, UpdateSecretVersionStageCommand };
        throw new Error(`unexpected require ${name}`);
      },
    });
    new vm.Script(fn.Properties.Code.ZipFile, { filename: 'index.js' }).runInContext(context);
    return module.exports.handler(event).then(() => ({ updates, responses }));
  }

  const base = { ResponseURL: 'https://cloudformation-response.example/x', StackId: 's', RequestId: 'r', LogicalResourceId: 'Stage' };

  test('create: attaches the label to AWSCURRENT and answers SUCCESS with the accepted labels', async () => {
    const { updates, responses } = await run({ ...base, RequestType: 'Create', ResourceProperties: { SecretId: 'arn:s', Stage: 'front-door' } },
      [v('v1', 1, 'AWSCURRENT')]);
    expect(updates).toEqual([{ SecretId: 'arn:s', VersionStage: 'front-door', MoveToVersionId: 'v1', RemoveFromVersionId: undefined }]);
    expect(responses).toHaveLength(1);
    expect(responses[0]).toMatchObject({ url: base.ResponseURL, method: 'PUT', body: { Status: 'SUCCESS', Data: { Accepted: 'front-door' } } });
  });

  test('update to a new label: the old one is accepted during the deploy', async () => {
    const { responses } = await run({
      ...base,
      RequestType: 'Update',
      PhysicalResourceId: 'Stage-stage',
      ResourceProperties: { SecretId: 'arn:s', Stage: '2026-12-01' },
      OldResourceProperties: { SecretId: 'arn:s', Stage: 'front-door' },
    }, [v('v1', 1, 'front-door', 'AWSPREVIOUS'), v('v2', 2, 'AWSCURRENT')]);
    expect(responses[0].body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: 'Stage-stage', Data: { Accepted: '2026-12-01,front-door' } });
  });

  test('a failure answers FAILED with the reason (the deploy stops instead of hanging for an hour)', async () => {
    const { responses } = await run({ ...base, RequestType: 'Create', ResourceProperties: { SecretId: 'arn:s', Stage: 'x' } }, []);
    expect(responses[0].body).toMatchObject({ Status: 'FAILED', Reason: 'the secret has no AWSCURRENT version' });
  });

  test('delete changes nothing', async () => {
    const { updates, responses } = await run({ ...base, RequestType: 'Delete', ResourceProperties: { SecretId: 'arn:s', Stage: 'x' } },
      [v('v1', 1, 'AWSCURRENT', 'x')]);
    expect(updates).toEqual([]);
    expect(responses[0].body.Status).toBe('SUCCESS');
  });

  test('its role may list and label the secret\'s versions, and never read a value', () => {
    expect(stageHandlerCode()).not.toMatch(/GetSecretValue/);
    const roleId = fn.Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p: any) => JSON.stringify(p.Properties.Roles).includes(roleId))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    expect(statements.map((x: any) => x.Action)).toEqual(expect.arrayContaining([
      ['secretsmanager:ListSecretVersionIds', 'secretsmanager:UpdateSecretVersionStage'],
    ]));
    expect(JSON.stringify(statements)).not.toMatch(/GetSecretValue/);
  });
});
