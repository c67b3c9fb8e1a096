/**
 * The tracking run of a worker sweep: made when the sweep is created, in the tracking
 * tables of the same store, so `mlsweep runs list` and the studio show the sweep as they
 * show a local one. Its trials' runs are written by the store with each settle batch
 * (src/store/postgres/trial-runs.ts); this is the one slow call (the synchronous tracking
 * bridge), once per sweep.
 */
import { RUN_KIND_TAG, SWEEP_ID_TAG } from '../../store/postgres/trial-runs.ts';
import { SqliteStore } from '../../tracking/sqlite-store.ts';

/** What the sweep's run is recorded with. */
export interface SweepRunInput {
  /** The tracking store: a `postgresql://` URL (or a store folder). */
  readonly url: string;
  /** Experiment of the run (default `Default`). */
  readonly experiment?: string;
  readonly name?: string;
  /** More tags (the sweep's objective, environment tags...). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The sweep's run, open: its id, and how to tag it with the sweep's id once that exists. */
export interface OpenSweepRun {
  readonly runId: string;
  /** Tags the run with the sweep's id and closes the tracking store. */
  finish(sweepId: string): void;
  /** Deletes nothing, closes the tracking store (the sweep could not be recorded). */
  abandon(): void;
}

/**
 * Starts a sweep's tracking run (status RUNNING, `mlsweep.kind = sweep`); call `finish`
 * with the sweep's id once the sweep is recorded.
 *
 * @example
 * const run = startSweepRun({ url, experiment: 'iris' });
 * const store = await location.create({ tags: { [SWEEP_RUN_TAG]: run.runId } });
 * run.finish(store.sweepId);
 */
export function startSweepRun(input: SweepRunInput): OpenSweepRun {
  const tracking = new SqliteStore({ dir: input.url });
  try {
    const run = tracking.createRun({
      ...(input.experiment !== undefined ? { experiment: input.experiment } : {}),
      ...(input.name !== undefined ? { name: input.name } : {}),
      tags: { ...input.tags, [RUN_KIND_TAG]: 'sweep' },
    });
    return {
      runId: run.id,
      finish(sweepId) {
        try {
          tracking.setTags(run.id, { [SWEEP_ID_TAG]: sweepId });
        } finally {
          tracking.close();
        }
      },
      abandon() {
        tracking.close();
      },
    };
  } catch (error) {
    tracking.close();
    throw error;
  }
}
