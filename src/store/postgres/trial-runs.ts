/**
 * The tracking runs of a worker sweep on PostgreSQL: its trials' runs are written inside
 * the settle statement itself (`PostgresSweepStore.settleTrials`), as more data-modifying
 * CTEs, so a settle batch stays one round trip however many trials it ends. The sweep's
 * own run (the parent) is made when the sweep is created (`createWorkerSweep` with
 * `trackingUrl`), and its id is kept in the sweep's tags under `SWEEP_RUN_TAG`: a sweep
 * without it (created without tracking) writes no runs.
 *
 * A trial's run id is derived, not stored: `md5(sweep id || ':' || number)`, 32 hex
 * characters like every run id, so a reader can find a trial's run and no lookup table is
 * needed ({@link trialRunId}). A command trial that logs with MLflow through its worker's
 * tracking server logs into that run while it runs: the worker makes it when the trial
 * starts, and the settle statement then completes it (status, end time, the points the
 * trial logged otherwise).
 */

import { createHash } from 'node:crypto';
import { runStatusCase } from '../run-status.ts';

/**
 * The run id of trial `number` of worker sweep `sweepId`, as the settle statement derives it.
 *
 * @example
 * trialRunId('5b1c…', 3); // md5('5b1c…:3'), 32 hex characters
 */
export function trialRunId(sweepId: string, number: number): string {
  return createHash('md5').update(`${sweepId}:${number}`).digest('hex');
}

/** On a worker sweep (in `mlsweep_sweeps.tags`): the run id of its tracking run. */
export const SWEEP_RUN_TAG = 'mlsweep.sweep_run_id';

/** On a sweep's run and its trials' runs: the worker sweep's id. */
export const SWEEP_ID_TAG = 'mlsweep.sweep_id';

/** On a run: what it is (`sweep` for a sweep's run, `trial` for a trial's). */
export const RUN_KIND_TAG = 'mlsweep.kind';

/**
 * CTEs to append to the settle statement: they read `u` (the trials it ended, returning
 * number, params, status, error, started_at, ended_at), `p` (this batch's points) and the
 * parameters $1 (sweep id) and $5 (the sweep's run id), and insert one run per ended trial
 * under the sweep's run, with its params, tags, metrics (its points, those written before
 * and this batch's) and latest metrics. Each statement is a multi-row INSERT ... SELECT:
 * no value is spliced into the SQL. A run the trial logged into with MLflow exists
 * already: it gets its status and end time, and no second copy of a point it logged
 * (same key and step) that also reached the sweep.
 */
export const TRIAL_RUNS_CTES = `,
  pr AS (SELECT run_id, experiment_id FROM runs WHERE run_id = $5),
  ur AS (SELECT u.*, md5($1 || ':' || u.number) AS run_id FROM u),
  tr AS (INSERT INTO runs (run_id, experiment_id, name, status, start_time, end_time, parent_run_id)
         SELECT ur.run_id, pr.experiment_id, 'trial-' || ur.number,
                ${runStatusCase('ur.status')},
                (extract(epoch FROM ur.started_at) * 1000)::bigint, (extract(epoch FROM ur.ended_at) * 1000)::bigint,
                pr.run_id
         FROM ur, pr
         ON CONFLICT (run_id) DO UPDATE SET status = EXCLUDED.status, end_time = EXCLUDED.end_time
         RETURNING run_id),
  tp AS (INSERT INTO params (run_id, key, value)
         SELECT ur.run_id, kv.key, CASE jsonb_typeof(kv.value) WHEN 'string' THEN kv.value #>> '{}' ELSE kv.value::text END
         FROM ur, pr, jsonb_each(ur.params::jsonb) AS kv ON CONFLICT DO NOTHING),
  tt AS (INSERT INTO tags (run_id, key, value)
         SELECT ur.run_id, x.key, x.value FROM ur, pr, LATERAL (VALUES
           ('${RUN_KIND_TAG}', 'trial'), ('mlsweep.trial', ur.number::text), ('mlsweep.trial_status', ur.status),
           ('${SWEEP_ID_TAG}', $1), ('mlsweep.error', left(ur.error, 5000))) AS x(key, value)
         WHERE x.value IS NOT NULL
         UNION ALL
         SELECT ur.run_id, t.key, t.value FROM ur, tags t WHERE t.run_id = $5 AND t.key LIKE 'mlsweep.environment%'
         ON CONFLICT DO NOTHING),
  tm0 AS (SELECT ur.run_id, mp.name, mp.step, mp.value, mp.changed AS ord, ur.ended_at
          FROM ur JOIN mlsweep_points mp ON mp.sweep_id = $1 AND mp.number = ur.number
          UNION ALL
          SELECT ur.run_id, p.name, p.step, p.value::float8, (SELECT version FROM v) + p.ord, ur.ended_at
          FROM ur JOIN p ON p.number = ur.number),
  tm AS (INSERT INTO metrics (run_id, key, step, timestamp, value)
         SELECT tm0.run_id, tm0.name, tm0.step, (extract(epoch FROM tm0.ended_at) * 1000)::bigint, tm0.value
         FROM tm0, pr
         WHERE NOT EXISTS (SELECT 1 FROM metrics m
                           WHERE m.run_id = tm0.run_id AND m.key = tm0.name AND m.step = tm0.step)),
  tl AS (INSERT INTO latest_metrics (run_id, key, step, timestamp, value)
         SELECT DISTINCT ON (tm0.run_id, tm0.name) tm0.run_id, tm0.name, tm0.step,
                (extract(epoch FROM tm0.ended_at) * 1000)::bigint, tm0.value
         FROM tm0, pr ORDER BY tm0.run_id, tm0.name, tm0.step DESC, tm0.ord DESC
         ON CONFLICT DO NOTHING)`;

/**
 * The sweep's run, ended with the sweep (one statement, after the sweep is ended); a trial
 * run still open then (made for a trial that logged with MLflow, whose trial was handed
 * back or reaped and never run again) ends KILLED.
 */
export const END_SWEEP_RUN_SQL = `WITH open_trials AS (
    UPDATE runs SET status = 'KILLED', end_time = $2 WHERE parent_run_id = $1 AND status = 'RUNNING')
  UPDATE runs SET status = 'FINISHED', end_time = $2 WHERE run_id = $1 AND status = 'RUNNING'`;
