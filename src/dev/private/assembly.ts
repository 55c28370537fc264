import * as fs from 'fs';
import * as path from 'path';
import { LocalApp, LocalMesh, LocalService, LocalSite, LocalTarget } from './model';
import { lambdaSpecOf, localEnvironment, localizer, LocalRunFacts, processSpecOf, StackData } from './template';
import { CorsPolicy } from '../../contract/cors-policy';
import {
  LOCAL_RUN_METADATA, LOCAL_RUN_VERSION, LocalContainerRecord, LocalRoutesRecord, LocalSiteRecord, LocalTargetRecord,
} from '../../contract/local-run';

/*
 * Reads a cloud assembly (what `cdk synth` wrote) into the LocalApp that platform-dev runs: the
 * records the library's constructs left in the metadata (contract/local-run.ts), joined with the
 * templates (task definitions, functions) and the asset manifests (staged folders). Nothing is
 * read from AWS.
 */

/** A problem with the assembly or the command line: one line for the developer. */
export class DevInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DevInputError';
  }
}

/** What the command line adds to the assembly. */
export interface ReadOptions {
  /** `--run <service>=<command>`: replaces the construct's command (or Docker, or the Lambda). */
  readonly run: ReadonlyMap<string, string>;
  /** The front door's port: platform URLs in environments, config.json and CSP point at it. */
  readonly port: number;
  /** `--platform`: which platform's services, when the assembly has several. */
  readonly platform?: string;
}

interface Found<R> {
  readonly record: R;
  readonly path: string;
  readonly stack: StackData;
}

/** A JSON file of the assembly, or a DevInputError naming it. */
function readJson(file: string): any {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DevInputError(`cannot read ${file}: ${(e as Error).message} (run \`npx cdk synth\` again)`);
  }
}

/** Every stack of an assembly, nested assemblies (stages) included. */
function readStacks(dir: string, stacks: StackData[] = []): StackData[] {
  const manifest: { artifacts?: Record<string, { type: string; properties?: any; metadata?: Record<string, any[]> }> } = readJson(path.join(dir, 'manifest.json'));
  const artifacts = manifest.artifacts ?? {};
  const assets = { files: {} as Record<string, any>, dockerImages: {} as Record<string, any> };
  for (const artifact of Object.values(artifacts)) {
    if (artifact.type === 'cdk:asset-manifest' && artifact.properties?.file) {
      const assetManifest = readJson(path.join(dir, artifact.properties.file));
      Object.assign(assets.files, assetManifest.files ?? {});
      Object.assign(assets.dockerImages, assetManifest.dockerImages ?? {});
    }
  }
  for (const [id, artifact] of Object.entries(artifacts)) {
    if (artifact.type === 'cdk:cloud-assembly' && artifact.properties?.directoryName) {
      readStacks(path.join(dir, artifact.properties.directoryName), stacks);
    } else if (artifact.type === 'aws:cloudformation:stack') {
      const metadata: Record<string, Array<{ type: string; data?: unknown }>> = { ...(artifact.metadata ?? {}) };
      const extra = (artifact as { additionalMetadataFile?: string }).additionalMetadataFile;
      if (extra) Object.assign(metadata, readJson(path.join(dir, extra)));
      const templateFile = path.join(dir, artifact.properties?.templateFile ?? `${id}.template.json`);
      let template: ReturnType<StackData['template']> | undefined;
      stacks.push({ id, dir, metadata, assets, template: () => template ??= readJson(templateFile) });
    }
  }
  return stacks;
}

/** The records of one kind, with where they were found. */
function recordsOf<R extends { kind: string; version: number }>(stacks: StackData[], kind: R['kind']): Found<R>[] {
  const found: Found<R>[] = [];
  for (const stack of stacks) {
    for (const [constructPath, entries] of Object.entries(stack.metadata)) {
      for (const entry of entries) {
        const record = entry.data as R | undefined;
        if (entry.type !== LOCAL_RUN_METADATA || record?.kind !== kind) continue;
        if (record.version > LOCAL_RUN_VERSION) {
          throw new DevInputError(`${constructPath} was synthesized by a newer @georgi-io/platform-constructs (record version ${record.version}):`
            + ' run the platform-dev of the version the app uses (npx platform-dev)');
        }
        found.push({ record, path: constructPath.replace(/^\//, ''), stack });
      }
    }
  }
  return found;
}

/** Which platform the run is for: the one named, or the only one. */
function choosePlatform(records: Array<Found<{ platformName: string }>>, named: string | undefined): string {
  const names = [...new Set(records.map(r => r.record.platformName))].sort();
  if (named !== undefined) {
    if (!names.includes(named)) throw new DevInputError(`--platform ${named}: the assembly has services of ${names.join(', ')} only`);
    return named;
  }
  if (names.length > 1) {
    throw new DevInputError(`the assembly has services of several platforms (${names.join(', ')}): choose one with --platform <name>`);
  }
  return names[0];
}

/** Reads the assembly in `assemblyDirectory` into the app platform-dev runs. */
export function readLocalApp(assemblyDirectory: string, options: ReadOptions): LocalApp {
  const dir = path.resolve(assemblyDirectory);
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) {
    throw new DevInputError(`no cloud assembly in ${dir}: run \`npx cdk synth\` first, or name the folder (platform-dev <cdk.out>)`);
  }
  const stacks = readStacks(dir);
  const allRoutes = recordsOf<LocalRoutesRecord>(stacks, 'routes');
  const containers = recordsOf<LocalContainerRecord>(stacks, 'container');
  // A container service without public routes (reached only through the service mesh) has no routes record.
  const allInternal = containers.filter(c => c.record.routes === undefined && typeof c.record.serviceName === 'string'
    && typeof c.record.platformName === 'string');
  if (allRoutes.length === 0 && allInternal.length === 0) {
    throw new DevInputError(`the assembly in ${dir} has no services of @georgi-io/platform-constructs (ApiRoutes, ContainerService,`
      + ' TtsService) to run: point platform-dev at the cdk.out of a service app, synthesized with this version of the library');
  }
  const platform = choosePlatform([...allRoutes, ...allInternal], options.platform);
  const routes = allRoutes.filter(r => r.record.platformName === platform);
  const internal = allInternal.filter(c => c.record.platformName === platform);
  const targets = recordsOf<LocalTargetRecord>(stacks, 'target');
  // The platform's names, from the routes and from services without routes.
  const named = [...routes.map(r => r.record), ...internal.map(c => c.record)];
  const domainNames = [...new Set(named.map(r => r.domainName).filter((d): d is string => typeof d === 'string'))];
  const sites = recordsOf<LocalSiteRecord>(stacks, 'site').filter(s => s.record.platformName === platform);
  const apiDomains = [...new Set(named.map(r => r.apiDomainName).filter((d): d is string => typeof d === 'string'))];
  const localize = localizer(apiDomains, sites.map(s => ({
    siteName: s.record.siteName,
    domainName: typeof s.record.domainName === 'string' ? s.record.domainName : undefined,
  })), options.port);

  const warnings: string[] = [];
  const appDirectory = path.dirname(dir);
  const services: LocalService[] = [];
  const seen = new Map<string, string>();
  const claim = (name: string, at: string) => {
    const other = seen.get(name);
    if (other !== undefined) {
      throw new DevInputError(`service ${name} is defined twice (${other} and ${at}): one service per name on a platform`);
    }
    seen.set(name, at);
  };
  const context: TargetContext = { stacks, appDirectory, localize, warnings };
  for (const found of routes) {
    const r = found.record;
    claim(r.serviceName, found.path);
    const taken = services.find(s => s.basePath === r.basePath);
    if (taken) throw new DevInputError(`base path ${r.basePath} of ${found.path} is already taken by ${taken.name}`);
    const target = targets.find(t => t.path === found.path && t.stack === found.stack)?.record;
    const container = containers.find(c => c.record.routes === found.path)?.record;
    const command = options.run.get(r.serviceName) ?? (typeof r.run?.command === 'string' ? r.run.command : undefined);
    const cors = r.cors && localizeCors(r.cors, localize);
    if (typeof r.jwtIssuer === 'string' || (r.jwtIssuer !== undefined && r.jwtIssuer !== null)) {
      warnings.push(`${r.serviceName}: the platform checks JWTs (jwtIssuer) before requests reach it; the local front door does not`);
    }
    services.push({
      name: r.serviceName,
      basePath: r.basePath,
      pathMode: r.pathMode === 'strip' ? 'strip' : 'keep',
      longLivedPaths: r.longLivedPaths ?? [],
      healthCheckPath: container?.healthCheckPath ?? r.healthCheckPath,
      cors,
      jwtIssuer: typeof r.jwtIssuer === 'string' ? r.jwtIssuer : undefined,
      target: targetOf(found, target, container, command, context),
      mesh: meshOf(container),
      definedIn: `${found.stack.id} (${found.path})`,
    });
  }
  for (const found of internal) {
    const c = found.record;
    claim(c.serviceName, found.path);
    const target = targets.find(t => t.path === found.path && t.stack === found.stack)?.record;
    const facts: Found<LocalRunFacts> = { ...found, record: { serviceName: c.serviceName, run: c.run } };
    const command = options.run.get(c.serviceName) ?? (typeof c.run?.command === 'string' ? c.run.command : undefined);
    services.push({
      name: c.serviceName,
      pathMode: 'keep',
      longLivedPaths: [],
      healthCheckPath: c.healthCheckPath,
      target: targetOf(facts, target, c, command, context),
      mesh: meshOf(c),
      definedIn: `${found.stack.id} (${found.path})`,
    });
  }
  for (const name of options.run.keys()) {
    if (!seen.has(name)) {
      throw new DevInputError(`--run ${name}=...: no service ${name} in the assembly (services: ${[...seen.keys()].sort().join(', ')})`);
    }
  }
  return {
    assemblyDirectory: dir,
    appDirectory,
    domainNames,
    services: services.sort((a, b) => a.name.localeCompare(b.name)),
    sites: sites.map(s => siteOf(s, localize, warnings)).filter((s): s is LocalSite => s !== undefined),
    warnings,
  };
}

/** The CORS policy with the platform's origins mapped to the local ones. */
function localizeCors(policy: CorsPolicy, localize: (value: string) => string): CorsPolicy {
  return { ...policy, allowOrigins: policy.allowOrigins.map(localize) };
}

interface TargetContext {
  readonly stacks: StackData[];
  readonly appDirectory: string;
  readonly localize: (value: string) => string;
  readonly warnings: string[];
}

/** The service's place in the service mesh, from its container record (malformed entries left out). */
function meshOf(container: LocalContainerRecord | undefined): LocalMesh | undefined {
  const mesh = container?.serviceConnect;
  if (mesh === undefined || mesh === null || typeof mesh !== 'object') return undefined;
  const calls = (Array.isArray(mesh.calls) ? mesh.calls : [])
    .filter(c => typeof c?.service === 'string' && typeof c?.variable === 'string')
    .map(c => ({ service: c.service, variable: c.variable }));
  return { alias: typeof mesh.alias === 'string' ? mesh.alias : undefined, calls };
}

/** How the service runs: a command, Docker, an in-process Lambda, a URL, or not at all (and why). */
function targetOf(found: Found<LocalRunFacts>, target: LocalTargetRecord | undefined, container: LocalContainerRecord | undefined,
  command: string | undefined, context: TargetContext): LocalTarget {
  const r = found.record;
  const how = `give a command with \`--run ${r.serviceName}=<command>\` or the construct's localRun: { command }`;
  // The target's stack: the routes' own, or another of the same (nested) assembly.
  const stackOf = (id: string | undefined) => id === undefined ? undefined
    : context.stacks.find(s => s.id === id && s.dir === found.stack.dir);
  if (target?.target === 'ecs' || command !== undefined) {
    const spec = processSpecOf(r, target?.target === 'ecs' ? target : undefined, stackOf(target?.stack), container, command, context);
    if (spec.command === undefined && spec.image === undefined) return { kind: 'none', reason: `its image is unknown: ${how}` };
    return { kind: 'process', process: spec };
  }
  if (target?.target === 'lambda') {
    const lambda = target.function === undefined ? undefined : lambdaSpecOf(stackOf(target.stack), target.function, context.localize);
    if (typeof lambda === 'string') return { kind: 'none', reason: `${lambda}: ${how}` };
    if (lambda === undefined) return { kind: 'none', reason: `its function is imported (no code in this app): ${how}` };
    return { kind: 'lambda', lambda: { ...lambda, environment: { ...lambda.environment, ...localEnvironment(r) } } };
  }
  if (target?.target === 'url' && typeof target.url === 'string') return { kind: 'url', url: target.url };
  const what = target === undefined ? 'a custom ApiTarget' : target.target === 'url' ? 'a URL known only at deploy time' : `a ${target.target} target`;
  return { kind: 'none', reason: `it routes to ${what}, which platform-dev cannot start: ${how}` };
}

/** A site's folder, config.json and CSP, or undefined (with a warning) when its files cannot be served. */
function siteOf(found: Found<LocalSiteRecord>, localize: (value: string) => string, warnings: string[]): LocalSite | undefined {
  const s = found.record;
  const directory = s.assetPath && path.join(found.stack.dir, s.assetPath);
  if (!directory || !fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
    warnings.push(`the web page ${s.siteName} (${found.path}) has no staged folder in the assembly: run \`npx cdk synth\` again`);
    return undefined;
  }
  const config = s.config && Object.fromEntries(Object.entries(s.config).map(([k, v]) => [k, typeof v === 'string' ? localize(v) : v]));
  return {
    siteName: s.siteName,
    directory,
    config,
    contentSecurityPolicy: typeof s.contentSecurityPolicy === 'string' ? localize(s.contentSecurityPolicy) : undefined,
    spaFallback: s.spaFallback,
  };
}
