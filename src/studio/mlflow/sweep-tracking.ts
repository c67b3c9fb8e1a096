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
   * A worker's store (a `postgresql://` URL): for a worker sweep recorded there with a
   * tracking run (`start` is given it), each trial logs into its own run in that store,
   * the run the sweep's settle statement completes; other sweeps get a temporary store.
   */
  readonly workerStore?: string;
}

/** Where one session's server writes, and how it finds a trial's run there. */
interface SessionStore {
  readonly dir: string;
  /** A temporary store: removed when the session stops. */
  readonly temporary: boolean;
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
        sharesStore: !temporary,
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
  if (options.workerStore !== undefined && sweep?.runId !== undefined) {
    const sweepRunId = sweep.runId;
    // the sweep run's experiment, read once: every trial's run goes there
    let experimentId: number | undefined;
    return {
      dir: options.workerStore,
      temporary: false,
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
  const dir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'mlsweep-tracking-'));
  return {
    dir,
    temporary: options.storeDir === undefined,
    runFor(store, trialId, params) {
      if (options.sweepId === undefined) {
        const run = store.createRun({
          experiment: options.experiment ?? 'Default',
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
        .get(String(trialId), options.sweepId) as { runId: string; experimentId: number } | undefined;
      if (run === undefined) {
        throw new ValidationError(`trial ${trialId} of sweep ${options.sweepId} has no run in ${dir}`, {
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
