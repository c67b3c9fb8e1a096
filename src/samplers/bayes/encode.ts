/**
 * How the Bayesian samplers see a search space: one coordinate per distribution (of
 * every branch), either numeric or categorical, and the maps between a parameter value,
 * its position `u` in the unit interval (the distribution's CDF, which `fromUnit`
 * inverts) and the GP's input feature.
 *
 * GP features live in each distribution's natural space: `uniform`, `quniform` and
 * `randint` linearly in [0, 1], `loguniform`/`qloguniform` linearly in log space (also
 * [0, 1], as their bounds are given in log space), `normal`/`qnormal` linearly in the
 * value and `lognormal`/`qlognormal` in its log, standardized as 0.5 + z/6 (so ±3σ
 * spans the unit interval). Integer and q-parameters enter as their rounded values.
 */
import type { ParamSet, ParamValue } from '../../core/trial.ts';
import { Choice } from '../../space/choice.ts';
import { Normal, RandInt, Uniform } from '../../space/distributions.ts';
import type { Distribution, SearchSpace } from '../../space/types.ts';
import type { TrialHistory } from '../types.ts';

/** One coordinate of the space as the models see it. */
export interface Coordinate {
  readonly path: string;
  /** The unit-cube index `fromUnit` reads. */
  readonly dimension: number;
  readonly distribution: Distribution;
  /** Number of options of a `choice`; 0 for a numeric coordinate. */
  readonly categories: number;
  /** The conditional choice and option this coordinate depends on. */
  readonly condition: { readonly path: string; readonly option: number } | undefined;
}

/**
 * The coordinates of a space, in `fromUnit` dimension order.
 *
 * @example
 * coordinates(space).map((c) => c.path); // ['lr', 'model', 'model.depth']
 */
export function coordinates(space: SearchSpace): Coordinate[] {
  const out: Coordinate[] = [];
  for (const p of space.parameters) {
    if (p.distribution === undefined || p.dimension < 0) continue;
    const d = p.distribution;
    out.push({
      path: p.path,
      dimension: p.dimension,
      distribution: d,
      categories: d instanceof Choice ? d.options.length : 0,
      condition: p.condition,
    });
  }
  return out.sort((a, b) => a.dimension - b.dimension);
}

/**
 * Whether some choice of the space branches into sub-spaces.
 *
 * @example
 * isConditional(searchSpace({ m: choice([{ a: uniform(0, 1) }, { b: randint(3) }]) })); // true
 */
export function isConditional(space: SearchSpace): boolean {
  return space.parameters.some((p) => p.condition !== undefined);
}

/**
 * The option index of a choice value, or the position u in [0, 1] of a numeric value
 * (the centre of its cell for `randint` and `choice`).
 *
 * @example
 * unitOf(new RandInt(4), 1); // 0.375
 */
export function unitOf(d: Distribution, value: ParamValue): number {
  if (d instanceof Choice) return (Math.max(0, d.indexOf(value)) + 0.5) / d.options.length;
  const v = Number(value);
  if (d instanceof RandInt) return (v + 0.5) / d.upper;
  if (d instanceof Uniform || d instanceof Normal) return Math.min(1 - 1e-12, Math.max(1e-12, d.cdf(v)));
  return 0.5;
}

/**
 * The GP feature of a value: an option index for a choice, else the natural-space
 * coordinate described in the module comment.
 *
 * @example
 * featureOf(new Uniform('loguniform', -9, -2), Math.exp(-5.5)); // 0.5
 */
export function featureOf(d: Distribution, value: ParamValue): number {
  if (d instanceof Choice) return Math.max(0, d.indexOf(value));
  if (d instanceof Normal) {
    const v = Number(value);
    const x = d.log ? Math.log(Math.max(v, 1e-300)) : v;
    const z = Math.min(8, Math.max(-8, (x - d.mu) / d.sigma));
    return 0.5 + z / 6;
  }
  return unitOf(d, value);
}

/**
 * The unit-cube point of a parameter set: each active coordinate's `unitOf`, inactive
 * ones at 0.5. `space.fromUnit` of the result gives the set back.
 *
 * @example
 * space.fromUnit(unitPoint(coords, params)); // equal to params
 */
export function unitPoint(coords: readonly Coordinate[], params: ParamSet, dimensions: number): Float64Array {
  const u = new Float64Array(dimensions).fill(0.5);
  for (const c of coords) {
    const v = params[c.path];
    if (v !== undefined) u[c.dimension] = unitOf(c.distribution, v);
  }
  return u;
}

/**
 * A canonical string for a parameter set, to recognise repeats.
 *
 * @example
 * paramsKey({ b: 1, a: 2 }) === paramsKey({ a: 2, b: 1 }); // true
 */
export function paramsKey(params: ParamSet): string {
  return JSON.stringify(
    Object.keys(params)
      .sort()
      .map((k) => [k, params[k]]),
  );
}

/**
 * The keys of every parameter set already tried or running, so a sampler does not
 * suggest one again.
 *
 * @example
 * if (triedKeys(history).has(paramsKey(params))) pickAnother();
 */
export function triedKeys(history: TrialHistory): Set<string> {
  const seen = new Set<string>();
  for (const t of history.trials) seen.add(paramsKey(t.params));
  for (const t of history.pending) seen.add(paramsKey(t.params));
  return seen;
}
