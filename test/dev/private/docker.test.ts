import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { containerName, dockerAvailable, dockerBuildArgs, dockerPlan, dockerRunArgs } from '../../../src/dev/private/docker';
import { DockerImageSpec, ProcessSpec } from '../../../src/dev/private/model';

/*
 * This machine has no Docker engine: these tests prove the argument lists and the engine check
 * (with no `docker` and with fake ones). Only a machine with Docker confirms that the engine accepts
 * the arguments and runs the image read-only, as its user, without capabilities.
 */

const built: DockerImageSpec = {
  directory: '/app/cdk.out/asset.abc',
  dockerFile: 'docker/Dockerfile',
  platform: 'linux/arm64',
  user: '1000:1000',
  readonlyRootFilesystem: true,
  writablePaths: ['/tmp', '/var/cache/app'],
};

describe('docker arguments', () => {
  test('build: the asset folder, its Dockerfile and platform, tagged', () => {
    expect(dockerBuildArgs(built, 'platform-dev/orders:local')).toEqual([
      'build', '--tag', 'platform-dev/orders:local', '--file', '/app/cdk.out/asset.abc/docker/Dockerfile',
      '--platform', 'linux/arm64', '/app/cdk.out/asset.abc',
    ]);
    expect(() => dockerBuildArgs({ name: 'nginx', readonlyRootFilesystem: false, writablePaths: [] }, 't')).toThrow('no build folder');
  });

  test('run: the Fargate restrictions, loopback-only port, variables by name only', () => {
    const args = dockerRunArgs({
      name: 'platform-dev-orders',
      spec: built,
      image: 'platform-dev/orders:local',
      hostPort: 51234,
      containerPort: 8080,
      environmentNames: ['STAGE', 'DB_PASSWORD', 'PORT', 'STAGE'],
    });
    expect(args).toEqual([
      'run', '--rm', '--name', 'platform-dev-orders', '--init', '--platform', 'linux/arm64',
      '--read-only', '--tmpfs', '/tmp', '--tmpfs', '/var/cache/app', '--user', '1000:1000',
      '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '-p', '127.0.0.1:51234:8080',
      '-e', 'DB_PASSWORD', '-e', 'PORT', '-e', 'STAGE', 'platform-dev/orders:local',
    ]);
    // No `NAME=value` anywhere: values come from the docker client's environment.
    expect(args.filter((a) => a.includes('='))).toEqual([]);
  });

  test('run: a writable root has no --read-only and no tmpfs; no user: the image\'s', () => {
    const args = dockerRunArgs({
      name: 'n',
      spec: { name: 'nginx:1', readonlyRootFilesystem: false, writablePaths: [] },
      image: 'nginx:1',
      hostPort: 1,
      containerPort: 80,
      environmentNames: [],
    });
    expect(args).not.toContain('--read-only');
    expect(args).not.toContain('--tmpfs');
    expect(args).not.toContain('--user');
    expect(args).toEqual(expect.arrayContaining(['--cap-drop', 'ALL', '--security-opt', 'no-new-privileges']));
  });

  test('plan: builds a staged asset, runs a registry image as named, PORT is the container port', () => {
    const spec: ProcessSpec = {
      directory: '/app', environment: { STAGE: 'local' }, unresolvedEnvironment: [], secrets: ['TOKEN'], watch: [], containerPort: 8080, image: built,
    };
    const plan = dockerPlan('Orders API', spec, 50000);
    expect(plan.build).toContain('platform-dev/orders-api:local');
    expect(plan.containerPort).toBe(8080);
    expect(plan.run).toEqual(expect.arrayContaining(['--name', containerName('Orders API'), '-p', '127.0.0.1:50000:8080', '-e', 'TOKEN', '-e', 'PORT']));
    expect(containerName('Orders API')).toBe('platform-dev-orders-api');
    const registry = dockerPlan('web', { ...spec, image: { name: 'public.ecr.aws/x/web:1', readonlyRootFilesystem: true, writablePaths: [] } }, 50001);
    expect(registry.build).toBeUndefined();
    expect(registry.run[registry.run.length - 1]).toBe('public.ecr.aws/x/web:1');
    expect(() => dockerPlan('none', { ...spec, image: undefined }, 1)).toThrow('no image');
  });

  test('plan: a mesh caller gets the host gateway and its mesh variables by name; others get no host mapping', () => {
    const spec: ProcessSpec = { directory: '/app', environment: { STAGE: 'local' }, unresolvedEnvironment: [], secrets: [], watch: [], image: built };
    const caller = dockerPlan('web', spec, 50002, { variables: ['ORDERS_URL'], hostGateway: true }).run;
    expect(caller.join(' ')).toContain('-p 127.0.0.1:50002:50002 --add-host host.docker.internal:host-gateway -e ORDERS_URL -e PORT -e STAGE');
    expect(dockerPlan('web', spec, 50002).run).not.toContain('--add-host');
  });
});

describe('dockerAvailable', () => {
  let bin: string;
  beforeEach(() => {
    bin = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-docker-'));
  });
  afterEach(() => fs.rmSync(bin, { recursive: true, force: true }));

  function fakeDocker(script: string): NodeJS.ProcessEnv {
    fs.writeFileSync(path.join(bin, 'docker'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return { PATH: `${bin}:/usr/bin:/bin` };
  }

  test('false, quickly, when there is no docker client', async () => {
    const began = Date.now();
    expect(await dockerAvailable(5000, { PATH: bin })).toBe(false);
    expect(Date.now() - began).toBeLessThan(3000); // well before the timeout
  });

  test('true when the engine answers with its version', async () => {
    const env = fakeDocker('[ "$1 $2 $3" = "version --format {{.Server.Version}}" ] && echo 27.3.1 && exit 0; exit 2');
    expect(await dockerAvailable(2000, env)).toBe(true);
  });

  test('false when the client answers but the engine does not run', async () => {
    const env = fakeDocker('echo "Cannot connect to the Docker daemon at unix:///var/run/docker.sock" >&2; exit 1');
    expect(await dockerAvailable(2000, env)).toBe(false);
  });

  test('false within the timeout when the engine hangs', async () => {
    const env = fakeDocker('exec sleep 5');
    const began = Date.now();
    expect(await dockerAvailable(300, env)).toBe(false);
    expect(Date.now() - began).toBeLessThan(4000); // the engine would take 5 s
  });
});
