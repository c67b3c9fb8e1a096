import { bestValue, better } from '../core/goal.ts';
import { checkSchedule, fmt, isScheduled, judgedTrial } from './compare.ts';
import type { MedianStoppingSpec, PolicyDecision, PolicyInput } from './types.ts';

/**
 * Azure's median stopping policy. At a scheduled interval k, each other trial that reached
 * k contributes its running average (the mean of its first k values); the trial stops
 * when its best value so far is worse than the median of those averages. With no other
 * trial at k there is nothing to compare with, and the trial goes on.
 *
 * @example
 * const policy = medianStoppingPolicy({ type: 'median_stopping' });
 * policy({ goal: 'minimize', trialId: 3, histories: [
 *   { id: 1, values: [1, 1], finished: true }, { id: 2, values: [3, 1], finished: true },
 *   { id: 3, values: [4, 2.5], finished: false }] }); // averages 1 and 2, median 1.5: 2.5 stops
 */
export function medianStoppingPolicy(spec: MedianStoppingSpec): (input: PolicyInput) => PolicyDecision {
  checkSchedule(spec, 'early_termination');
  return (input) => {
    const trial = judgedTrial(input);
    const k = trial.values.length;
    if (!isScheduled(spec, k)) return { terminate: false };
    const averages: number[] = [];
    for (const h of input.histories) {
      if (h.id === trial.id || h.values.length < k) continue;
      let sum = 0;
      for (let i = 0; i < k; i++) sum += h.values[i]!;
      averages.push(sum / k);
    }
    if (averages.length === 0) return { terminate: false };
    const m = median(averages);
    const own = bestValue(input.goal, trial.values);
    if (!better(input.goal, m, own)) return { terminate: false };
    return {
      terminate: true,
      reason: `median stopping at interval ${k}: best so far ${fmt(own)} is worse than the median ${fmt(m)} of ${averages.length} running averages`,
    };
  };
}

/**
 * The median of a non-empty list (mean of the middle two for an even count); NaN sorts last.
 *
 * @example
 * median([3, 1, 2, 10]); // 2.5
 */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => (Number.isNaN(a) ? 1 : Number.isNaN(b) ? -1 : a - b));
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
