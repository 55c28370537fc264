#!/usr/bin/env bash
# Runs the unit tests (jest) on another aws-cdk-lib than the minimum the project pins, the way a
# service repository gets it: `bash scripts/test-on-cdk.sh 2.278.0 [jest arguments]`. It installs
# that version without saving it, runs jest (on the test files named after the version, or all),
# and puts the pinned version back, also when a test fails.
# The integ snapshots are compared on the pinned minimum only (a newer aws-cdk-lib writes other
# templates: more Tags, newer helper-Lambda runtimes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

version="${1:-}"
shift || true
if [[ ! "$version" =~ ^2\.[0-9]+\.[0-9]+$ ]]; then
  echo "test-on-cdk: expected an aws-cdk-lib 2.x version such as 2.276.0, got '${version}'" >&2
  exit 2
fi
pinned="$(node -p "require('./package.json').devDependencies['aws-cdk-lib']")"

restore() {
  local rc=$?
  echo "test-on-cdk: putting aws-cdk-lib ${pinned} back"
  npm install --no-save --no-audit --no-fund --prefer-offline "aws-cdk-lib@${pinned}" >/dev/null || true
  local back
  back="$(node -p "require('aws-cdk-lib/package.json').version" 2>/dev/null || echo none)"
  if [[ "$back" != "$pinned" ]]; then
    echo "test-on-cdk: node_modules still holds aws-cdk-lib ${back}, not ${pinned}: run npm ci" >&2
    exit 1
  fi
  exit "$rc"
}
trap restore EXIT

echo "test-on-cdk: installing aws-cdk-lib ${version} (pinned: ${pinned})"
npm install --no-save --no-audit --no-fund --prefer-offline "aws-cdk-lib@${version}" >/dev/null
installed="$(node -p "require('aws-cdk-lib/package.json').version")"
if [[ "$installed" != "$version" ]]; then
  echo "test-on-cdk: expected aws-cdk-lib ${version} in node_modules, found ${installed}" >&2
  exit 1
fi
# The same type check and jest run as `projen test`, on this aws-cdk-lib.
npx tsc --noEmit -p tsconfig.dev.json
JSII_DEPRECATED=quiet npx jest "$@" --passWithNoTests --coverage=false --ci --reporters=default
