/**
 * The multivariate tree-structured Parzen estimator (Bergstra et al. 2011; Falkner et
 * al. 2018 for the joint kernel), working in the unit cube of `fromUnit` coordinates.
 *
 * Trials are ranked (observations.ts: completed by loss, then early-terminated, then
 * failed); the best γ(n) = min(⌈0.1 n⌉, 25) form the "good" set, the rest plus the
 * running trials (a constant liar: running counts as bad, so concurrent suggestions
 * move away from each other) the "bad" set. Each set gives a mixture density: one
 * component per trial plus one prior component. A component is a product over the
 * coordinates that are active in the point evaluated: a truncated normal on [0, 1]
 * around the trial's coordinate (bandwidth 0.2·m^(−1/(d+4)) for m trials, Scott's rule,
 * but at least 1/(m + 2), as Optuna's multivariate TPE), or for a choice a distribution that puts extra mass on the trial's
 * option; a coordinate that was inactive in the trial (another branch of a conditional
 * choice) falls back to the prior there, so every component is a proper density over
 * the tree-shaped space. 24 candidates are drawn from the good mixture (component
 * first, then coordinates top-down, descending only into the chosen branches) and the
 * one with the largest log l(x) − log g(x) wins.
 */
import type { ParamSet } from '../../core/trial.ts';
import { normalCdf, normalQuantile } from '../../space/normal.ts';
import type { Rng, SearchSpace } from '../../space/types.ts';
import type { Suggestion, TrialHistory } from '../types.ts';
import { paramsKey, triedKeys, unitOf } from './encode.ts';
import { ModelSampler } from './model-sampler.ts';
import { type Observation, rankForTpe } from './observations.ts';

/** Options of the TPE sampler. */
export interface TPESamplerOptions {
  /** The root of every random choice; a fresh one (kept in `sampler.seed`) when absent. */
  readonly seed?: number | undefined;
  /** Initial Sobol trials; default `tpeStartupSize(space.dimensions)`. */
  readonly initialTrials?: number;
  /** Candidates drawn from the good density per suggestion (default 24). */
  readonly candidates?: number;
}

/** One mixture component: a trial's coordinates (NaN where inactive), or the prior (all NaN). */
type Component = Float64Array;

interface Mixture {
  readonly components: Component[];
  /** Bandwidth of numeric kernels in this mixture. */
  readonly sigma: number;
  /** Extra mass a categorical kernel puts on its own option, relative to each option's share. */
  readonly catBoost: number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * γ(n): how many of n ranked trials form the good set.
 *
 * @example
 * goodCount(30); // 3
 */
export function goodCount(n: number): number {
  return Math.max(1, Math.min(Math.ceil(0.1 * n), 25));
}

/**
 * The number of initial Sobol trials before TPE models: min(20, max(10, d)) for d
 * unit-cube dimensions. TPE fits no per-dimension length scales, so it needs fewer
 * points than the GP in small spaces (10 is Optuna's default startup); large spaces get
 * one per dimension.
 *
 * @example
 * tpeStartupSize(4); // 10
 * tpeStartupSize(15); // 15
 */
export function tpeStartupSize(dimensions: number): number {
  return Math.min(20, Math.max(10, dimensions));
}

/**
 * Multivariate TPE with conditional spaces (module comment for the method).
 *
 * @example
 * const sampler = new TPESampler(space, { seed: 3 });
 * sampler.suggest(history);
 */
export class TPESampler extends ModelSampler<Observation> {
  private readonly nCandidates: number;

  constructor(space: SearchSpace, options: TPESamplerOptions = {}) {
    super(space, options.seed, options.initialTrials ?? tpeStartupSize(space.dimensions), 'tpe');
    this.nCandidates = options.candidates ?? 24;
  }

  protected usable(observed: Observation[]): Observation[] {
    return rankForTpe(observed);
  }

  protected suggestFromModel(history: TrialHistory, ranked: Observation[], rng: Rng): Suggestion {
    const nGood = goodCount(ranked.length);
    const good = ranked.slice(0, nGood).map((o) => this.component(o.params));
    const bad = [...ranked.slice(nGood).map((o) => o.params), ...history.pending.map((p) => p.params)].map(
      (p) => this.component(p),
    );
    const l = this.mixture(good);
    const g = this.mixture(bad);
    const seen = triedKeys(history);
    let bestParams: ParamSet | undefined;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < this.nCandidates * 4 && (c < this.nCandidates || bestParams === undefined); c++) {
      const u = this.draw(l, rng);
      const params = this.space.fromUnit(u);
      if (seen.has(paramsKey(params))) continue;
      const point = this.component(params);
      const score = this.logDensity(l, point) - this.logDensity(g, point);
      if (score > bestScore) {
        bestScore = score;
        bestParams = params;
      }
    }
    return { params: bestParams ?? this.space.sample(rng) };
  }

  /** A parameter set's coordinates: u of each active numeric coordinate, option index of each choice, NaN if inactive. */
  private component(params: ParamSet): Component {
    const out = new Float64Array(this.coords.length).fill(Number.NaN);
    this.coords.forEach((c, j) => {
      const v = params[c.path];
      if (v === undefined) return;
      const u = unitOf(c.distribution, v);
      out[j] = c.categories > 0 ? Math.min(c.categories - 1, Math.floor(u * c.categories)) : u;
    });
    return out;
  }

  private mixture(trials: Component[]): Mixture {
    const m = Math.max(1, trials.length);
    const d = Math.max(1, this.coords.length);
    // Scott's rule, clipped below at 1/(components) of the range (Optuna's "magic clip").
    const sigma = Math.min(1, Math.max(0.2 * m ** (-1 / (d + 4)), 1 / Math.min(100, trials.length + 2)));
    return {
      components: [...trials, new Float64Array(this.coords.length).fill(Number.NaN)],
      sigma,
      catBoost: m + 1,
    };
  }

  /** Draws a unit-cube point from a mixture, descending only into chosen branches. */
  private draw(mix: Mixture, rng: Rng): Float64Array {
    const comp = mix.components[Math.floor(rng() * mix.components.length)]!;
    const u = new Float64Array(this.space.dimensions).fill(0.5);
    const chosen = new Map<string, number>();
    this.coords.forEach((c, j) => {
      if (c.condition !== undefined && chosen.get(c.condition.path) !== c.condition.option) return;
      const center = comp[j]!;
      if (c.categories > 0) {
        let option: number;
        if (Number.isNaN(center) || rng() >= mix.catBoost / (mix.catBoost + 1)) {
          option = Math.floor(rng() * c.categories);
        } else {
          option = center;
        }
        chosen.set(c.path, option);
        u[c.dimension] = (option + 0.5) / c.categories;
      } else {
        u[c.dimension] = Number.isNaN(center) ? rng() : truncatedNormal(center, mix.sigma, rng);
      }
    });
    return u;
  }

  /** log of the mixture density at a point's active coordinates. */
  private logDensity(mix: Mixture, point: Component): number {
    const logs = mix.components.map((comp) => {
      let s = 0;
      this.coords.forEach((c, j) => {
        const x = point[j]!;
        const center = comp[j]!;
        if (Number.isNaN(x) || Number.isNaN(center)) return;
        if (c.categories > 0) {
          // Kernel: own option with probability catBoost/(catBoost+1) + its share of the uniform rest.
          const w = mix.catBoost / (mix.catBoost + 1);
          s += Math.log((x === center ? w : 0) + (1 - w) / c.categories) + Math.log(c.categories);
        } else {
          s += logTruncatedNormal(x, center, mix.sigma);
        }
      });
      return s;
    });
    let max = Number.NEGATIVE_INFINITY;
    for (const v of logs) max = Math.max(max, v);
    let sum = 0;
    for (const v of logs) sum += Math.exp(v - max);
    return max + Math.log(sum / logs.length);
  }
}

function truncatedNormal(mu: number, sigma: number, rng: Rng): number {
  const a = normalCdf((0 - mu) / sigma);
  const b = normalCdf((1 - mu) / sigma);
  const p = Math.min(1 - 1e-12, Math.max(1e-12, a + rng() * (b - a)));
  return Math.min(1 - 1e-9, Math.max(1e-9, mu + sigma * normalQuantile(p)));
}

function logTruncatedNormal(x: number, mu: number, sigma: number): number {
  const z = (x - mu) / sigma;
  const mass = normalCdf((1 - mu) / sigma) - normalCdf((0 - mu) / sigma);
  return -0.5 * z * z - LOG_SQRT_2PI - Math.log(sigma) - Math.log(Math.max(mass, 1e-300));
}
