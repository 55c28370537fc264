import * as fs from 'fs';
import * as path from 'path';
import { DockerImageSpec, LambdaSpec, ProcessSpec } from './model';
import { LocalContainerRecord, LocalRoutesRecord, LocalTargetRecord } from '../../contract/local-run';

/*
 * What platform-dev takes from a stack's template and asset manifest: a task definition's
 * container (environment, secret names, image, user), a function (handler, runtime, code,
 * environment), and the platform's public URLs mapped to the local front door.
 */

/** One stack of the assembly. */
export interface StackData {
  /** The artifact id. */
  readonly id: string;
  /** The folder of its (possibly nested) assembly. */
  readonly dir: string;
  /** Construct path -> metadata entries. */
  readonly metadata: Record<string, Array<{ type: string; data?: unknown }>>;
  /** The assembly's asset manifests, merged: hash -> entry. */
  readonly assets: { readonly files: Record<string, any>; readonly dockerImages: Record<string, any> };
  /** The template (read once, on first use). */
  readonly template: () => { Resources?: Record<string, { Type: string; Properties?: any }> };
}

/** A site of the platform, for the URL mapping. */
export interface SiteName {
  readonly siteName: string;
  readonly domainName?: string;
}

/** Escapes a string for a regular expression. */
function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Maps the platform's public URLs to the local front door's: `https://api.<domain>` to
 * `http://127.0.0.1:<port>`, `wss://api.<domain>` to `ws://127.0.0.1:<port>`, and
 * `https://<site>.<domain>` to `http://<site>.localhost:<port>` (a host name ends there: a longer
 * one such as `api.<domain>.example` is left alone).
 */
export function localizer(apiDomains: string[], sites: SiteName[], port: number): (value: string) => string {
  const rules: Array<[RegExp, string]> = [];
  const end = '(?![A-Za-z0-9.-])';
  for (const api of apiDomains) {
    rules.push([new RegExp(`https://${escape(api)}(:443)?${end}`, 'g'), `http://127.0.0.1:${port}`]);
    rules.push([new RegExp(`wss://${escape(api)}(:443)?${end}`, 'g'), `ws://127.0.0.1:${port}`]);
  }
  for (const site of sites) {
    if (site.domainName === undefined) continue;
    rules.push([new RegExp(`https://${escape(`${site.siteName}.${site.domainName}`)}(:443)?${end}`, 'g'), `http://${site.siteName}.localhost:${port}`]);
  }
  return (value: string) => rules.reduce((text, [pattern, replacement]) => text.replace(pattern, replacement), value);
}

/** A 64-hex asset hash inside a template value (an image URI, an S3 key), if the manifest knows it. */
function assetHashIn(value: unknown, known: Record<string, unknown>): string | undefined {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? '');
  for (const match of text.matchAll(/[a-f0-9]{64}/g)) {
    if (known[match[0]] !== undefined) return match[0];
  }
  return undefined;
}

/** What a service's routes record (or, for a service without public routes, its container record) says of its local run. */
export type LocalRunFacts = Pick<LocalRoutesRecord, 'serviceName' | 'run'>;

/** `localRun.environment` of a service's routes (or container) record (strings only). */
export function localEnvironment(routes: Pick<LocalRoutesRecord, 'run'>): Record<string, string> {
  return Object.fromEntries(Object.entries(routes.run?.environment ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** What `processSpecOf` is given besides the records. */
export interface ProcessContext {
  readonly appDirectory: string;
  readonly localize: (value: string) => string;
  readonly warnings: string[];
}

/** The container definition named by an ECS target record, or undefined. */
function containerOf(stack: StackData | undefined, target: LocalTargetRecord | undefined): any {
  if (!stack || !target?.taskDefinition) return undefined;
  const taskDefinition = stack.template().Resources?.[target.taskDefinition];
  const definitions: any[] = taskDefinition?.Properties?.ContainerDefinitions ?? [];
  return definitions.find(d => d.Name === target.container) ?? definitions[0];
}

/** How a service process runs: its command (or image), folder, environment and secrets. */
export function processSpecOf(routes: LocalRunFacts, target: LocalTargetRecord | undefined, stack: StackData | undefined,
  container: LocalContainerRecord | undefined, command: string | undefined, context: ProcessContext): ProcessSpec {
  const definition = containerOf(stack, target);
  const environment: Record<string, string> = {};
  const unresolvedEnvironment: string[] = [];
  for (const variable of definition?.Environment ?? []) {
    if (typeof variable.Value === 'string') {
      environment[variable.Name] = context.localize(variable.Value);
    } else {
      unresolvedEnvironment.push(variable.Name);
    }
  }
  // The task listens on all addresses for its load balancers; a laptop's service stays on loopback
  // (a service that reads HOST to choose its address; the front door reaches it there).
  if (environment.HOST === undefined || environment.HOST === '0.0.0.0') environment.HOST = '127.0.0.1';
  const local = localEnvironment(routes);
  Object.assign(environment, local);
  if (unresolvedEnvironment.length > 0) {
    context.warnings.push(`${routes.serviceName}: ${unresolvedEnvironment.join(', ')} ${unresolvedEnvironment.length === 1 ? 'is' : 'are'}`
      + ' only known at deploy time and left unset (set them in localRun.environment)');
  }
  const directory = path.resolve(context.appDirectory, typeof routes.run?.directory === 'string' ? routes.run.directory : '.');
  return {
    command,
    directory,
    environment,
    unresolvedEnvironment,
    secrets: (definition?.Secrets ?? []).map((s: { Name: string }) => s.Name),
    containerPort: target?.containerPort,
    image: definition && imageOf(definition, stack!, container),
    watch: (routes.run?.watch ?? ['.']).filter(p => typeof p === 'string').map(p => path.resolve(directory, p)),
    localVariables: Object.keys(local),
  };
}

/** The image of a container definition: a staged Docker asset or a registry name. */
function imageOf(definition: any, stack: StackData, container: LocalContainerRecord | undefined): DockerImageSpec | undefined {
  const common = {
    user: typeof definition.User === 'string' ? definition.User : undefined,
    readonlyRootFilesystem: definition.ReadonlyRootFilesystem === true,
    writablePaths: container?.writablePaths ?? [],
  };
  const hash = assetHashIn(definition.Image, stack.assets.dockerImages);
  if (hash) {
    const source = stack.assets.dockerImages[hash].source ?? {};
    if (typeof source.directory !== 'string') return undefined;
    return { ...common, directory: path.join(stack.dir, source.directory), dockerFile: source.dockerFile, platform: source.platform };
  }
  return typeof definition.Image === 'string' ? { ...common, name: definition.Image } : undefined;
}

/**
 * A Node.js function's handler, code and environment from the template, or the reason it
 * cannot run in-process.
 */
export function lambdaSpecOf(stack: StackData | undefined, logicalId: string, localize: (value: string) => string): LambdaSpec | string {
  const resource = stack?.template().Resources?.[logicalId];
  if (!stack || resource?.Type !== 'AWS::Lambda::Function') return `its function ${logicalId} is not in the assembly`;
  const props = resource.Properties ?? {};
  const runtime = String(props.Runtime ?? '');
  if (!runtime.startsWith('nodejs')) return `its function runs on ${runtime || 'a container image'}, and only Node.js functions run in-process`;
  if (typeof props.Handler !== 'string') return 'its function\'s handler is only known at deploy time';
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(props.Environment?.Variables ?? {})) {
    if (typeof value === 'string') environment[name] = localize(value);
  }
  const common = { handler: props.Handler, runtime, environment, timeoutSeconds: typeof props.Timeout === 'number' ? props.Timeout : 3 };
  if (typeof props.Code?.ZipFile === 'string') return { ...common, inlineCode: props.Code.ZipFile };
  const hash = assetHashIn(props.Code?.S3Key, stack.assets.files);
  const source = hash ? stack.assets.files[hash].source ?? {} : {};
  const codeDirectory = typeof source.path === 'string' ? path.join(stack.dir, source.path) : undefined;
  if (!codeDirectory || !fs.existsSync(codeDirectory) || !fs.statSync(codeDirectory).isDirectory()) {
    return 'its function\'s code is not a folder in the assembly (a zip file or an S3 object)';
  }
  return { ...common, codeDirectory };
}
