import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/**
 * The share (%) of requests that failed; 0 when there were none, or fewer than
 * `minimumRequests` in the period (a few failed requests of a quiet period are no rate).
 * @internal
 */
export function errorRate(requests: cloudwatch.IMetric, errors: cloudwatch.IMetric, label: string,
  minimumRequests?: number): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: minimumRequests === undefined ? 'IF(requests > 0, 100 * errors / requests, 0)' : `IF(requests >= ${minimumRequests}, 100 * errors / requests, 0)`,
    usingMetrics: { requests, errors },
    label,
  });
}

/** @internal */
export interface SustainedAlarmOptions {
  readonly alarmName: string;
  /** What breaching means, e.g. "more than 5% of central API requests answered 5xx". */
  readonly what: string;
  readonly threshold: number;
  readonly comparisonOperator: cloudwatch.ComparisonOperator;
}

/**
 * An alarm on a condition that holds in 3 of 5 periods (no alarm on a single spike); missing
 * data (no traffic, no task) is not breaching. @internal
 */
export function sustainedAlarm(scope: Construct, id: string, metric: cloudwatch.IMetric, options: SustainedAlarmOptions): cloudwatch.Alarm {
  return new cloudwatch.Alarm(scope, id, {
    metric,
    alarmName: options.alarmName,
    alarmDescription: `${options.what} in 3 of 5 periods of 5 minutes`,
    threshold: options.threshold,
    comparisonOperator: options.comparisonOperator,
    evaluationPeriods: 5,
    datapointsToAlarm: 3,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  });
}

/** Sends the alarms' ALARM and OK transitions to the topic. @internal */
export function notify(alarms: cloudwatch.Alarm[], topic: sns.ITopic): void {
  const action = new actions.SnsAction(topic);
  for (const alarm of alarms) {
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}
