/*
 * The command line of `platform-dev`: parsed into options, or one line that says what is wrong.
 */

/** The usage text of `--help`. */
export const USAGE = `usage: platform-dev [cdk.out] [options]

Runs the services of a synthesized CDK app locally, behind a local front door that routes as the
platform's does: /<service>/* to each service, its web page on http://<service>.localhost:<port>/.
Reads only the cloud assembly (run \`npx cdk synth\` first); needs no AWS credentials.

options:
  --port <n>              the front door's port on 127.0.0.1 (default 8787; 0: any free port)
  --run <service>=<cmd>   start <service> with this shell command (repeatable); it gets PORT
  --env-file <file>       KEY=value lines (repeatable): secrets, and variables over the task's
                          environment and yours; a secret reaches only the services that name it
  --platform <name>       the platform whose services run, when the app has several
  --watch                 restart a service when its files change; re-read cdk.out after a synth
  --no-restart            a service that crashes ends the run (default: restart with back-off)
  --no-docker             never run an image with Docker
  --health-timeout <s>    how long a service may take to answer its health path (default 60)
  --api-timeout <s>       the HTTP API's 30 s limit on other than long-lived paths (default 30; 0: none)
  -h, --help              this text
  --version               the version of @georgi-io/platform-constructs

A service runs, in this order: --run's command; the construct's localRun.command; its image with
Docker where a Docker engine answers; a Node.js Lambda function in-process. Ctrl-C stops all.`;

/** Parsed command line. */
export interface DevArguments {
  readonly assembly: string;
  readonly port: number;
  readonly run: Map<string, string>;
  readonly envFiles: string[];
  readonly platform?: string;
  readonly watch: boolean;
  readonly restart: boolean;
  readonly docker: boolean;
  readonly healthTimeoutMs: number;
  readonly apiTimeoutMs: number;
}

/** A bad command line; the message is the one line to print. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** `--help` or `--version`: print `text` and exit 0. */
export class InfoRequested extends Error {
  constructor(public readonly text: string) {
    super(text);
    this.name = 'InfoRequested';
  }
}

/** Service names as the library allows them. */
const SERVICE_NAME_RE = /^[a-z][a-z0-9-]{1,31}$/;

/** Parses the command line (without `node` and the script). */
export function parseDevArguments(argv: string[], version: string): DevArguments {
  let assembly: string | undefined;
  let port = 8787;
  const run = new Map<string, string>();
  const envFiles: string[] = [];
  let platform: string | undefined;
  let watch = false;
  let restart = true;
  let docker = true;
  let healthTimeoutMs = 60_000;
  let apiTimeoutMs = 30_000;
  const hint = ' (platform-dev --help lists the options)';
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    // --option=value as well as --option value.
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const arg = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value${hint}`);
      return next;
    };
    const seconds = (min: number): number => {
      const text = value();
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n) || n < min || n > 3600) {
        throw new UsageError(`invalid ${arg} ${text}: a number of seconds from ${min} to 3600`);
      }
      return Math.round(n * 1000);
    };
    switch (arg) {
      case '--port': {
        const text = value();
        const n = Number(text);
        if (!/^\d+$/.test(text) || n > 65535) throw new UsageError(`invalid --port ${text}: a port number from 0 to 65535`);
        port = n;
        break;
      }
      case '--run': {
        const text = value();
        const at = text.indexOf('=');
        const name = at > 0 ? text.slice(0, at) : '';
        const command = at > 0 ? text.slice(at + 1).trim() : '';
        if (!SERVICE_NAME_RE.test(name) || command === '') {
          throw new UsageError(`invalid --run ${text}: expected <service>=<command>, e.g. --run jessica="npm run dev"`);
        }
        if (run.has(name)) throw new UsageError(`--run ${name} is given twice`);
        run.set(name, command);
        break;
      }
      case '--env-file': envFiles.push(value()); break;
      case '--platform': platform = value(); break;
      case '--watch': watch = true; break;
      case '--no-restart': restart = false; break;
      case '--no-docker': docker = false; break;
      case '--health-timeout': healthTimeoutMs = seconds(1); break;
      case '--api-timeout': apiTimeoutMs = seconds(0); break;
      case '-h':
      case '--help': throw new InfoRequested(USAGE);
      case '--version': throw new InfoRequested(version);
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}${hint}`);
        if (assembly !== undefined) throw new UsageError(`one cloud assembly folder only, got ${assembly} and ${arg}${hint}`);
        assembly = arg;
    }
    if (eq > 0 && ['--watch', '--no-restart', '--no-docker'].includes(arg)) throw new UsageError(`${arg} takes no value${hint}`);
  }
  return { assembly: assembly ?? 'cdk.out', port, run, envFiles, platform, watch, restart, docker, healthTimeoutMs, apiTimeoutMs };
}
