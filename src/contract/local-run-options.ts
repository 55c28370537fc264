/**
 * How `platform-dev` (the local front door and runner, README "Run it locally") starts a service
 * on a developer's machine in place of its deployed target, the way SST's `dev.command` does.
 * Nothing of it reaches AWS: it is recorded in the cloud assembly's metadata only.
 */
export interface LocalRunOptions {
  /**
   * The command that starts the service locally, run by a shell in `directory`, e.g.
   * `npm run dev` or `node dist/main.js`. It gets the task's plain environment, its secrets from
   * the developer's environment or an `--env-file`, and `PORT`: the port to listen on, on
   * 127.0.0.1 (chosen by `platform-dev`, whatever the container port is).
   * `platform-dev --run <service>=<command>` replaces it for one run.
   */
  readonly command: string;

  /**
   * The folder the command runs in; a relative path is relative to the CDK app's folder (the
   * one with `cdk.json`, where `cdk synth` ran).
   *
   * @default - the CDK app's folder
   */
  readonly directory?: string;

  /**
   * Variables for the local run only, over the task's environment: a local database URL, a
   * stand-in for an external API. Never secrets: those come from the developer's environment.
   *
   * @default - none
   */
  readonly environment?: Record<string, string>;

  /**
   * Paths, relative to `directory`, whose changes restart the service under
   * `platform-dev --watch`.
   *
   * @default - the whole of `directory`, without `node_modules`, `cdk.out` and hidden folders
   */
  readonly watch?: string[];
}
