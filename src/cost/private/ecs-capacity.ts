import { CapacityChange, parseWeeklyCron, weeklyHoursAtCapacity } from './cron';
import { HOURS_PER_WEEK, hoursText } from './hours';
import { literal, mentions, referencedId } from './template-values';

/* How many Fargate tasks an ECS service runs over a week, and on which capacity provider. */

/** A template's Resources section. @internal */
export type Resources = Record<string, any>;

/** Hours per week at each task count, and how they were found. @internal */
export interface TaskCapacity {
  readonly hoursAtCapacity: Map<number, number>;
  readonly note: string;
}

/**
 * A service without a strategy or launch type runs on its cluster's default capacity provider
 * strategy: the one of this template's cluster, when it is here (else a note on `notes`).
 *
 * @internal
 */
export function withClusterDefaultStrategy(resources: Resources, props: any, notes: string[]): any {
  if (props.LaunchType !== undefined || (Array.isArray(props.CapacityProviderStrategy) && props.CapacityProviderStrategy.length > 0)) return props;
  const clusterId = referencedId(props.Cluster);
  const associations = Object.values<any>(resources).find(r => r?.Type === 'AWS::ECS::ClusterCapacityProviderAssociations'
    && clusterId !== undefined && referencedId(r.Properties?.Cluster) === clusterId);
  const strategy = associations?.Properties?.DefaultCapacityProviderStrategy;
  if (Array.isArray(strategy) && strategy.length > 0) {
    return { ...props, CapacityProviderStrategy: strategy.map((s: any) => ({ ...s, Weight: s.Weight ?? 0, Base: s.Base ?? 0 })) };
  }
  if (clusterId === undefined || !resources[clusterId]) {
    const note = 'a service without a capacity provider strategy on a cluster of another stack is priced as on-demand FARGATE'
      + ' (the cluster\'s default strategy is not in this template)';
    if (!notes.includes(note)) notes.push(note);
  }
  return props;
}

/**
 * Hours per week at each task count, from the service's auto scaling target and its schedule; a
 * string says why they cannot be known.
 *
 * @internal
 */
export function taskCapacity(resources: Resources, logicalId: string, props: any): TaskCapacity | string {
  const target = Object.values<any>(resources).find(r => r?.Type === 'AWS::ApplicationAutoScaling::ScalableTarget'
    && literal(r.Properties?.ScalableDimension) === 'ecs:service:DesiredCount' && mentions(r.Properties?.ResourceId, logicalId));
  if (!target) {
    const desired = literal(props.DesiredCount) ?? 1;
    if (typeof desired !== 'number') return 'its DesiredCount is only known at deploy time';
    return { hoursAtCapacity: new Map([[desired, HOURS_PER_WEEK]]), note: `${desired} task(s) all month` };
  }
  const t = target.Properties;
  let min = literal(t.MinCapacity);
  let max = literal(t.MaxCapacity);
  if (typeof min !== 'number' || typeof max !== 'number') return 'its scaling target\'s capacities are only known at deploy time';
  const actions = Array.isArray(t.ScheduledActions) ? t.ScheduledActions : [];
  const targetId = Object.entries<any>(resources).find(([, r]) => r === target)?.[0] ?? '';
  const tracked = Object.values<any>(resources).some(r => r?.Type === 'AWS::ApplicationAutoScaling::ScalingPolicy'
    && literal(r.Properties?.PolicyType) === 'TargetTrackingScaling' && mentions(r.Properties?.ScalingTargetId, targetId));
  const desired = literal(props.DesiredCount);
  if (actions.length === 0 && !tracked && typeof desired === 'number') {
    // Nothing moves the count: the DesiredCount, held within the target's capacities.
    const tasks = Math.min(Math.max(desired, min), max);
    return { hoursAtCapacity: new Map([[tasks, HOURS_PER_WEEK]]), note: `${tasks} task(s) all month (DesiredCount within the scaling target)` };
  }
  const changes: CapacityChange[] = [];
  const timed: Array<{ minute: number; min?: number; max?: number }> = [];
  for (const action of actions) {
    const cron = parseWeeklyCron(String(literal(action?.Schedule) ?? ''));
    if (!cron) {
      return `its scheduled action ${String(action?.ScheduledActionName)} (${String(action?.Schedule)}) does not repeat weekly`;
    }
    for (const minute of cron.minutesOfWeek) {
      timed.push({ minute, min: literal(action.ScalableTargetAction?.MinCapacity), max: literal(action.ScalableTargetAction?.MaxCapacity) });
    }
  }
  timed.sort((a, b) => a.minute - b.minute);
  // Replay the week twice so the state at Monday 00:00 is the one the previous week left.
  for (let pass = 0; pass < 2; pass++) {
    for (const action of timed) {
      if (typeof action.min === 'number') min = action.min;
      if (typeof action.max === 'number') max = action.max;
      if (pass === 1) changes.push({ minuteOfWeek: action.minute, minCapacity: Math.min(min as number, max as number) });
    }
  }
  const initial = Math.min(min as number, max as number);
  const hoursAtCapacity = weeklyHoursAtCapacity(changes, initial);
  const parts = [...hoursAtCapacity.entries()].sort(([a], [b]) => b - a)
    .map(([tasks, hours]) => `${tasks} task(s) ${hoursText(hours)} h a week`);
  return { hoursAtCapacity, note: `at its minimum task count: ${parts.join(', ')}` };
}

/**
 * The number of tasks on Fargate Spot for a task count, from the capacity provider strategy; a
 * string says why it cannot be priced.
 *
 * @internal
 */
export function capacityStrategy(props: any): ((tasks: number) => number) | string {
  const launchType = literal(props.LaunchType);
  const strategy = Array.isArray(props.CapacityProviderStrategy) ? props.CapacityProviderStrategy : [];
  if (strategy.length === 0) {
    if (launchType !== undefined && launchType !== 'FARGATE') return `launch type ${String(launchType)} has no price in the price list`;
    return () => 0;
  }
  const entries = strategy.map((s: any) => ({
    provider: String(literal(s?.CapacityProvider)),
    weight: Number(literal(s?.Weight) ?? 0),
    base: Number(literal(s?.Base) ?? 0),
  }));
  const unknown = entries.find((e: any) => e.provider !== 'FARGATE' && e.provider !== 'FARGATE_SPOT');
  if (unknown) return `capacity provider ${unknown.provider} has no price in the price list (Fargate and Fargate Spot only)`;
  const totalWeight = entries.reduce((sum: number, e: any) => sum + e.weight, 0);
  return (tasks: number) => {
    let spot = 0;
    let left = tasks;
    for (const e of entries) {
      const base = Math.min(e.base, left);
      if (e.provider === 'FARGATE_SPOT') spot += base;
      left -= base;
    }
    const spotWeight = entries.filter((e: any) => e.provider === 'FARGATE_SPOT').reduce((sum: number, e: any) => sum + e.weight, 0);
    return spot + (totalWeight > 0 ? left * spotWeight / totalWeight : 0);
  };
}
