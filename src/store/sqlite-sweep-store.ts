import { ValidationError } from '../core/errors.ts';
import type { MetricPoint, ParamSet, StopReason, TrialStatus } from '../core/trial.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import type { Run } from '../tracking/types.ts';
import type {
  ClaimBatchOptions,
  ClaimChoice,
  ClaimedTrial,
  ClaimState,
  NewSweep,
  SettleOutcome,
  StoredTrial,
  SweepRecord,
  TrialEnd,
  TrialOutput,
  TrialSettlement,
} from './records.ts';
import { INTERRUPTED_ERROR, planResume, type ResumePlan } from './resume-plan.ts';
import { TRIAL_RUN_STATUS } from './run-status.ts';
import { jsonNumber, numbersOf, sweepRecordOf } from './sweep-record.ts';
import type { SweepStore } from './sweep-store.ts';
import {
  GOAL_TAG,
  OBJECTIVES_TAG,
  PRIMARY_METRIC_TAG,
  QUEUE_TAG_PREFIX,
  STOP_MESSAGE_TAG,
  STOP_REASON_TAG,
  SWEEP_TYPE_TAG,
  TRIAL_CONSTRAINTS_TAG,
  TRIAL_VALUES_TAG,
  WORKERS_TAG,
} from './tags.ts';
import { type ReapedTrial, type TrialBatches, type TrialLeases, UNLEASED_WORKER } from './worker-store.ts';

/** The sweep's parent run, as `SqliteSweepStore.create` makes it. */
export type SweepRunOptions = NewSweep;

interface TrialRow {
  run_id: string;
  number: number;
  params_json: string;
  status: TrialStatus | 'running';
  value: number | null;
  error: string | null;
  output_json: string | null;
  retry_of: number | null;
  values_json: string | null;
  constraints_json: string | null;
  start_time: number;
  end_time: number | null;
}

/**
 * A sweep written durably to the SQLite tracking store, as a `SweepStore`: the sweep is a
 * parent run, each trial a child run (params, metric points by step, status, error), and
 * every call is committed before it returns, so a killed sweep loses nothing it reported.
 * Readers reach it through `openSweepLocation()`, not by name.
 *
 * @example
 * const store = new SqliteStore();
 * const sweepStore = SqliteSweepStore.create(store, { experiment: 'iris' });
 * await sweep({ ...options, store: sweepStore });
 * sweepStore.sweepId; // for `--resume`
 */
export class SqliteSweepStore implements SweepStore, TrialLeases, TrialBatches {
  private readonly runIds = new Map<number, string>();
  private retries: ResumePlan['retry'] = [];
  private readonly experimentId: number;

  private constructor(
    readonly store: SqliteStore,
    /** The parent run's id: the sweep id that `--resume` takes. */
    readonly sweepRunId: string,
  ) {
    this.experimentId = store.run(sweepRunId).experimentId;
    for (const row of this.rows()) this.runIds.set(row.number, row.run_id);
  }

  /** The sweep's id: its parent run's id. */
  get sweepId(): string {
    return this.sweepRunId;
  }

  /**
   * Starts a new sweep: a parent run tagged `mlsweep.type = sweep`, with its objective.
   *
   * @example
   * const s = SqliteSweepStore.create(store, { experiment: 'iris', name: 'rf sweep' });
   */
  static create(store: SqliteStore, options: SweepRunOptions = {}): SqliteSweepStore {
    const objective = options.objective ?? options.objectives?.[0];
    const run = store.createRun({
      ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
      ...(options.name !== undefined ? { name: options.name } : {}),
      tags: {
        ...options.tags,
        ...(objective ? { [GOAL_TAG]: objective.goal, [PRIMARY_METRIC_TAG]: objective.primaryMetric } : {}),
        ...(options.objectives ? { [OBJECTIVES_TAG]: JSON.stringify(options.objectives) } : {}),
        [SWEEP_TYPE_TAG]: 'sweep',
      },
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

  /**
   * Every sweep recorded in the store, oldest first.
   *
   * @example
   * SqliteSweepStore.list(store).map((s) => s.sweepId);
   */
  static list(store: SqliteStore): SweepRecord[] {
    const ids = store
      .sql(
        `SELECT r.run_id FROM runs r JOIN tags t ON t.run_id = r.run_id
         WHERE t.key = ? AND t.value = 'sweep' ORDER BY r.start_time, r.rowid`,
      )
      .pluck()
      .all(SWEEP_TYPE_TAG) as string[];
    return ids.map((id) => sweepRecord(store.run(id)));
  }

  startTrial(id: number, params: ParamSet, startedAt: string): void {
    // The engine starts the retries first, with the very parameter objects resume() returned.
    const retryOf = this.retries[0]?.params === params ? this.retries[0].of : undefined;
    this.insertTrial(id, params, startedAt, retryOf);
    if (retryOf !== undefined) this.retries = this.retries.slice(1);
  }

  /** The sweep run's tags every trial run repeats: the environment its trials run in (`mlsweep.environment`, `.name`, `.version`, `.hash`). */
  private inheritedTags(): Record<string, string> {
    const rows = this.store
      .sql("SELECT key, value FROM tags WHERE run_id = ? AND key LIKE 'mlsweep.environment%'")
      .all(this.sweepRunId) as Array<{ key: string; value: string }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Records a trial `running`, with the trial it runs again, if any. */
  private insertTrial(id: number, params: ParamSet, startedAt: string, retryOf: number | undefined): void {
    this.store.write(() => {
      const run = this.store.createRun({
        experiment: this.experimentId,
        name: `trial-${id}`,
        parentRunId: this.sweepRunId,
        startTime: Date.parse(startedAt) || Date.now(),
        tags: {
          // the environment the sweep runs its trials in (mlsweep.environment.*): each trial's run records it too
          ...this.inheritedTags(),
          'mlsweep.trial': String(id),
          'mlsweep.trial_status': 'running',
        },
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
      this.store.setRunStatus(runId, TRIAL_RUN_STATUS[end.status], Date.parse(end.endedAt) || Date.now());
      this.store.setTags(runId, {
        'mlsweep.trial_status': end.status,
        ...(end.error !== undefined ? { 'mlsweep.error': end.error.slice(0, 5000) } : {}),
        // In the tags table rather than new columns: no schema migration for them.
        ...(end.values !== undefined
          ? { [TRIAL_VALUES_TAG]: JSON.stringify(end.values.map(jsonNumber)) }
          : {}),
        ...(end.constraints !== undefined
          ? { [TRIAL_CONSTRAINTS_TAG]: JSON.stringify(end.constraints.map(jsonNumber)) }
          : {}),
      });
    });
  }

  /**
   * Claims the next trial (see `TrialClaims.claimTrial`): one IMMEDIATE transaction holds
   * the write lock from the read of the trials and the queue to the insert of the new
   * trial, so processes claiming at once are served one after the other.
   *
   * @example
   * const { id, params } = sweepStore.claimTrial(({ trials }) => ({ params: { x: trials.length } }), new Date().toISOString());
   */
  claimTrial(choose: (state: ClaimState) => ClaimChoice, startedAt: string): ClaimedTrial {
    return this.claimTrials(choose, startedAt, { max: 1 })[0]!;
  }

  /**
   * Claims up to `max` trials in one IMMEDIATE transaction (see `TrialBatches.claimTrials`),
   * each chosen with the batch's earlier trials in view as running, and leases them to
   * `workerId` in the same transaction.
   *
   * @example
   * const claimed = sweepStore.claimTrials(choose, new Date().toISOString(), { max: 4, workerId });
   */
  claimTrials(
    choose: (state: ClaimState) => ClaimChoice,
    startedAt: string,
    options: ClaimBatchOptions,
  ): ClaimedTrial[] {
    const max = Math.max(1, Math.floor(options.max));
    return this.store.write(() => {
      const heads = this.store
        .sql('SELECT key, value FROM tags WHERE run_id = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?')
        .all(this.sweepRunId, QUEUE_TAG_PREFIX, `${QUEUE_TAG_PREFIX}\uffff`, max) as {
        key: string;
        value: string;
      }[];
      const base = this.trials();
      const last = this.store
        .sql('SELECT max(number) FROM trials WHERE sweep_run_id = ?')
        .pluck()
        .get(this.sweepRunId) as number | null;
      let id = last === null ? 0 : last + 1;
      const pending: StoredTrial[] = [];
      let taken = 0;
      while (pending.length < max) {
        const head = heads[taken];
        let choice: ClaimChoice;
        try {
          choice = choose({
            trials: pending.length === 0 ? base : [...base, ...pending],
            queued: head === undefined ? undefined : (JSON.parse(head.value) as ParamSet),
          });
        } catch (error) {
          if (pending.length > 0) break;
          throw error;
        }
        let retryOf: number | undefined;
        if (choice.takeQueued === true && head !== undefined) {
          taken++;
          this.store.sql('DELETE FROM tags WHERE run_id = ? AND key = ?').run(this.sweepRunId, head.key);
          // A set queued again by releaseTrial or reapTrials: the new trial is that trial's retry.
          retryOf = this.store
            .sql(
              'DELETE FROM sweep_queue_retries WHERE sweep_run_id = ? AND queue_key = ? RETURNING retry_of',
            )
            .pluck()
            .get(this.sweepRunId, head.key) as number | undefined;
        }
        this.insertTrial(id, choice.params, startedAt, retryOf);
        if (options.workerId !== undefined) this.leaseTrial(id, options.workerId);
        pending.push({
          id,
          params: choice.params,
          startedAt,
          status: 'running',
          metrics: {},
          ...(retryOf !== undefined ? { retryOf } : {}),
        });
        id++;
      }
      return pending.map((t) => ({ id: t.id, params: t.params }));
    });
  }

  /**
   * Queues a parameter set for the next claim, as a tag of the sweep's run numbered after
   * the last queued one.
   *
   * @example
   * sweepStore.enqueueTrial({ lr: 0.01 });
   */
  enqueueTrial(params: ParamSet): void {
    this.enqueue(params, undefined);
  }

  /** Queues a parameter set; `retryOf`: it runs that trial again (its claim records so). */
  private enqueue(params: ParamSet, retryOf: number | undefined): void {
    this.store.write(() => {
      const keys = this.store
        .sql('SELECT key FROM tags WHERE run_id = ? AND key >= ? AND key < ? ORDER BY key DESC LIMIT 1')
        .pluck()
        .get(this.sweepRunId, QUEUE_TAG_PREFIX, `${QUEUE_TAG_PREFIX}\uffff`) as string | undefined;
      const next = keys === undefined ? 1 : Number(keys.slice(QUEUE_TAG_PREFIX.length)) + 1;
      const key = `${QUEUE_TAG_PREFIX}${String(next).padStart(10, '0')}`;
      this.store.setTags(this.sweepRunId, { [key]: JSON.stringify(params) });
      if (retryOf !== undefined) {
        this.store
          .sql('INSERT INTO sweep_queue_retries (sweep_run_id, queue_key, retry_of) VALUES (?, ?, ?)')
          .run(this.sweepRunId, key, retryOf);
      }
    });
  }

  /**
   * Marks a running trial as held by a worker (see `TrialLeases.leaseTrial`).
   *
   * @example
   * sweepStore.leaseTrial(3, workerId);
   */
  leaseTrial(trialId: number, workerId: string): void {
    this.store
      .sql("UPDATE trials SET worker_id = ? WHERE sweep_run_id = ? AND number = ? AND status = 'running'")
      .run(workerId, this.sweepRunId, trialId);
  }

  /**
   * Hands a running trial back (see `TrialLeases.releaseTrial`): ended `cancelled` and its
   * parameter set queued again as its retry, in one transaction.
   *
   * @example
   * sweepStore.releaseTrial(3, workerId); // true
   */
  releaseTrial(trialId: number, workerId: string): boolean {
    return this.store.write(() => {
      const row = this.store
        .sql('SELECT status, worker_id, params_json FROM trials WHERE sweep_run_id = ? AND number = ?')
        .get(this.sweepRunId, trialId) as
        | { status: string; worker_id: string | null; params_json: string }
        | undefined;
      if (
        row === undefined ||
        row.status !== 'running' ||
        (row.worker_id !== null && row.worker_id !== workerId)
      ) {
        return false;
      }
      this.endTrial(trialId, {
        status: 'cancelled',
        error: `handed back by worker ${workerId}, which stopped before the trial ended: queued again`,
        endedAt: new Date().toISOString(),
      });
      this.enqueue(JSON.parse(row.params_json) as ParamSet, trialId);
      return true;
    });
  }

  /**
   * Fails the running trials whose worker's last beat is older than `silentSince`, and
   * queues each once again (see `TrialLeases.reapTrials`), in one transaction: two
   * reapers at once reap each trial once.
   *
   * @example
   * sweepStore.reapTrials(new Date(Date.now() - 30_000).toISOString());
   */
  reapTrials(silentSince: string): ReapedTrial[] {
    const cutoff = Date.parse(silentSince);
    if (Number.isNaN(cutoff)) {
      throw new ValidationError(`reapTrials: '${silentSince}' is not an ISO 8601 time`, {
        path: 'silentSince',
      });
    }
    return this.store.write(() => {
      // Silent: a held trial whose worker's last beat (or, if it never beat, the trial's
      // start) is older than the cutoff; in a sweep open to workers, also a claimed trial no
      // worker ever leased (its worker died between the claim and the lease).
      const silent = this.store
        .sql(
          `SELECT t.number, t.worker_id, t.params_json, t.retry_of, w.last_beat_at, r.start_time
           FROM trials t JOIN runs r ON r.run_id = t.run_id LEFT JOIN sweep_workers w ON w.worker_id = t.worker_id
           WHERE t.sweep_run_id = ? AND t.status = 'running'
             AND (t.worker_id IS NOT NULL OR EXISTS (SELECT 1 FROM tags g WHERE g.run_id = ? AND g.key = ? AND g.value = 'open'))
             AND coalesce(w.last_beat_at, r.start_time) < ?
           ORDER BY t.number`,
        )
        .all(this.sweepRunId, this.sweepRunId, WORKERS_TAG, cutoff) as Array<{
        number: number;
        worker_id: string | null;
        params_json: string;
        retry_of: number | null;
        last_beat_at: number | null;
        start_time: number;
      }>;
      const endedAt = new Date().toISOString();
      return silent.map((row) => {
        const params = JSON.parse(row.params_json) as ParamSet;
        const when = (ms: number | null) => (ms === null ? 'never' : new Date(ms).toISOString());
        this.endTrial(row.number, {
          status: 'failed',
          error:
            row.worker_id === null
              ? `claimed at ${when(row.start_time)} by a worker that never took it up (it stopped before its lease was written): the trial failed after the heartbeat timeout`
              : `worker ${row.worker_id} fell silent (its last heartbeat was at ${when(row.last_beat_at)}): the trial failed after the heartbeat timeout`,
          endedAt,
        });
        // A retry is not queued again: a trial that kills its workers runs twice at most.
        if (row.retry_of === null) this.enqueue(params, row.number);
        return {
          trialId: row.number,
          workerId: row.worker_id ?? UNLEASED_WORKER,
          requeued: row.retry_of === null,
          params,
        };
      });
    });
  }

  /**
   * Ends a trial that is still running, checked and written in one transaction (see
   * `TrialClaims.settleTrial`).
   *
   * @example
   * sweepStore.settleTrial(3, { status: 'completed', value: 0.9, endedAt: new Date().toISOString() }); // 'ended'
   */
  settleTrial(id: number, end: TrialEnd): SettleOutcome {
    return this.store.write(() => {
      const status = this.store
        .sql('SELECT status FROM trials WHERE sweep_run_id = ? AND number = ?')
        .pluck()
        .get(this.sweepRunId, id) as TrialStatus | 'running' | undefined;
      if (status === undefined) return 'unknown';
      if (status !== 'running') return status;
      this.endTrial(id, end);
      return 'ended';
    });
  }

  /**
   * Settles several trials in one transaction (see `TrialBatches.settleTrials`), each with
   * its last points when it was still running.
   *
   * @example
   * sweepStore.settleTrials([{ id: 3, end: { status: 'completed', value: 0.9, endedAt } }]); // ['ended']
   */
  settleTrials(ends: readonly TrialSettlement[]): SettleOutcome[] {
    return this.store.write(() =>
      ends.map(({ id, end, points }) => {
        const status = this.store
          .sql('SELECT status FROM trials WHERE sweep_run_id = ? AND number = ?')
          .pluck()
          .get(this.sweepRunId, id) as TrialStatus | 'running' | undefined;
        if (status === undefined) return 'unknown';
        if (status !== 'running') return status;
        for (const { name, point } of points ?? []) this.addMetric(id, name, point);
        this.endTrial(id, end);
        return 'ended';
      }),
    );
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
   * The sweep's parent run as a SweepRecord: objective and end from its tags.
   *
   * @example
   * sweepStore.sweep().stopReason; // 'interrupted'
   */
  sweep(): SweepRecord {
    return sweepRecord(this.store.run(this.sweepRunId));
  }

  /**
   * Every trial of the sweep as recorded, by number, with its metric points in report order.
   *
   * @example
   * sweepStore.trials().filter((t) => t.status === 'completed').length;
   */
  trials(): StoredTrial[] {
    // Every trial's metric points in one query (report order), not one query per trial.
    const byRun = new Map<string, Record<string, MetricPoint[]>>();
    const points = this.store
      .sql(
        `SELECT m.run_id, m.key, m.step, m.value FROM metrics m JOIN trials t ON t.run_id = m.run_id
         WHERE t.sweep_run_id = ? ORDER BY m.rowid`,
      )
      .all(this.sweepRunId) as Array<{ run_id: string; key: string; step: number; value: number | null }>;
    for (const p of points) {
      let metrics = byRun.get(p.run_id);
      if (metrics === undefined) byRun.set(p.run_id, (metrics = {}));
      // SQLite keeps no NaN: a NaN metric is stored as NULL (as SqliteStore.allMetrics reads it).
      (metrics[p.key] ??= []).push({ step: p.step, value: p.value ?? Number.NaN });
    }
    return this.rows().map((row) => this.storedTrial(row, byRun.get(row.run_id) ?? {}));
  }

  /**
   * One trial as recorded, with its metric points, or undefined when the sweep has no such
   * trial (a narrow read: what a study's report checks before it writes).
   *
   * @example
   * sweepStore.trial(3)?.status; // 'running'
   */
  trial(id: number): StoredTrial | undefined {
    const row = this.rows(id)[0];
    if (row === undefined) return undefined;
    const metrics: Record<string, MetricPoint[]> = {};
    for (const point of this.store.allMetrics(row.run_id)) {
      (metrics[point.key] ??= []).push({ step: point.step, value: point.value });
    }
    return this.storedTrial(row, metrics);
  }

  private storedTrial(row: TrialRow, metrics: Record<string, MetricPoint[]>): StoredTrial {
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
      ...(row.values_json !== null ? { values: numbersOf(row.values_json) } : {}),
      ...(row.constraints_json !== null ? { constraints: numbersOf(row.constraints_json) } : {}),
    };
  }

  /**
   * Adds tags to the sweep's parent run (a definition recorded late).
   *
   * @example
   * sweepStore.setTags({ 'mlsweep.spec_hash': hash });
   */
  setTags(tags: Readonly<Record<string, string>>): void {
    this.store.setTags(this.sweepRunId, tags);
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
        this.endTrial(trial.id, { status: 'failed', endedAt, error: INTERRUPTED_ERROR });
      }
      this.store.setRunStatus(this.sweepRunId, 'RUNNING');
      this.store
        .sql('DELETE FROM tags WHERE run_id = ? AND key IN (?, ?)')
        .run(this.sweepRunId, STOP_REASON_TAG, STOP_MESSAGE_TAG);
    });
    return interrupted;
  }

  /**
   * Prepares a resume (see `SweepStore.resume` and `planResume`): reopens the sweep and
   * plans what stands and what runs again; the retries the engine starts next are
   * recorded with the trial they replace (`retryOf`).
   *
   * @example
   * const plan = SqliteSweepStore.open(new SqliteStore(), sweepId).resume();
   */
  resume(): ResumePlan {
    this.reopen();
    const plan = planResume(this.trials());
    this.retries = plan.retry;
    return plan;
  }

  private rows(number?: number): TrialRow[] {
    return this.store
      .sql(
        `SELECT t.run_id, t.number, t.params_json, t.status, t.value, t.error, t.output_json, t.retry_of,
           v.value AS values_json, c.value AS constraints_json, r.start_time, r.end_time
         FROM trials t JOIN runs r ON r.run_id = t.run_id
           LEFT JOIN tags v ON v.run_id = t.run_id AND v.key = ?
           LEFT JOIN tags c ON c.run_id = t.run_id AND c.key = ?
         WHERE t.sweep_run_id = ? ${number === undefined ? '' : 'AND t.number = ?'} ORDER BY t.number`,
      )
      .all(
        TRIAL_VALUES_TAG,
        TRIAL_CONSTRAINTS_TAG,
        this.sweepRunId,
        ...(number === undefined ? [] : [number]),
      ) as TrialRow[];
  }

  private runId(id: number): string {
    // A trial claimed by another process (ask/tell) since this one opened the sweep.
    const runId =
      this.runIds.get(id) ??
      (this.store
        .sql('SELECT run_id FROM trials WHERE sweep_run_id = ? AND number = ?')
        .pluck()
        .get(this.sweepRunId, id) as string | undefined);
    if (runId !== undefined) this.runIds.set(id, runId);
    if (runId === undefined) {
      throw new ValidationError(`trial ${id} of sweep ${this.sweepRunId} was never started`, {
        path: 'trialId',
      });
    }
    return runId;
  }
}

/** A sweep's parent run as a SweepRecord (sweep-record.ts reads its tags). */
function sweepRecord(run: Run): SweepRecord {
  return sweepRecordOf({
    id: run.id,
    name: run.name,
    tags: run.tags,
    startedAt: new Date(run.startTime).toISOString(),
    endedAt: run.endTime !== undefined ? new Date(run.endTime).toISOString() : undefined,
  });
}
