import { CustomResource, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { PARAMETER_KEYS, ParameterKey, parameterName } from '../../contract/parameters';
import { ControlWaivers } from '../../core/controls';
import { createInlineFunction } from '../../core/inline-function';

/**
 * The ARN of a secret's replica in `region`: the primary's ARN with the Region replaced
 * (Secrets Manager: "The ARN for a replicated secret is the same as the primary secret except
 * for the Region").
 * @see https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets.html
 * @internal
 */
export function replicaSecretArn(primaryArn: string, region: string): string {
  const parts = Fn.split(':', primaryArn, 7);
  return Fn.join(':', [Fn.select(0, parts), Fn.select(1, parts), Fn.select(2, parts), region,
    Fn.select(4, parts), Fn.select(5, parts), Fn.select(6, parts)]);
}

/** The custom resource type of a Region's copies. @internal */
export const REGIONAL_PARAMETERS_TYPE = 'Custom::RegionalParameters';

/** The construct id of the writer function, one per platform (under the `GlobalPlatform`). @internal */
export const REGIONAL_PARAMETER_WRITER_ID = 'RegionalParameterWriter';

/**
 * The writer's inline code: for `Region` and `Parameters` (`{ <name>: { Value, Description } }`),
 * `PutParameter` (String, `Overwrite`) of each at create and update, `DeleteParameter` of all at
 * delete (a parameter already gone is no error), then the answer to CloudFormation's pre-signed
 * URL, `FAILED` with the reason on any error and 5 s before the function's time ends. The
 * physical id is `<region>:parameters`.
 * - An update also deletes the names it dropped, as far as the role still may (a renamed
 *   platform's grant names only the new ones): a name it may not delete is logged and left.
 * - A create that fails deletes what it wrote and answers with the physical id
 *   `<region>:parameters:failed`, whose delete (the rollback's) does nothing: a Region that
 *   cannot be written (unreachable, or denied by a policy) does not fail the rollback too.
 * @internal
 */
export function parameterWriterCode(): string {
  return [
    'const https = require("https");',
    'const { SSMClient, PutParameterCommand, DeleteParameterCommand } = require("@aws-sdk/client-ssm");',
    'function respond(event, status, reason, physicalId) {',
    '  const body = JSON.stringify({ Status: status, Reason: reason, PhysicalResourceId: physicalId,',
    '    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: {} });',
    '  return new Promise((resolve, reject) => {',
    '    const request = https.request(event.ResponseURL, { method: "PUT", headers: { "content-type": "", "content-length": Buffer.byteLength(body) } }, res => { res.resume(); res.on("end", resolve); });',
    '    request.on("error", reject);',
    '    request.end(body);',
    '  });',
    '}',
    'async function remove(client, names, tolerateDenied) {',
    '  for (const Name of names) {',
    '    try {',
    '      await client.send(new DeleteParameterCommand({ Name }));',
    '      console.log(`deleted ${Name}`);',
    '    } catch (err) {',
    '      if (err && err.name === "ParameterNotFound") continue;',
    '      if (tolerateDenied && err && err.name === "AccessDeniedException") { console.log(`left ${Name}: ${err.message}`); continue; }',
    '      throw err;',
    '    }',
    '  }',
    '}',
    'async function work(event, client, written) {',
    '  const wanted = event.ResourceProperties.Parameters || {};',
    '  if (event.RequestType === "Delete") {',
    '    await remove(client, Object.keys(wanted), false);',
    '    return "parameters deleted";',
    '  }',
    '  for (const [Name, p] of Object.entries(wanted)) {',
    '    await client.send(new PutParameterCommand({ Name, Value: p.Value, Description: p.Description, Type: "String", Overwrite: true }));',
    '    written.push(Name);',
    '    console.log(`wrote ${Name}`);',
    '  }',
    '  if (event.RequestType === "Update") {',
    '    const old = (event.OldResourceProperties || {}).Parameters || {};',
    '    await remove(client, Object.keys(old).filter(name => !(name in wanted)), true);',
    '  }',
    '  return "parameters written";',
    '}',
    'exports.handler = async (event, context) => {',
    '  const physicalId = `${event.ResourceProperties.Region}:parameters`;',
    '  if (event.RequestType === "Delete" && String(event.PhysicalResourceId).endsWith(":failed")) {',
    '    return respond(event, "SUCCESS", "its create failed: nothing to delete", event.PhysicalResourceId);',
    '  }',
    '  const client = new SSMClient({ region: event.ResourceProperties.Region });',
    '  const written = [];',
    '  const left = context && context.getRemainingTimeInMillis ? context.getRemainingTimeInMillis() : 120000;',
    '  let timer;',
    '  const deadline = new Promise((_, reject) => { timer = setTimeout(() => reject(new Error("timed out writing the parameters")), Math.max(1000, left - 5000)); });',
    '  try {',
    '    const reason = await Promise.race([work(event, client, written), deadline]);',
    '    await respond(event, "SUCCESS", reason, physicalId);',
    '  } catch (err) {',
    '    console.error(err);',
    '    const reason = String(err && err.message || err).slice(0, 500);',
    '    if (event.RequestType !== "Create") return respond(event, "FAILED", reason, event.PhysicalResourceId || physicalId);',
    '    await remove(client, written, true).catch(e => console.error(e));',
    '    await respond(event, "FAILED", reason, `${physicalId}:failed`);',
    '  } finally {',
    '    clearTimeout(timer);',
    '  }',
    '};',
  ].join('\n');
}

/** @internal */
export interface RegionalParameterCopiesProps {
  readonly platformName: string;
  /** The additional Region whose SSM receives the values. */
  readonly region: string;
  readonly values: Partial<Record<ParameterKey, string>>;
  /** Retention of the writer's log group (the first Region's copies create the writer). */
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Writes values that only the platform's stack knows into an additional Region's SSM, under the
 * platform's keys (ADR 15): that Region's stack deploys first and cannot read them. One custom
 * resource per Region (`Custom::RegionalParameters`, construct `Resource`) served by one
 * function per platform (`RegionalParameterWriter`, a role of its own), with a policy per Region
 * (`Grant`: `PutParameter` and `DeleteParameter` on exactly these parameters) that the custom
 * resource depends on, so that a dropped Region's parameters are deleted before its grant.
 *
 * A function of its own rather than one `AwsCustomResource` per key: those each add an inline
 * policy to the stack's one shared provider role, and IAM caps a role's inline policies at
 * 10,240 characters in all, which 8 Regions' copies (with long-lived origins, 7) went over.
 *
 * Cost: about $0 a month: the function runs at deploy and delete (Lambda free tier).
 * @internal
 */
export class RegionalParameterCopies extends Construct {
  constructor(scope: Construct, id: string, props: RegionalParameterCopiesProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const existing = scope.node.tryFindChild(REGIONAL_PARAMETER_WRITER_ID);
    const writer = existing instanceof RegionalParameterWriter ? existing : new RegionalParameterWriter(scope, REGIONAL_PARAMETER_WRITER_ID, props);
    const parameters: Record<string, { Value: string; Description: string }> = {};
    for (const [key, value] of Object.entries(props.values) as [ParameterKey, string][]) {
      parameters[parameterName(props.platformName, key)] = {
        Value: value,
        Description: `${PARAMETER_KEYS[key]} of the ${props.platformName} platform (written by its stack in ${stack.region})`,
      };
    }
    // The Region's grant is a policy of its own, which the custom resource depends on: dropping
    // the Region deletes the custom resource (its parameters) before the grant.
    const grant = new iam.Policy(this, 'Grant', {
      roles: [writer.role],
      statements: [new iam.PolicyStatement({
        actions: ['ssm:PutParameter', 'ssm:DeleteParameter'],
        resources: Object.keys(parameters).map(name => stack.formatArn({ service: 'ssm', region: props.region, resource: 'parameter', resourceName: name.slice(1) })),
      })],
    });
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: writer.handler.functionArn,
      resourceType: REGIONAL_PARAMETERS_TYPE,
      // A function that never answers (killed, timed out) fails the deploy after 5 minutes, not an hour.
      serviceTimeout: Duration.minutes(5),
      properties: { Region: props.region, Parameters: parameters },
    });
    resource.node.addDependency(grant);
  }
}

/** The copies' function (`createInlineFunction`): each Region's copies attach a policy with their parameters to its role. */
class RegionalParameterWriter extends Construct {
  public readonly handler: lambda.Function;
  public readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: { platformName: string; logRetention: logs.RetentionDays; removalPolicy: RemovalPolicy }) {
    super(scope, id);
    ControlWaivers.applyTo(this);
    const description = `writes the ${props.platformName} platform's values into its additional regions' ssm parameters`;
    ({ handler: this.handler, role: this.role } = createInlineFunction(this, {
      code: parameterWriterCode(),
      description,
      logGroupId: 'Logs',
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
      // Six parameters in one Region take a second or two; room for the SDK's retries.
      timeout: Duration.minutes(2),
    }));
  }
}
