import { ValidationError } from '../core/errors.ts';
import { isGoal } from '../core/goal.ts';
import type { MetricPoint, Objective, ParamSet, TrialStatus } from '../samplers/types.ts';
import type { StoredTrial, SweepStore, TrialEnd } from '../sweep/store.ts';
import { summarizeTrials } from '../sweep/summary.ts';
import type { StopReason, SweepResult, SweepResume, TrialOutput, TrialResult } from '../sweep/types.ts';
import type { SqliteStore } from './sqlite-store.ts';
import type { RunStatus } from './types.ts';

/** The sweep's parent run, as `SqliteSweepStore.create` makes it. */
export interface SweepRunOptions {
  /** Experiment name (default `Default`). */
  readonly experiment?: string;
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** Tag marking a run as a sweep (value `sweep`), so resume can check what it was given. */
export const SWEEP_TYPE_TAG = 'mlsweep.type';
/** Tags a sweep run may carry for reports: the sampling type, and the search space and policy as JSON. */
export const SAMPLER_TAG = 'mlsweep.sampler';
export const SPACE_TAG = 'mlsweep.search_space';
export const POLICY_TAG = 'mlsweep.policy';

/**
 * Tags of a sweep's end: its StopReason and the reason in words. `interrupted` marks a
 * sweep stopped by a signal, resumable with `--resume`.
 */
export const STOP_REASON_TAG = 'mlsweep.stop_reason';
export const STOP_MESSAGE_TAG = 'mlsweep.stop_message';

/** The error of a trial whose sweep process died while it ran. */
const INTERRUPTED = 'interrupted: the sweep process ended while this trial ran';

const RUN_STATUS: Readonly<Record<TrialStatus | 'running', RunStatus>> = {
  running: 'RUNNING',
  completed: 'FINISHED',
  failed: 'FAILED',
  timed_out: 'FAILED',
  early_terminated: 'KILLED',
  cancelled: 'KILLED',
};

interface TrialRow {
  run_id: string;
  number: number;
  params_json: string;
  status: TrialStatus | 'running';
  value: number | null;
  error: string | null;
  output_json: string | null;
  retry_of: number | null;
  start_time: number;
  end_time: number | null;
}

/**
 * A sweep written durably to the SQLite store, as the engine's `SweepStore`: the sweep is a
 * parent run, each trial a child run (params, metric points by step, status, error), and
 * every call is committed before it returns, so a killed sweep loses nothing it reported.
 *
 * @example
 * const store = new SqliteStore();
 * const sweepStore = SqliteSweepStore.create(store, { experiment: 'iris' });
 * await sweep({ ...options, store: sweepStore });
 * sweepStore.sweepRunId; // for `--resume`
 */
export class SqliteSweepStore implements SweepStore {
  private readonly runIds = new Map<number, string>();
  private retries: Array<{ of: number; params: ParamSet }> = [];
  private readonly experimentId: number;

  private constructor(
    readonly store: SqliteStore,
    /** The parent run's id: the sweep id that `--resume` takes. */
    readonly sweepRunId: string,
  ) {
    this.experimentId = store.run(sweepRunId).experimentId;
    for (const row of this.rows()) this.runIds.set(row.number, row.run_id);
  }

  /**
   * Starts a new sweep: a parent run tagged `mlsweep.type = sweep`.
   *
   * @example
   * const s = SqliteSweepStore.create(store, { experiment: 'iris', name: 'rf sweep' });
   */
  static create(store: SqliteStore, options: SweepRunOptions = {}): SqliteSweepStore {
    const run = store.createRun({
      ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
      ...(options.name !== undefined ? { name: options.name } : {}),
      tags: { ...options.tags, [SWEEP_TYPE_TAG]: 'sweep' },
    });
    return new SqliteSweepStore(store, run.id);
  }

  /**
   * Opens a recorded sweep by its run id (or a unique prefix), to read it or resume it.
   * A ValidationError when the run is unknown or is not a sweep.
   *
   * @example
   * const s = SqliteSweepStore.open(store, '3f2a9c');
   * s.trials().length;
   */
  static open(store: SqliteStore, sweepRunId: string): SqliteSweepStore {
    const run = store.run(sweepRunId);
    if (run.tags[SWEEP_TYPE_TAG] !== 'sweep') {
      throw new ValidationError(`run ${run.id} is not a sweep (it has no tag ${SWEEP_TYPE_TAG}=sweep)`, {
        path: 'resume',
        code: 'E_NOT_FOUND',
      });
    }
    return new SqliteSweepStore(store, run.id);
  }

  startTrial(id: number, params: ParamSet, startedAt: string): void {
    // The engine starts the retries first, with the very parameter objects resume() returned.
    const retryOf = this.retries[0]?.params === params ? this.retries.shift()?.of : undefined;
    this.store.write(() => {
      const run = this.store.createRun({
        experiment: this.experimentId,
        name: `trial-${id}`,
        parentRunId: this.sweepRunId,
        startTime: Date.parse(startedAt) || Date.now(),
        tags: { 'mlsweep.trial': String(id), 'mlsweep.trial_status': 'running' },
      });
      this.store.logParams(run.id, params);
      this.store
        .sql(
          'INSERT INTO trials (run_id, sweep_run_id, number, params_json, status, retry_of) VALUES (?, ?, ?, ?, ?, ?)',
        )
        .run(run.id, this.sweepRunId, id, JSON.stringify(params), 'running', retryOf ?? null);
      this.runIds.set(id, run.id);
    });
  }

  addMetric(id: number, name: string, point: MetricPoint): void {
    this.store.logMetrics(this.runId(id), [
      { key: name, value: point.value, step: point.step, timestamp: Date.now() },
    ]);
  }

  endTrial(id: number, end: TrialEnd): void {
    const runId = this.runId(id);
    this.store.write(() => {
      this.store
        .sql('UPDATE trials SET status = ?, value = ?, error = ?, output_json = ? WHERE run_id = ?')
        .run(
          end.status,
          end.value ?? null,
          end.error ?? null,
          end.output ? JSON.stringify(end.output) : null,
          runId,
        );
      this.store.setRunStatus(runId, RUN_STATUS[end.status], Date.parse(end.endedAt) || Date.now());
      this.store.setTags(runId, {
        'mlsweep.trial_status': end.status,
        ...(end.error !== undefined ? { 'mlsweep.error': end.error.slice(0, 5000) } : {}),
      });
    });
  }

  /**
   * Records the sweep's end: FINISHED, or KILLED when it was cancelled or interrupted;
   * the tag `mlsweep.stop_reason` tells which (`interrupted`: stopped by a signal, to be
   * resumed). One transaction, so a reader sees the status and the reason together.
   *
   * @example
   * sweepStore.endSweep('interrupted', 'interrupted by SIGTERM');
   */
  endSweep(reason: StopReason, message: string): void {
    this.store.write(() => {
      this.store.setRunStatus(
        this.sweepRunId,
        reason === 'cancelled' || reason === 'interrupted' ? 'KILLED' : 'FINISHED',
      );
      this.store.setTags(this.sweepRunId, { [STOP_REASON_TAG]: reason, [STOP_MESSAGE_TAG]: message });
    });
  }

  /**
   * Every trial of the sweep as recorded, by number, with its metric points in report order.
   *
   * @example
   * sweepStore.trials().filter((t) => t.status === 'completed').length;
   */
  trials(): Array<StoredTrial & { readonly retryOf?: number }> {
    return this.rows().map((row) => {
      const metrics: Record<string, MetricPoint[]> = {};
      for (const point of this.store.allMetrics(row.run_id)) {
        (metrics[point.key] ??= []).push({ step: point.step, value: point.value });
      }
      return {
        id: row.number,
        params: JSON.parse(row.params_json) as ParamSet,
        startedAt: new Date(row.start_time).toISOString(),
        status: row.status,
        metrics,
        ...(row.value !== null ? { value: row.value } : {}),
        ...(row.error !== null ? { error: row.error } : {}),
        ...(row.end_time !== null ? { endedAt: new Date(row.end_time).toISOString() } : {}),
        ...(row.output_json !== null ? { output: JSON.parse(row.output_json) as TrialOutput } : {}),
        ...(row.retry_of !== null ? { retryOf: row.retry_of } : {}),
      };
    });
  }

  /**
   * The recorded sweep as a SweepResult (what `mlsweep report <sweep-id>` draws): its
   * objective and stop reason from the parent run's tags, every trial, the best and the
   * counts. A trial still `running` (its process died) reads as failed.
   *
   * @example
   * renderReport({ sweep: SqliteSweepStore.open(store, id).result() });
   */
  result(): SweepResult {
    const run = this.store.run(this.sweepRunId);
    const objective: Objective = {
      goal: isGoal(run.tags['mlsweep.goal']) ? run.tags['mlsweep.goal'] : 'maximize',
      primaryMetric: run.tags['mlsweep.primary_metric'] ?? 'value',
    };
    const trials = this.trials().map((t) => toTrialResult(t, objective.primaryMetric));
    const endTime = run.endTime ?? Math.max(run.startTime, ...trials.map((t) => Date.parse(t.endedAt)));
    return {
      objective,
      sampler: run.tags[SAMPLER_TAG] ?? 'unrecorded',
      stopReason: (run.tags[STOP_REASON_TAG] as StopReason | undefined) ?? 'interrupted',
      message: run.tags[STOP_MESSAGE_TAG] ?? 'the sweep did not record its end (its process died)',
      trials,
      ...summarizeTrials(trials, objective.goal),
      startedAt: new Date(run.startTime).toISOString(),
      endedAt: new Date(endTime).toISOString(),
      durationMs: endTime - run.startTime,
    };
  }

  /**
   * Marks the trials still `running` (their sweep process died) as failed, and the sweep
   * run as running again (its recorded end no longer holds); returns the trials so marked.
   *
   * @example
   * const interrupted = sweepStore.reopen();
   */
  reopen(): StoredTrial[] {
    const interrupted = this.trials().filter((t) => t.status === 'running');
    const endedAt = new Date().toISOString();
    this.store.write(() => {
      for (const trial of interrupted) {
        this.endTrial(trial.id, {
          status: 'failed',
          endedAt,
          error: INTERRUPTED,
        });
      }
      this.store.setRunStatus(this.sweepRunId, 'RUNNING');
      this.store
        .sql('DELETE FROM tags WHERE run_id = ? AND key IN (?, ?)')
        .run(this.sweepRunId, STOP_REASON_TAG, STOP_MESSAGE_TAG);
    });
    return interrupted;
  }

  /**
   * Prepares a resume: trials left `running` by the dead process are marked failed; they
   * and the trials cancelled by the sweep's stop are retried once (a retry is not retried
   * again). A retried trial stays in the record (`replaced`) but neither counts against
   * max_total_trials nor takes a place in the sampler's sequence: its retry does. Pass the result as `sweep({ resume })` with this store.
   *
   * @example
   * const store = SqliteSweepStore.open(new SqliteStore(), sweepId);
   * await sweep({ ...options, store, resume: store.resume(options.objective.primaryMetric) });
   */
  resume(primaryMetric: string): SweepResume {
    this.reopen();
    const all = this.trials();
    const retriedBefore = new Set(all.flatMap((t) => (t.retryOf === undefined ? [] : [t.retryOf])));
    const cut = all.filter(
      (t) =>
        (t.status === 'cancelled' || t.error === INTERRUPTED) &&
        t.retryOf === undefined &&
        !retriedBefore.has(t.id),
    );
    this.retries = cut.map((t) => ({ of: t.id, params: t.params }));
    const replaced = new Set([...retriedBefore, ...cut.map((t) => t.id)]);
    const kept = all.filter((t) => !replaced.has(t.id));
    return {
      trials: kept.map((t) => toTrialResult(t, primaryMetric)),
      replaced: all.filter((t) => replaced.has(t.id)).map((t) => toTrialResult(t, primaryMetric)),
      counted: kept.length,
      retry: this.retries.map((r) => r.params),
      nextId: all.length === 0 ? 0 : Math.max(...all.map((t) => t.id)) + 1,
    };
  }

  private rows(): TrialRow[] {
    return this.store
      .sql(
        `SELECT t.run_id, t.number, t.params_json, t.status, t.value, t.error, t.output_json, t.retry_of,
           r.start_time, r.end_time
         FROM trials t JOIN runs r ON r.run_id = t.run_id WHERE t.sweep_run_id = ? ORDER BY t.number`,
      )
      .all(this.sweepRunId) as TrialRow[];
  }

  private runId(id: number): string {
    const runId = this.runIds.get(id);
    if (runId === undefined) {
      throw new ValidationError(`trial ${id} of sweep ${this.sweepRunId} was never started`, {
        path: 'trialId',
      });
    }
    return runId;
  }
}

function toTrialResult(t: StoredTrial, primaryMetric: string): TrialResult {
  const endedAt = t.endedAt ?? t.startedAt;
  return {
    id: t.id,
    params: t.params,
    status: t.status === 'running' ? 'failed' : t.status,
    ...(t.value !== undefined ? { value: t.value } : {}),
    intermediate: t.metrics[primaryMetric] ?? [],
    metrics: t.metrics,
    startedAt: t.startedAt,
    endedAt,
    durationMs: Date.parse(endedAt) - Date.parse(t.startedAt),
    ...(t.error !== undefined ? { error: t.error } : {}),
    ...(t.output !== undefined ? { output: t.output } : {}),
  };
}
