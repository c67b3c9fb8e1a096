/**
 * Independent (univariate) Parzen estimators over one coordinate of the unit cube, as
 * Optuna's TPESampler builds them by default (`multivariate=False`): one estimator per
 * parameter, from the trials in which that parameter was active.
 *
 * Numeric coordinate: a mixture of normals truncated to [0, 1], one per observation plus
 * a prior component (centre 0.5, σ 1). Each observation's σ is the larger gap to its
 * neighbours in sorted order (the prior's centre counts as a neighbour; the outermost
 * components use their inner gap only), clipped to [1 / min(100, components + 1), 1]
 * (Optuna's "magic clip"). Component weights, unless given: 1 each for the 25 most
 * recent observations, older ones ramped linearly from 1/n up to 1 (Optuna's
 * default_weights); the prior weighs 1.
 *
 * Categorical coordinate: a categorical distribution with mass 1/K per option from the
 * prior plus each observation's weight on its own option.
 */
import { normalCdf, normalQuantile } from '../../space/normal.ts';
import type { Rng } from '../../space/types.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/** A one-dimensional Parzen estimator that can draw and score values. */
export interface Parzen1D {
  /** A draw: a position in [0, 1), or for a categorical coordinate an option index. */
  sample(rng: Rng): number;
  /** The log density (log probability for a categorical coordinate) at a draw. */
  logDensity(x: number): number;
}

/**
 * Optuna's default component weights for `n` observations in trial order: 1 for the
 * last 25, a linear ramp from 1/n to 1 before them.
 *
 * @example
 * parzenWeights(3); // [1, 1, 1]
 * parzenWeights(30)[0]; // 1/30
 */
export function parzenWeights(n: number): number[] {
  if (n < 25) return new Array<number>(n).fill(1);
  const ramp = n - 25;
  const out: number[] = [];
  for (let i = 0; i < ramp; i++) out.push(ramp === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (ramp - 1));
  for (let i = 0; i < 25; i++) out.push(1);
  return out;
}

/**
 * The numeric estimator of observations `mus` (positions in [0, 1], trial order).
 *
 * @example
 * const l = numericParzen([0.2, 0.25, 0.3]);
 * l.logDensity(0.25) > l.logDensity(0.9); // true
 */
export function numericParzen(mus: readonly number[], observationWeights?: readonly number[]): Parzen1D {
  const n = mus.length;
  const weights = [...(observationWeights ?? parzenWeights(n)), 1];
  const centres = [...mus, 0.5];
  const sigmas = new Array<number>(n + 1).fill(1);
  const order = centres.map((_, i) => i).sort((a, b) => centres[a]! - centres[b]! || a - b);
  const lowest = 1 / Math.min(100, n + 2);
  for (let k = 0; k < order.length; k++) {
    const i = order[k]!;
    if (i === n) continue; // the prior keeps σ = 1
    // The outermost components look only inwards (Optuna's consider_endpoints=False).
    const left = k > 0 ? centres[i]! - centres[order[k - 1]!]! : 0;
    const right = k + 1 < order.length ? centres[order[k + 1]!]! - centres[i]! : 0;
    sigmas[i] = Math.min(1, Math.max(lowest, left, right));
  }
  const total = weights.reduce((a, b) => a + b, 0);
  const logW = weights.map((w) => Math.log(w / total));
  const logMass = centres.map((mu, i) => {
    const s = sigmas[i]!;
    return Math.log(Math.max(normalCdf((1 - mu) / s) - normalCdf((0 - mu) / s), 1e-300));
  });
  return {
    sample(rng) {
      let r = rng() * total;
      let i = 0;
      while (i < n && r >= weights[i]!) r -= weights[i++]!;
      const mu = centres[i]!;
      const s = sigmas[i]!;
      const a = normalCdf((0 - mu) / s);
      const b = normalCdf((1 - mu) / s);
      const p = Math.min(1 - 1e-12, Math.max(1e-12, a + rng() * (b - a)));
      return Math.min(1 - 1e-9, Math.max(1e-9, mu + s * normalQuantile(p)));
    },
    logDensity(x) {
      let max = Number.NEGATIVE_INFINITY;
      const terms = centres.map((mu, i) => {
        const z = (x - mu) / sigmas[i]!;
        const t = logW[i]! - 0.5 * z * z - LOG_SQRT_2PI - Math.log(sigmas[i]!) - logMass[i]!;
        if (t > max) max = t;
        return t;
      });
      let sum = 0;
      for (const t of terms) sum += Math.exp(t - max);
      return max + Math.log(sum);
    },
  };
}

/**
 * The categorical estimator of observed option indices (trial order) over `k` options.
 *
 * @example
 * categoricalParzen([2, 2, 1], 3).logDensity(2) > Math.log(1 / 3); // true
 */
export function categoricalParzen(
  options: readonly number[],
  k: number,
  observationWeights?: readonly number[],
): Parzen1D {
  const weights = observationWeights ?? parzenWeights(options.length);
  const mass = new Array<number>(k).fill(1 / k);
  options.forEach((o, i) => {
    mass[o] = mass[o]! + weights[i]!;
  });
  const total = mass.reduce((a, b) => a + b, 0);
  return {
    sample(rng) {
      let r = rng() * total;
      for (let o = 0; o < k; o++) {
        if (r < mass[o]!) return o;
        r -= mass[o]!;
      }
      return k - 1;
    },
    logDensity(x) {
      return Math.log(mass[x]! / total);
    },
  };
}
