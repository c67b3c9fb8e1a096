/**
 * Cheap reads of the SQLite store's sweeps for overviews (the studio's sweep list): how
 * many trials each sweep holds in each state and its best value, without reading every
 * trial's metric points, and which run each trial is, for links to the run.
 */
import { type Goal, goalSign } from '../core/goal.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';

/** A sweep's trials counted by state, and its best completed value (one objective). */
export interface SweepTrialStats {
  /** State (`running`, `completed`, `failed`, `early_terminated`, ...) -> trials in it. */
  readonly counts: Readonly<Record<string, number>>;
  readonly total: number;
  /** The best value of a completed trial by `goal`, with its trial number; absent when none. */
  readonly best?: { readonly trialId: number; readonly value: number };
}

/**
 * Counts a sweep's trials by state and finds its best completed value, in two indexed
 * queries (no metric point is read).
 *
 * @example
 * sweepTrialStats(store, sweepId, 'maximize'); // { counts: { completed: 9, running: 1 }, total: 10, best: { trialId: 4, value: 0.97 } }
 */
export function sweepTrialStats(store: SqliteStore, sweepRunId: string, goal: Goal): SweepTrialStats {
  return store.read(() => {
    const rows = store
      .sql('SELECT status, count(*) AS n FROM trials WHERE sweep_run_id = ? GROUP BY status')
      .all(sweepRunId) as Array<{ status: string; n: number }>;
    const counts = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    const total = rows.reduce((sum, r) => sum + r.n, 0);
    // Ordered by value times the goal's sign (core's one rule), largest first; NaN is stored as NULL.
    const best = store
      .sql(
        "SELECT number, value FROM trials WHERE sweep_run_id = ? AND status = 'completed' AND value IS NOT NULL ORDER BY value * ? DESC, number LIMIT 1",
      )
      .get(sweepRunId, goalSign(goal)) as { number: number; value: number } | undefined;
    return { counts, total, ...(best ? { best: { trialId: best.number, value: best.value } } : {}) };
  });
}

/**
 * The run of each trial of a sweep, by trial number.
 *
 * @example
 * trialRunIds(store, sweepId).get(3); // '9c41…'
 */
export function trialRunIds(store: SqliteStore, sweepRunId: string): Map<number, string> {
  const rows = store
    .sql('SELECT number, run_id FROM trials WHERE sweep_run_id = ? ORDER BY number')
    .all(sweepRunId) as Array<{ number: number; run_id: string }>;
  return new Map(rows.map((r) => [r.number, r.run_id]));
}
