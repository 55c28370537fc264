import { RegionPriceList } from './price-list';
import { round } from './template-values';
import { FreeTierCredit } from '../cost-estimate';

/** Free tiers per account that lower fixed charges (not subtracted, only shown). @internal */
export const FREE_DASHBOARDS = 3;
/** @internal */
export const FREE_ALARM_METRICS = 10;

/** The dashboards' free tier, for `dashboards` dashboards. @internal */
export function dashboardFreeTier(dashboards: number, prices: RegionPriceList): FreeTierCredit {
  return {
    description: `CloudWatch: ${FREE_DASHBOARDS} dashboards free per account (these resources have ${dashboards})`,
    upToMonthlyUsd: round(Math.min(dashboards, FREE_DASHBOARDS) * prices.dashboardMonth.usd),
  };
}

/** The alarms' free tier, for `metrics` alarm metrics. @internal */
export function alarmFreeTier(metrics: number, prices: RegionPriceList): FreeTierCredit {
  return {
    description: `CloudWatch: ${FREE_ALARM_METRICS} alarm metrics free per account (these resources have ${metrics})`,
    upToMonthlyUsd: round(Math.min(metrics, FREE_ALARM_METRICS) * prices.alarmMetricMonth.usd),
  };
}
