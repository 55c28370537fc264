import * as fs from 'fs';
import * as path from 'path';
import { CloudAssemblyCostEstimate, CostEstimateOptions, ServiceCost, StackCostEstimate } from './cost-estimate';
import { CostEstimateError } from './private/errors';
import { alarmFreeTier, dashboardFreeTier } from './private/free-tier';
import { HOURS_PER_MONTH } from './private/hours';
import { PRICE_LIST, RegionPriceList } from './private/price-list';
import { TemplatePricer } from './private/template-pricer';

/** The Region whose prices are used when nothing else is known. */
const DEFAULT_REGION = 'us-east-1';

/**
 * Estimates what a synthesized app costs a month before it is deployed: it reads the templates
 * of a cloud assembly (`cdk.out`) and prices each resource with the list prices in the package
 * (us-east-1, eu-central-1, us-west-2, eu-west-1 and ap-southeast-1; each figure with its source
 * and date). Each
 * stack is priced with the prices of its own Region, so the stacks of a platform with several
 * Regions are each priced where they run; a stack in a Region without a price list is priced with
 * the `defaultRegion`'s prices, and its estimate says so (`priceRegion` and a note).
 *
 * The figures are the fixed monthly charges, item by item: Fargate tasks by size, architecture,
 * Spot and their scheduled minimum count, NAT gateways and instances, public IPv4 addresses,
 * load balancers, interface endpoints per AZ, WAF web ACLs and rules, KMS keys, secrets, hosted
 * zones, Cloud Map, dashboards and alarms. Per-use prices (requests, GB) are listed, not
 * added; account free tiers are shown, not subtracted. Resources it cannot price are listed.
 *
 * @example
 * const estimate = CostEstimator.fromCloudAssembly('cdk.out');
 * console.log(estimate.totalMonthlyUsd);
 */
export class CostEstimator {
  /**
   * Estimates every stack of a synthesized cloud assembly (nested assemblies of Stages
   * included).
   *
   * @param directory the cloud assembly folder (`cdk.out`)
   * @param options Region fallback
   * @throws an Error with a one-line message when the folder is missing, is not a cloud
   *   assembly, or holds a template that does not parse
   */
  public static fromCloudAssembly(directory: string, options: CostEstimateOptions = {}): CloudAssemblyCostEstimate {
    const stacks = readAssembly(directory);
    // What one stack publishes in SSM (a platform's attributes), another may read (a service).
    const published: Record<string, string> = {};
    for (const stack of stacks) {
      for (const resource of Object.values<any>(stack.template?.Resources ?? {})) {
        const { Name: name, Value: value } = resource?.Properties ?? {};
        if (resource?.Type === 'AWS::SSM::Parameter' && typeof name === 'string' && typeof value === 'string') published[name] = value;
      }
    }
    const withValues = { ...options, ssmParameterValues: { ...published, ...options.ssmParameterValues } };
    return CostEstimator.combine(stacks.map(stack => CostEstimator.fromTemplate(stack.template, stack.stackName, stack.region, withValues)));
  }

  /**
   * Estimates one CloudFormation template.
   *
   * @param template the template, parsed (an object with `Resources`)
   * @param stackName the stack's name, for the report
   * @param region the stack's Region
   * @param options Region fallback
   */
  public static fromTemplate(template: any, stackName: string, region?: string, options: CostEstimateOptions = {}): StackCostEstimate {
    const fallback = options.defaultRegion ?? DEFAULT_REGION;
    if (!PRICE_LIST.regions[fallback]) {
      throw new CostEstimateError(`invalid defaultRegion ${fallback}: prices exist for ${Object.keys(PRICE_LIST.regions).join(', ')}`);
    }
    const notes: string[] = [];
    let priceRegion = region && PRICE_LIST.regions[region] ? region : fallback;
    if (!region) {
      notes.push(`environment-agnostic stack: priced with ${priceRegion} prices`);
    } else if (region !== priceRegion) {
      notes.push(`no price list for ${region}: priced with ${priceRegion} prices`);
    }
    const prices: RegionPriceList = PRICE_LIST.regions[priceRegion];
    const unverified = Object.values(prices).filter(figure => isFigure(figure) && figure.verified === false).length;
    if (unverified > 0) {
      notes.push(`${unverified} of the ${priceRegion} prices could not be re-read from AWS's pricing pages (see the price list)`);
    }
    try {
      return new TemplatePricer(template, prices, notes, options.ssmParameterValues).estimate(stackName, region, priceRegion);
    } catch (e) {
      throw new CostEstimateError(`cannot price the template of ${stackName}: ${(e as Error).message}`);
    }
  }

  /** Adds the stacks' estimates up; the free tiers count once over all stacks (per account). */
  public static combine(stacks: StackCostEstimate[]): CloudAssemblyCostEstimate {
    const round = (n: number) => Math.round(n * 1e6) / 1e6;
    const services = new Map<string, number>();
    let dashboards = 0;
    let alarmMetrics = 0;
    for (const stack of stacks) {
      for (const s of stack.services) services.set(s.service, (services.get(s.service) ?? 0) + s.monthlyUsd);
      for (const item of stack.items) {
        if (item.resourceType === 'AWS::CloudWatch::Dashboard') dashboards += item.quantity;
        if (['AWS::CloudWatch::Alarm', 'AWS::ApplicationAutoScaling::ScalingPolicy'].includes(item.resourceType)) alarmMetrics += item.quantity;
      }
    }
    const prices = PRICE_LIST.regions[DEFAULT_REGION];
    return {
      stacks,
      totalMonthlyUsd: round(stacks.reduce((sum, s) => sum + s.monthlyUsd, 0)),
      services: [...services.entries()].sort(([a], [b]) => a.localeCompare(b))
        .map(([service, usd]): ServiceCost => ({ service, monthlyUsd: round(usd) })),
      freeTier: [
        ...(dashboards > 0 ? [dashboardFreeTier(dashboards, prices)] : []),
        ...(alarmMetrics > 0 ? [alarmFreeTier(alarmMetrics, prices)] : []),
      ],
      hoursPerMonth: HOURS_PER_MONTH,
      pricesAsOf: PRICE_LIST.asOf,
    };
  }

  private constructor() {}
}

function isFigure(value: unknown): value is { verified?: boolean } {
  return typeof value === 'object' && value !== null && 'usd' in value;
}

interface AssemblyStack {
  readonly stackName: string;
  readonly region?: string;
  readonly template: any;
}

/** The stacks of a cloud assembly and of its nested assemblies, in manifest order. */
function readAssembly(directory: string): AssemblyStack[] {
  if (!fs.existsSync(directory)) {
    throw new CostEstimateError(`no such folder: ${directory}`);
  }
  if (!fs.statSync(directory).isDirectory()) {
    throw new CostEstimateError(`not a folder: ${directory} (give the cloud assembly folder, e.g. cdk.out)`);
  }
  const manifestPath = path.join(directory, 'manifest.json');
  if (!fs.existsSync(manifestPath)) {
    throw new CostEstimateError(`not a cloud assembly: ${directory} has no manifest.json (run cdk synth first)`);
  }
  const manifest = parseJson(manifestPath);
  const artifacts = manifest?.artifacts;
  if (!artifacts || typeof artifacts !== 'object') {
    throw new CostEstimateError(`not a cloud assembly: ${manifestPath} has no artifacts`);
  }
  const stacks: AssemblyStack[] = [];
  for (const [id, artifact] of Object.entries<any>(artifacts)) {
    if (artifact?.type === 'aws:cloudformation:stack') {
      const templateFile = artifact.properties?.templateFile;
      if (typeof templateFile !== 'string') {
        throw new CostEstimateError(`not a cloud assembly: stack ${id} in ${manifestPath} names no template file`);
      }
      const templatePath = path.join(directory, templateFile);
      if (!fs.existsSync(templatePath)) {
        throw new CostEstimateError(`stack ${id}: template ${templatePath} does not exist`);
      }
      const region = /^aws:\/\/[^/]*\/(.+)$/.exec(String(artifact.environment ?? ''))?.[1];
      stacks.push({
        stackName: artifact.properties?.stackName ?? id,
        region: region && region !== 'unknown-region' ? region : undefined,
        template: parseJson(templatePath),
      });
    } else if (artifact?.type === 'cdk:cloud-assembly' && typeof artifact.properties?.directoryName === 'string') {
      stacks.push(...readAssembly(path.join(directory, artifact.properties.directoryName)));
    }
  }
  return stacks;
}

function parseJson(file: string): any {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CostEstimateError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new CostEstimateError(`cannot parse ${file}: ${(e as Error).message}`);
  }
}
