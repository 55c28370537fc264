import { Match, Template } from 'aws-cdk-lib/assertions';
import { BudgetThreshold, CostBudget, GlobalPlatformProps } from '../../../src';
import { synthPlatform } from '../../helpers/fixtures';

const synth = (props: Partial<GlobalPlatformProps> = {}): Template => synthPlatform(props).template;

function budget(template: Template): Record<string, any> {
  const found = Object.values(template.findResources('AWS::Budgets::Budget'));
  expect(found).toHaveLength(1);
  return found[0].Properties;
}

function topicId(template: Template): string {
  const found = Object.keys(template.findResources('AWS::SNS::Topic'));
  expect(found).toHaveLength(1);
  return found[0];
}

describe('budget (defaults)', () => {
  let template: Template;
  beforeAll(() => {
    template = synth();
  });

  test('a monthly cost budget of 100 USD over the whole account', () => {
    expect(budget(template).Budget).toEqual({
      BudgetName: 'georgi-us-east-1-monthly',
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 100, Unit: 'USD' },
    });
  });

  test('notifies at actual 80 %, actual 100 % and forecasted 100 %', () => {
    const notifications = (budget(template).NotificationsWithSubscribers as Array<Record<string, any>>).map(n => n.Notification);
    expect(notifications).toEqual([
      { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 80, ThresholdType: 'PERCENTAGE' },
      { NotificationType: 'ACTUAL', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
      { NotificationType: 'FORECASTED', ComparisonOperator: 'GREATER_THAN', Threshold: 100, ThresholdType: 'PERCENTAGE' },
    ]);
  });

  test('every notification goes to the alarm topic', () => {
    const topic = topicId(template);
    for (const n of budget(template).NotificationsWithSubscribers) {
      expect(n.Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: { Ref: topic } }]);
    }
  });
});

test('CostBudget.NONE creates no budget', () => {
  const template = synth({ budget: CostBudget.NONE });
  template.resourceCountIs('AWS::Budgets::Budget', 0);
  template.resourceCountIs('AWS::SNS::Topic', 1);
});

test('custom amount and thresholds', () => {
  const template = synth({ budget: CostBudget.monthly(250, { thresholds: [BudgetThreshold.actual(50), BudgetThreshold.forecasted(120)] }) });
  const b = budget(template);
  expect(b.Budget.BudgetLimit).toEqual({ Amount: 250, Unit: 'USD' });
  expect(b.NotificationsWithSubscribers).toHaveLength(2);
  expect(b.NotificationsWithSubscribers.map((n: any) => [n.Notification.NotificationType, n.Notification.Threshold]))
    .toEqual([['ACTUAL', 50], ['FORECASTED', 120]]);
});

test('filterByPlatformTag counts only costs tagged platform=georgi', () => {
  const template = synth({ budget: CostBudget.monthly(100, { filterByPlatformTag: true }) });
  template.hasResourceProperties('AWS::Budgets::Budget', {
    Budget: Match.objectLike({ CostFilters: { TagKeyValue: ['user:platform$georgi'] } }),
  });
});

test('BudgetThreshold factories', () => {
  expect(BudgetThreshold.actual(80)).toEqual(expect.objectContaining({ notificationType: 'ACTUAL', percent: 80 }));
  expect(BudgetThreshold.forecasted(110)).toEqual(expect.objectContaining({ notificationType: 'FORECASTED', percent: 110 }));
});
