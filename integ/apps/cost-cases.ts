/**
 * The cost cases of the example app (issue "Cost: the platform's bill known at synth"): the
 * seed-shaped reference deployment and the three lean cases, each the sum of estimator items
 * (us-east-1 list prices, 730 hours a month, free tiers not subtracted), and what a second
 * Region adds (issue 24: its stack at SECOND_REGION's list prices). The main job prints
 * them, the README's cost table is written from them, and tests hold them to their targets.
 */
import { LEAN_SERVICE_NAMES, SECOND_REGION } from './example-app';
import { CloudAssemblyCostEstimate, CostLineItem } from '../../src';

/** One case: which items it sums, and its target. */
export interface CostCase {
  readonly id: string;
  readonly title: string;
  /** The monthly figure it must not exceed (undefined: reported only). */
  readonly targetUsd?: number;
  readonly items: CostLineItem[];
  readonly monthlyUsd: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

function stackItems(estimate: CloudAssemblyCostEstimate, stackName: string): CostLineItem[] {
  const stack = estimate.stacks.find(s => s.stackName === stackName);
  if (!stack) throw new Error(`cost cases: no stack ${stackName} in the assembly`);
  return stack.items;
}

/**
 * What one additional Region adds to a platform: the items of its stack `<stack>-<region>` and
 * the items of the platform's stack `twoRegionStack` that the one-Region platform of the same
 * shape (`oneRegionStack`) does not have (the origin secret's replica; the router's store, the
 * parameter copies and the API's custom domain have no fixed charge). Throws when an item of the
 * one-Region platform is missing or priced otherwise: the two are then not the same shape.
 */
export function secondRegionItems(estimate: CloudAssemblyCostEstimate, twoRegionStack: string, oneRegionStack: string,
  region: string = SECOND_REGION): CostLineItem[] {
  const key = (i: CostLineItem) => `${i.logicalId} ${i.description} ${i.monthlyUsd}`;
  const unmatched = new Map<string, number>();
  for (const item of stackItems(estimate, oneRegionStack)) unmatched.set(key(item), (unmatched.get(key(item)) ?? 0) + 1);
  const added: CostLineItem[] = [];
  for (const item of stackItems(estimate, twoRegionStack)) {
    const left = unmatched.get(key(item)) ?? 0;
    if (left > 0) unmatched.set(key(item), left - 1);
    else added.push(item);
  }
  const missing = [...unmatched.entries()].filter(([, n]) => n > 0).map(([k]) => k);
  if (missing.length > 0) {
    throw new Error(`cost cases: ${twoRegionStack} is not ${oneRegionStack} with one more Region: it lacks ${missing.join('; ')}`);
  }
  return [...stackItems(estimate, `${twoRegionStack}-${region}`), ...added];
}

function costCase(id: string, title: string, items: CostLineItem[], targetUsd?: number): CostCase {
  return { id, title, targetUsd, items, monthlyUsd: round(items.reduce((sum, i) => sum + i.monthlyUsd, 0)) };
}

/** The seven cases, from an estimate of the example app's assembly. */
export function costCases(estimate: CloudAssemblyCostEstimate): CostCase[] {
  const [first, second] = LEAN_SERVICE_NAMES;
  const leanServices = stackItems(estimate, 'LeanServices');
  return [
    costCase('reference', 'Reference deployment, default shape (one NAT gateway; Jessica 0.5 vCPU / 1 GB x86 always on)',
      [...stackItems(estimate, 'JessicaPlatform'), ...stackItems(estimate, 'JessicaService')]),
    costCase('lean-jessica', 'Lean: platform + Jessica with its WebSocket, MCP endpoint and web page (long-lived paths on the proxy instance)',
      [...stackItems(estimate, 'JessicaLeanPlatform'), ...stackItems(estimate, 'JessicaLeanService')], 10),
    costCase('lean-minimal', 'Lean: platform without long-lived connections + one small ContainerService',
      [...stackItems(estimate, 'LeanPlatform'), ...leanServices.filter(i => i.service === first)], 5),
    costCase('lean-per-service', 'Lean: each further ContainerService, beyond its running-task charges',
      leanServices.filter(i => i.service === second && !i.perRunningTask), 0.5),
    costCase('lean-mesh', 'Lean: two services in the service mesh (a caller with routes, an internal callee), beyond their running-task charges',
      stackItems(estimate, 'LeanMesh').filter(i => !i.perRunningTask)),
    costCase('second-region-lean', `A second Region (${SECOND_REGION}), lean shape: its stack (no NAT, no dashboard) and what the primary's stack adds for it`,
      secondRegionItems(estimate, 'LeanTwoRegionPlatform', 'LeanPlatform')),
    costCase('second-region-default', `A second Region (${SECOND_REGION}), default shape with autoDrain: its stack (one NAT gateway, dashboard, drain alarm) and what the primary's stack adds for it`,
      secondRegionItems(estimate, 'TwoRegionPlatform', 'JessicaPlatform')),
  ];
}

/** The charges per running task of the second lean service (Fargate, public IPv4, Cloud Map). */
export function perServiceRunningTaskUsd(estimate: CloudAssemblyCostEstimate): number {
  return round(stackItems(estimate, 'LeanServices').filter(i => i.service === LEAN_SERVICE_NAMES[1] && i.perRunningTask)
    .reduce((sum, i) => sum + i.monthlyUsd, 0));
}

/** The cases as text, for the main job: each total, its target and whether it holds. */
export function formatCostCases(cases: CostCase[]): string {
  return cases.map(c => {
    const target = c.targetUsd === undefined ? '' : `  (target <= $${c.targetUsd.toFixed(2)}: ${c.monthlyUsd <= c.targetUsd ? 'holds' : 'MISSED'})`;
    return `  $${c.monthlyUsd.toFixed(2).padStart(6)}  ${c.title}${target}`;
  }).join('\n');
}

/** Items of a case grouped by what they are (alarms and tasks summed), largest first. */
function groupedItems(c: CostCase): Array<[string, number]> {
  const groups = new Map<string, number>();
  for (const item of c.items) {
    const key = /^CloudWatch alarm/.test(item.description) ? 'CloudWatch alarms (per metric)'
      : item.service ? `${item.description} (${item.service})` : item.description;
    groups.set(key, (groups.get(key) ?? 0) + item.monthlyUsd);
  }
  return [...groups.entries()].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

/** The README's cost tables: the cases, then each one item by item. Written by scripts/cost-tables.ts. */
export function costTablesMarkdown(cases: CostCase[], runningTaskUsd: number): string {
  const usd = (n: number) => `$${n.toFixed(2)}`;
  const lines = [
    '| case | fixed a month | target |',
    '| --- | --- | --- |',
    ...cases.map(c => `| ${c.title} | ${usd(c.monthlyUsd)} | ${c.targetUsd === undefined ? '-' : `<= ${usd(c.targetUsd)}`} |`),
    '',
    `The further service's running-task charges (Fargate Spot, its public IPv4, its Cloud Map registration) are ${usd(runningTaskUsd)}`
    + ' a month on the weekday schedule.',
    '',
    `A second Region's stack is priced with ${SECOND_REGION}'s list prices, the rest with us-east-1's; the services deployed`
    + ' to it add their own charges there.',
  ];
  for (const c of cases) {
    lines.push('', `<details><summary>${c.title}: ${usd(c.monthlyUsd)}</summary>`, '', '| item | a month |', '| --- | --- |');
    for (const [item, monthly] of groupedItems(c)) lines.push(`| ${item} | ${usd(monthly)} |`);
    lines.push('', '</details>');
  }
  return lines.join('\n');
}

/** Markers of the generated block in README.md. */
export const COST_TABLES_START = '<!-- cost-tables:start (written by scripts/cost-tables.ts from the estimator; do not edit) -->';
export const COST_TABLES_END = '<!-- cost-tables:end -->';
