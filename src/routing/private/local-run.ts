import * as path from 'path';
import { CfnResource, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { IConstruct } from 'constructs';
import { addLocalRunRecord, LocalRoutesRecord } from '../../contract/local-run';
import { LocalRunOptions } from '../../contract/local-run-options';
import { IGlobalPlatform } from '../../contract/platform';
import { PropError } from '../../core/errors';
import { isUnresolved } from '../../core/validation';

/*
 * What ApiRoutes and its targets record in the cloud assembly for `platform-dev` (see
 * contract/local-run.ts): plain metadata, nothing in a template.
 */

/** Environment variable names a shell and Docker accept. */
const ENV_NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `localRun`, checked beside the construct that records it. @internal */
export function validateLocalRunOptions(scope: IConstruct, options: LocalRunOptions | undefined): void {
  if (!options) return;
  // Recorded for a local run: a value known only at deploy time means nothing there.
  const literal = 'expected a literal string, not a deploy-time value (localRun is read on a developer\'s machine, never deployed)';
  const values: Array<[string, unknown]> = [
    ['localRun.command', options.command],
    ['localRun.directory', options.directory],
    ...(options.watch ?? []).map((p): [string, unknown] => ['localRun.watch', p]),
    ...Object.entries(options.environment ?? {}).map(([name, value]): [string, unknown] => [`localRun.environment.${name}`, value]),
  ];
  for (const [prop, value] of values) {
    if (isUnresolved(value)) throw new PropError(scope, prop, value, literal);
  }
  if (options.command.trim() === '' || /[\r\n]/.test(options.command)) {
    throw new PropError(scope, 'localRun.command', options.command, 'expected one command line such as "npm run dev" (not empty, no line breaks)');
  }
  for (const name of Object.keys(options.environment ?? {})) {
    if (!ENV_NAME_RE.test(name)) {
      throw new PropError(scope, 'localRun.environment', name, 'expected variable names of letters, digits and "_", not starting with a digit');
    }
  }
  for (const p of options.watch ?? []) {
    if (p.trim() === '' || path.isAbsolute(p) || p.split(/[\\/]/).includes('..')) {
      throw new PropError(scope, 'localRun.watch', p, 'expected a path relative to localRun.directory, without ".." (e.g. "src")');
    }
  }
}

/**
 * A folder under the app's folder (where `cdk synth` runs) as a relative path, so the assembly
 * does not carry the machine's absolute paths; others as they are.
 */
function portableDirectory(directory: string | undefined): string | undefined {
  if (directory === undefined || !path.isAbsolute(directory)) return directory;
  const relative = path.relative(process.cwd(), directory);
  return relative.startsWith('..') || path.isAbsolute(relative) ? directory : (relative === '' ? '.' : relative);
}

/** `LocalRunOptions` as recorded: a directory under the app's folder made relative. @internal */
export function localRunRecordOf(run: LocalRunOptions | undefined): LocalRoutesRecord['run'] {
  return run && {
    command: run.command,
    directory: portableDirectory(run.directory),
    environment: run.environment,
    watch: run.watch,
  };
}

/** What `recordRoutes` needs from ApiRoutes: the record's own fields, the platform, the options. @internal */
export interface RoutesFacts extends Pick<LocalRoutesRecord, 'serviceName' | 'basePath' | 'pathMode' | 'longLivedPaths' | 'healthCheckPath' | 'cors'> {
  readonly platform: IGlobalPlatform;
  readonly jwtIssuer?: string;
  readonly localRun?: LocalRunOptions;
}

/** Records a service's routes on its ApiRoutes. @internal */
export function recordRoutes(scope: IConstruct, facts: RoutesFacts): void {
  const run = facts.localRun;
  const record: Omit<LocalRoutesRecord, 'version'> = {
    kind: 'routes',
    platformName: facts.platform.platformName,
    domainName: facts.platform.domainName,
    apiDomainName: facts.platform.apiDomainName,
    serviceName: facts.serviceName,
    basePath: facts.basePath,
    pathMode: facts.pathMode,
    longLivedPaths: facts.longLivedPaths,
    healthCheckPath: facts.healthCheckPath,
    cors: facts.cors,
    jwtIssuer: facts.jwtIssuer,
    run: localRunRecordOf(run),
  };
  addLocalRunRecord(scope, record);
}

/** Records an ECS service target: the task definition and container the runner reads from the template. @internal */
export function recordEcsTarget(scope: IConstruct, taskDefinition: IConstruct, containerName: string, containerPort: number): void {
  const resource = taskDefinition.node.defaultChild as CfnResource;
  const stack = Stack.of(resource);
  addLocalRunRecord(scope, {
    kind: 'target',
    target: 'ecs',
    stack: stack.artifactId,
    taskDefinition: stack.getLogicalId(resource),
    container: containerName,
    containerPort,
  });
}

/** Records a Lambda target: the function the runner loads from the template and its code asset. @internal */
export function recordLambdaTarget(scope: IConstruct, handler: lambda.IFunction): void {
  // An alias or version runs its function's code.
  const fn = handler instanceof lambda.Alias ? handler.version.lambda : handler instanceof lambda.Version ? handler.lambda : handler;
  const resource = fn.node.defaultChild;
  if (resource instanceof lambda.CfnFunction) {
    const stack = Stack.of(resource);
    addLocalRunRecord(scope, { kind: 'target', target: 'lambda', stack: stack.artifactId, function: stack.getLogicalId(resource) });
  } else {
    // An imported function: no code in this app.
    addLocalRunRecord(scope, { kind: 'target', target: 'lambda' });
  }
}

/** Records any other target: a URL, a Cloud Map service or a load balancer listener. @internal */
export function recordOtherTarget(scope: IConstruct, target: 'url' | 'cloud-map' | 'load-balancer', url?: string): void {
  addLocalRunRecord(scope, { kind: 'target', target, url });
}
