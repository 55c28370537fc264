#!/usr/bin/env node
/**
 * `platform-dev [cdk.out] [options]`: runs the services of a synthesized CDK app on this machine
 * behind a local front door that routes as the platform's does (`platform-dev --help`).
 *
 * Exit codes: 0 stopped by Ctrl-C or SIGTERM; 1 a service never became healthy, or crashed with
 * --no-restart; 2 bad arguments or input (no assembly, a missing secret, a port in use), one line
 * on stderr.
 */
import * as fs from 'fs';
import * as path from 'path';
import { InfoRequested, parseDevArguments, UsageError } from './private/arguments';
import { DevInputError } from './private/assembly';
import { DevRun, RunFailed } from './private/runner';
import { terminalFor } from './private/terminal';

/** The package's version, from its package.json. */
function packageVersion(): string {
  for (const candidate of [path.join(__dirname, '..', '..', 'package.json'), path.join(__dirname, '..', '..', '..', 'package.json')]) {
    try {
      const manifest = JSON.parse(fs.readFileSync(candidate, 'utf8'));
      if (manifest.name === '@georgi-io/platform-constructs') return String(manifest.version);
    } catch (e) {
      // not this one
    }
  }
  return 'unknown';
}

/**
 * Runs the command until it stops; resolves with the exit code. Ctrl-C (SIGINT) and SIGTERM stop
 * every service and resolve with 0; a second Ctrl-C during the stop (a second or more after the first)
 * exits at once with 130.
 * @internal
 */
export async function main(argv: string[], stdout: NodeJS.WriteStream, stderr: NodeJS.WriteStream): Promise<number> {
  const out = (line: string) => stdout.write(`${line}\n`);
  const err = (line: string) => stderr.write(`${line}\n`);
  let args;
  try {
    args = parseDevArguments(argv, packageVersion());
  } catch (e) {
    if (e instanceof InfoRequested) {
      out(e.text);
      return 0;
    }
    if (e instanceof UsageError) {
      err(`platform-dev: ${e.message}`);
      return 2;
    }
    throw e;
  }
  let run: DevRun | undefined;
  let interrupted = false;
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      // npx and npm forward the terminal's Ctrl-C, which reaches this process as well: a second
      // signal within a second is that copy. A later one means "now", without waiting for the stop.
      if (Date.now() - firstSignalAt > 1000) {
        run?.kill(); // the services' process groups are detached: they would outlive this process
        process.exit(130);
      }
      return;
    }
    interrupted = true;
    firstSignalAt = Date.now();
    err(`platform-dev: ${signal}: stopping every service ...`);
    if (run) void run.stop(0);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    run = await DevRun.start(args, { out, err, terminal: terminalFor(stdout, process.env), environment: process.env }, created => {
      run = created;
    });
    if (interrupted) void run.stop(0);
    const code = await run.exited;
    if (code === 0) err('platform-dev: stopped');
    return code;
  } catch (e) {
    if (e instanceof DevInputError || e instanceof UsageError) {
      err(`platform-dev: ${e.message}`);
      return 2;
    }
    if (e instanceof RunFailed) {
      // Stopped by Ctrl-C or SIGTERM while starting: the services were stopped before they were healthy.
      err(interrupted ? 'platform-dev: stopped' : `platform-dev: ${e.message}`);
      return interrupted ? 0 : 1;
    }
    throw e;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.stdout, process.stderr).then(code => process.exit(code), e => {
    process.stderr.write(`platform-dev: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  });
}
