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
