/**
 * The staging label of the origin secret that the front door is deployed with, as a custom
 * resource: CloudFormation resolves `{{resolve:secretsmanager:<arn>:SecretString::<label>}}`
 * only when the label exists, and the origin checks must accept that version for as long as
 * CloudFront sends it, however often the secret's AWSCURRENT moved since.
 *
 * On create and update the handler attaches the label to the AWSCURRENT version when no version
 * carries it yet (a fresh stack, or a new `originSecretRotation` that was not put with the new
 * value), keeps the label of the previous deploy (CloudFront's edges move to the new value over
 * minutes) and removes the labels of earlier deploys, which sit on older versions than that one
 * (a secret holds at most 20 staging labels). Labels on newer versions, and AWS's own labels,
 * are left alone. It returns the labels the checks accept: `Accepted`, comma-separated.
 *
 * `stageLogic` holds the decisions and is tested directly; `stageHandlerCode` is the function's
 * inline code around it (nothing in `stageLogic` may use a name from this module's scope).
 *
 * @see https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/dynamic-references-secretsmanager.html
 */

/** The label the front door uses when `originSecretRotation` is not set. @internal */
export const DEFAULT_ORIGIN_SECRET_STAGE = 'front-door';

/** One version of a secret: its id, when it was created, its staging labels. @internal */
export interface SecretVersion {
  readonly id: string;
  readonly created: number;
  readonly stages: string[];
}

/** A staging label change: attach `stage` to `moveTo`, or remove it from `removeFrom`. @internal */
export interface StageChange {
  readonly stage: string;
  readonly moveTo?: string;
  readonly removeFrom?: string;
}

/** What the handler does for one request. @internal */
export interface StagePlan {
  readonly changes: StageChange[];
  /** The labels whose versions the checks accept (besides AWSCURRENT and AWSPREVIOUS). */
  readonly accepted: string[];
}

/**
 * Decides the label changes for `stage` (the label the front door is deployed with now) and
 * `previous` (the one of the deploy before, if it differs).
 * @internal
 */
export function stageLogic(versions: SecretVersion[], stage: string, previous: string | undefined): StagePlan {
  const holder = (label: string) => versions.find(v => v.stages.indexOf(label) >= 0);
  const changes: StageChange[] = [];
  const current = holder('AWSCURRENT');
  if (!holder(stage)) {
    if (!current) throw new Error('the secret has no AWSCURRENT version');
    changes.push({ stage, moveTo: current.id });
  }
  const kept = previous !== undefined && previous !== stage && holder(previous) ? previous : undefined;
  // Labels of deploys before the previous one: on versions older than the one still in use.
  const inUse = holder(kept ?? stage) ?? current;
  const oldest = inUse ? inUse.created : 0;
  for (const version of versions) {
    if (version.created >= oldest) continue;
    for (const label of version.stages) {
      if (/^AWS/.test(label) || label === stage || label === kept) continue;
      changes.push({ stage: label, removeFrom: version.id });
    }
  }
  return { changes, accepted: kept ? [stage, kept] : [stage] };
}

/**
 * The inline code of the custom resource's function: `stageLogic`, Secrets Manager calls with
 * the Lambda runtime's AWS SDK, and the answer to CloudFormation's pre-signed URL.
 * @internal
 */
export function stageHandlerCode(): string {
  return [
    `const stageLogic = ${stageLogic.toString()};`,
    'const https = require("https");',
    'const { SecretsManagerClient, ListSecretVersionIdsCommand, UpdateSecretVersionStageCommand } = require("@aws-sdk/client-secrets-manager");',
    'const client = new SecretsManagerClient({});',
    'async function versionsOf(SecretId) {',
    '  const versions = []; let NextToken;',
    '  do {',
    '    const page = await client.send(new ListSecretVersionIdsCommand({ SecretId, IncludeDeprecated: false, NextToken }));',
    '    for (const v of page.Versions || []) versions.push({ id: v.VersionId, created: new Date(v.CreatedDate).getTime(), stages: v.VersionStages || [] });',
    '    NextToken = page.NextToken;',
    '  } while (NextToken);',
    '  return versions;',
    '}',
    'function respond(event, status, reason, data) {',
    '  const body = JSON.stringify({ Status: status, Reason: reason, PhysicalResourceId: event.PhysicalResourceId || `${event.LogicalResourceId}-stage`,',
    '    StackId: event.StackId, RequestId: event.RequestId, LogicalResourceId: event.LogicalResourceId, Data: data });',
    '  return new Promise((resolve, reject) => {',
    '    const request = https.request(event.ResponseURL, { method: "PUT", headers: { "content-type": "", "content-length": Buffer.byteLength(body) } }, res => { res.resume(); res.on("end", resolve); });',
    '    request.on("error", reject);',
    '    request.end(body);',
    '  });',
    '}',
    'exports.handler = async (event) => {',
    '  try {',
    '    if (event.RequestType === "Delete") return await respond(event, "SUCCESS", "nothing to do", {});',
    '    const props = event.ResourceProperties;',
    '    const previous = event.RequestType === "Update" ? (event.OldResourceProperties || {}).Stage : undefined;',
    '    const plan = stageLogic(await versionsOf(props.SecretId), props.Stage, previous);',
    '    for (const change of plan.changes) {',
    '      console.log(JSON.stringify(change));',
    '      await client.send(new UpdateSecretVersionStageCommand({ SecretId: props.SecretId, VersionStage: change.stage,',
    '        MoveToVersionId: change.moveTo, RemoveFromVersionId: change.removeFrom }));',
    '    }',
    '    await respond(event, "SUCCESS", "labels in place", { Accepted: plan.accepted.join(",") });',
    '  } catch (err) {',
    '    console.error(err);',
    '    await respond(event, "FAILED", String(err && err.message || err).slice(0, 500), {});',
    '  }',
    '};',
  ].join('\n');
}
