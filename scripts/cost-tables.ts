/**
 * Writes (--write) or checks (default) the cost tables in README.md: the example app is
 * synthesized, the estimator prices it, and the block between the cost-tables markers must equal
 * the tables of integ/apps/cost-cases.ts.
 *
 * Usage: ts-node --project tsconfig.dev.json scripts/cost-tables.ts [--write]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COST_TABLES_END, COST_TABLES_START, costCases, costTablesMarkdown, perServiceRunningTaskUsd } from '../integ/apps/cost-cases';
import { buildExampleApp } from '../integ/apps/example-app';
import { CostEstimator } from '../src';

const README = path.join(__dirname, '..', 'README.md');

/** The README's text with the generated block replaced by `tables`. @internal */
export function withCostTables(readme: string, tables: string): string {
  const start = readme.indexOf(COST_TABLES_START);
  const end = readme.indexOf(COST_TABLES_END);
  if (start < 0 || end < start) throw new Error(`README.md has no ${COST_TABLES_START} ... ${COST_TABLES_END} block`);
  return `${readme.slice(0, start + COST_TABLES_START.length)}\n${tables}\n${readme.slice(end)}`;
}

/** The tables for the example app, freshly synthesized and priced. */
export function currentCostTables(): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'cost-tables-'));
  try {
    const assembly = buildExampleApp(outdir).synth();
    const estimate = CostEstimator.fromCloudAssembly(assembly.directory);
    return costTablesMarkdown(costCases(estimate), perServiceRunningTaskUsd(estimate));
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const write = process.argv.includes('--write');
  const readme = fs.readFileSync(README, 'utf8');
  const updated = withCostTables(readme, currentCostTables());
  if (write) {
    fs.writeFileSync(README, updated);
    console.log('cost-tables: README.md updated');
  } else if (updated !== readme) {
    console.error('cost-tables: README.md is out of date; run ts-node --project tsconfig.dev.json scripts/cost-tables.ts --write');
    process.exitCode = 1;
  } else {
    console.log('cost-tables: README.md is up to date');
  }
}
