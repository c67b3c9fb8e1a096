import { better, type Goal } from '../core/goal.ts';
import type { Candidate } from './candidates.ts';
import type { TrialEvaluation } from './evaluate.ts';
import type { LeaderboardEntry } from './types.ts';

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

/** Out-of-fold predictions kept for ensembling (the best trials). */
const KEEP_OOF = 12;

/**
 * Orders records best first by the goal, ties by trial id.
 *
 * @example
 * records.sort(byScore('maximize'));
 */
export function byScore(goal: Goal): (a: TrialRecord, b: TrialRecord) => number {
  return (a, b) => (better(goal, a.score, b.score) ? -1 : better(goal, b.score, a.score) ? 1 : a.id - b.id);
}

/**
 * Drops the out-of-fold predictions of all but the best trials and each family's best,
 * so memory stays bounded.
 *
 * @example
 * pruneOof(records, byScore('maximize'));
 */
export function pruneOof(
  records: Map<number, TrialRecord>,
  order: (a: TrialRecord, b: TrialRecord) => number,
): void {
  const withOof = [...records.values()].filter((r) => r.oof !== undefined);
  if (withOof.length <= KEEP_OOF) return;
  withOof.sort(order);
  const familyBest = new Set<string>();
  withOof.forEach((r, i) => {
    const first = !familyBest.has(r.candidate.name);
    familyBest.add(r.candidate.name);
    if (i >= KEEP_OOF && !first) r.oof = undefined;
  });
}

/**
 * A record's row of the leaderboard.
 *
 * @example
 * ranked.map((r, i) => leaderboardEntry(r, i + 1));
 */
export function leaderboardEntry(r: TrialRecord, rank: number): LeaderboardEntry {
  return {
    rank,
    trialId: r.id,
    model: r.candidate.name,
    params: r.params,
    score: r.score,
    metrics: r.metrics,
    fitSeconds: r.evaluation.fitSeconds,
    predictSeconds: r.evaluation.predictSeconds,
  };
}
