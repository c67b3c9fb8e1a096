import type { PreparedRun } from './prepare-step.ts';
import type { TrialRecord } from './trial-record.ts';

/**
 * Seconds the final fit of a trial's configuration is expected to take, plus 30%: under
 * cross-validation one model per split on the split's training rows (as its trial
 * fitted them; see bagsFoldModels), else one model on all rows (a split's fit time scaled
 * from its training rows to all rows).
 *
 * @example
 * const seconds = refitSeconds(prepared)(record);
 */
export function refitSeconds(prepared: PreparedRun): (record: TrialRecord) => number {
  const { splits, features } = prepared;
  if (splits.length >= 2) return (r) => r.evaluation.fitSeconds * 1.3;
  const meanTrainRows = splits.reduce((a, s) => a + s.train.length, 0) / splits.length;
  return (r) =>
    (r.evaluation.fitSeconds / splits.length) * (features.nRows / Math.max(1, meanTrainRows)) * 1.3;
}
