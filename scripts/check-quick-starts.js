#!/usr/bin/env node
// Proves the README's quick starts as a new user meets them: each code block after a
// `<!-- quick-start: <name> -->` line is pasted into the app file of a new
// `cdk init app --language typescript` project, with the library (the npm tarball in dist/js,
// `npx projen package`) and the newest aws-cdk-lib and constructs installed, and synthesized with
// `cdk synth` without AWS credentials. The block after `<!-- security-validation -->` goes into
// bin/security.ts and runs once more with the first quick start, called in one line after
// `new App()` (with the newest cdk-nag and @cdklabs/cdk-validator-cfnguard).
//
// The service quick start then runs under `npx platform-dev` (scripts/check-dev-door.js: the local
// front door's header rules, WebSocket, streams and time limit, 404s, Ctrl-C).
//
// Fails, one line per problem, on: a quick start over MAX_LINES lines; a non-zero exit of cdk
// synth; a warning in its output or in the assembly's metadata; a `missing` entry (context a
// look-up would need credentials for) in cdk.out/manifest.json. The strict validation is the one
// `cdk init` writes into cdk.json (`@aws-cdk/core:validateAgainstDefaultRules`: the
// template validation's findings are errors; `@aws-cdk/core:defaultCrossStackReferences`: weak),
// checked here to be there, as the starters' cdk.json set them.
//
// One scratch project is reused between runs (in the OS temp folder): `cdk init` runs only when
// it is missing; each run installs the tarball and updates the packages to their newest versions.
//
// Usage: node scripts/check-quick-starts.js [--fresh]   (--fresh: a new scratch project)
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist', 'js');
const SCRATCH = path.join(os.tmpdir(), 'platform-constructs-quick-starts', 'quick-start');
const APP_FILE = path.join(SCRATCH, 'bin', 'quick-start.ts');
const SECURITY_FILE = path.join(SCRATCH, 'bin', 'security.ts');
const MAX_LINES = 30;
const STRICT_CONTEXT = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
  '@aws-cdk/core:defaultCrossStackReferences': 'weak',
};
const NPM_FLAGS = ['--no-audit', '--no-fund', '--loglevel=error'];

function main() {
  const started = Date.now();
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const quickStarts = blocksAfter(readme, /^<!-- quick-start: ([a-z0-9-]+) -->$/);
  const [security] = blocksAfter(readme, /^<!-- security-validation -->$/);
  if (quickStarts.length === 0) die('README.md has no code block after a <!-- quick-start: <name> --> line');
  if (!security) die('README.md has no code block after a <!-- security-validation --> line');

  const problems = [];
  let doorLine;
  for (const q of quickStarts) {
    const lines = q.code.trimEnd().split('\n').length;
    if (lines > MAX_LINES) problems.push(`${q.name}: ${lines} lines, more than ${MAX_LINES}`);
  }

  const tarball = findTarball();
  const timings = {};
  const time = (step, fn) => { const t0 = Date.now(); try { return fn(); } finally { timings[step] = ((Date.now() - t0) / 1000).toFixed(0); } };
  time('cdk init', () => initScratch(process.argv.includes('--fresh')));
  time('npm install', () => install(tarball));
  problems.push(...strictContextProblems());

  fs.rmSync(SECURITY_FILE, { force: true });
  for (const q of quickStarts) {
    const synthProblems = time(`synth ${q.name}`, () => synth(q.name, q.code));
    problems.push(...synthProblems);
    // The service quick start under `npx platform-dev` (scripts/check-dev-door.js).
    if (q.name === 'service' && synthProblems.length === 0) {
      time('platform-dev', () => {
        const door = run(process.execPath, [path.join(__dirname, 'check-dev-door.js'), SCRATCH], { cwd: SCRATCH, env: credentialFreeEnv() });
        if (door.status !== 0) problems.push(`service under platform-dev:\n${lastLines(door.output, 40)}`);
        else doorLine = door.output.trim();
      });
    }
  }
  // The security validation: its own file, called in one line in the first quick start's app.
  const first = quickStarts[0];
  const withValidation = first.code.replace(/^(const app = new App\(.*\);)$/m, '$1\naddSecurityValidation(app);');
  if (withValidation === first.code) {
    problems.push(`${first.name}: no "const app = new App(...);" line to add the security validation after`);
  } else {
    fs.writeFileSync(SECURITY_FILE, security.code);
    const app = `import { addSecurityValidation } from './security';\n${withValidation}`;
    time(`synth ${first.name} + security validation`, () => problems.push(...synth(`${first.name} with the security validation`, app)));
    fs.rmSync(SECURITY_FILE, { force: true });
  }

  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const steps = Object.entries(timings).map(([step, s]) => `${step} ${s} s`).join(', ');
  if (problems.length > 0) {
    for (const p of problems) console.error(`check-quick-starts: ${p}`);
    die(`FAILED: ${problems.length} problem(s) (${seconds} s: ${steps})`);
  }
  if (doorLine) console.log(`check-quick-starts: ${doorLine}`);
  const sizes = quickStarts.map(q => `${q.name} ${q.code.trimEnd().split('\n').length} lines`).join(', ');
  console.log(`check-quick-starts: ${quickStarts.length} quick start(s) and the security validation OK (${sizes}; ${seconds} s: ${steps})`);
}

/** The ```ts blocks that directly follow a line matching `marker`: `{ name, code }`. */
function blocksAfter(text, marker) {
  const lines = text.split('\n');
  const blocks = [];
  for (let i = 0; i < lines.length; i++) {
    const m = marker.exec(lines[i]);
    if (!m) continue;
    if (lines[i + 1] !== '```ts') die(`README.md line ${i + 2}: expected a \`\`\`ts block after "${lines[i]}"`);
    const end = lines.indexOf('```', i + 2);
    if (end < 0) die(`README.md line ${i + 2}: the code block does not end`);
    blocks.push({ name: m[1] ?? 'security-validation', code: lines.slice(i + 2, end).join('\n') + '\n' });
  }
  return blocks;
}

function die(message) {
  console.error(`check-quick-starts: ${message}`);
  process.exit(1);
}

function findTarball() {
  const tarballs = fs.existsSync(DIST) ? fs.readdirSync(DIST).filter(f => f.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) die(`expected one npm tarball in dist/js, found ${tarballs.length}: run npx projen compile && npx projen package`);
  return path.join(DIST, tarballs[0]);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

function lastLines(text, n = 20) {
  return text.trim().split('\n').slice(-n).map(l => `    ${l}`).join('\n');
}

/** `cdk init app --language typescript` with the newest CDK CLI, once. */
function initScratch(fresh) {
  if (fresh) fs.rmSync(path.dirname(SCRATCH), { recursive: true, force: true });
  if (fs.existsSync(path.join(SCRATCH, 'cdk.json'))) return;
  fs.rmSync(SCRATCH, { recursive: true, force: true });
  fs.mkdirSync(SCRATCH, { recursive: true });
  const init = run('npx', ['--yes', 'aws-cdk@latest', 'init', 'app', '--language', 'typescript'], { cwd: SCRATCH, env: credentialFreeEnv() });
  if (init.status !== 0 || !fs.existsSync(APP_FILE)) {
    fs.rmSync(SCRATCH, { recursive: true, force: true });
    die(`cdk init exited with ${init.status} (or wrote no ${path.relative(SCRATCH, APP_FILE)}):\n${lastLines(init.output)}`);
  }
}

/** The library from the tarball and every package a quick start or the security file imports, at its newest. */
function install(tarball) {
  const packages = ['aws-cdk-lib@latest', 'constructs@latest', 'aws-cdk@latest', 'cdk-nag@latest', '@cdklabs/cdk-validator-cfnguard@latest'];
  const result = run('npm', ['install', ...NPM_FLAGS, tarball, ...packages], { cwd: SCRATCH });
  if (result.status !== 0) die(`npm install exited with ${result.status}:\n${lastLines(result.output)}`);
}

function strictContextProblems() {
  const context = JSON.parse(fs.readFileSync(path.join(SCRATCH, 'cdk.json'), 'utf8')).context ?? {};
  return Object.entries(STRICT_CONTEXT).filter(([key, value]) => context[key] !== value)
    .map(([key, value]) => `cdk init's cdk.json no longer sets ${key} to ${JSON.stringify(value)} (it holds ${JSON.stringify(context[key])}): set it in the scratch project and say so in the README`);
}

/** A user's shell without AWS credentials or configuration and without this repository's settings. */
function credentialFreeEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|CDK_|TS_NODE_|JSII_)/.test(key)) env[key] = value;
  }
  const nowhere = path.join(os.tmpdir(), 'check-quick-starts-no-aws-config');
  return { ...env, AWS_CONFIG_FILE: nowhere, AWS_SHARED_CREDENTIALS_FILE: nowhere, AWS_EC2_METADATA_DISABLED: 'true', CDK_DISABLE_CLI_TELEMETRY: 'true' };
}

/** Pastes `code` into the app file and runs `cdk synth`; returns the problems. */
function synth(name, code) {
  fs.writeFileSync(APP_FILE, code);
  const out = path.join(SCRATCH, 'cdk.out');
  fs.rmSync(out, { recursive: true, force: true });
  const result = run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '--no-version-reporting'], { cwd: SCRATCH, env: credentialFreeEnv() });
  const problems = [];
  if (result.status !== 0) return [`${name}: cdk synth exited with ${result.status}:\n${lastLines(result.output)}`];
  for (const line of result.output.split('\n')) {
    if (/warn/i.test(line)) problems.push(`${name}: warning in the synth output: ${line.trim()}`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'));
  for (const missing of manifest.missing ?? []) problems.push(`${name}: missing context ${missing.key} (a look-up that needs credentials)`);
  for (const [artifact, spec] of Object.entries(manifest.artifacts ?? {})) {
    for (const [where, entries] of Object.entries(spec.metadata ?? {})) {
      for (const entry of entries) {
        if (entry.type === 'aws:cdk:warning' || entry.type === 'aws:cdk:error') {
          problems.push(`${name}: ${entry.type} in ${artifact} at ${where}: ${String(entry.data).split('\n')[0]}`);
        }
      }
    }
  }
  return problems;
}

main();
