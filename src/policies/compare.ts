import { ValidationError } from '../core/errors.ts';
import type { EvaluationSchedule, Goal, PolicyInput, ReportedHistory } from './types.ts';

/**
 * True when `a` is strictly better than `b` for the goal. NaN is worse than any number,
 * so a diverging trial never looks good.
 *
 * @example
 * isBetter('minimize', 0.1, 0.2); // true
 */
export function isBetter(goal: Goal, a: number, b: number): boolean {
  if (Number.isNaN(a)) return false;
  if (Number.isNaN(b)) return true;
  return goal === 'maximize' ? a > b : a < b;
}

/**
 * The best of some values for the goal (NaN when there are none or all are NaN).
 *
 * @example
 * bestValue('maximize', [0.2, 0.9, 0.5]); // 0.9
 */
export function bestValue(goal: Goal, values: readonly number[]): number {
  let best = Number.NaN;
  for (const v of values) if (isBetter(goal, v, best)) best = v;
  return best;
}

/**
 * The history of the trial being judged; a policy asked about an unknown trial is a bug
 * in the caller, so it throws.
 *
 * @example
 * const h = judgedTrial({ goal: 'maximize', trialId: 1, histories: [{ id: 1, values: [0.5], finished: false }] });
 */
export function judgedTrial(input: PolicyInput): ReportedHistory {
  const trial = input.histories.find((h) => h.id === input.trialId);
  if (!trial) throw new ValidationError(`no history for trial ${String(input.trialId)}`, { path: 'trialId' });
  return trial;
}

/**
 * Whether a policy is consulted at `interval` (1-based): at every multiple of
 * evaluationInterval, from delayEvaluation on, as Azure schedules it.
 *
 * @example
 * isScheduled({ evaluationInterval: 2, delayEvaluation: 5 }, 6); // true
 * isScheduled({ evaluationInterval: 2, delayEvaluation: 5 }, 4); // false
 */
export function isScheduled(schedule: EvaluationSchedule, interval: number): boolean {
  const every = schedule.evaluationInterval || 1;
  return interval >= 1 && interval >= (schedule.delayEvaluation ?? 0) && interval % every === 0;
}

/**
 * Checks the schedule's fields (non-negative integers), naming the bad one.
 *
 * @example
 * checkSchedule({ evaluationInterval: 1, delayEvaluation: 5 }, 'early_termination');
 */
export function checkSchedule(schedule: EvaluationSchedule, path: string): void {
  checkInteger(schedule.evaluationInterval ?? 1, 0, `${path}.evaluation_interval`);
  checkInteger(schedule.delayEvaluation ?? 0, 0, `${path}.delay_evaluation`);
}

/**
 * Throws a ValidationError unless `value` is an integer of at least `min`.
 *
 * @example
 * checkInteger(3, 1, 'early_termination.grace_period');
 */
export function checkInteger(value: number, min: number, path: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ValidationError(`${path} must be an integer >= ${min}, got ${String(value)}`, { path });
  }
}

/**
 * The value each trial reported at `interval` (1-based), for the trials that got there.
 *
 * @example
 * valuesAt([{ id: 1, values: [1, 2], finished: false }, { id: 2, values: [3], finished: false }], 2); // [[1, 2]]
 */
export function valuesAt(
  histories: readonly ReportedHistory[],
  interval: number,
): Array<[id: number | string, value: number]> {
  const out: Array<[number | string, number]> = [];
  for (const h of histories) if (h.values.length >= interval) out.push([h.id, h.values[interval - 1]!]);
  return out;
}

/** Formats a metric value for a reason string. */
export function fmt(value: number): string {
  return String(Number(value.toPrecision(4)));
}
