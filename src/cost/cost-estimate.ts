/**
 * One fixed monthly charge of a resource: what it is, how much of it a month, and at what price.
 */
export interface CostLineItem {
  /** The resource's logical ID in its template. */
  readonly logicalId: string;
  /** The CloudFormation resource type (`AWS::EC2::NatGateway`). */
  readonly resourceType: string;
  /** What is charged, in words (`NAT gateway`, `Fargate 0.25 vCPU / 0.5 GB ARM64 Spot`). */
  readonly description: string;
  /** How many units a month (hours, keys, alarm metrics, ...). */
  readonly quantity: number;
  /** The unit of `quantity` and `unitPriceUsd` (`hour`, `key-month`, ...). */
  readonly unit: string;
  /** The price of one unit in USD. */
  readonly unitPriceUsd: number;
  /** `quantity` x `unitPriceUsd`. */
  readonly monthlyUsd: number;
  /**
   * The service the resource belongs to (its `service` tag, or the tag of the construct it sits
   * in when the resource type takes no tags).
   *
   * @default - a platform-level resource (no service)
   */
  readonly service?: string;
  /**
   * Whether the charge accrues per running task-hour (Fargate, a task's public IPv4, its Cloud
   * Map registration): it follows the schedule and the task count.
   *
   * @default false
   */
  readonly perRunningTask?: boolean;

  /**
   * How the figure was derived, when it is not obvious (the schedule, an assumption).
   *
   * @default - none
   */
  readonly note?: string;
}

/** A price that applies per use (per request, per GB) and is not part of the fixed monthly figure. */
export interface UsagePrice {
  /** What is charged (`HTTP API requests`). */
  readonly description: string;
  /** The price in USD per `unit`. */
  readonly priceUsd: number;
  /** The unit (`million requests`, `GB processed`). */
  readonly unit: string;
  /** The logical IDs of the resources it applies to. */
  readonly logicalIds: string[];
}

/** A resource the estimator has no price for. */
export interface UnpricedResource {
  /** The resource's logical ID. */
  readonly logicalId: string;
  /** Its CloudFormation type. */
  readonly resourceType: string;
  /** Why it is not priced. */
  readonly reason: string;
}

/**
 * An account-level free tier that the figures do NOT subtract: what it would save if nothing
 * else in the account used it.
 */
export interface FreeTierCredit {
  /** The free tier (`CloudWatch dashboards: 3 per account`). */
  readonly description: string;
  /** The largest monthly saving in USD it gives these resources. */
  readonly upToMonthlyUsd: number;
}

/** The fixed monthly cost of one service, summed over its items. */
export interface ServiceCost {
  /** The service's name (its `service` tag). */
  readonly service: string;
  /** The sum of its items' `monthlyUsd`. */
  readonly monthlyUsd: number;
}

/** The estimate of one stack. */
export interface StackCostEstimate {
  /** The stack's name. */
  readonly stackName: string;
  /**
   * The stack's Region.
   *
   * @default - environment-agnostic: priced with `priceRegion`
   */
  readonly region?: string;
  /** The Region whose prices were used (differs from `region` when it has no price list). */
  readonly priceRegion: string;
  /** Fixed monthly charges, item by item. */
  readonly items: CostLineItem[];
  /** The sum of `items`, in USD a month. */
  readonly monthlyUsd: number;
  /** Per service, the sum of its items; platform-level items are in no service. */
  readonly services: ServiceCost[];
  /** Prices that apply per use. */
  readonly usagePrices: UsagePrice[];
  /** Resources the estimator cannot price. */
  readonly unpriced: UnpricedResource[];
  /** Free tiers not subtracted from `monthlyUsd`. */
  readonly freeTier: FreeTierCredit[];
  /** Notes about the estimate (which Region's prices, assumptions). */
  readonly notes: string[];
}

/** The estimate of a whole cloud assembly. */
export interface CloudAssemblyCostEstimate {
  /** Each stack's estimate, in the assembly's order (nested assemblies included). */
  readonly stacks: StackCostEstimate[];
  /** The sum of the stacks' `monthlyUsd`. */
  readonly totalMonthlyUsd: number;
  /** Per service, summed over all stacks. */
  readonly services: ServiceCost[];
  /** Account-level free tiers over the whole assembly, not subtracted. */
  readonly freeTier: FreeTierCredit[];
  /** Hours in the month the figures assume (730, as AWS's pricing pages do). */
  readonly hoursPerMonth: number;
  /** The date of the newest price the figures use. */
  readonly pricesAsOf: string;
}

/** Options of the estimator. */
export interface CostEstimateOptions {
  /**
   * The Region to price environment-agnostic stacks with, and stacks in a Region without a
   * price list.
   *
   * @default 'us-east-1'
   */
  readonly defaultRegion?: string;

  /**
   * Values of SSM parameters that the templates read at deploy time (name -> value), such as
   * a platform's published attributes in a service's template.
   *
   * @default - `fromCloudAssembly` takes them from the `AWS::SSM::Parameter` resources of the
   *   assembly itself; otherwise none
   */
  readonly ssmParameterValues?: Record<string, string>;
}
