/**
 * When the platform's monthly budget notifies the alarm topic.
 */
export class BudgetThreshold {
  /**
   * Notify when actual spend this month exceeds `percent` of the budget.
   * @param percent percentage of the monthly budget, greater than 0
   */
  public static actual(percent: number): BudgetThreshold {
    return new BudgetThreshold('ACTUAL', percent);
  }

  /**
   * Notify when AWS forecasts that spend this month will exceed `percent` of the budget.
   * @param percent percentage of the monthly budget, greater than 0
   */
  public static forecasted(percent: number): BudgetThreshold {
    return new BudgetThreshold('FORECASTED', percent);
  }

  private constructor(
    /** `ACTUAL` or `FORECASTED`, as AWS Budgets names the notification type. */
    public readonly notificationType: string,
    /** Percentage of the monthly budget. */
    public readonly percent: number,
  ) {}
}
