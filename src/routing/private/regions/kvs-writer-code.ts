import { kvsDeleteKey, kvsPutKey, kvsWrite } from './kvs-client';
import { signSigV4a } from './sigv4a';

/**
 * The function that writes the front door's router store (issue 24, ADR 15): a service stack's
 * registration (a CloudFormation custom resource) and a Region's automatic drain (a CloudWatch
 * alarm action). Its inline code is made from the source text of `signSigV4a`, the kvs-client
 * functions and `kvsWriterHandler` below: one copy of the logic, tested as it runs in Lambda.
 *
 * This module imports only those two modules (no aws-cdk-lib), so that a test can compile it
 * alone as jsii/tsc compiles it to lib/ and run the code generated from the compiled functions.
 */

/** What `kvsWriterHandler` needs from the outside world (the inline code passes Lambda's). @internal */
export interface KvsWriterIo {
  /** The function's Region (`AWS_REGION`): the Region a registration or a drain is for. */
  readonly region: string;
  /** The store the drain writes to (`STORE_ARN`). @default - none: alarm events fail */
  readonly storeArn?: string;
  /** Put `key`; `deadline` (`Date.now()` milliseconds): no retry after a conflict that could not end before it. */
  put(storeArn: string, key: string, value: string, deadline?: number): Promise<void>;
  /** Delete `key`; with `onlyIf`, only when it holds that value (false when it holds another). */
  remove(storeArn: string, key: string, onlyIf?: string, deadline?: number): Promise<boolean>;
  /** The global `fetch` (the answer to CloudFormation's ResponseURL). */
  fetch(url: string, init: { method: string; headers: Record<string, string>; body: string }): Promise<{ status: number; text(): Promise<string> }>;
  log(message: string): void;
}

/**
 * The handler. Self-contained (its source text is inlined: no imports, no names of this module;
 * only globals and `io`).
 *
 * - CloudFormation custom resource (`RequestType`, `ResponseURL`; properties `StoreArn`,
 *   `ServiceName`): the key `s/<ServiceName>/<Region>`, the value `<StackId>|<LogicalResourceId>`
 *   (the owner); physical id `<StoreArn>|<key>`. Create puts; Update puts the new key and, when
 *   the id changed, deletes the old one (and if that fails, removes the new one again before
 *   answering FAILED, so that the rollback finds the old state); Delete deletes (a missing key or
 *   store is success; an id that names no key, as a create that failed before writing answers,
 *   deletes nothing). With `LongLived: 'true'` the key `l/<ServiceName>/<Region>` is written
 *   beside it (the service's long-lived paths are served in this Region), and removed with it
 *   (an update without it removes it). Deletes remove a key only while it holds this owner (GetKey): another
 *   stack's registration of the same service, or this one's under a new logical id, stays. The
 *   ResponseURL is always answered (the cfn-response protocol: a PUT of the JSON answer with an
 *   empty Content-Type), FAILED with what failed (the store's status and body) on an error, and
 *   FAILED before the function's timeout if the store does not answer in time. A write that
 *   loses a race for the store's ETag is retried only while it can end 5 s before the timeout.
 * - CloudWatch alarm action (`source: 'aws.cloudwatch'`, `alarmData.state.value`): ALARM puts
 *   `d/<Region>` (the Region is drained); any other state writes nothing and logs how to undrain
 *   (an alarm that flaps would otherwise move traffic back and forth).
 * @internal
 */
export async function kvsWriterHandler(event: any, context: any, io: KvsWriterIo): Promise<unknown> {
  const MARGIN_MS = 5000;
  const ARN_RE = /^arn:aws[a-z-]*:cloudfront::\d{12}:key-value-store\/[A-Za-z0-9-]+$/;
  const SERVICE_RE = /^[a-z0-9][a-z0-9-]{0,31}$/;
  const message = (error: any): string => String(error && error.message ? error.message : error);
  // The store's writes retry a conflict only while they can end 5 s before the function's timeout.
  const remaining = context && typeof context.getRemainingTimeInMillis === 'function' ? context.getRemainingTimeInMillis() : 60000;
  const budget = Math.max(1000, remaining - MARGIN_MS);
  const deadline = Date.now() + budget;

  if (event && event.source === 'aws.cloudwatch' && event.alarmData) {
    const alarm = event.alarmData;
    const state = alarm.state ? alarm.state.value : undefined;
    const key = `d/${io.region}`;
    if (state !== 'ALARM') {
      io.log(`alarm ${alarm.alarmName} is ${state}: ${key} is left as it is. To undrain ${io.region}: aws cloudfront-keyvaluestore delete-key`
        + ` --kvs-arn ${io.storeArn} --key ${key} --if-match "$(aws cloudfront-keyvaluestore describe-key-value-store --kvs-arn ${io.storeArn}`
        + ' --query ETag --output text)"');
      return { drained: false };
    }
    if (!io.storeArn) throw new Error('kvs writer: no STORE_ARN to drain the region in');
    await io.put(io.storeArn, key, `${alarm.alarmName} ${alarm.state.timestamp}`.slice(0, 1000), deadline);
    io.log(`alarm ${alarm.alarmName} is ALARM: put ${key} in ${io.storeArn} (${io.region} is drained)`);
    return { drained: true, key };
  }
  if (!event || typeof event.RequestType !== 'string' || typeof event.ResponseURL !== 'string') {
    throw new Error('kvs writer: expected a CloudFormation custom resource event or a CloudWatch alarm event');
  }

  const parse = (id: unknown): { arn: string; key: string } | undefined => {
    if (typeof id !== 'string') return undefined;
    const i = id.indexOf('|');
    const arn = id.slice(0, i);
    const key = id.slice(i + 1);
    return i > 0 && ARN_RE.test(arn) && /^s\/[^|]+$/.test(key) ? { arn, key } : undefined;
  };
  const longLivedKey = (key: string): string => `l/${key.slice(2)}`;
  const type = event.RequestType;
  const props = event.ResourceProperties || {};
  // A create that fails before writing answers an id that names no key (its delete does nothing).
  let physicalId: string = type === 'Create' ? `failed|${event.RequestId}` : event.PhysicalResourceId;
  // The key's value names the registration that wrote it (stack and logical id; under 1 KB): a
  // delete removes only its own, not the key another stack (or this resource under a new logical
  // id, which CloudFormation creates before it deletes the old one) wrote since.
  const owner = `${String(event.StackId)}|${String(event.LogicalResourceId)}`.slice(0, 1000);
  let step = 'starting';
  const work = async (): Promise<void> => {
    if (type === 'Delete') {
      const old = parse(event.PhysicalResourceId);
      if (!old) {
        io.log(`delete of ${event.PhysicalResourceId}: names no key, nothing to delete`);
        return;
      }
      for (const k of [old.key, longLivedKey(old.key)]) {
        step = `delete ${k} from ${old.arn}`;
        if (!await io.remove(old.arn, k, owner, deadline)) io.log(`${k} is held by another registration (not ${owner}): left in place`);
      }
      return;
    }
    const arn = props.StoreArn;
    const service = props.ServiceName;
    if (typeof arn !== 'string' || !ARN_RE.test(arn)) throw new Error(`StoreArn is not a KeyValueStore ARN: ${JSON.stringify(arn)}`);
    if (typeof service !== 'string' || !SERVICE_RE.test(service)) throw new Error(`ServiceName is not a service name: ${JSON.stringify(service)}`);
    const key = `s/${service}/${io.region}`;
    const id = `${arn}|${key}`;
    // A create that fails from here on answers the key's id: the rollback's delete removes it if it was written.
    if (type === 'Create') physicalId = id;
    step = `put ${key} in ${arn}`;
    await io.put(arn, key, owner, deadline);
    // l/<service>/<region>: the service's long-lived paths are served here too (its rules or
    // proxy routes exist), so the router may send them here.
    const longLived = props.LongLived === 'true';
    if (longLived) {
      step = `put ${longLivedKey(key)} in ${arn}`;
      await io.put(arn, longLivedKey(key), owner, deadline);
    } else if (type === 'Update') {
      step = `delete ${longLivedKey(key)} from ${arn}`;
      await io.remove(arn, longLivedKey(key), owner, deadline);
    }
    const old = type === 'Update' && event.PhysicalResourceId !== id ? parse(event.PhysicalResourceId) : undefined;
    if (old) {
      try {
        for (const k of [old.key, longLivedKey(old.key)]) {
          step = `delete the old ${k} from ${old.arn}`;
          if (!await io.remove(old.arn, k, owner, deadline)) io.log(`${k} is held by another registration (not ${owner}): left in place`);
        }
      } catch (error) {
        io.log(`${step} failed: ${message(error)}; removing the new ${key} again`);
        for (const k of longLived ? [key, longLivedKey(key)] : [key]) {
          await io.remove(arn, k, owner, deadline).catch((undo: any) => io.log(`removing ${k} from ${arn} failed too: ${message(undo)}`));
        }
        throw error;
      }
    }
    physicalId = id;
  };

  let timer: any;
  const timeout = new Promise<{ error: Error }>((resolve) => {
    timer = setTimeout(() => resolve({ error: new Error(`timed out after ${Math.round(budget / 1000)} s`) }), budget);
  });
  const outcome: { error?: Error } = await Promise.race([work().then(() => ({}), (error: Error) => ({ error })), timeout]);
  clearTimeout(timer);

  const failed = outcome.error !== undefined;
  const reason = failed ? `${type} ${physicalId}: ${step} failed: ${message(outcome.error)}`.slice(0, 1500)
    + ` (log stream ${context && context.logStreamName})` : `${type} ${physicalId}: done`;
  io.log(reason);
  const body = JSON.stringify({
    Status: failed ? 'FAILED' : 'SUCCESS',
    Reason: reason,
    PhysicalResourceId: physicalId,
    StackId: event.StackId,
    RequestId: event.RequestId,
    LogicalResourceId: event.LogicalResourceId,
    NoEcho: false,
    Data: {},
  });
  let last = '';
  for (let attempt = 1; attempt <= 3; attempt++) {
    try {
      const response = await io.fetch(event.ResponseURL, { method: 'PUT', headers: { 'content-type': '' }, body });
      if (response.status >= 200 && response.status < 300) return { status: failed ? 'FAILED' : 'SUCCESS', physicalId };
      last = `HTTP ${response.status} ${(await response.text().catch(() => '')).slice(0, 300)}`;
    } catch (error) {
      last = message(error);
    }
    io.log(`answering the ResponseURL (attempt ${attempt}) failed: ${last}`);
  }
  throw new Error(`kvs writer: the ResponseURL was not answered: ${last}`);
}

/**
 * The writer function's inline code (CommonJS `index.js`, `exports.handler`, Node.js 24: the
 * global `fetch`, `crypto`; credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
 * `AWS_SESSION_TOKEN`, the Region from `AWS_REGION`; `STORE_ARN` for the drain, or
 * `STORE_ARN_PARAMETER`, an SSM parameter read with the runtime's SDK when an alarm fires). Every call to
 * the store or the ResponseURL gives up after 10 s. `KVS_ENDPOINT` replaces the store's endpoint
 * (the tests' stand-in; never set by the library).
 * @internal
 */
export function kvsWriterCode(): string {
  return [
    `const signSigV4a = ${signSigV4a.toString()};`,
    `const kvsWrite = ${kvsWrite.toString()};`,
    `const kvsPutKey = ${kvsPutKey.toString()};`,
    `const kvsDeleteKey = ${kvsDeleteKey.toString()};`,
    `const kvsWriterHandler = ${kvsWriterHandler.toString()};`,
    'const crypto = require("crypto");',
    'const timed = (url, init) => fetch(url, { ...init, signal: AbortSignal.timeout(10000) });',
    'const kvsIo = (deadline) => ({',
    '  endpoint: process.env.KVS_ENDPOINT || undefined,',
    '  deadline,',
    '  fetch: timed,',
    '  sign: (request) => signSigV4a(request, {',
    '    accessKeyId: process.env.AWS_ACCESS_KEY_ID,',
    '    secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY,',
    '    sessionToken: process.env.AWS_SESSION_TOKEN,',
    '  }, crypto, Date.now()).headers,',
    '  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),',
    '});',
    // An additional Region's drain finds the store's ARN in SSM (written after its stack deployed).
    'async function storeArn(event) {',
    '  if (process.env.STORE_ARN || !process.env.STORE_ARN_PARAMETER || !event || event.source !== "aws.cloudwatch") return process.env.STORE_ARN || undefined;',
    '  const { SSMClient, GetParameterCommand } = require("@aws-sdk/client-ssm");',
    '  return (await new SSMClient({}).send(new GetParameterCommand({ Name: process.env.STORE_ARN_PARAMETER }))).Parameter.Value;',
    '}',
    'exports.handler = async (event, context) => kvsWriterHandler(event, context, {',
    '  region: process.env.AWS_REGION,',
    '  storeArn: await storeArn(event),',
    '  put: (arn, key, value, deadline) => kvsPutKey(kvsIo(deadline), arn, key, value),',
    '  remove: (arn, key, onlyIf, deadline) => kvsDeleteKey(kvsIo(deadline), arn, key, onlyIf),',
    '  fetch: timed,',
    '  log: (message) => console.log(message),',
    '});',
    '',
  ].join('\n');
}
