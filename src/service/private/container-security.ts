import * as ecs from 'aws-cdk-lib/aws-ecs';
import { Construct, IConstruct } from 'constructs';
import { PropError } from '../../core/errors';
import { pickOptions } from '../../core/options';
import { isUnresolved, validateIntegerRange } from '../../core/validation';
import { ContainerSecurityOptions } from '../container-security-options';

/** `ContainerSecurityOptions` defaults. @internal */
export const CONTAINER_SECURITY_DEFAULTS = {
  user: '1000:1000',
  writablePaths: ['/tmp'],
};

/** At most this many writable paths (each is a volume and a mount point of the task). */
const MAX_WRITABLE_PATHS = 10;
/** Docker's smallest memory limit for a container. */
const MIN_CONTAINER_MEMORY_MIB = 6;
/** Folders the container runtime provides: a volume there would hide them. */
const RUNTIME_PATHS = ['/proc', '/sys', '/dev'];
/** One path segment of a writable path: printable, no spaces, not `.` or `..`. */
const SEGMENT_RE = /^[A-Za-z0-9._@+-]+$/;
/** `name`, `uid`, `name:group`, `uid:gid`, `name:gid` or `uid:group`. */
const USER_PART_RE = /^([1-9][0-9]{0,9}|0|[A-Za-z_][A-Za-z0-9_.-]{0,31})$/;
const USER_EXPECTED = 'expected "uid", "uid:gid", "name" or "name:group" such as "1000:1000" or "node"'
  + ' (ids are whole numbers without leading zeros, names start with a letter or "_")';

/** Every field of `ContainerSecurityOptions` (the compiler keeps the list complete). */
const CONTAINER_SECURITY_KEYS: Record<keyof ContainerSecurityOptions, true> = {
  readonlyRootFilesystem: true,
  writablePaths: true,
  user: true,
  allowRootUser: true,
  containerMemoryLimitMiB: true,
  dropCapabilities: true,
  addCapabilities: true,
  initProcessEnabled: true,
};

/** Only the container security options of a construct's props, to pass on as one struct. @internal */
export function containerSecurityOptionsOf(props: ContainerSecurityOptions): ContainerSecurityOptions {
  return pickOptions(props, CONTAINER_SECURITY_KEYS);
}

/** The options with their defaults, checked. @internal */
export interface ContainerSecurity {
  readonly readonlyRootFilesystem: boolean;
  readonly writablePaths: string[];
  readonly user: string;
  readonly memoryLimitMiB: number;
  readonly dropCapabilities: ecs.Capability[];
  readonly addCapabilities: ecs.Capability[];
  readonly initProcessEnabled: boolean;
}

/**
 * Checks the options and fills in the defaults. `taskMemoryMiB` is the task's memory (less
 * `reservedMemoryMiB` for a proxy in the task: the default hard limit), `executeCommand` whether
 * ECS Exec is on (it needs a writable root filesystem).
 * @internal
 */
export function resolveContainerSecurity(scope: IConstruct, options: ContainerSecurityOptions, taskMemoryMiB: number,
  executeCommand: boolean, reservedMemoryMiB = 0): ContainerSecurity {
  if (options.readonlyRootFilesystem === true && executeCommand) {
    throw new PropError(scope, 'readonlyRootFilesystem', true,
      'ECS Exec (enableExecuteCommand) needs a writable root filesystem (its agent writes into the container): leave readonlyRootFilesystem out or set it to false, or turn ECS Exec off');
  }
  const readonlyRootFilesystem = options.readonlyRootFilesystem ?? !executeCommand;
  if (options.writablePaths !== undefined && !readonlyRootFilesystem) {
    throw new PropError(scope, 'writablePaths', options.writablePaths, executeCommand && options.readonlyRootFilesystem === undefined
      ? 'only used with a read-only root filesystem, which ECS Exec (enableExecuteCommand) turns off: the whole filesystem is writable'
      : 'only used with readonlyRootFilesystem (it is false: the whole filesystem is writable)');
  }
  const writablePaths = readonlyRootFilesystem ? options.writablePaths ?? CONTAINER_SECURITY_DEFAULTS.writablePaths : [];
  validateWritablePaths(scope, writablePaths);

  const user = options.user ?? CONTAINER_SECURITY_DEFAULTS.user;
  validateUser(scope, user, options.allowRootUser ?? false);

  if (reservedMemoryMiB > 0 && isUnresolved(taskMemoryMiB) && options.containerMemoryLimitMiB === undefined) {
    throw new PropError(scope, 'memoryLimitMiB', taskMemoryMiB, 'with serviceConnect expected a number known at synth: the container\'s'
      + ` limit leaves ${reservedMemoryMiB} MiB of it to the proxy (or set containerMemoryLimitMiB)`);
  }
  const memoryLimit = isUnresolved(taskMemoryMiB) ? Number.MAX_SAFE_INTEGER : taskMemoryMiB - reservedMemoryMiB;
  const limit = options.containerMemoryLimitMiB;
  if (reservedMemoryMiB > 0 && limit !== undefined && !isUnresolved(limit) && Number.isInteger(limit) && limit > memoryLimit
    && limit <= taskMemoryMiB) {
    throw new PropError(scope, 'containerMemoryLimitMiB', limit, `with serviceConnect at most ${memoryLimit}: the task's ${taskMemoryMiB} MiB`
      + ` must also hold the service connect proxy (${reservedMemoryMiB} MiB, AWS's suggested minimum)`);
  }
  validateIntegerRange(scope, 'containerMemoryLimitMiB', limit, MIN_CONTAINER_MEMORY_MIB, memoryLimit);
  const dropCapabilities = options.dropCapabilities ?? [ecs.Capability.ALL];
  const addCapabilities = options.addCapabilities ?? [];
  validateCapabilities(scope, 'dropCapabilities', dropCapabilities);
  validateCapabilities(scope, 'addCapabilities', addCapabilities);
  const notOnFargate = addCapabilities.find(c => !isUnresolved(c) && c !== ecs.Capability.SYS_PTRACE);
  if (notOnFargate !== undefined) {
    throw new PropError(scope, 'addCapabilities', notOnFargate, 'Fargate allows adding only SYS_PTRACE');
  }
  return {
    readonlyRootFilesystem,
    writablePaths,
    user,
    memoryLimitMiB: options.containerMemoryLimitMiB ?? (isUnresolved(taskMemoryMiB) ? taskMemoryMiB : taskMemoryMiB - reservedMemoryMiB),
    dropCapabilities,
    addCapabilities,
    initProcessEnabled: options.initProcessEnabled ?? true,
  };
}

/**
 * The container's Linux parameters: the init process and the capabilities.
 * @internal
 */
export function linuxParametersOf(scope: Construct, security: ContainerSecurity): ecs.LinuxParameters {
  const linuxParameters = new ecs.LinuxParameters(scope, 'LinuxParameters', { initProcessEnabled: security.initProcessEnabled });
  if (security.dropCapabilities.length > 0) linuxParameters.dropCapabilities(...security.dropCapabilities);
  if (security.addCapabilities.length > 0) linuxParameters.addCapabilities(...security.addCapabilities);
  return linuxParameters;
}

/**
 * One empty bind-mount volume of the task per writable path, mounted read-write in the container.
 * @internal
 */
export function addWritablePaths(taskDefinition: ecs.TaskDefinition, container: ecs.ContainerDefinition, paths: string[]): void {
  const names = new Set<string>();
  for (const containerPath of paths) {
    const base = `scratch${containerPath.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`;
    let name = base;
    for (let i = 2; names.has(name); i++) name = `${base}-${i}`;
    names.add(name);
    taskDefinition.addVolume({ name });
    container.addMountPoints({ sourceVolume: name, containerPath, readOnly: false });
  }
}

function validateWritablePaths(scope: IConstruct, paths: string[]): void {
  if (isUnresolved(paths)) {
    throw new PropError(scope, 'writablePaths', paths, 'expected a list of paths known at synth (each is a volume of the task)');
  }
  if (paths.length > MAX_WRITABLE_PATHS) {
    throw new PropError(scope, 'writablePaths', paths, `expected at most ${MAX_WRITABLE_PATHS} paths (each is a volume and a mount point of the task)`);
  }
  for (const p of paths) {
    if (isUnresolved(p)) {
      throw new PropError(scope, 'writablePaths', p, 'expected a path known at synth (each is a volume of the task)');
    }
    const segments = p.split('/').slice(1);
    if (!p.startsWith('/') || p === '/' || segments.some(s => !SEGMENT_RE.test(s) || s === '.' || s === '..')) {
      throw new PropError(scope, 'writablePaths', p,
        'expected an absolute path of a folder such as "/tmp" or "/var/cache/app": no "/" alone, no trailing "/", no "." or ".." segments, no spaces');
    }
    const runtime = RUNTIME_PATHS.find(r => p === r || p.startsWith(`${r}/`));
    if (runtime) {
      throw new PropError(scope, 'writablePaths', p, `${runtime} is provided by the container runtime; a volume there would hide it`);
    }
  }
  paths.forEach((p, i) => {
    if (paths.indexOf(p) !== i) throw new PropError(scope, 'writablePaths', p, 'list each path once');
    const outer = paths.find(o => o !== p && p.startsWith(`${o}/`));
    if (outer) throw new PropError(scope, 'writablePaths', p, `it is inside "${outer}", which is already writable; list only "${outer}"`);
  });
}

function validateUser(scope: IConstruct, user: string, allowRoot: boolean): void {
  if (isUnresolved(user)) {
    if (allowRoot) throw new PropError(scope, 'allowRootUser', true, 'only used with a user known at synth to be root ("root", "0", "root:<group>" or "0:<gid>")');
    return;
  }
  const parts = user.split(':');
  if (parts.length > 2 || !parts.every(p => USER_PART_RE.test(p))) {
    throw new PropError(scope, 'user', user, USER_EXPECTED);
  }
  const isRoot = parts[0] === 'root' || parts[0] === '0';
  if (isRoot && !allowRoot) {
    throw new PropError(scope, 'user', user,
      'root is refused (it fails the Control Tower control CT.ECS.PR.3, ecs_task_definition_nonroot_user_check): use a non-root user such as "1000:1000", or set allowRootUser: true');
  }
  if (!isRoot && allowRoot) {
    throw new PropError(scope, 'allowRootUser', true, `only used with a root user ("root", "0", "root:<group>" or "0:<gid>"); user is ${JSON.stringify(user)}`);
  }
}

function validateCapabilities(scope: IConstruct, prop: string, capabilities: ecs.Capability[]): void {
  if (isUnresolved(capabilities)) return;
  const known = Object.values(ecs.Capability) as string[];
  capabilities.forEach((c, i) => {
    if (isUnresolved(c)) return;
    if (!known.includes(c)) throw new PropError(scope, prop, c, 'expected ecs.Capability values such as ecs.Capability.ALL');
    if (capabilities.indexOf(c) !== i) throw new PropError(scope, prop, c, 'list each capability once');
  });
}
