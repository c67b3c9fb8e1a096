import type { PreparedRun } from './prepare-step.ts';
import type { TrialRecord } from './trial-record.ts';

/**
 * Seconds the final fit of a trial's configuration on all rows is expected to take: its
 * folds' fit time per fold, scaled from a fold's training rows to all rows, plus 30%.
 *
 * @example
 * const seconds = refitSeconds(prepared)(record);
 */
export function refitSeconds(prepared: PreparedRun): (record: TrialRecord) => number {
  const { splits, features } = prepared;
  const meanTrainRows = splits.reduce((a, s) => a + s.train.length, 0) / splits.length;
  return (r) =>
    (r.evaluation.fitSeconds / splits.length) * (features.nRows / Math.max(1, meanTrainRows)) * 1.3;
}
