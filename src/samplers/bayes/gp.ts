/**
 * Gaussian-process regression with the kernel of kernel.ts: the log marginal
 * likelihood with log-normal hyperparameter priors and its analytic gradient, MAP
 * fitting by multi-start L-BFGS, and the posterior at new points.
 */
import type { Rng } from '../../space/types.ts';
import {
  type CholeskyFactor,
  cholesky,
  choleskyInverse,
  choleskySolve,
  logDet,
  solveLower,
} from './cholesky.ts';
import { crossCovariance, type KernelLayout, noiseIndex, signalIndex, trainCovariance } from './kernel.ts';
import { minimize } from './lbfgs.ts';

/** A normal prior on one log hyperparameter, with the box it is optimised in. */
export interface LogPrior {
  readonly mean: number;
  readonly sd: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * The priors on log hyperparameters for inputs in the unit cube and standardized
 * outputs. Numeric length scales: log ℓ ~ N(log(0.5 √D), 1.5²) in [0.025, 100] (a scale
 * below 1/40 of a parameter's range cannot be learnt from a sweep's trials and only
 * competes with the noise to explain scatter), so the typical scale
 * grows with the dimension as distances do (after Hvarfner et al. 2024, less smooth);
 * categorical: N(0, 1.5²); signal variance: N(0, 1); noise variance: N(log 1e-3, 2.5²)
 * in [1e-8, 1], letting deterministic objectives fit nearly exactly and noisy ones not.
 *
 * @example
 * defaultPriors({ dims: 2, categorical: [false, false] }).length; // 4
 */
export function defaultPriors(layout: KernelLayout): LogPrior[] {
  const D = layout.dims;
  const numeric = layout.categorical.filter((c) => !c).length;
  const scaleMean = Math.log(0.5 * Math.sqrt(Math.max(1, numeric)));
  const priors: LogPrior[] = layout.categorical.map((c) =>
    c
      ? { mean: 0, sd: 1.5, lower: Math.log(0.05), upper: Math.log(50) }
      : { mean: scaleMean, sd: 1.5, lower: Math.log(0.025), upper: Math.log(100) },
  );
  priors[D] = { mean: 0, sd: 1, lower: Math.log(0.01), upper: Math.log(100) };
  priors[D + 1] = { mean: Math.log(1e-3), sd: 2.5, lower: Math.log(1e-8), upper: 0 };
  return priors;
}

/** Training data: n points of `layout.dims` columns (row-major) and their targets. */
export interface GpData {
  readonly layout: KernelLayout;
  readonly X: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
  /** How many of the last rows are exact (believed values of running trials, no noise); default 0. */
  readonly exact?: number;
}

/**
 * The negative log posterior of log hyperparameters `theta` (negative log marginal
 * likelihood minus log prior, constants dropped from the prior), and its gradient
 * into `grad` when given: ∂/∂θ_p = −½ tr((ααᵀ − K⁻¹) ∂K/∂θ_p) + prior term.
 *
 * @example
 * const g = new Float64Array(theta.length);
 * const value = negLogPosterior(data, theta, defaultPriors(data.layout), g);
 */
export function negLogPosterior(
  data: GpData,
  theta: ArrayLike<number>,
  priors: readonly LogPrior[] | undefined,
  grad?: Float64Array,
  work: GpWorkspace = gpWorkspace(data),
): number {
  const { layout, X, y, n } = data;
  const P = noiseIndex(layout) + 1;
  const grads = grad ? work.grads : undefined;
  const K = trainCovariance(layout, theta, X, n, grads, work.K);
  let f: CholeskyFactor;
  try {
    f = cholesky(K, n, work.L);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  const alpha = choleskySolve(f, y);
  let value = 0.5 * logDet(f) + 0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value += 0.5 * y[i]! * alpha[i]!;
  if (priors) {
    for (let p = 0; p < P; p++) {
      const z = (theta[p]! - priors[p]!.mean) / priors[p]!.sd;
      value += 0.5 * z * z;
    }
  }
  if (grad && grads) {
    // W = ααᵀ − K⁻¹ and every ∂K are symmetric: the trace is a sum over the lower triangle,
    // off-diagonal terms counted twice.
    const W = choleskyInverse(f, work.T, work.W);
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      const ai = alpha[i]!;
      for (let k = 0; k < i; k++) W[ri + k] = 2 * (ai * alpha[k]! - W[ri + k]!);
      W[ri + i] = ai * ai - W[ri + i]!;
    }
    for (let p = 0; p < P; p++) {
      const dK = grads[p]!;
      let tr = 0;
      for (let i = 0; i < n; i++) {
        const ri = i * n;
        for (let k = 0; k <= i; k++) tr += W[ri + k]! * dK[ri + k]!;
      }
      grad[p] = -0.5 * tr;
      if (priors) grad[p] = grad[p]! + (theta[p]! - priors[p]!.mean) / (priors[p]!.sd * priors[p]!.sd);
    }
  }
  return value;
}

/** Buffers that repeated `negLogPosterior` calls on the same data reuse (n x n each). */
export interface GpWorkspace {
  readonly grads: Float64Array[];
  readonly K: Float64Array;
  readonly L: Float64Array;
  readonly T: Float64Array;
  readonly W: Float64Array;
}

/**
 * Fresh buffers for `negLogPosterior` on `data`.
 *
 * @example
 * const work = gpWorkspace(data); // then negLogPosterior(data, theta, priors, grad, work) in a loop
 */
export function gpWorkspace(data: GpData): GpWorkspace {
  const size = data.n * data.n;
  const P = noiseIndex(data.layout) + 1;
  return {
    grads: Array.from({ length: P }, () => new Float64Array(size)),
    K: new Float64Array(size),
    L: new Float64Array(size),
    T: new Float64Array(size),
    W: new Float64Array(size),
  };
}

/** Options of `fitHyperparameters`. */
export interface FitOptions {
  readonly priors?: readonly LogPrior[];
  /** Random starting points screened by their objective value (default 12). */
  readonly rawStarts?: number;
  /** How many of the best starts L-BFGS refines (default 2). */
  readonly starts?: number;
  /** L-BFGS iteration cap per start (default 50). */
  readonly maxIterations?: number;
  /** Extra starting points (e.g. the previous fit's optimum), screened with the others. */
  readonly warmStarts?: readonly Float64Array[];
}

/**
 * MAP hyperparameters by multi-start L-BFGS: the prior mode (also with noise variances
 * 0.01 and 0.1), `rawStarts` draws from the priors and any warm starts are screened by the objective (one Cholesky each),
 * and the best `starts` are refined; the best result wins.
 *
 * @example
 * const theta = fitHyperparameters(data, rng);
 */
export function fitHyperparameters(data: GpData, rng: Rng, options: FitOptions = {}): Float64Array {
  const priors = options.priors ?? defaultPriors(data.layout);
  const P = priors.length;
  const lower = priors.map((p) => p.lower);
  const upper = priors.map((p) => p.upper);
  const mode = Float64Array.from(priors, (p) => p.mean);
  const candidates: Float64Array[] = [mode, ...(options.warmStarts ?? [])];
  // The prior mode at higher noise levels too: a noisy objective's best fit is often in
  // another basin than the interpolating one that the mode's small noise leads into.
  for (const noise of [1e-2, 1e-1]) {
    const start = Float64Array.from(mode);
    start[P - 1] = Math.log(noise);
    candidates.push(start);
  }
  const raw = options.rawStarts ?? 12;
  for (let s = 0; s < raw; s++) {
    candidates.push(
      Float64Array.from(priors, (p) => Math.min(p.upper, Math.max(p.lower, p.mean + p.sd * gaussian(rng)))),
    );
  }
  const work = gpWorkspace(data);
  const scored = candidates
    .map((theta) => ({ theta, value: negLogPosterior(data, theta, priors, undefined, work) }))
    .sort((a, b) => a.value - b.value);
  let best = scored[0]!;
  const objective = (theta: Float64Array, grad: Float64Array) =>
    negLogPosterior(data, theta, priors, grad, work);
  for (const start of scored.slice(0, options.starts ?? 2)) {
    const r = minimize(objective, start.theta, { lower, upper, maxIterations: options.maxIterations ?? 50 });
    if (r.value < best.value) best = { theta: r.x, value: r.value };
  }
  return best.theta;
}

/**
 * A standard normal draw from a uniform source (Box–Muller).
 *
 * @example
 * gaussian(seedrandom('x')); // e.g. -0.41
 */
export function gaussian(rng: Rng): number {
  const u = Math.max(rng(), 1e-300);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * A GP conditioned on data with fixed hyperparameters: the posterior mean and variance
 * of the latent function (noise excluded) at any points.
 *
 * @example
 * const gp = new GaussianProcess(data, theta);
 * const { mean, variance } = gp.predict(Z, m);
 */
export class GaussianProcess {
  readonly data: GpData;
  readonly theta: Float64Array;
  private readonly factor: CholeskyFactor;
  private readonly alpha: Float64Array;
  private readonly signal: number;

  constructor(data: GpData, theta: ArrayLike<number>) {
    this.data = data;
    this.theta = Float64Array.from(theta);
    const K = trainCovariance(data.layout, this.theta, data.X, data.n);
    const noise = Math.exp(this.theta[noiseIndex(data.layout)]!);
    for (let i = data.n - (data.exact ?? 0); i < data.n; i++)
      K[i * data.n + i] = K[i * data.n + i]! - noise * (1 - 1e-6);
    this.factor = cholesky(K, data.n);
    this.alpha = choleskySolve(this.factor, data.y);
    this.signal = Math.exp(this.theta[signalIndex(data.layout)]!);
  }

  /**
   * Posterior mean and latent variance at m points (row-major). Points go in chunks of
   * 64 (a small cross-covariance buffer) and the triangular solves four at a time, so
   * each row of L is read once per four points.
   */
  predict(Z: Float64Array, m: number): { mean: Float64Array; variance: Float64Array } {
    const n = this.data.n;
    const D = this.data.layout.dims;
    const L = this.factor.L;
    const alpha = this.alpha;
    const mean = new Float64Array(m);
    const variance = new Float64Array(m);
    const CHUNK = 64;
    const Ks = new Float64Array(CHUNK * n);
    for (let c0 = 0; c0 < m; c0 += CHUNK) {
      const cm = Math.min(CHUNK, m - c0);
      crossCovariance(
        this.data.layout,
        this.theta,
        Z.subarray(c0 * D, (c0 + cm) * D),
        cm,
        this.data.X,
        n,
        Ks,
      );
      for (let i = 0; i < cm; i++) {
        let mu = 0;
        for (let k = 0; k < n; k++) mu += Ks[i * n + k]! * alpha[k]!;
        mean[c0 + i] = mu;
      }
      let i = 0;
      for (; i + 4 <= cm; i += 4) {
        const o0 = i * n;
        const o1 = o0 + n;
        const o2 = o1 + n;
        const o3 = o2 + n;
        for (let r = 0; r < n; r++) {
          const rr = r * n;
          let s0 = Ks[o0 + r]!;
          let s1 = Ks[o1 + r]!;
          let s2 = Ks[o2 + r]!;
          let s3 = Ks[o3 + r]!;
          for (let k = 0; k < r; k++) {
            const l = L[rr + k]!;
            s0 -= l * Ks[o0 + k]!;
            s1 -= l * Ks[o1 + k]!;
            s2 -= l * Ks[o2 + k]!;
            s3 -= l * Ks[o3 + k]!;
          }
          const d = L[rr + r]!;
          Ks[o0 + r] = s0 / d;
          Ks[o1 + r] = s1 / d;
          Ks[o2 + r] = s2 / d;
          Ks[o3 + r] = s3 / d;
        }
      }
      for (; i < cm; i++) solveLower(this.factor, Ks.subarray(i * n, (i + 1) * n));
      for (let j = 0; j < cm; j++) {
        let q = 0;
        for (let k = 0; k < n; k++) q += Ks[j * n + k]! * Ks[j * n + k]!;
        variance[c0 + j] = Math.max(this.signal - q, 1e-12 * this.signal);
      }
    }
    return { mean, variance };
  }
}
