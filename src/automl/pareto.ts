/**
 * AutoML's optional second objective: prediction latency per row. The search still
 * optimises the primary metric; among the candidates it evaluated, the result also names
 * the Pareto front of score against latency, so the user can pick a faster pipeline that
 * scores nearly as well rather than only the one winner.
 */
import type { Goal } from '../core/goal.ts';
import type { FinishedTrial } from '../core/trial.ts';
import { paretoFront } from '../samplers/multi-objective/pareto.ts';
import type { FrontEntry, LeaderboardEntry } from './types.ts';

/**
 * The entries that no other beats on both the primary metric and the prediction latency
 * per row, best score first.
 *
 * @example
 * latencyFront(result.leaderboard, 'maximize', 150).map((e) => [e.model, e.score, e.latencyMsPerRow]);
 */
export function latencyFront(
  entries: readonly LeaderboardEntry[],
  goal: Goal,
  rowsPredicted: number,
): FrontEntry[] {
  const rows = Math.max(1, rowsPredicted);
  const withLatency = entries.map((e) => ({ ...e, latencyMsPerRow: (e.predictSeconds * 1000) / rows }));
  const trials: FinishedTrial[] = withLatency.map((e, i) => ({
    id: i,
    params: {},
    status: 'completed',
    value: e.score,
    values: [e.score, e.latencyMsPerRow],
    intermediate: [],
  }));
  const front = new Set(
    paretoFront(trials, [
      { goal, primaryMetric: 'score' },
      { goal: 'minimize', primaryMetric: 'latency_ms_per_row' },
    ]).map((t) => t.id),
  );
  return withLatency.filter((_, i) => front.has(i));
}
