/**
 * What a study is, written once with its record (the tag `mlsweep.study`) so that every
 * process that loads it by name samples from the same space, with the same sampler and
 * seed, toward the same objectives: the store is a study's only state.
 */
import { ValidationError } from '../core/errors.ts';
import { GOALS, isGoal } from '../core/goal.ts';
import type { Objective } from '../core/trial.ts';
import type { PolicySpec } from '../policies/types.ts';
import { freshSeed } from '../samplers/position.ts';
import type { SamplingSpec } from '../samplers/spec.ts';
import type { SearchSpaceDefinition } from '../space/types.ts';

/** A study's definition as recorded. `sampling` is null when the study was created with a sampler object. */
export interface StudyDefinition {
  readonly searchSpace: SearchSpaceDefinition;
  readonly sampling: SamplingSpec | null;
  /** The sampler's name (for a sampler object, its `name`). */
  readonly sampler: string;
  readonly objectives: readonly Objective[];
  /** Names of the constraints, in the order `tell` takes their values. */
  readonly constraints: readonly string[];
  readonly policy?: PolicySpec;
  /** The sweeps or studies (ids, in the same store) whose completed trials the sampler starts from. */
  readonly warmStart?: readonly string[];
}

/** A sampling algorithm by its type alone, or its object form with any of its fields. */
export type SamplingInput =
  | SamplingSpec['type']
  | ({ readonly type: SamplingSpec['type'] } & Readonly<Record<string, unknown>>);

/**
 * The full sampling spec of a study: the short forms completed with their defaults, and a
 * seed always fixed (the given one, or a fresh one recorded) so that every process draws
 * the same sequence.
 *
 * @example
 * studySampling('random', 7); // { type: 'random', seed: 7, rule: 'random' }
 */
export function studySampling(sampling: SamplingInput | undefined, seed: number | undefined): SamplingSpec {
  const s: Record<string, unknown> =
    typeof sampling === 'string' ? { type: sampling } : { ...(sampling ?? { type: 'random' }) };
  if (typeof s['type'] !== 'string') {
    throw new ValidationError(`sampling must name a sampler type, got ${JSON.stringify(sampling)}`, {
      path: 'sampling',
    });
  }
  if (s['type'] === 'grid') return { type: 'grid' };
  s['seed'] = typeof s['seed'] === 'number' ? s['seed'] : (seed ?? freshSeed());
  if (s['type'] === 'random') s['rule'] ??= 'random';
  if (s['type'] === 'bayesian') s['method'] ??= 'auto';
  return s as unknown as SamplingSpec;
}

/**
 * The objectives of a study from `objective` or `objectives` (exactly one of them), each
 * checked: a goal and a metric name, no name twice.
 *
 * @example
 * studyObjectives({ objectives: [{ goal: 'maximize', primaryMetric: 'accuracy' }, { goal: 'minimize', primaryMetric: 'latency' }] });
 */
export function studyObjectives(options: {
  readonly objective?: Objective | undefined;
  readonly objectives?: readonly Objective[] | undefined;
}): Objective[] {
  if (options.objective !== undefined && options.objectives !== undefined) {
    throw new ValidationError('give objective or objectives, not both', { path: 'objectives' });
  }
  const list = options.objectives ?? (options.objective !== undefined ? [options.objective] : []);
  if (list.length === 0) {
    throw new ValidationError('a study needs an objective ({ goal, primaryMetric }) or objectives', {
      path: 'objective',
    });
  }
  const seen = new Set<string>();
  return list.map((o, i) => {
    const path = options.objectives !== undefined ? `objectives[${i}]` : 'objective';
    if (!isGoal(o?.goal)) {
      throw new ValidationError(`${path}.goal must be ${GOALS.join(' or ')}, got ${String(o?.goal)}`, {
        path: `${path}.goal`,
      });
    }
    if (typeof o.primaryMetric !== 'string' || o.primaryMetric === '') {
      throw new ValidationError(
        `${path}.primaryMetric must be a metric name, got ${String(o.primaryMetric)}`,
        {
          path: `${path}.primaryMetric`,
        },
      );
    }
    if (seen.has(o.primaryMetric)) {
      throw new ValidationError(`${path}: the metric '${o.primaryMetric}' is already an objective`, {
        path: `${path}.primaryMetric`,
      });
    }
    seen.add(o.primaryMetric);
    return { goal: o.goal, primaryMetric: o.primaryMetric };
  });
}

/**
 * A recorded definition read back; a ValidationError naming the study when it is not one.
 *
 * @example
 * const definition = parseDefinition(record.tags['mlsweep.study'], 'tuning');
 */
export function parseDefinition(json: string | undefined, study: string): StudyDefinition {
  try {
    const parsed = JSON.parse(json ?? '') as StudyDefinition;
    if (parsed && typeof parsed === 'object' && Array.isArray(parsed.objectives)) return parsed;
  } catch {
    // reported below
  }
  throw new ValidationError(
    `sweep ${study} is not a study (it was not created by Study.create or mlsweep study create)`,
    {
      path: 'study',
      code: 'E_NOT_FOUND',
    },
  );
}
