import { ValidationError } from '../core/errors.ts';
import type { Objective } from '../core/trial.ts';
import { openSweepLocation } from '../store/open-location.ts';
import type { SweepRecord } from '../store/records.ts';
import {
  canonicalJson,
  identityDifferences,
  identityHash,
  type SweepIdentity,
} from '../store/sweep-identity.ts';
import type { SweepLocation, SweepStore } from '../store/sweep-store.ts';
import { CONSTRAINTS_TAG, SPEC_HASH_TAG, SPEC_TAG, WARM_START_TAG } from '../store/tags.ts';
import { sweepResume } from './recorded.ts';
import type { SweepResume } from './types.ts';

/** Where a sweep is recorded, and whether it continues an earlier one. */
export interface TrackSweepOptions {
  /** The (first) objective. */
  readonly objective: Objective;
  /** Multi-objective sweeps: every objective, the first being `objective` (recorded as `mlsweep.objectives`). */
  readonly objectives?: readonly Objective[];
  /** Constrained sweeps: the constraints as written (recorded as `mlsweep.constraints`). */
  readonly constraints?: readonly string[];
  /** The sweeps a new sweep warm starts from (recorded as `mlsweep.warm_start`). */
  readonly warmStart?: readonly string[];
  /** The store location (default: $MLSWEEP_STORE or ./mlruns), as `openSweepLocation` takes it. */
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

/**
 * What `sweep()` needs to write durably, or to continue: spread it into the sweep's
 * options (`store`, `resume`; the engine ignores the rest), and close it once the sweep is done.
 */
export interface TrackedSweep {
  readonly store: SweepStore;
  readonly resume?: SweepResume;
  /** Where the sweep is recorded, for messages (the database file). */
  readonly where: string;
  /** Frees the store's connection; the record stays. */
  close(): Promise<void>;
}

/**
 * Opens the store for a sweep: a new sweep, or, with `resume`, the recorded sweep
 * prepared to continue (interrupted trials marked failed and queued for one retry). With
 * `identity`, a resume is refused (ValidationError) when the sweep was recorded with
 * another identity, or another primary metric. Uses only the SweepStore interface: the
 * location decides the implementation (openSweepLocation).
 *
 * @example
 * const identity = { objective: { goal: 'maximize', primary_metric: 'score' }, space: 'x in [0, 1]' };
 * const tracked = await trackSweep({ objective, experiment: 'iris', identity });
 * const result = await sweep({ ...options, ...tracked });
 * await tracked.close();
 * // later, after a crash:
 * const resumed = await trackSweep({ objective, identity, resume: tracked.store.sweepId });
 * await sweep({ ...options, ...resumed });
 */
export async function trackSweep(options: TrackSweepOptions): Promise<TrackedSweep> {
  const location = openSweepLocation(options.dir, { create: options.resume === undefined });
  try {
    if (options.resume === undefined) {
      const store = await location.create({
        objective: options.objective,
        ...(options.objectives !== undefined && options.objectives.length > 1
          ? { objectives: options.objectives }
          : {}),
        ...(options.experiment !== undefined ? { experiment: options.experiment } : {}),
        ...(options.name !== undefined ? { name: options.name } : {}),
        tags: {
          ...options.tags,
          ...identityTags(options.identity),
          ...(options.constraints !== undefined && options.constraints.length > 0
            ? { [CONSTRAINTS_TAG]: JSON.stringify(options.constraints) }
            : {}),
          ...(options.warmStart !== undefined && options.warmStart.length > 0
            ? { [WARM_START_TAG]: JSON.stringify(options.warmStart) }
            : {}),
        },
      });
      return tracked(location, store);
    }
    const store = await location.open(options.resume);
    const record = await store.sweep();
    const unchecked = options.identity !== undefined && !checkIdentity(record, options.identity);
    const metric = record.objective?.primaryMetric;
    if (metric !== undefined && metric !== options.objective.primaryMetric) {
      throw new ValidationError(
        `sweep ${record.sweepId} optimised '${metric}', not '${options.objective.primaryMetric}': resume it with the same objective`,
        { path: 'objective.primary_metric' },
      );
    }
    if (unchecked) {
      options.onNotice?.(
        `sweep ${record.sweepId} was recorded without its definition, so this one (search space, objective, sampling, early termination, command) could not be checked against it; it is recorded now`,
      );
      await store.setTags(identityTags(options.identity));
    }
    const resume = sweepResume(await store.resume(), options.objective.primaryMetric);
    return { ...tracked(location, store), resume };
  } catch (error) {
    await location.close();
    throw error;
  }
}

function tracked(location: SweepLocation, store: SweepStore): TrackedSweep {
  return { store, where: location.where, close: async () => location.close() };
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
function checkIdentity(recorded: SweepRecord, identity: SweepIdentity): boolean {
  const storedHash = recorded.tags[SPEC_HASH_TAG];
  if (storedHash === undefined) return false;
  if (storedHash === identityHash(identity)) return true;
  let differences: string[];
  try {
    differences = identityDifferences(JSON.parse(recorded.tags[SPEC_TAG] ?? ''), identity);
  } catch {
    differences = [];
  }
  if (differences.length === 0)
    differences = [`definition hash: stored ${storedHash}, file ${identityHash(identity)}`];
  const shown =
    differences.slice(0, 5).join('; ') +
    (differences.length > 5 ? `; and ${differences.length - 5} more` : '');
  throw new ValidationError(
    `sweep ${recorded.sweepId} was recorded with another definition, resume it with the one it started with: ${shown}`,
    { path: 'resume', code: 'E_RESUME_MISMATCH' },
  );
}
