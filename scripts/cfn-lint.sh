#!/usr/bin/env bash
# Runs cfn-lint on every synthesized CloudFormation template:
#   - the example app:     cdk.out/example/**/*.template.json (nested assemblies assembly-* included)
#   - integ snapshots:     integ/**/*.snapshot/**/*.template.json
# Errors (E*) and fatal cfn-lint failures fail the run; warnings (W*) are printed but do not.
# E3002 "'Tags' was unexpected" on resource types that cfn-lint's schema lacks Tags for is
# ignored per type, with the reason, in scripts/cfn-lint-report.js.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# The one place for ignored rules, one per line as `RULE  # reason`, e.g.
#   W3005  # CDK emits DependsOn edges that are also implied by Ref/GetAtt
IGNORED_RULES=(
)

if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "cfn-lint: not found on PATH; install it with 'pip install cfn-lint'" >&2
  exit 1
fi

# Collect templates (asset.* directories hold bundled asset files, not stack templates).
templates=()
for dir in cdk.out/example integ; do
  [[ -d "$dir" ]] || continue
  if [[ "$dir" == integ ]]; then filter=(-path '*.snapshot/*'); else filter=(); fi
  while IFS= read -r f; do templates+=("$f"); done < <(
    find "$dir" -type d -name 'asset.*' -prune -o -type f -name '*.template.json' "${filter[@]}" -print | sort
  )
done

if [[ ${#templates[@]} -eq 0 ]]; then
  echo 'cfn-lint: no templates found under cdk.out/example or integ/**/*.snapshot; skipping'
  exit 0
fi

args=(--format json)
for rule in "${IGNORED_RULES[@]}"; do args+=(--ignore-checks "$rule"); done

# cfn-lint's exit code is a bit field: 1 = fatal, 2 = error, 4 = warning, 8 = informational.
# Findings are reported (and E3002 on Tags of types cfn-lint's schema lacks dropped, with the
# reason) by scripts/cfn-lint-report.js.
rc=0
stderr_file="$(mktemp)"
trap 'rm -f "$stderr_file"' EXIT
output="$(cfn-lint "${args[@]}" -- "${templates[@]}" 2>"$stderr_file")" || rc=$?
if (( rc >= 16 || (rc & 1) != 0 )); then
  cat "$stderr_file" >&2
  echo "cfn-lint: FAILED (exit code $rc)" >&2
  exit 1
fi
if ! node scripts/cfn-lint-report.js "${#templates[@]}" <<<"$output"; then
  echo "cfn-lint: FAILED (errors above)" >&2
  exit 1
fi
