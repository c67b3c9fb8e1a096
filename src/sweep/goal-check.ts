import { betterWhen } from '../core/goal.ts';
import type { Objective } from '../core/trial.ts';
import { METRICS } from '../metrics/catalog.ts';

/**
 * A warning when the objective's goal contradicts a metric the library knows (say,
 * minimizing accuracy): a likely slip that would make the sweep chase the worst trials.
 * Unknown metric names (the trial's own) get no warning.
 *
 * @example
 * goalWarning({ goal: 'minimize', primaryMetric: 'accuracy' });
 * // "objective.goal is minimize, but accuracy is better when larger (maximize)"
 */
export function goalWarning(objective: Objective): string | undefined {
  const info = METRICS.find((m) => m.name === objective.primaryMetric);
  if (!info || info.goal === objective.goal) return undefined;
  return `objective.goal is ${objective.goal}, but ${info.name} is better when ${betterWhen(info.goal)} (${info.goal})`;
}
