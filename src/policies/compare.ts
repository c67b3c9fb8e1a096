import { ValidationError } from '../core/errors.ts';
import { checkInteger } from '../core/limits.ts';
import type { EvaluationSchedule, PolicyInput, ReportedHistory } from './types.ts';

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
  checkInteger(schedule.evaluationInterval ?? 1, `${path}.evaluation_interval`, 0);
  checkInteger(schedule.delayEvaluation ?? 0, `${path}.delay_evaluation`, 0);
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
