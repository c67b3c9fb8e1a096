import { ValidationError } from '../errors.ts';
import type { Objective } from '../samplers/types.ts';
import type { SweepResume } from '../sweep/types.ts';
import { SqliteStore } from './sqlite-store.ts';
import { SqliteSweepStore } from './sweep-store.ts';

/** Where a sweep is recorded, and whether it continues an earlier one. */
export interface TrackSweepOptions {
  readonly objective: Objective;
  /** The store folder (default: $MLSWEEP_STORE or ./mlruns). */
  readonly dir?: string;
  /** Experiment of a new sweep (default `Default`). */
  readonly experiment?: string;
  /** Name of a new sweep's run. */
  readonly name?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** The id of a recorded sweep to continue (or a unique prefix of it). */
  readonly resume?: string;
}

/** What `sweep()` needs to write durably, or to continue: spread it into the sweep's options. */
export interface TrackedSweep {
  readonly store: SqliteSweepStore;
  readonly resume?: SweepResume;
}

/**
 * Opens the SQLite store for a sweep: a new sweep run, or, with `resume`, the recorded
 * sweep prepared to continue (interrupted trials marked failed and queued for one retry).
 * Close `tracked.store.store` when the sweep is done.
 *
 * @example
 * const tracked = trackSweep({ objective, experiment: 'iris' });
 * const result = await sweep({ ...options, ...tracked });
 * // later, after a crash:
 * await sweep({ ...options, ...trackSweep({ objective, resume: tracked.store.sweepRunId }) });
 */
export function trackSweep(options: TrackSweepOptions): TrackedSweep {
  const store = new SqliteStore({
    ...(options.dir !== undefined ? { dir: options.dir } : {}),
    create: options.resume === undefined,
  });
  try {
    if (options.resume === undefined) {
      return {
        store: SqliteSweepStore.create(store, {
          ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
          ...(options.name !== undefined ? { name: options.name } : {}),
          tags: {
            ...options.tags,
            'mlsweep.goal': options.objective.goal,
            'mlsweep.primary_metric': options.objective.primaryMetric,
          },
        }),
      };
    }
    const recorded = SqliteSweepStore.open(store, options.resume);
    const metric = store.run(recorded.sweepRunId).tags['mlsweep.primary_metric'];
    if (metric !== undefined && metric !== options.objective.primaryMetric) {
      throw new ValidationError(
        `sweep ${recorded.sweepRunId} optimised '${metric}', not '${options.objective.primaryMetric}': resume it with the same objective`,
        { path: 'objective.primary_metric' },
      );
    }
    return { store: recorded, resume: recorded.resume(options.objective.primaryMetric) };
  } catch (error) {
    store.close();
    throw error;
  }
}
