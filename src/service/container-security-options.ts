import * as ecs from 'aws-cdk-lib/aws-ecs';

/**
 * How a service's container runs: a read-only root filesystem with small writable scratch
 * paths, a non-root user, a memory hard limit, no Linux capabilities, and an init process.
 * `ContainerService` takes these options, and so does `TtsService`. Each default costs nothing
 * a month (the scratch paths are the task's ephemeral storage, of which Fargate includes 20 GiB).
 *
 * With the defaults the task definition passes the AWS Control Tower proactive controls
 * CT.ECS.PR.3 (`ecs_task_definition_nonroot_user_check`), CT.ECS.PR.6
 * (`ecs_containers_readonly_access_check`) and CT.ECS.PR.7
 * (`ecs_task_definition_memory_hard_limit_check`), and the Security Hub controls ECS.5 (read-only
 * root filesystem). Container definition parameters:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
 */
export interface ContainerSecurityOptions {
  /**
   * Give the container read-only access to its root filesystem (`readonlyRootFilesystem`): code
   * that an attacker gets to run cannot change the image's files or leave files behind. Only the
   * `writablePaths` (scratch volumes) can be written.
   *
   * An image that writes elsewhere (a cache in its home folder, a PID file in `/run`, nginx's
   * `/var/cache/nginx`) fails with "read-only file system" (EROFS): name those folders in
   * `writablePaths`, or set this to `false`. ECS Exec (`enableExecuteCommand`) needs a writable
   * root filesystem (its agent writes into the container), so with it the default is `false`,
   * and `true` is refused.
   *
   * @default true (false with enableExecuteCommand)
   */
  readonly readonlyRootFilesystem?: boolean;

  /**
   * The folders the container may write to while its root filesystem is read-only: each is an
   * empty bind-mount volume of the task (Fargate ephemeral storage: no extra cost up to the
   * included 20 GiB), kept as long as the task runs. At most 10 absolute paths, each once, none
   * inside another, none under `/proc`, `/sys` or `/dev`; `[]` for none.
   *
   * Fargate creates an empty volume owned by root with mode 0755, which a non-root `user` cannot
   * write to, unless the image declares the folder as a `VOLUME`: Fargate then copies the
   * image's folder, its files and its owner and mode, into the volume
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/bind-mounts.html). So an image
   * that writes to a path here ends its Dockerfile with, e.g., `VOLUME ["/tmp"]` (the official
   * images' `/tmp` has mode 1777: anyone may write). An image that writes nothing needs nothing.
   *
   * @default ['/tmp'] while the root filesystem is read-only; only used then
   */
  readonly writablePaths?: string[];

  /**
   * The user the container runs as (`user`): `uid`, `uid:gid`, `name` or `name:group`, which
   * overrides the image's `USER`. A process that is not root cannot change the image's files,
   * read other users' files or undo the dropped capabilities.
   *
   * The default `1000:1000` is the `node` user of the official Node.js images (and the first user
   * that Debian and Ubuntu based images create); any image whose files are readable by everyone
   * (Docker's default for `COPY`) runs as it, whether the image has such a user or not.
   * An image that needs root fails: one that changes owners or installs packages at startup, one
   * whose entrypoint starts as root and then switches user itself (the official nginx and
   * PostgreSQL images), and possibly one that listens on a port below 1024 (keep a port such as
   * the default 8080).
   * Root (`root`, `0`, `root:...`, `0:...`) is refused unless `allowRootUser` is set.
   *
   * @default '1000:1000'
   */
  readonly user?: string;

  /**
   * Allow `user` to be root (`root`, `0`, `root:<group>` or `0:<gid>`). The task definition then
   * fails the Control Tower control CT.ECS.PR.3 (`ecs_task_definition_nonroot_user_check`).
   *
   * @default false
   */
  readonly allowRootUser?: boolean;

  /**
   * The container's memory hard limit in MiB (`memory`): the container is stopped when it goes
   * above it (an out-of-memory kill, in the service's events and as exit code 137). At least 6
   * MiB (Docker's minimum) and at most the task's `memoryLimitMiB` (less 64 MiB for the proxy
   * with `serviceConnect`). Set it lower only to leave memory to a container you add to
   * `taskDefinition` yourself.
   *
   * @default - the task's memoryLimitMiB (the service's one container may use all of it; with
   *   `serviceConnect` 64 MiB less, for the proxy)
   */
  readonly containerMemoryLimitMiB?: number;

  /**
   * Linux capabilities the container gives up (`linuxParameters.capabilities.drop`). `ALL`: a
   * process has none, even as root (no `chown` of other users' files, no raw sockets such as
   * `ping` opens). `[]` keeps Docker's default set.
   *
   * @default [ecs.Capability.ALL]
   */
  readonly dropCapabilities?: ecs.Capability[];

  /**
   * Linux capabilities added back (`linuxParameters.capabilities.add`). Fargate allows only
   * `SYS_PTRACE` (for debuggers and profilers), which only a root process can use.
   *
   * @default - none
   */
  readonly addCapabilities?: ecs.Capability[];

  /**
   * Run an init process as the container's first process (`linuxParameters.initProcessEnabled`,
   * `docker run --init`): it passes ECS's SIGTERM on to the app and reaps finished child
   * processes, so that an app started through a shell or one that starts helpers stops cleanly
   * and leaves no zombie processes. An image that brings its own init (tini, dumb-init) works
   * either way.
   *
   * @default true
   */
  readonly initProcessEnabled?: boolean;
}
