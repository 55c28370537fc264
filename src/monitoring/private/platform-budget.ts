import * as budgets from 'aws-cdk-lib/aws-budgets';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { PropError } from '../../core/errors';
import { validatePositive } from '../../core/validation';
import { BudgetThreshold } from '../budget-threshold';
import { CostBudget } from '../cost-budget';

/** @internal */
export interface PlatformBudgetProps {
  readonly platformName: string;
  /**
   * `<platformName>-<Region of the platform's stack>`: the prefix of names that must be unique in
   * the account, not only in its Region.
   */
  readonly accountWidePrefix: string;
  readonly amountUsd: number;
  /** @default actual 80 % and 100 %, forecasted 100 % */
  readonly thresholds?: BudgetThreshold[];
  readonly topic: sns.ITopic;
  /**
   * Only costs tagged `platform=<name>` (the tag must be activated as a cost allocation tag).
   * @default false
   */
  readonly filterByPlatformTag?: boolean;
}

/**
 * A monthly AWS Budgets cost budget whose thresholds notify the platform's alarm topic.
 * Cost: none (budgets without actions are free).
 *
 * @internal
 */
export class PlatformBudget extends Construct {
  public readonly budget: budgets.CfnBudget;

  constructor(scope: Construct, id: string, props: PlatformBudgetProps) {
    super(scope, id);
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: `${props.accountWidePrefix}-monthly`,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.amountUsd, unit: 'USD' },
        costFilters: props.filterByPlatformTag ? { TagKeyValue: [`user:platform$${props.platformName}`] } : undefined,
      },
      notificationsWithSubscribers: (props.thresholds ?? [
        BudgetThreshold.actual(80), BudgetThreshold.actual(100), BudgetThreshold.forecasted(100),
      ]).map(t => ({
        notification: {
          notificationType: t.notificationType,
          comparisonOperator: 'GREATER_THAN',
          threshold: t.percent,
          thresholdType: 'PERCENTAGE',
        },
        subscribers: [{ subscriptionType: 'SNS', address: props.topic.topicArn }],
      })),
      // Budgets take tags only through ResourceTags (Tags.of does not reach them).
      resourceTags: [{ key: 'platform', value: props.platformName }],
    });
  }
}

/** A budget's amount and thresholds (AWS Budgets allows 10 notifications). @internal */
export function validateCostBudget(scope: IConstruct, budget: CostBudget): void {
  validatePositive(scope, 'budget.amountUsd', budget.amountUsd);
  const thresholds = budget.options.thresholds;
  if (thresholds) {
    if (thresholds.length < 1 || thresholds.length > 10) {
      throw new PropError(scope, 'budget.thresholds', thresholds.length, 'expected 1 to 10 thresholds (AWS Budgets allows 10 notifications)');
    }
    for (const t of thresholds) validatePositive(scope, 'budget.thresholds', t.percent);
  }
}
