#!/usr/bin/env node
// Builds each starter repository under examples/ (infra, infra-eu-central-1, service, regions) the way a
// user builds a copy of it, from the library's npm tarball in dist/js (npx projen package):
//
//   1. copy the starter to a temporary folder (without node_modules and cdk.out);
//   2. install: the library is not on the registry, so its dependency is rewritten to
//      `file:<tarball>` in the copy's package.json and `npm install` runs against the committed
//      package-lock.json. The lock pins every other package (aws-cdk-lib, constructs, the aws-cdk
//      CLI, typescript, ts-node, @types/node); the check fails when npm changed or added any of
//      them, so the locked versions are what gets tested;
//   3. `npx cdk synth` with no AWS credentials (AWS_* and CDK_* variables removed, the AWS config
//      and credentials files pointed at a path that does not exist, EC2 metadata off), without
//      this repository's TS_NODE_* and JSII_* settings (ts-node type-checks the app as for a
//      user), and with `-c @aws-cdk/core:validateAgainstDefaultRules=true`;
//   4. fails, one line per problem, on: a non-zero exit of cdk synth; a `missing` entry (context
//      that a look-up would need credentials for) in cdk.out/manifest.json; a warning in the synth
//      output or the assembly's metadata that is not in ALLOWED_WARNINGS; cfn-lint errors (except
//      E3002 "'Tags' was unexpected" on the types in STALE_TAGS_SCHEMA) and any W2001 (an unused
//      template parameter); a cost estimate over the starter's maximum (`platform-cost cdk.out
//      --max N`, from the installed package's bin);
//   5. runs the service starter under the installed `platform-dev` and checks its local front door
//      on loopback (scripts/check-dev-starter.js);
//   6. prints one summary line per starter.
//
// The committed locks hold every package except the library itself (its entry is taken out, so
// the lock's root lists the library's range and nothing resolves it until it is published).
// Regenerate them after changing a starter's package.json:
//
//   node scripts/check-starters.js --update-locks [starter ...]
//
// which installs each starter from scratch with the tarball (as above, without a lock) and
// writes the resulting lock, minus the library's entry, into examples/<starter>/package-lock.json.
//
// Usage: node scripts/check-starters.js [--update-locks] [--keep] [--verbose] [starter ...]
//   --keep      leave the temporary copies in place (their paths are printed)
//   --verbose   also print each cfn-lint warning that does not fail the check (W3005 and such)
'use strict';

const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const EXAMPLES = path.join(ROOT, 'examples');
const DIST = path.join(ROOT, 'dist', 'js');
const LIBRARY = '@georgi-io/platform-constructs';

/** The starters, each with the most its fixed monthly cost may be (us-east-1/eu-central-1 list prices). */
const STARTERS = {
  'infra': { maxMonthlyUsd: 80 },
  'infra-eu-central-1': { maxMonthlyUsd: 90 },
  'service': { maxMonthlyUsd: 40, platformDev: true },
  'regions': { maxMonthlyUsd: 60 },
};

/**
 * Warnings that may appear in a starter's synth output, each with why it is acceptable:
 * `{ pattern: RegExp, reason: string }`. Prefer fixing the starter (or the library) to adding one.
 */
const ALLOWED_WARNINGS = [
];

// E3002 "'Tags' was unexpected" on these types is cfn-lint 1.51's stale schema, not a template
// error: the list, with a reason and a source per type, is scripts/cfn-lint-report.js's.
const { STALE_TAGS_SCHEMA } = require('./cfn-lint-report');

const OPTIONS = ['--update-locks', '--keep', '--verbose'];
const VERBOSE = process.argv.includes('--verbose');

const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

function main() {
  const args = process.argv.slice(2);
  const updateLocks = args.includes('--update-locks');
  const keep = args.includes('--keep');
  const unknown = args.filter(a => a.startsWith('-') && !OPTIONS.includes(a));
  if (unknown.length > 0) die(`unknown option ${unknown.join(' ')} (usage: check-starters.js [${OPTIONS.join('] [')}] [starter ...])`);
  const named = args.filter(a => !a.startsWith('-'));
  for (const name of named) {
    if (!STARTERS[name]) die(`unknown starter ${name}: one of ${Object.keys(STARTERS).join(', ')}`);
  }
  const starters = named.length > 0 ? named : Object.keys(STARTERS);
  const tarball = findTarball();

  const started = Date.now();
  let failed = 0;
  for (const name of starters) {
    const t0 = Date.now();
    timings = {};
    const problems = updateLocks ? updateLock(name, tarball, keep) : checkStarter(name, tarball, keep);
    const seconds = ((Date.now() - t0) / 1000).toFixed(0);
    if (problems.length > 0) {
      failed++;
      for (const p of problems) console.error(`check-starters: ${name}: ${p}`);
      console.error(`check-starters: ${name}: FAILED (${problems.length} problem(s), ${seconds} s)`);
    } else if (updateLocks) {
      console.log(`check-starters: ${name}: wrote examples/${name}/package-lock.json (${seconds} s)`);
    }
  }
  const total = ((Date.now() - started) / 1000).toFixed(0);
  if (failed > 0) die(`FAILED: ${failed} of ${starters.length} starter(s) (${total} s)`);
  console.log(`check-starters: ${starters.length} starter(s) OK (${total} s)`);
}

function die(message) {
  console.error(`check-starters: ${message}`);
  process.exit(1);
}

function findTarball() {
  const tarballs = fs.existsSync(DIST) ? fs.readdirSync(DIST).filter(f => f.endsWith('.tgz')) : [];
  if (tarballs.length !== 1) {
    die(`expected one npm tarball in dist/js, found ${tarballs.length}: run npx projen compile && npx projen package`);
  }
  return path.join(DIST, tarballs[0]);
}

/** A copy of the starter in a new temporary folder, without what a build leaves behind. */
function copyStarter(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `starter-${name}-`));
  fs.cpSync(path.join(EXAMPLES, name), dir, {
    recursive: true,
    filter: src => !/[\\/](node_modules|cdk\.out)$/.test(src),
  });
  return dir;
}

/** Points the copy's library dependency at the tarball; returns the range it had. */
function useTarball(dir, tarball) {
  const file = path.join(dir, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
  const range = pkg.dependencies?.[LIBRARY];
  if (range === undefined) return { problem: `package.json has no dependency on ${LIBRARY}` };
  pkg.dependencies[LIBRARY] = `file:${tarball}`;
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
  return { range };
}

/** Seconds each step of the current starter took, by step, for its summary line. */
let timings = {};

function run(step, command, args, options) {
  const t0 = Date.now();
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  if (result.error) throw result.error;
  timings[step] = (timings[step] ?? 0) + (Date.now() - t0) / 1000;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, output: `${result.stdout}${result.stderr}` };
}

function lastLines(text, n = 15) {
  return text.trim().split('\n').slice(-n).map(l => `    ${l}`).join('\n');
}

function cleanUp(dir, keep) {
  if (keep) console.log(`check-starters: kept ${dir}`);
  else fs.rmSync(dir, { recursive: true, force: true });
}

function updateLock(name, tarball, keep) {
  const dir = copyStarter(name);
  try {
    fs.rmSync(path.join(dir, 'package-lock.json'), { force: true });
    const { range, problem } = useTarball(dir, tarball);
    if (problem) return [problem];
    const install = run('npm install', 'npm', ['install', ...NPM_FLAGS], { cwd: dir });
    if (install.status !== 0) return [`npm install exited with ${install.status}:\n${lastLines(install.output)}`];
    const lock = JSON.parse(fs.readFileSync(path.join(dir, 'package-lock.json'), 'utf8'));
    delete lock.packages[`node_modules/${LIBRARY}`];
    lock.packages[''].dependencies[LIBRARY] = range;
    fs.writeFileSync(path.join(EXAMPLES, name, 'package-lock.json'), JSON.stringify(lock, null, 2) + '\n');
    return [];
  } finally {
    cleanUp(dir, keep);
  }
}

/** Every locked package that the install changed, added or left out (the library aside). */
function lockDrift(committed, installed) {
  const problems = [];
  const entries = lock => Object.entries(lock.packages ?? {}).filter(([key]) => key !== '' && key !== `node_modules/${LIBRARY}`);
  const before = new Map(entries(committed));
  const after = new Map(entries(installed));
  for (const [key, entry] of after) {
    const old = before.get(key);
    if (old === undefined) problems.push(`npm install added ${key}@${entry.version}, which the lock does not hold (run --update-locks)`);
    else if (old.version !== entry.version) problems.push(`npm install changed ${key} from the locked ${old.version} to ${entry.version} (run --update-locks)`);
  }
  for (const key of before.keys()) {
    if (!after.has(key)) problems.push(`npm install left out the locked ${key} (run --update-locks)`);
  }
  return problems;
}

/**
 * The environment of a user's shell without AWS credentials or configuration, and without the
 * settings that this repository's tasks use (TS_NODE_TRANSPILE_ONLY, JSII_DEPRECATED=quiet, ...):
 * ts-node type-checks the app, and aws-cdk-lib's deprecation warnings show, as for a user.
 */
function credentialFreeEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(AWS_|CDK_|TS_NODE_|JSII_)/.test(key)) env[key] = value;
  }
  const nowhere = path.join(os.tmpdir(), 'check-starters-no-aws-config');
  return {
    ...env,
    AWS_CONFIG_FILE: nowhere,
    AWS_SHARED_CREDENTIALS_FILE: nowhere,
    AWS_EC2_METADATA_DISABLED: 'true',
    CDK_DISABLE_CLI_TELEMETRY: 'true',
  };
}

function checkStarter(name, tarball, keep) {
  const dir = copyStarter(name);
  try {
    return checkCopy(name, dir, tarball);
  } finally {
    cleanUp(dir, keep);
  }
}

function checkCopy(name, dir, tarball) {
  const problems = [];
  const lockFile = path.join(dir, 'package-lock.json');
  if (!fs.existsSync(lockFile)) return ['no package-lock.json (run --update-locks)'];
  const committedLock = JSON.parse(fs.readFileSync(lockFile, 'utf8'));
  const { problem } = useTarball(dir, tarball);
  if (problem) return [problem];

  // 2. install
  const install = run('npm install', 'npm', ['install', ...NPM_FLAGS], { cwd: dir });
  if (install.status !== 0) return [`npm install exited with ${install.status}:\n${lastLines(install.output)}`];
  problems.push(...lockDrift(committedLock, JSON.parse(fs.readFileSync(lockFile, 'utf8'))));

  // 3. synth, without credentials
  const synth = run('cdk synth', 'npx', ['cdk', 'synth', '--quiet', '--no-notices', '-c', '@aws-cdk/core:validateAgainstDefaultRules=true'], {
    cwd: dir,
    env: credentialFreeEnv(),
  });
  if (synth.status !== 0) problems.push(`cdk synth exited with ${synth.status}:\n${lastLines(synth.output)}`);
  const manifestFile = path.join(dir, 'cdk.out', 'manifest.json');
  if (!fs.existsSync(manifestFile)) return [...problems, 'cdk synth wrote no cdk.out/manifest.json'];
  const manifest = JSON.parse(fs.readFileSync(manifestFile, 'utf8'));

  // 4a. missing context
  const missing = manifest.missing ?? [];
  for (const m of missing) problems.push(`missing context ${m.key} (a ${m.provider} look-up, which needs AWS credentials)`);

  // 4b. warnings: the CLI's output and the assembly's warning metadata
  const warnings = collectWarnings(synth.output, manifest, path.join(dir, 'cdk.out'));
  const unexpected = warnings.filter(w => !ALLOWED_WARNINGS.some(a => a.pattern.test(w)));
  for (const w of unexpected) problems.push(`warning: ${w}`);

  // 4c. cfn-lint
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(([, a]) => a.type === 'aws:cloudformation:stack');
  const lint = cfnLint(dir, stacks);
  problems.push(...lint.problems);

  // 4d. cost
  const cost = costCheck(dir, STARTERS[name].maxMonthlyUsd);
  problems.push(...cost.problems);

  // 4e. the local loop: the service starter under platform-dev (scripts/check-dev-starter.js)
  let devLine;
  if (STARTERS[name].platformDev) {
    const dev = run('platform-dev', process.execPath, [path.join(__dirname, 'check-dev-starter.js'), dir], { cwd: dir, env: credentialFreeEnv() });
    if (dev.status !== 0) problems.push(`platform-dev check failed (exit ${dev.status}):\n${lastLines(dev.output, 40)}`);
    else devLine = dev.stdout.trim();
  }

  const allowed = warnings.length - unexpected.length;
  const otherLint = countBy(lint.otherWarnings.map(w => w.split(' ')[0]));
  const staleTypes = [...lint.staleTagTypes].map(t => t.replace(/^AWS::/, '')).join(', ');
  const took = Object.entries(timings).map(([step, s]) => `${step} ${s.toFixed(0)} s`).join(', ');
  console.log(`check-starters: ${name}: ${stacks.length} stacks (${stacks.map(([id]) => id).join(', ')}), ${lint.templates} templates,`
    + ` warnings ${unexpected.length}${allowed > 0 ? ` (+${allowed} allowed)` : ''}, missing ${missing.length}, W2001 ${lint.w2001},`
    + ` cfn-lint errors ${lint.errors}${lint.staleTags > 0 ? ` (+${lint.staleTags} E3002 Tags ignored: ${staleTypes})` : ''}`
    + `${otherLint ? `, other cfn-lint warnings ${otherLint}` : ''},`
    + ` cost ${cost.total ?? '?'} a month (max $${STARTERS[name].maxMonthlyUsd}) [${took}]`);
  if (devLine) console.log(`check-starters: ${name}: ${devLine}`);
  if (VERBOSE) for (const w of lint.otherWarnings) console.log(`check-starters: ${name}:   cfn-lint ${w}`);
  return problems;
}

/** `W3005 x3, W3663 x1`, or '' for none. */
function countBy(keys) {
  const counts = new Map();
  for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].sort().map(([k, n]) => `${k} x${n}`).join(', ');
}

/**
 * Warning lines of the CLI's output, and the warning metadata of the assembly's stacks (in the
 * manifest, or in the `<stack>.metadata.json` that newer aws-cdk-lib versions write beside it).
 */
function collectWarnings(output, manifest, assemblyDir) {
  const warnings = new Set();
  for (const line of output.split('\n')) {
    if (/\bwarn(ing)?\b/i.test(line)) warnings.add(line.trim());
  }
  for (const [id, artifact] of Object.entries(manifest.artifacts ?? {})) {
    const metadata = { ...artifact.metadata };
    if (artifact.additionalMetadataFile) {
      const extra = JSON.parse(fs.readFileSync(path.join(assemblyDir, artifact.additionalMetadataFile), 'utf8'));
      for (const [constructPath, entries] of Object.entries(extra)) metadata[constructPath] = [...(metadata[constructPath] ?? []), ...entries];
    }
    for (const [constructPath, entries] of Object.entries(metadata)) {
      for (const entry of entries) {
        if (entry.type === 'aws:cdk:warning') warnings.add(`${id} ${constructPath}: ${String(entry.data).split('\n')[0]}`);
      }
    }
  }
  return [...warnings];
}

/** cfn-lint over every stack template, each with its stack's Region. */
function cfnLint(dir, stacks) {
  const result = { templates: 0, errors: 0, w2001: 0, staleTags: 0, staleTagTypes: new Set(), problems: [], otherWarnings: [] };
  const byRegion = new Map();
  for (const [id, artifact] of stacks) {
    const region = /^aws:\/\/[^/]+\/(.+)$/.exec(artifact.environment ?? '')?.[1] ?? 'us-east-1';
    const file = path.join(dir, 'cdk.out', artifact.properties.templateFile);
    if (!byRegion.has(region)) byRegion.set(region, []);
    byRegion.get(region).push({ id, file });
  }
  for (const [region, templates] of byRegion) {
    result.templates += templates.length;
    const lint = run('cfn-lint', 'cfn-lint', ['--format', 'json', '--regions', region, '--', ...templates.map(t => t.file)], { cwd: dir });
    // Exit code: a bit field (1 fatal, 2 error, 4 warning, 8 informational); anything else is a crash.
    let findings;
    try {
      findings = JSON.parse(lint.stdout || '[]');
    } catch {
      result.problems.push(`cfn-lint (exit ${lint.status}) printed no JSON:\n${lastLines(lint.output)}`);
      continue;
    }
    if (lint.status === null || lint.status >= 16 || (lint.status & 1) !== 0) {
      result.problems.push(`cfn-lint failed (exit ${lint.status}):\n${lastLines(lint.stderr)}`);
    }
    const typeCache = new Map();
    const resourceType = (file, logicalId) => {
      if (!typeCache.has(file)) typeCache.set(file, JSON.parse(fs.readFileSync(file, 'utf8')));
      return typeCache.get(file).Resources?.[logicalId]?.Type;
    };
    for (const f of findings) {
      const rule = f.Rule?.Id ?? '?';
      const file = f.Filename;
      const location = f.Location?.Path ?? [];
      const logicalId = location[0] === 'Resources' ? location[1] : undefined;
      const where = `${path.basename(file)}${logicalId ? ` ${logicalId}` : ''}`;
      const line = `${rule} ${where}: ${f.Message}`;
      const type = logicalId ? resourceType(file, logicalId) : undefined;
      if (rule === 'E3002' && /'Tags' was unexpected/.test(f.Message) && STALE_TAGS_SCHEMA.has(type)) {
        result.staleTags++;
        result.staleTagTypes.add(type);
      } else if (rule.startsWith('E')) {
        result.errors++;
        result.problems.push(`cfn-lint ${line}`);
      } else if (rule === 'W2001') {
        result.w2001++;
        result.problems.push(`cfn-lint ${line}`);
      } else {
        result.otherWarnings.push(line);
      }
    }
  }
  return result;
}

/** `platform-cost cdk.out --max N` from the installed package. */
function costCheck(dir, maxMonthlyUsd) {
  const bin = path.join(dir, 'node_modules', '.bin', 'platform-cost');
  if (!fs.existsSync(bin)) return { problems: [`the installed ${LIBRARY} has no platform-cost command`] };
  const cost = run('platform-cost', bin, ['cdk.out', '--max', String(maxMonthlyUsd)], { cwd: dir });
  const total = /^Total: (\$[0-9.]+) a month/m.exec(cost.stdout)?.[1];
  const problems = [];
  if (cost.status !== 0) problems.push(`platform-cost cdk.out --max ${maxMonthlyUsd} exited with ${cost.status}: ${lastLines(cost.output, 3).trim()}`);
  else if (total === undefined) problems.push('platform-cost printed no "Total: $..." line');
  return { total, problems };
}

main();
