import { ValidationError } from '../core/errors.ts';
import type { Objective } from '../core/trial.ts';
import type { SweepResume } from '../sweep/types.ts';
import { SqliteStore } from './sqlite-store.ts';
import {
  canonicalJson,
  identityDifferences,
  identityHash,
  SPEC_HASH_TAG,
  SPEC_TAG,
  type SweepIdentity,
} from './sweep-identity.ts';
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
  /**
   * What the sweep is (see `SweepIdentity`): recorded with a new sweep; with `resume`,
   * checked against the recorded one, and a difference is a ValidationError.
   */
  readonly identity?: SweepIdentity;
  /** Told what the caller should know but need not stop for (a sweep recorded without its identity). */
  readonly onNotice?: (message: string) => void;
}

/** What `sweep()` needs to write durably, or to continue: spread it into the sweep's options. */
export interface TrackedSweep {
  readonly store: SqliteSweepStore;
  readonly resume?: SweepResume;
}

/**
 * Opens the SQLite store for a sweep: a new sweep run, or, with `resume`, the recorded
 * sweep prepared to continue (interrupted trials marked failed and queued for one retry).
 * With `identity`, a resume is refused (ValidationError) when the sweep was recorded with
 * another identity. Close `tracked.store.store` when the sweep is done.
 *
 * @example
 * const identity = { objective: { goal: 'maximize', primary_metric: 'score' }, space: 'x in [0, 1]' };
 * const tracked = trackSweep({ objective, experiment: 'iris', identity });
 * const result = await sweep({ ...options, ...tracked });
 * // later, after a crash:
 * await sweep({ ...options, ...trackSweep({ objective, identity, resume: tracked.store.sweepRunId }) });
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
            ...identityTags(options.identity),
          },
        }),
      };
    }
    const recorded = SqliteSweepStore.open(store, options.resume);
    const unchecked = options.identity !== undefined && !checkIdentity(recorded, options.identity);
    const metric = store.run(recorded.sweepRunId).tags['mlsweep.primary_metric'];
    if (metric !== undefined && metric !== options.objective.primaryMetric) {
      throw new ValidationError(
        `sweep ${recorded.sweepRunId} optimised '${metric}', not '${options.objective.primaryMetric}': resume it with the same objective`,
        { path: 'objective.primary_metric' },
      );
    }
    if (unchecked) {
      options.onNotice?.(
        `sweep ${recorded.sweepRunId} was recorded without its definition, so this one (search space, objective, sampling, early termination, command) could not be checked against it; it is recorded now`,
      );
      store.setTags(recorded.sweepRunId, identityTags(options.identity));
    }
    return { store: recorded, resume: recorded.resume(options.objective.primaryMetric) };
  } catch (error) {
    store.close();
    throw error;
  }
}

function identityTags(identity: SweepIdentity | undefined): Record<string, string> {
  return identity === undefined
    ? {}
    : { [SPEC_TAG]: canonicalJson(identity), [SPEC_HASH_TAG]: identityHash(identity) };
}

/**
 * Refuses to resume a sweep with another definition than the one it was recorded with,
 * naming each difference. True when they agree, false when the sweep was recorded
 * before definitions were kept (nothing to check against).
 */
function checkIdentity(recorded: SqliteSweepStore, identity: SweepIdentity): boolean {
  const id = recorded.sweepRunId;
  const tags = recorded.store.run(id).tags;
  const storedHash = tags[SPEC_HASH_TAG];
  if (storedHash === undefined) return false;
  if (storedHash === identityHash(identity)) return true;
  let differences: string[];
  try {
    differences = identityDifferences(JSON.parse(tags[SPEC_TAG] ?? ''), identity);
  } catch {
    differences = [];
  }
  if (differences.length === 0)
    differences = [`definition hash: stored ${storedHash}, file ${identityHash(identity)}`];
  const shown =
    differences.slice(0, 5).join('; ') +
    (differences.length > 5 ? `; and ${differences.length - 5} more` : '');
  throw new ValidationError(
    `sweep ${id} was recorded with another definition, resume it with the one it started with: ${shown}`,
    { path: 'resume', code: 'E_RESUME_MISMATCH' },
  );
}
