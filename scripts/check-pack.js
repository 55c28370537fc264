#!/usr/bin/env node
// Fails when the npm tarball(s) in dist/js hold anything but the compiled library (lib/**/*.js,
// lib/**/*.d.ts), the jsii assembly, package.json, README.md, LICENSE, NOTICE and API.md,
// or lack one of the files every release needs.
'use strict';

const { execFileSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const DIST = path.join(__dirname, '..', 'dist', 'js');

/** Exact paths allowed in the tarball (npm prefixes every entry with "package/"). */
const ALLOWED_FILES = new Set([
  'package/package.json',
  'package/README.md',
  'package/LICENSE',
  'package/NOTICE',
  'package/API.md',
  'package/.jsii',
  'package/.jsii.gz', // jsii may compress the assembly and leave a redirect in .jsii
]);
/** Compiled library files. */
const ALLOWED_LIB = /^package\/lib\/.+(\.js|\.d\.ts)$/;
/** Files that must be present. */
const REQUIRED_FILES = ['package/README.md', 'package/LICENSE', 'package/API.md', 'package/lib/index.js'];

function fail(message) {
  console.error(`check-pack: ${message}`);
  process.exit(1);
}

function checkTarball(tgz) {
  const name = path.basename(tgz);
  const entries = execFileSync('tar', ['-tzf', tgz], { encoding: 'utf8' })
    .split('\n')
    .map(line => line.replace(/^\.\//, ''))
    .filter(line => line !== '' && !line.endsWith('/')); // skip directory entries

  const offenders = entries.filter(entry => !ALLOWED_FILES.has(entry) && !ALLOWED_LIB.test(entry));
  const missing = REQUIRED_FILES.filter(file => !entries.includes(file));

  if (offenders.length > 0) {
    console.error(`check-pack: ${name} holds ${offenders.length} file(s) outside the allowed set:`);
    offenders.forEach(entry => console.error(`  ${entry}`));
    console.error('  (exclude them with project.addPackageIgnore in .projenrc.ts)');
  }
  if (missing.length > 0) {
    console.error(`check-pack: ${name} lacks required file(s):`);
    missing.forEach(file => console.error(`  ${file}`));
  }
  if (offenders.length > 0 || missing.length > 0) {
    fail(`FAILED (${name})`);
  }
  console.log(`check-pack: ${entries.length} files OK (${name})`);
  checkCostCommand(tgz);
}

/**
 * Installs the tarball into an empty project and runs its `platform-cost` command on the example
 * app's cloud assembly (cdk.out/example, written by synth:example earlier in the build): the bin
 * entry, its shebang and its imports must work from the published package alone.
 */
function checkCostCommand(tgz) {
  const assembly = path.join(__dirname, '..', 'cdk.out', 'example');
  if (!fs.existsSync(path.join(assembly, 'manifest.json'))) {
    fail(`no cloud assembly at ${assembly}: run synth:example before check:pack`);
  }
  const dir = fs.mkdtempSync(path.join(require('os').tmpdir(), 'check-pack-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'check-pack', version: '0.0.0', private: true }));
    // Peer dependencies (aws-cdk-lib, constructs) are not needed by the command: skip them.
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', tgz], { cwd: dir, stdio: 'pipe' });
    const bin = path.join(dir, 'node_modules', '.bin', 'platform-cost');
    const out = execFileSync(bin, [assembly, '--json'], { cwd: dir, encoding: 'utf8' });
    const estimate = JSON.parse(out);
    if (typeof estimate.totalMonthlyUsd !== 'number' || !Array.isArray(estimate.stacks) || estimate.stacks.length === 0) {
      fail(`platform-cost --json from ${path.basename(tgz)} printed no totalMonthlyUsd or no stacks`);
    }
    console.log(`check-pack: platform-cost from the package: ${estimate.stacks.length} stacks, $${estimate.totalMonthlyUsd.toFixed(2)} a month`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function main() {
  const tarballs = fs.existsSync(DIST) ? fs.readdirSync(DIST).filter(f => f.endsWith('.tgz')).sort() : [];
  if (tarballs.length === 0) {
    fail(`no *.tgz in ${path.relative(process.cwd(), DIST) || DIST}; run the package task first`);
  }
  for (const tgz of tarballs) {
    try {
      checkTarball(path.join(DIST, tgz));
    } catch (err) {
      fail(`cannot read ${tgz}: ${err.message}`);
    }
  }
}

main();
