import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { kvsWriterCode } from '../../../../src/routing/private/regions/kvs-writer-code';
import { KVS_ARN, KVS_CREDENTIALS, KvsStandIn } from '../../../helpers/kvs-stand-in';

// The writer function's generated code (index.js), required from a temporary directory with the
// Lambda environment set, against the local KeyValueStore stand-in (every SigV4A signature
// verified) and a local server in place of CloudFormation's ResponseURL (an S3 presigned URL).

const OTHER_ARN = KVS_ARN.replace(/[0-9a-f]{12}$/, 'aaaaaaaaaaaa');
const MISSING_ARN = KVS_ARN.replace(/[0-9a-f]{12}$/, '000000000000');
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/JessicaEu/5b1f3a40-0000-11ef-8000-0a1b2c3d4e5f';
/** The value a registration writes: the stack and the resource's logical id (the key's owner). */
const OWNER = `${STACK_ID}|RoutesRegionRegistration1234`;

interface Answer { readonly method: string; readonly contentType?: string; readonly body: any }

/** CloudFormation's side: a server that takes the PUT of the answer (failing the first `failFirst` times). */
class ResponseUrl {
  public readonly answers: Answer[] = [];
  public failFirst = 0;
  private server?: http.Server;

  async start(): Promise<string> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', c => chunks.push(c));
      req.on('end', () => {
        if (this.failFirst > 0) {
          this.failFirst--;
          res.writeHead(503).end('slow down');
          return;
        }
        this.answers.push({ method: req.method!, contentType: req.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as net.AddressInfo).port}/cloudformation-custom-resource-response?X-Amz-Signature=abc`;
  }

  async stop(): Promise<void> {
    await new Promise(resolve => this.server?.close(resolve));
  }
}

type Handler = (event: unknown, context: unknown) => Promise<any>;

/** Writes `code` as index.js in a new directory and requires it (a fresh module each time). */
function load(code: string): Handler {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-writer-'));
  fs.writeFileSync(path.join(dir, 'index.js'), code);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(path.join(dir, 'index.js')).handler;
}

const ENV_NAMES = ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'KVS_ENDPOINT', 'STORE_ARN'];

describe('the kvs writer function (generated code, run as Lambda runs it)', () => {
  let standIn: KvsStandIn;
  let responses: ResponseUrl;
  let responseUrl: string;
  let handler: Handler;
  const saved: Record<string, string | undefined> = {};
  const logs: string[] = [];
  let logSpy: jest.SpyInstance;
  const context = (remainingMs = 120_000) => ({ getRemainingTimeInMillis: () => remainingMs, logStreamName: '2026/12/07/[$LATEST]abc' });

  beforeAll(() => {
    handler = load(kvsWriterCode());
  });
  beforeEach(async () => {
    standIn = new KvsStandIn([KVS_ARN, OTHER_ARN]);
    responses = new ResponseUrl();
    responseUrl = await responses.start();
    for (const name of ENV_NAMES) saved[name] = process.env[name];
    Object.assign(process.env, {
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: KVS_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: KVS_CREDENTIALS.secretAccessKey,
      AWS_SESSION_TOKEN: KVS_CREDENTIALS.sessionToken,
      KVS_ENDPOINT: await standIn.start(),
    });
    delete process.env.STORE_ARN;
    logs.length = 0;
    logSpy = jest.spyOn(console, 'log').mockImplementation((m: string) => { logs.push(String(m)); });
  });
  afterEach(async () => {
    logSpy.mockRestore();
    for (const name of ENV_NAMES) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    await standIn.stop();
    await responses.stop();
  });

  const event = (type: 'Create' | 'Update' | 'Delete', props: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    RequestType: type,
    ResponseURL: responseUrl,
    StackId: STACK_ID,
    RequestId: `req-${type}`,
    ResourceType: 'Custom::RegionRegistration',
    LogicalResourceId: 'RoutesRegionRegistration1234',
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:writer',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:writer', ...props },
    ...extra,
  });
  const idOf = (arn: string, key: string) => `${arn}|${key}`;
  const onlyAnswer = () => {
    expect(responses.answers).toHaveLength(1);
    return responses.answers[0];
  };

  test('create: puts s/<service>/<region> with its owner (stack and logical id) and answers SUCCESS (cfn-response protocol)', async () => {
    await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }), context());
    expect(standIn.keys.get('s/jessica/eu-west-1')).toBe(OWNER);
    const answer = onlyAnswer();
    expect(answer.method).toBe('PUT');
    expect(answer.contentType).toBe('');
    expect(answer.body).toEqual({
      Status: 'SUCCESS',
      Reason: expect.any(String),
      PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1'),
      StackId: STACK_ID,
      RequestId: 'req-Create',
      LogicalResourceId: 'RoutesRegionRegistration1234',
      NoEcho: false,
      Data: {},
    });
  });

  test('update that renames the service: the new key is put, then the old one deleted', async () => {
    standIn.keys.set('s/jessica/eu-west-1', OWNER);
    await handler(event('Update', { StoreArn: KVS_ARN, ServiceName: 'jess' }, {
      PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1'),
      OldResourceProperties: { StoreArn: KVS_ARN, ServiceName: 'jessica' },
    }), context());
    expect(standIn.writes).toEqual(['PUT s/jess/eu-west-1', 'DELETE s/jessica/eu-west-1']);
    expect([...standIn.keys.keys()]).toEqual(['s/jess/eu-west-1']);
    expect(onlyAnswer().body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf(KVS_ARN, 's/jess/eu-west-1') });
  });

  test('update to another store: put in the new store, delete from the old one', async () => {
    standIn.keys.set('s/jessica/eu-west-1', OWNER);
    await handler(event('Update', { StoreArn: OTHER_ARN, ServiceName: 'jessica' }, {
      PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1'),
    }), context());
    expect(standIn.keys.size).toBe(0);
    expect(standIn.stores.get(OTHER_ARN)!.get('s/jessica/eu-west-1')).toBe(OWNER);
    expect(onlyAnswer().body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf(OTHER_ARN, 's/jessica/eu-west-1') });
  });

  test('update without a change of key: the key is put again, nothing deleted', async () => {
    await handler(event('Update', { StoreArn: KVS_ARN, ServiceName: 'jessica' }, {
      PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1'),
    }), context());
    expect(standIn.writes).toEqual(['PUT s/jessica/eu-west-1']);
    expect(onlyAnswer().body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1') });
  });

  test('update whose old key cannot be deleted: the new key is removed again and FAILED keeps the old id', async () => {
    standIn.keys.set('s/jessica/eu-west-1', OWNER);
    standIn.failWrite = (method, store) => (method === 'DELETE' && store === KVS_ARN ? 500 : undefined);
    await handler(event('Update', { StoreArn: OTHER_ARN, ServiceName: 'jessica' }, {
      PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1'),
    }), context());
    expect(standIn.writes).toEqual(['PUT s/jessica/eu-west-1', 'DELETE s/jessica/eu-west-1']);
    expect(standIn.log.filter(l => l.method !== 'GET').map(l => [l.method, l.store === OTHER_ARN ? 'new' : 'old', l.status]))
      .toEqual([['PUT', 'new', 200], ['DELETE', 'old', 500], ['DELETE', 'new', 200]]);
    expect(standIn.stores.get(OTHER_ARN)!.size).toBe(0);
    expect(standIn.keys.get('s/jessica/eu-west-1')).toBe(OWNER);
    const answer = onlyAnswer().body;
    expect(answer).toMatchObject({ Status: 'FAILED', PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1') });
    expect(answer.Reason).toMatch(/delete the old s\/jessica\/eu-west-1 from .* failed: .*HTTP 500/);
  });

  test('delete: removes the key named by the physical id', async () => {
    standIn.keys.set('s/jessica/eu-west-1', OWNER);
    standIn.keys.set('s/other/eu-west-1', 'x');
    await handler(event('Delete', { StoreArn: KVS_ARN, ServiceName: 'jessica' }, {
      PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1'),
    }), context());
    expect([...standIn.keys.keys()]).toEqual(['s/other/eu-west-1']);
    expect(onlyAnswer().body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1') });
  });

  test('delete of a missing key, from a missing store, or of an id that names no key: SUCCESS', async () => {
    const ids = [idOf(KVS_ARN, 's/jessica/eu-west-1'), idOf(MISSING_ARN, 's/jessica/eu-west-1'), 'failed|req-Create'];
    for (const id of ids) await handler(event('Delete', {}, { PhysicalResourceId: id }), context());
    expect(responses.answers.map(a => [a.body.Status, a.body.PhysicalResourceId])).toEqual(ids.map(id => ['SUCCESS', id]));
    // For s/ and then l/: the store's ETag, then the key (GetKey: absent, so nothing to delete);
    // the missing store's 404 (twice).
    expect(standIn.log.map(l => [l.method, l.status])).toEqual([['GET', 200], ['GET', 404], ['GET', 200], ['GET', 404], ['GET', 404], ['GET', 404]]);
  });

  test('LongLived: the l/ key is written beside s/, removed by an update without it, and by the delete', async () => {
    await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'orders', LongLived: 'true' }), context());
    expect([...standIn.keys.entries()]).toEqual([['s/orders/eu-west-1', OWNER], ['l/orders/eu-west-1', OWNER]]);
    await handler(event('Update', { StoreArn: KVS_ARN, ServiceName: 'orders' }, { PhysicalResourceId: idOf(KVS_ARN, 's/orders/eu-west-1') }), context());
    expect([...standIn.keys.keys()]).toEqual(['s/orders/eu-west-1']);
    await handler(event('Update', { StoreArn: KVS_ARN, ServiceName: 'orders', LongLived: 'true' }, { PhysicalResourceId: idOf(KVS_ARN, 's/orders/eu-west-1') }), context());
    await handler(event('Delete', {}, { PhysicalResourceId: idOf(KVS_ARN, 's/orders/eu-west-1') }), context());
    expect(standIn.keys.size).toBe(0);
    expect(responses.answers.map(a => a.body.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'SUCCESS']);
  });

  test('delete of a key another registration holds (another stack, or this one under a new logical id): left in place', async () => {
    // CloudFormation creates the resource under its new logical id, then deletes the old one.
    await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }, { LogicalResourceId: 'RoutesRegionRegistrationNew' }), context());
    expect(standIn.keys.get('s/jessica/eu-west-1')).toBe(`${STACK_ID}|RoutesRegionRegistrationNew`);
    await handler(event('Delete', { StoreArn: KVS_ARN, ServiceName: 'jessica' }, {
      PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1'),
    }), context());
    expect(standIn.keys.get('s/jessica/eu-west-1')).toBe(`${STACK_ID}|RoutesRegionRegistrationNew`);
    expect(standIn.writes).toEqual(['PUT s/jessica/eu-west-1']);
    expect(responses.answers.map(a => a.body.Status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(logs.join('\n')).toContain('is held by another registration');
    // Its own delete then removes it.
    await handler(event('Delete', { StoreArn: KVS_ARN, ServiceName: 'jessica' }, {
      PhysicalResourceId: idOf(KVS_ARN, 's/jessica/eu-west-1'), LogicalResourceId: 'RoutesRegionRegistrationNew',
    }), context());
    expect(standIn.keys.has('s/jessica/eu-west-1')).toBe(false);
  });

  test('a store error: FAILED with what failed (status and body), the ResponseURL still answered', async () => {
    standIn.failWrite = () => 500;
    await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }), context());
    const answer = onlyAnswer().body;
    expect(answer.Status).toBe('FAILED');
    expect(answer.Reason).toMatch(/put s\/jessica\/eu-west-1 in arn:aws:cloudfront::123456789012:key-value-store\/.* failed: .*HTTP 500 .*InternalServerException/);
    // The rollback's delete of this id removes the key if it was written after all.
    expect(answer.PhysicalResourceId).toBe(idOf(KVS_ARN, 's/jessica/eu-west-1'));
  });

  test('a store that refuses the signature (wrong credentials): FAILED with the 403 and its message', async () => {
    process.env.AWS_SECRET_ACCESS_KEY = 'not-the-secret';
    await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }), context());
    expect(onlyAnswer().body.Reason).toMatch(/HTTP 403 .*signature does not verify/);
    expect(standIn.keys.size).toBe(0);
  });

  test('bad properties: FAILED naming the property, with an id whose delete does nothing', async () => {
    await handler(event('Create', { StoreArn: 'arn:aws:s3:::bucket', ServiceName: 'jessica' }), context());
    await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'Not A Name' }), context());
    expect(responses.answers.map(a => a.body.Status)).toEqual(['FAILED', 'FAILED']);
    expect(responses.answers[0].body.Reason).toMatch(/StoreArn is not a KeyValueStore ARN: "arn:aws:s3:::bucket"/);
    expect(responses.answers[1].body.Reason).toMatch(/ServiceName is not a service name: "Not A Name"/);
    expect(responses.answers[0].body.PhysicalResourceId).toBe('failed|req-Create');
    expect(standIn.log).toHaveLength(0);
  });

  test('a store that does not answer: FAILED before the function\'s timeout', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer(socket => { sockets.push(socket); }); // accepts, never answers
    await new Promise<void>(resolve => silent.listen(0, '127.0.0.1', resolve));
    process.env.KVS_ENDPOINT = `http://127.0.0.1:${(silent.address() as net.AddressInfo).port}`;
    const started = Date.now();
    try {
      // 6.5 s left: the answer must go out 5 s before the end, after 1.5 s.
      await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }), context(6_500));
    } finally {
      for (const socket of sockets) socket.destroy();
      silent.close();
    }
    expect(Date.now() - started).toBeLessThan(6_500);
    expect(onlyAnswer().body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/put s\/jessica\/eu-west-1 .* failed: timed out/) });
  });

  test('a write that keeps losing the race for the ETag: retried only while it can end 5 s before the timeout, then FAILED with the 409', async () => {
    standIn.concurrentWrites = 1_000_000;
    // 6.5 s left: the writes must be done after 1.5 s; without that bound the retries (up to
    // 10, with waits of up to 5 s) would run into the handler's timeout instead.
    await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }), context(6_500));
    expect(onlyAnswer().body).toMatchObject({
      Status: 'FAILED',
      Reason: expect.stringMatching(/put s\/jessica\/eu-west-1 .* failed: .*HTTP 409 .*ConflictException.* no time left for another/),
    });
    expect(standIn.keys.size).toBe(0);
  });

  test('the ResponseURL is retried when it fails, and the handler fails when it never answers', async () => {
    responses.failFirst = 2;
    await handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }), context());
    expect(onlyAnswer().body.Status).toBe('SUCCESS');
    responses.failFirst = 3;
    responses.answers.length = 0;
    await expect(handler(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }), context())).rejects.toThrow(/ResponseURL was not answered: HTTP 503/);
  });

  // The payload CloudWatch sends to a Lambda alarm action (CloudWatch User Guide, "Lambda alarm actions").
  const alarmEvent = (state: string) => ({
    source: 'aws.cloudwatch',
    alarmArn: 'arn:aws:cloudwatch:eu-west-1:123456789012:alarm:georgi-eu-west-1-health',
    accountId: '123456789012',
    time: '2026-12-07T12:36:15.490+0000',
    region: 'eu-west-1',
    alarmData: {
      alarmName: 'georgi-eu-west-1-health',
      state: { value: state, reason: 'Threshold Crossed', timestamp: '2026-12-07T12:36:15.490+0000' },
      previousState: { value: 'OK', reason: 'Threshold Crossed', timestamp: '2026-12-07T12:31:29.595+0000' },
      configuration: { description: 'health', metrics: [] },
    },
  });

  test('alarm in ALARM: puts d/<region> (the Region is drained)', async () => {
    process.env.STORE_ARN = KVS_ARN;
    await expect(handler(alarmEvent('ALARM'), context())).resolves.toEqual({ drained: true, key: 'd/eu-west-1' });
    expect(standIn.keys.get('d/eu-west-1')).toBe('georgi-eu-west-1-health 2026-12-07T12:36:15.490+0000');
    expect(responses.answers).toHaveLength(0);
  });

  test.each(['OK', 'INSUFFICIENT_DATA'])('alarm in %s: no write, and the log says how to undrain', async (state) => {
    process.env.STORE_ARN = KVS_ARN;
    standIn.keys.set('d/eu-west-1', 'drained earlier');
    await expect(handler(alarmEvent(state), context())).resolves.toEqual({ drained: false });
    expect(standIn.log).toHaveLength(0);
    expect(standIn.keys.get('d/eu-west-1')).toBe('drained earlier');
    expect(logs.join('\n')).toContain(`aws cloudfront-keyvaluestore delete-key --kvs-arn ${KVS_ARN} --key d/eu-west-1`);
  });

  test('an additional Region\'s drain reads the store\'s ARN from SSM (STORE_ARN_PARAMETER) when the alarm fires', async () => {
    // The Lambda runtime's @aws-sdk/client-ssm, stood in by a module beside index.js that
    // answers GetParameter for the one parameter (this repository does not depend on the SDK).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-writer-ssm-'));
    const sdk = path.join(dir, 'node_modules', '@aws-sdk', 'client-ssm');
    fs.mkdirSync(sdk, { recursive: true });
    fs.writeFileSync(path.join(sdk, 'index.js'), [
      'const calls = [];',
      'class GetParameterCommand { constructor(input) { this.input = input; } }',
      'class SSMClient { async send(command) { calls.push(command.input.Name);',
      '  if (command.input.Name !== \'/platform/georgi/front-door/region-router-store-arn\') throw Object.assign(new Error(\'not found\'), { name: \'ParameterNotFound\' });',
      `  return { Parameter: { Value: ${JSON.stringify(KVS_ARN)} } }; } }`,
      'module.exports = { SSMClient, GetParameterCommand, calls };',
    ].join('\n'));
    fs.writeFileSync(path.join(dir, 'index.js'), kvsWriterCode());
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fromParameter: Handler = require(path.join(dir, 'index.js')).handler;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { calls } = require(sdk);
    process.env.STORE_ARN_PARAMETER = '/platform/georgi/front-door/region-router-store-arn';
    try {
      await expect(fromParameter(alarmEvent('ALARM'), context())).resolves.toEqual({ drained: true, key: 'd/eu-west-1' });
      expect(standIn.keys.get('d/eu-west-1')).toContain('georgi-eu-west-1-health');
      expect(calls).toEqual(['/platform/georgi/front-door/region-router-store-arn']);
      process.env.STORE_ARN_PARAMETER = '/platform/georgi/elsewhere';
      await expect(fromParameter(alarmEvent('ALARM'), context())).rejects.toThrow(/not found/);
    } finally {
      delete process.env.STORE_ARN_PARAMETER;
    }
  });

  test('an alarm the store refuses fails the invocation (Lambda retries the asynchronous event)', async () => {
    process.env.STORE_ARN = KVS_ARN;
    standIn.failWrite = () => 500;
    await expect(handler(alarmEvent('ALARM'), context())).rejects.toThrow(/PutKey d\/eu-west-1 .*HTTP 500/);
  });

  test('the code generated from the library as tsc compiles it to lib/ works too', async () => {
    // The three modules compiled alone with the options of tsconfig.json (what jsii compiles lib/ with).
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kvs-writer-lib-'));
    const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(__dirname, '..', '..', '..', '..', 'tsconfig.json'), ts.sys.readFile).config,
      ts.sys, path.join(__dirname, '..', '..', '..', '..'));
    const srcDir = path.join(__dirname, '..', '..', '..', '..', 'src', 'routing', 'private', 'regions');
    for (const name of ['sigv4a', 'kvs-client', 'kvs-writer-code']) {
      const out = ts.transpileModule(fs.readFileSync(path.join(srcDir, `${name}.ts`), 'utf8'), { compilerOptions: config.options, fileName: `${name}.ts` });
      fs.writeFileSync(path.join(dir, `${name}.js`), out.outputText);
    }
    expect(config.options.target).toBe(ts.ScriptTarget.ES2022);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const compiled = require(path.join(dir, 'kvs-writer-code.js'));
    const code: string = compiled.kvsWriterCode();
    expect(code).not.toMatch(/kvs_client_1|sigv4a_1|__awaiter|require\("\.\//);
    const fromLib = load(code);
    await fromLib(event('Create', { StoreArn: KVS_ARN, ServiceName: 'jessica' }), context());
    expect(standIn.keys.get('s/jessica/eu-west-1')).toBe(OWNER);
    expect(onlyAnswer().body.Status).toBe('SUCCESS');
  });
});
