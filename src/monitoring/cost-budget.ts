import { BudgetThreshold } from './budget-threshold';

/** Options of `CostBudget.monthly`. */
export interface CostBudgetOptions {
  /**
   * When the budget notifies the alarm topic (1 to 10 thresholds).
   *
   * @default [BudgetThreshold.actual(80), BudgetThreshold.actual(100), BudgetThreshold.forecasted(100)]
   */
  readonly thresholds?: BudgetThreshold[];

  /**
   * Count only costs tagged `platform=<platformName>`. Activate `platform` as a cost
   * allocation tag in the Billing console first; until then the budget sees nothing.
   *
   * @default false (the whole account's costs)
   */
  readonly filterByPlatformTag?: boolean;
}

/**
 * The platform's monthly AWS Budgets cost budget, which notifies the alarm topic. On by default:
 * it costs nothing (budgets without actions are free) and it is the platform's guard against a
 * surprising bill, so switching it off takes `CostBudget.NONE`.
 */
export class CostBudget {
  /** No budget (for test platforms, or an account that has its own). */
  public static readonly NONE = new CostBudget(undefined, {});

  /**
   * A monthly cost budget of `amountUsd` US dollars.
   *
   * @param amountUsd the monthly budget in US dollars, greater than 0
   * @param options thresholds and the platform-tag filter
   */
  public static monthly(amountUsd: number, options: CostBudgetOptions = {}): CostBudget {
    return new CostBudget(amountUsd, options);
  }

  private constructor(
    /** The monthly amount in US dollars; undefined for `NONE`. */
    public readonly amountUsd: number | undefined,
    /** Thresholds and the platform-tag filter. */
    public readonly options: CostBudgetOptions,
  ) {}
}
