// How a trial's status reads as its tracking run's status, in every store: the SQLite
// store sets it on the trial's run, the PostgreSQL store writes it in its settle statement.
import type { TrialStatus } from '../core/trial.ts';
import type { RunStatus } from '../tracking/types.ts';

/**
 * A trial's status (or `running`) as an MLflow run status: a trial past its timeout
 * failed, one stopped by a policy or the sweep's end was killed.
 *
 * @example
 * TRIAL_RUN_STATUS.early_terminated; // 'KILLED'
 */
export const TRIAL_RUN_STATUS: Readonly<Record<TrialStatus | 'running', RunStatus>> = {
  running: 'RUNNING',
  completed: 'FINISHED',
  failed: 'FAILED',
  timed_out: 'FAILED',
  early_terminated: 'KILLED',
  cancelled: 'KILLED',
};

/**
 * The same map as an SQL `CASE` over a column of trial statuses (constants only: no value
 * of a user reaches it).
 *
 * @example
 * runStatusCase('t.status'); // "CASE t.status WHEN 'running' THEN 'RUNNING' … END"
 */
export function runStatusCase(column: string): string {
  const whens = Object.entries(TRIAL_RUN_STATUS).map(([trial, run]) => `WHEN '${trial}' THEN '${run}'`);
  return `CASE ${column} ${whens.join(' ')} END`;
}
