#!/usr/bin/env node
/**
 * `platform-cost <cloud assembly folder> [--json] [--max USD] [--region REGION]`: the fixed
 * monthly cost of a synthesized CDK app, per stack and per service, before it is deployed.
 *
 * Exit codes: 0 the estimate printed (and within --max); 1 the total is over --max; 2 bad
 * arguments or an unreadable assembly (one line on stderr).
 */
import { CloudAssemblyCostEstimate, StackCostEstimate } from './cost-estimate';
import { CostEstimator } from './cost-estimator';
import { CostEstimateError } from './private/errors';
import { PRICE_LIST } from './private/price-list';

const USAGE = 'usage: platform-cost <cloud assembly folder> [--json] [--max USD] [--region REGION]';

/** Parsed command line. @internal */
export interface CliArguments {
  readonly directory: string;
  readonly json: boolean;
  readonly maxUsd?: number;
  readonly defaultRegion?: string;
}

/** Thrown for a bad command line; its message is the one line to print. @internal */
export class UsageError extends Error {}

/** Thrown for --help: the usage goes to stdout and the exit code is 0. @internal */
export class HelpRequested extends Error {}

/** @internal */
export function parseArguments(argv: string[]): CliArguments {
  let directory: string | undefined;
  let json = false;
  let maxUsd: number | undefined;
  let defaultRegion: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const next = argv[++i];
      if (next === undefined || next.startsWith('--')) throw new UsageError(`${arg} needs a value (${USAGE})`);
      return next;
    };
    if (arg === '--json') {
      json = true;
    } else if (arg === '--max') {
      const text = value();
      const n = Number(text);
      if (text.trim() === '' || !Number.isFinite(n) || n < 0) {
        throw new UsageError(`invalid --max ${text}: a number of US dollars, 0 or more (e.g. --max 25)`);
      }
      maxUsd = n;
    } else if (arg === '--region') {
      defaultRegion = value();
      if (!PRICE_LIST.regions[defaultRegion]) {
        throw new UsageError(`invalid --region ${defaultRegion}: prices exist for ${Object.keys(PRICE_LIST.regions).join(', ')}`);
      }
    } else if (arg === '--help' || arg === '-h') {
      throw new HelpRequested(USAGE);
    } else if (arg.startsWith('-')) {
      throw new UsageError(`unknown option ${arg} (${USAGE})`);
    } else if (directory === undefined) {
      directory = arg;
    } else {
      throw new UsageError(`one cloud assembly folder only, got ${directory} and ${arg} (${USAGE})`);
    }
  }
  if (directory === undefined) throw new UsageError(`no cloud assembly folder given (${USAGE})`);
  return { directory, json, maxUsd, defaultRegion };
}

const usd = (n: number) => `$${n.toFixed(2)}`;

/**
 * The estimate as text: per stack its items, per-use prices, what is not priced, then the totals
 * with one line per stack naming the Region whose prices priced it. @internal
 */
export function formatEstimate(estimate: CloudAssemblyCostEstimate): string {
  const lines: string[] = [];
  for (const stack of estimate.stacks) lines.push(...formatStack(stack), '');
  lines.push(`Total: ${usd(estimate.totalMonthlyUsd)} a month fixed, ${estimate.stacks.length} stack(s)`
    + ` (${estimate.hoursPerMonth} hours a month, list prices as of ${estimate.pricesAsOf}; per-use charges not included)`);
  // Which Region's price list priced each stack (a platform with several Regions has a stack in each).
  for (const stack of estimate.stacks) {
    const region = stack.region ?? 'environment-agnostic';
    const missing = stack.region !== stack.priceRegion ? `: no price list for ${region}` : '';
    lines.push(`  stack ${stack.stackName} (${region}): ${usd(stack.monthlyUsd)}, priced with ${stack.priceRegion} prices${missing}`);
  }
  for (const s of estimate.services) lines.push(`  service ${s.service}: ${usd(s.monthlyUsd)}`);
  for (const f of estimate.freeTier) lines.push(`  free tier, not subtracted: ${f.description}: up to ${usd(f.upToMonthlyUsd)}`);
  return lines.join('\n');
}

function formatStack(stack: StackCostEstimate): string[] {
  const region = stack.region ?? 'environment-agnostic';
  const lines = [`Stack ${stack.stackName} (${region}, ${stack.priceRegion} prices): ${usd(stack.monthlyUsd)} a month fixed`];
  const width = Math.max(0, ...stack.items.map(i => i.description.length));
  for (const item of stack.items) {
    const quantity = `${Math.round(item.quantity * 100) / 100} ${item.unit} x $${item.unitPriceUsd}`;
    const service = item.service ? ` [${item.service}]` : '';
    const note = item.note ? `  (${item.note})` : '';
    lines.push(`  ${usd(item.monthlyUsd).padStart(8)}  ${item.description.padEnd(width)}  ${quantity}${service}${note}`);
  }
  for (const s of stack.services) lines.push(`  service ${s.service}: ${usd(s.monthlyUsd)}`);
  if (stack.usagePrices.length > 0) {
    lines.push('  per use:');
    for (const u of stack.usagePrices) lines.push(`    $${u.priceUsd} per ${u.unit}: ${u.description} (${u.logicalIds.length} resource(s))`);
  }
  for (const u of stack.unpriced) lines.push(`  not priced: ${u.logicalId} (${u.resourceType}): ${u.reason}`);
  for (const note of stack.notes) lines.push(`  note: ${note}`);
  return lines;
}

/** Runs the command; returns the exit code. @internal */
export function main(argv: string[], out: (text: string) => void, err: (text: string) => void): number {
  let args: CliArguments;
  try {
    args = parseArguments(argv);
  } catch (e) {
    if (e instanceof HelpRequested) {
      out(USAGE);
      return 0;
    }
    if (e instanceof UsageError) {
      err(`platform-cost: ${e.message}`);
      return 2;
    }
    throw e;
  }
  let estimate: CloudAssemblyCostEstimate;
  try {
    estimate = CostEstimator.fromCloudAssembly(args.directory, { defaultRegion: args.defaultRegion });
  } catch (e) {
    if (e instanceof CostEstimateError) {
      err(`platform-cost: ${e.message}`);
      return 2;
    }
    throw e;
  }
  out(args.json ? JSON.stringify(estimate, undefined, 2) : formatEstimate(estimate));
  const unpriced = estimate.stacks.reduce((n, s) => n + s.unpriced.length, 0);
  if (args.maxUsd !== undefined && unpriced > 0) {
    err(`platform-cost: ${unpriced} resource(s) not priced (listed above): the total and --max leave them out`);
  }
  if (args.maxUsd !== undefined && estimate.totalMonthlyUsd > args.maxUsd) {
    err(`platform-cost: the total ${usd(estimate.totalMonthlyUsd)} a month is over --max ${usd(args.maxUsd)}`);
    return 1;
  }
  return 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), text => console.log(text), text => console.error(text));
}
