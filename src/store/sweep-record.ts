/**
 * How every store turns what it keeps about a sweep (its tags, its times) into a
 * `SweepRecord`, and how trials' objective and constraint values are kept as JSON: one
 * reading for the SQLite and PostgreSQL stores, so a sweep reads back alike from both.
 */
import { isGoal } from '../core/goal.ts';
import type { Objective, StopReason } from '../core/trial.ts';
import type { SweepRecord } from './records.ts';
import { GOAL_TAG, OBJECTIVES_TAG, PRIMARY_METRIC_TAG, STOP_MESSAGE_TAG, STOP_REASON_TAG } from './tags.ts';

/** What a store keeps about a sweep, in the form `sweepRecordOf` reads. */
export interface SweepFields {
  readonly id: string;
  readonly name?: string | undefined;
  readonly tags: Readonly<Record<string, string>>;
  /** ISO 8601. */
  readonly startedAt: string;
  /** ISO 8601; absent while the sweep runs. */
  readonly endedAt?: string | undefined;
}

/**
 * A sweep as a SweepRecord: the objective when its primary metric was recorded, the
 * objectives of a multi-objective sweep, and the end when it ended.
 *
 * @example
 * sweepRecordOf({ id: 'a1', tags: { 'mlsweep.primary_metric': 'loss', 'mlsweep.goal': 'minimize' }, startedAt })
 *   .objective; // { goal: 'minimize', primaryMetric: 'loss' }
 */
export function sweepRecordOf(fields: SweepFields): SweepRecord {
  const { tags } = fields;
  const goal = tags[GOAL_TAG];
  const primaryMetric = tags[PRIMARY_METRIC_TAG];
  const objective: Objective | undefined =
    primaryMetric === undefined ? undefined : { goal: isGoal(goal) ? goal : 'maximize', primaryMetric };
  const objectives = objectivesOf(tags[OBJECTIVES_TAG]);
  const stopReason = tags[STOP_REASON_TAG] as StopReason | undefined;
  const stopMessage = tags[STOP_MESSAGE_TAG];
  return {
    sweepId: fields.id,
    ...(fields.name ? { name: fields.name } : {}),
    ...(objective ? { objective } : {}),
    ...(objectives ? { objectives } : {}),
    tags: { ...tags },
    startedAt: fields.startedAt,
    ...(fields.endedAt !== undefined ? { endedAt: fields.endedAt } : {}),
    ...(stopReason !== undefined ? { stopReason } : {}),
    ...(stopMessage !== undefined ? { stopMessage } : {}),
  };
}

/**
 * A number as JSON keeps it: non-finite ones as strings (JSON has none).
 *
 * @example
 * JSON.stringify([1, Infinity].map(jsonNumber)); // '[1,"Infinity"]'
 */
export function jsonNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/**
 * The numbers of a JSON array written with jsonNumber.
 *
 * @example
 * numbersOf('[1,"Infinity"]'); // [1, Infinity]
 */
export function numbersOf(json: string): number[] {
  return (JSON.parse(json) as Array<number | string>).map(Number);
}

/** The objectives recorded under OBJECTIVES_TAG, or undefined when absent or unreadable. */
function objectivesOf(json: string | undefined): Objective[] | undefined {
  if (json === undefined) return undefined;
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!Array.isArray(parsed)) return undefined;
    return parsed.map((o: { goal?: unknown; primaryMetric?: unknown }) => ({
      goal: isGoal(o.goal) ? o.goal : 'maximize',
      primaryMetric: String(o.primaryMetric),
    }));
  } catch {
    return undefined;
  }
}
