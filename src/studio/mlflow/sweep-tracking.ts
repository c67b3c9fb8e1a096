import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../core/errors.ts';
import type { TrackedEvent, TrackingSession, TrialTracking } from '../../sweep/trial-tracking.ts';
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
    async start(): Promise<TrackingSession> {
      const temporary = options.storeDir === undefined;
      const dir = options.storeDir ?? mkdtempSync(join(tmpdir(), 'mlsweep-tracking-'));
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
        runFor(trialId, params) {
          if (options.sweepId === undefined) {
            const run = store.createRun({
              experiment: options.experiment ?? 'Default',
              name: `trial-${trialId}`,
              tags: { 'mlsweep.trial': String(trialId) },
            });
            store.logParams(run.id, params as Record<string, string | number | boolean>);
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
