import { spawn } from 'child_process';
import * as path from 'path';
import { DOCKER_HOST_GATEWAY_ARGS } from './mesh';
import type { DockerImageSpec, ProcessSpec } from './model';

/*
 * Docker, for a service with no local command: `docker build` for a staged Docker asset, then
 * `docker run` with the restrictions the task has on Fargate (read-only root, its user, every
 * Linux capability dropped, no privilege escalation), its port published on loopback only.
 *
 * Tested here: the argument lists, and `dockerAvailable()` against a missing `docker` and a fake
 * one. Only a machine with a Docker engine confirms that the engine accepts these arguments, that
 * the image runs read-only as its user with tmpfs on its writable paths, and that `-e NAME` hands
 * the value from the client's environment to the container.
 */

/**
 * Whether a Docker engine answers: `docker version --format {{.Server.Version}}` exits 0 with a
 * version within `timeoutMs`. False when `docker` is not installed, the engine is not running (the
 * client then exits non-zero) or it does not answer in time (the client is killed).
 */
export function dockerAvailable(timeoutMs = 3000, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const done = (ok: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(ok);
    };
    let out = '';
    const child = spawn('docker', ['version', '--format', '{{.Server.Version}}'], { env, stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done(false);
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    child.on('error', () => done(false)); // ENOENT: no docker client
    child.on('close', (code) => done(code === 0 && out.trim() !== ''));
  });
}

/** The image tag the runner builds for a service: `platform-dev/<service>:local` (lower-case, Docker's charset). */
export function localImageTag(serviceName: string): string {
  const safe = serviceName.toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/^[^a-z0-9]+/, '') || 'service';
  return `platform-dev/${safe}:local`;
}

/** The container's name for a service: `platform-dev-<service>`. */
export function containerName(serviceName: string): string {
  return `platform-dev-${localImageTag(serviceName).slice('platform-dev/'.length, -':local'.length)}`;
}

/**
 * `docker build` arguments for a spec with a build folder (the staged asset): its Dockerfile and
 * platform, tagged `tag`.
 * @throws Error when the spec has no build folder (an image from a registry is run, not built)
 */
export function dockerBuildArgs(spec: DockerImageSpec, tag: string): string[] {
  if (!spec.directory) throw new Error('the image has no build folder: nothing to build');
  const args = ['build', '--tag', tag];
  if (spec.dockerFile) args.push('--file', path.resolve(spec.directory, spec.dockerFile));
  if (spec.platform) args.push('--platform', spec.platform);
  args.push(spec.directory);
  return args;
}

/** What `docker run` needs to run a service's container. */
export interface DockerRunOptions {
  /** The container's name (`--name`); the runner uses `platform-dev-<service>`. */
  readonly name: string;
  readonly spec: DockerImageSpec;
  /** The image to run (the built tag or `spec.name`). */
  readonly image: string;
  /** The free loopback port the runner chose. */
  readonly hostPort: number;
  /** The port the container listens on. */
  readonly containerPort: number;
  /** Names of the variables passed from the client's environment (values never on the command line). */
  readonly environmentNames: string[];
  /** `--add-host host.docker.internal:host-gateway`: the container calls services on the host (the mesh). @default false */
  readonly hostGateway?: boolean;
}

/**
 * `docker run` arguments with the task's Fargate restrictions: `--read-only` (when the task's root
 * is read-only) with a tmpfs on each writable path, `--user`, `--cap-drop ALL`,
 * `--security-opt no-new-privileges`, `--init` (signals reach the app, zombies are reaped), the port
 * published on 127.0.0.1 only, and `-e NAME` for each variable: docker copies the value from its
 * own environment (the runner sets it on the `docker` process), so no value, secret or not, is on a
 * command line (visible in `ps`) or on disk. `--rm`: nothing left behind.
 */
export function dockerRunArgs(opts: DockerRunOptions): string[] {
  const { spec } = opts;
  const args = ['run', '--rm', '--name', opts.name, '--init'];
  if (spec.platform) args.push('--platform', spec.platform);
  if (spec.readonlyRootFilesystem) args.push('--read-only');
  for (const writable of spec.writablePaths) args.push('--tmpfs', writable);
  if (spec.user) args.push('--user', spec.user);
  args.push('--cap-drop', 'ALL', '--security-opt', 'no-new-privileges');
  args.push('-p', `127.0.0.1:${opts.hostPort}:${opts.containerPort}`);
  if (opts.hostGateway) args.push(...DOCKER_HOST_GATEWAY_ARGS);
  for (const name of [...new Set(opts.environmentNames)].sort()) args.push('-e', name);
  args.push(opts.image);
  return args;
}

/** What the supervisor runs for a service in Docker. */
export interface DockerPlan {
  /** `docker build` arguments, when the image has a build folder. */
  readonly build?: string[];
  /** `docker run` arguments. */
  readonly run: string[];
  /** The port the app listens on inside the container (its `PORT`). */
  readonly containerPort: number;
}

/** What a Docker run adds for the service mesh. */
export interface DockerMeshOptions {
  /** The mesh variables the runner sets (passed with `-e` like the task's). @default [] */
  readonly variables?: string[];
  /** The container calls services on the host: `--add-host host.docker.internal:host-gateway`. @default false */
  readonly hostGateway?: boolean;
}

/**
 * The Docker commands for a service with an image: build (staged asset) or pull (registry image,
 * done by `docker run`), then run with `-e` for the task's variables, the mesh variables, its
 * secrets and `PORT` (the container port: inside the container the app listens there; the host
 * side is `hostPort`).
 * @throws Error when the spec has no image, or an image with neither a build folder nor a name
 */
export function dockerPlan(serviceName: string, spec: ProcessSpec, hostPort: number, mesh: DockerMeshOptions = {}): DockerPlan {
  const image = spec.image;
  if (!image || (!image.directory && !image.name)) throw new Error('the service has no image to run with docker');
  const tag = image.directory ? localImageTag(serviceName) : image.name!;
  const containerPort = spec.containerPort ?? hostPort;
  const environmentNames = [...Object.keys(spec.environment), ...(mesh.variables ?? []), ...spec.secrets, 'PORT'];
  return {
    build: image.directory ? dockerBuildArgs(image, tag) : undefined,
    run: dockerRunArgs({
      name: containerName(serviceName), spec: image, image: tag, hostPort, containerPort, environmentNames, hostGateway: mesh.hostGateway,
    }),
    containerPort,
  };
}
