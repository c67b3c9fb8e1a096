import type { Candidate } from './candidates.ts';
import type { TrialEvaluation } from './evaluate.ts';

/** What AutoML keeps of a completed trial. */
export interface TrialRecord {
  readonly id: number;
  readonly candidate: Candidate;
  readonly params: Record<string, string | number | boolean>;
  readonly evaluation: Omit<TrialEvaluation, 'oof'>;
  readonly score: number;
  /** Every metric of the task on the validation rows. */
  readonly metrics: Record<string, number>;
  /** Out-of-fold predictions, kept for the best trials only. */
  oof: Float64Array | undefined;
}
