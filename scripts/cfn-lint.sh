#!/usr/bin/env bash
# Runs cfn-lint on every synthesized CloudFormation template:
#   - the example app:     cdk.out/example/**/*.template.json (nested assemblies assembly-* included)
#   - integ snapshots:     integ/**/*.snapshot/**/*.template.json
# Errors (E*) and fatal cfn-lint failures fail the run; warnings (W*) are printed but do not.
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

args=(--format parseable)
for rule in "${IGNORED_RULES[@]}"; do args+=(--ignore-checks "$rule"); done

# cfn-lint's exit code is a bit field: 1 = fatal, 2 = error, 4 = warning, 8 = informational.
rc=0
output="$(cfn-lint "${args[@]}" -- "${templates[@]}" 2>&1)" || rc=$?
if [[ -n "$output" ]]; then echo "$output"; fi

# Parseable lines look like: file:line:col:endline:endcol:RULE:message
errors=$(grep -cE '^[^:]+(:[0-9]+){4}:E[0-9]+:' <<<"$output" || true)
warnings=$(grep -cE '^[^:]+(:[0-9]+){4}:W[0-9]+:' <<<"$output" || true)
echo "cfn-lint: ${#templates[@]} templates, $errors errors, $warnings warnings"

# Fail on fatal (1) or error (2) bits, or on an exit code outside the documented range.
if (( rc >= 16 || (rc & 3) != 0 || errors > 0 )); then
  echo "cfn-lint: FAILED (exit code $rc)" >&2
  exit 1
fi
