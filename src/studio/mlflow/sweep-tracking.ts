import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import { RUN_KIND_TAG, SWEEP_ID_TAG, trialRunId } from '../../store/postgres/trial-runs.ts';
import type {
  TrackedEvent,
  TrackedRun,
  TrackingSession,
  TrackingTarget,
  TrialTracking,
} from '../../sweep/trial-tracking.ts';
import { isPostgresUrl } from '../../tracking/pg-url.ts';
import { SqliteStore } from '../../tracking/sqlite-store.ts';
import { createTrackingServer } from './server.ts';

/** Where the trials of one sweep log. */
export interface SweepTrackingOptions {
  /**
   * The store folder the sweep is recorded in: trials log into their own runs there. Absent
   * (a sweep kept in memory): a temporary store, removed at the end, with a run per trial.
   */
  readonly storeDir?: string;
  /** The sweep's id in that store (its parent run): required with storeDir. */
  readonly sweepId?: string;
  /** Experiment of the trials' runs in a temporary store. */
  readonly experiment?: string;
  /**
   * A worker's store, a `postgresql://` URL or a store folder: each trial of a worker
   * sweep there (`start` is given it) logs into its own run in that store. On PostgreSQL
   * that is the run the sweep's settle statement completes, for a sweep recorded with a
   * tracking run (other sweeps get a temporary store); in a folder, the run the sweep
   * store made when the trial started (a folder's sweep is its runs).
   */
  readonly workerStore?: string;
}

/** Where one session's server writes, and how it finds a trial's run there. */
interface SessionStore {
  readonly dir: string;
  /** A temporary store: removed when the session stops. */
  readonly temporary: boolean;
  /**
   * Whether the sweep store reads its trials' metric points where the server writes them
   * (a store folder: the trial's run), so they are not written a second time.
   */
  readonly sharesPoints: boolean;
  runFor(store: SqliteStore, trialId: number, params: Readonly<Record<string, unknown>>): TrackedRun;
}

/**
 * The MLflow-compatible tracking server of `mlsweep server`, as the sweep engine's
 * TrialTracking: started on a free loopback port for the sweep (no key: only this machine
 * reaches it), over the sweep's own store, so what a command trial logs with MLflow lands
 * on the trial's run and reaches the sweep like printed metric lines.
 *
 * @example
 * const tracked = await trackSweep({ objective, dir: 'mlruns' });
 * await sweep({ ...options, ...tracked, tracking: sweepTracking({ storeDir: 'mlruns', sweepId: tracked.store.sweepId }) });
 */
export function sweepTracking(options: SweepTrackingOptions): TrialTracking {
  return {
    async start(sweep?: TrackingTarget): Promise<TrackingSession> {
      const where = sessionStore(options, sweep);
      const { dir, temporary } = where;
      let listener: ((event: TrackedEvent) => void) | undefined;
      const server = createTrackingServer({
        storeDir: dir,
        host: '127.0.0.1',
        port: 0,
        onLogged: (event) => listener?.(event),
      });
      // Lookups of the trials' runs, on a connection of our own (the server keeps its own).
      const store = new SqliteStore({ dir });
      try {
        await server.listen();
      } catch (error) {
        store.close();
        if (temporary) rmSync(dir, { recursive: true, force: true });
        throw error;
      }
      return {
        uri: server.url,
        sharesStore: where.sharesPoints,
        runFor: (trialId, params) => where.runFor(store, trialId, params),
        onLogged(l) {
          listener = l;
        },
        async stop() {
          try {
            await server.close();
          } finally {
            store.close();
            if (temporary) rmSync(dir, { recursive: true, force: true });
          }
        },
      };
    },
  };
}

/** Where a session started for `sweep` (given by a worker) writes: see {@link SweepTrackingOptions}. */
function sessionStore(options: SweepTrackingOptions, sweep: TrackingTarget | undefined): SessionStore {
  if (options.workerStore !== undefined && sweep !== undefined && !isPostgresUrl(options.workerStore)) {
    return folderSession(options.workerStore, sweep.sweepId, options.experiment);
  }
  if (options.workerStore !== undefined && sweep?.runId !== undefined) {
    const sweepRunId = sweep.runId;
    // the sweep run's experiment, read once: every trial's run goes there
    let experimentId: number | undefined;
    return {
      dir: options.workerStore,
      temporary: false,
      // the sweep's points are a table of their own, written by the worker; the settle
      // statement leaves out of the run those the trial logged there already
      sharesPoints: false,
      runFor(store, trialId, params) {
        // The run the settle statement will complete (src/store/postgres/trial-runs.ts):
        // made now, so the trial has a run to log into while it runs; a trial run again
        // (handed back, reaped) finds it.
        const runId = trialRunId(sweep.sweepId, trialId);
        const existing = store.sql('SELECT experiment_id FROM runs WHERE run_id = ?').pluck().get(runId) as
          | number
          | undefined;
        if (existing !== undefined) return { runId, experimentId: String(existing) };
        experimentId ??= store.run(sweepRunId).experimentId;
        store.createRun({
          runId,
          experiment: experimentId,
          name: `trial-${trialId}`,
          parentRunId: sweepRunId,
          tags: { [RUN_KIND_TAG]: 'trial', 'mlsweep.trial': String(trialId), [SWEEP_ID_TAG]: sweep.sweepId },
        });
        store.logParams(runId, paramValues(params));
        return { runId, experimentId: String(experimentId) };
      },
    };
  }
  return folderSession(options.storeDir, options.sweepId, options.experiment);
}

/**
 * A session over store folder `storeDir` (absent: a temporary one): with `sweepId`, a
 * trial logs into the run its sweep store made for it; without, into a new run in
 * `experiment`.
 */
function folderSession(
  storeDir: string | undefined,
  sweepId: string | undefined,
  experiment: string | undefined,
): SessionStore {
  const dir = storeDir ?? mkdtempSync(join(tmpdir(), 'mlsweep-tracking-'));
  return {
    dir,
    temporary: storeDir === undefined,
    sharesPoints: storeDir !== undefined && sweepId !== undefined,
    runFor(store, trialId, params) {
      if (sweepId === undefined) {
        const run = store.createRun({
          experiment: experiment ?? 'Default',
          name: `trial-${trialId}`,
          tags: { 'mlsweep.trial': String(trialId) },
        });
        store.logParams(run.id, paramValues(params));
        return { runId: run.id, experimentId: String(run.experimentId) };
      }
      const run = store
        .sql(
          `SELECT r.run_id AS runId, r.experiment_id AS experimentId FROM runs r
           JOIN tags t ON t.run_id = r.run_id AND t.key = 'mlsweep.trial' AND t.value = ?
           WHERE r.parent_run_id = ?`,
        )
        .get(String(trialId), sweepId) as { runId: string; experimentId: number } | undefined;
      if (run === undefined) {
        throw new ValidationError(`trial ${trialId} of sweep ${sweepId} has no run in ${dir}`, {
          path: 'trialId',
        });
      }
      return { runId: run.runId, experimentId: String(run.experimentId) };
    },
  };
}

/** A trial's parameters as the store logs them (numbers, strings and booleans). */
function paramValues(params: Readonly<Record<string, unknown>>): Record<string, string | number | boolean> {
  return params as Record<string, string | number | boolean>;
}
