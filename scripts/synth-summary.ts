/**
 * Synthesizes the example platform app and prints, for every stack in the cloud assembly
 * (nested stages included), its environment, template file and resource counts by type, then
 * the fixed monthly cost of each stack (the package's cost estimator).
 *
 * Usage: ts-node --project tsconfig.dev.json scripts/synth-summary.ts <outdir>
 */
import * as fs from 'fs';
import * as path from 'path';
import type { App } from 'aws-cdk-lib';
import { costCases, formatCostCases } from '../integ/apps/cost-cases';
import { buildExampleApp } from '../integ/apps/example-app';
import { CostEstimator } from '../src';
import { formatEstimate } from '../src/cost/cli';

/** A stack artifact of the synthesized cloud assembly (derived from App so no deprecated cx-api import is needed). */
type StackArtifact = ReturnType<App['synth']>['stacks'][number];

const USAGE = 'usage: ts-node scripts/synth-summary.ts <outdir>';

/** Resource type -> count, sorted by count (descending), then type. */
function countByType(template: any): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const resource of Object.values<any>(template?.Resources ?? {})) {
    const type = String(resource?.Type ?? '(no Type)');
    counts.set(type, (counts.get(type) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([ta, a], [tb, b]) => b - a || ta.localeCompare(tb));
}

/** Prints one stack's block and returns its resource count. */
function printStack(stack: StackArtifact): number {
  const rows = countByType(stack.template);
  const total = rows.reduce((sum, [, n]) => sum + n, 0);
  // hierarchicalId shows the stage path (e.g. Prod/Network) when it differs from the stack name.
  const id = stack.hierarchicalId !== stack.stackName ? `  (${stack.hierarchicalId})` : '';

  console.log(`Stack ${stack.stackName}${id}`);
  console.log(`  Environment  ${stack.environment.name}`); // aws://<account>/<region>
  console.log(`  Template     ${path.relative(process.cwd(), stack.templateFullPath)}`);
  console.log(`  Resources    ${total}`);
  const warnings = stack.messages.filter(m => m.level === 'warning').length;
  if (warnings > 0) {
    console.log(`  Warnings     ${warnings} annotation(s)`);
  }
  if (rows.length > 0) {
    const width = Math.max(5, ...rows.map(([, n]) => String(n).length));
    console.log('');
    console.log(`    ${'Count'.padStart(width)}  Type`);
    for (const [type, n] of rows) {
      console.log(`    ${String(n).padStart(width)}  ${type}`);
    }
  }
  console.log('');
  return total;
}

function main(argv: string[]): number {
  const outdir = argv[0];
  if (!outdir || argv.length !== 1) {
    console.error(USAGE);
    return 2;
  }

  // A fresh assembly: stale templates of renamed stacks would otherwise be linted too.
  fs.rmSync(outdir, { recursive: true, force: true });
  const assembly = buildExampleApp(outdir).synth();
  // stacksRecursively descends into nested assemblies (Stages); sort for a stable output.
  const stacks = [...assembly.stacksRecursively].sort((a, b) => a.hierarchicalId.localeCompare(b.hierarchicalId));
  if (stacks.length === 0) {
    throw new Error(`the example app synthesized no stacks into ${assembly.directory}`);
  }

  console.log(`Cloud assembly: ${path.relative(process.cwd(), assembly.directory) || '.'}\n`);
  const resources = stacks.reduce((sum, stack) => sum + printStack(stack), 0);
  console.log(`Total: ${stacks.length} stack(s), ${resources} resource(s)`);

  // What each stack costs a month (the same figures as `platform-cost cdk.out/example`).
  console.log('\nMonthly cost estimate (platform-cost)\n');
  const estimate = CostEstimator.fromCloudAssembly(assembly.directory);
  console.log(formatEstimate(estimate));
  // The reference deployment and the lean shape, against their targets (integ/apps/cost-cases.ts).
  const cases = costCases(estimate);
  console.log(`\nCost cases (fixed monthly, us-east-1 list prices, free tiers not subtracted)\n${formatCostCases(cases)}`);
  console.log('\nNext: the same figures as JSON with `npx ts-node --project tsconfig.dev.json src/cost/cli.ts cdk.out/example --json`'
    + ' (in a service repository: `npx platform-cost cdk.out --json`); deploying needs AWS credentials and Docker'
    + ' (README, "Deploying the integration tests").');
  const missed = cases.filter(c => c.targetUsd !== undefined && c.monthlyUsd > c.targetUsd);
  if (missed.length > 0) {
    console.error(`synth-summary: FAILED: ${missed.map(c => c.id).join(', ')} over target`);
    return 1;
  }

  // Like `cdk synth`, fail when a construct added an error annotation (e.g. Annotations.addError, cdk-nag).
  const errors = stacks.flatMap(stack => stack.messages.filter(m => m.level === 'error'));
  for (const e of errors) {
    console.error(`[error] ${e.id}: ${String(e.entry.data)}`);
  }
  if (errors.length > 0) {
    console.error(`synth-summary: FAILED: ${errors.length} error annotation(s) in the example app`);
    return 1;
  }
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  // Full stack trace first for debugging, then one clear line saying what failed.
  console.error(err);
  console.error(`synth-summary: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
