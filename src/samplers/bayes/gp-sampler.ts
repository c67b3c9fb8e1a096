/**
 * The Gaussian-process sampler: a Sobol initial design (`initialDesignSize`), then each
 * suggestion maximises log expected improvement under a GP fitted to every ended trial
 * (see observations.ts for how early-terminated and failed trials enter).
 *
 * - Inputs: one column per coordinate in its natural space (encode.ts); `choice` as an
 *   option index under a Hamming kernel. In a conditional space an inactive numeric
 *   coordinate sits at 0.5 and an inactive choice takes an extra "absent" option.
 * - Outputs: standardized and power-transformed (warp.ts).
 * - Hyperparameters: MAP under log-normal priors, multi-start L-BFGS (gp.ts), fitted on
 *   at most 120 trials (the 40 best and an even spread of the rest) so that the cost
 *   stays flat as the sweep grows; the posterior always uses every trial. The previous
 *   suggestion's optimum is one of the starts (and then only 4 random starts are
 *   screened, none beyond 60 trials, where the data change little between
 *   suggestions), which is what keeps a suggestion cheap in a running sweep. So a sampler
 *   rebuilt in mid-sweep can differ from an uninterrupted one; the same seed and the
 *   same sequence of histories still give the same suggestions.
 * - Running trials: kriging believer. Each pending trial joins the data at the
 *   posterior mean there, without noise (and counts for the incumbent), which collapses
 *   the variance and the expected improvement around it, so concurrent suggestions
 *   spread out instead of piling up.
 * - Acquisition search in the unit cube (`fromUnit` coordinates): scrambled Sobol
 *   candidates plus Gaussian perturbations of the best trials, then a shrinking-step
 *   local search from the five best candidates. Every candidate is mapped through
 *   `fromUnit` and back to features before it is scored, so integer and q-parameters
 *   are scored at exactly the rounded values a trial would receive.
 */
import type { ParamSet } from '../../core/trial.ts';
import type { Rng, SearchSpace } from '../../space/types.ts';
import type { Suggestion, TrialHistory } from '../types.ts';
import { logExpectedImprovement } from './acquisition.ts';
import { sobolPoints } from './design.ts';
import { featureOf, paramsKey, triedKeys, unitPoint } from './encode.ts';
import { fitHyperparameters, GaussianProcess, type GpData, gaussian } from './gp.ts';
import type { KernelLayout } from './kernel.ts';
import { ModelSampler } from './model-sampler.ts';
import { type GpTarget, gpTargets, initialDesignSize, type Observation } from './observations.ts';
import { warpTargets } from './warp.ts';

/** Options of the GP sampler. */
export interface GpSamplerOptions {
  /** The root of every random choice; a fresh one (kept in `sampler.seed`) when absent. */
  readonly seed?: number | undefined;
  /** Initial Sobol trials; default `initialDesignSize(space.dimensions)`. */
  readonly initialTrials?: number;
}

/** Trials used to fit hyperparameters at most. */
const FIT_SUBSET = 120;
/** Of which the best. */
const FIT_BEST = 40;
/** Candidates refined by local search. */
const REFINE_STARTS = 5;

/**
 * The GP-based Bayesian sampler (module comment for the method).
 *
 * @example
 * const sampler = new GpSampler(space, { seed: 1 });
 * const s = sampler.suggest(history);
 */
export class GpSampler extends ModelSampler<GpTarget> {
  private readonly layout: KernelLayout;
  private lastTheta: Float64Array | undefined;

  constructor(space: SearchSpace, options: GpSamplerOptions = {}) {
    super(space, options.seed, options.initialTrials ?? initialDesignSize(space.dimensions), 'gp');
    this.layout = { dims: this.coords.length, categorical: this.coords.map((c) => c.categories > 0) };
  }

  protected usable(observed: Observation[]): GpTarget[] {
    return gpTargets(observed);
  }

  protected suggestFromModel(
    history: TrialHistory,
    targets: GpTarget[],
    rng: Rng,
    position: number,
  ): Suggestion {
    const n = targets.length;
    const D = this.layout.dims;
    const X = new Float64Array(n * D);
    for (const [i, t] of targets.entries()) this.features(t.params, X, i);
    const y = warpTargets(Float64Array.from(targets, (t) => t.loss));
    const data: GpData = { layout: this.layout, X, y, n };
    const warm = this.lastTheta;
    const theta = fitHyperparameters(this.fitSubset(data, rng), rng, {
      starts: n > 60 ? 1 : 2,
      rawStarts: warm ? (n > 60 ? 0 : 4) : n > 60 ? 6 : 12,
      warmStarts: warm ? [warm] : [],
    });
    this.lastTheta = theta;
    const gp = new GaussianProcess(this.withPending(data, theta, history), theta);
    // The incumbent includes the believed values of running trials: were a running trial
    // predicted to improve, its neighbourhood must not keep promising that improvement.
    let best = Number.POSITIVE_INFINITY;
    for (const v of gp.data.y) best = Math.min(best, v);

    const seen = triedKeys(history);
    const ranked = this.searchAcquisition(gp, best, targets, rng, position);
    for (const params of ranked) if (!seen.has(paramsKey(params))) return { params };
    // A finite space whose promising points have all been tried: any untried point will do.
    for (let attempt = 0; attempt < 64; attempt++) {
      const params = this.space.sample(rng);
      if (!seen.has(paramsKey(params))) return { params };
    }
    return { params: this.space.sample(rng) };
  }

  /** Writes the feature row of a parameter set into X at row i. */
  private features(params: ParamSet, X: Float64Array, row: number): void {
    const D = this.layout.dims;
    this.coords.forEach((c, j) => {
      const v = params[c.path];
      X[row * D + j] =
        v === undefined ? (c.categories > 0 ? c.categories : 0.5) : featureOf(c.distribution, v);
    });
  }

  private fitSubset(data: GpData, rng: Rng): GpData {
    if (data.n <= FIT_SUBSET) return data;
    const order = Array.from({ length: data.n }, (_, i) => i).sort((a, b) => data.y[a]! - data.y[b]!);
    const rest = order.slice(FIT_BEST);
    const keep = order.slice(0, FIT_BEST);
    const stride = rest.length / (FIT_SUBSET - FIT_BEST);
    const offset = rng() * stride;
    for (let k = 0; k < FIT_SUBSET - FIT_BEST; k++) keep.push(rest[Math.floor(offset + k * stride)]!);
    const D = data.layout.dims;
    const X = new Float64Array(keep.length * D);
    for (const [r, i] of keep.entries()) X.set(data.X.subarray(i * D, (i + 1) * D), r * D);
    return { layout: data.layout, X, y: Float64Array.from(keep, (i) => data.y[i]!), n: keep.length };
  }

  /**
   * The data plus each pending trial at the posterior mean (kriging believer), believed
   * exactly: with the noise of a real observation, the variance around a running trial
   * would stay at the noise level and keep its neighbourhood attractive.
   */
  private withPending(data: GpData, theta: Float64Array, history: TrialHistory): GpData {
    const m = history.pending.length;
    if (m === 0) return data;
    const D = data.layout.dims;
    const Z = new Float64Array(m * D);
    for (const [i, p] of history.pending.entries()) this.features(p.params, Z, i);
    const X = new Float64Array((data.n + m) * D);
    X.set(data.X);
    const y = new Float64Array(data.n + m);
    y.set(data.y);
    // One at a time, so two running trials at the same spot do not both keep their variance.
    let current = data;
    for (let i = 0; i < m; i++) {
      const z = Z.subarray(i * D, (i + 1) * D);
      const { mean } = new GaussianProcess(current, theta).predict(Float64Array.from(z), 1);
      X.set(z, (data.n + i) * D);
      y[data.n + i] = mean[0]!;
      current = {
        layout: data.layout,
        X: X.subarray(0, (data.n + i + 1) * D),
        y: y.subarray(0, data.n + i + 1),
        n: data.n + i + 1,
        exact: i + 1,
      };
    }
    return current;
  }

  /** Candidate parameter sets, best log EI first. */
  private searchAcquisition(
    gp: GaussianProcess,
    best: number,
    targets: readonly GpTarget[],
    rng: Rng,
    position: number,
  ): ParamSet[] {
    const dims = this.space.dimensions;
    const D = this.layout.dims;
    const n = gp.data.n;
    const budget = Math.round(3e6 / ((n * n) / 2 + n * D + 1));
    const nSobol = Math.max(256, Math.min(1024, budget));
    const units: Float64Array[] = [];
    const raw = sobolPoints(dims, nSobol, `${this.seed}/candidates/${position}`);
    for (let i = 0; i < nSobol; i++) units.push(raw.slice(i * dims, (i + 1) * dims));
    // Exploitation candidates: perturbations of the best trials at a few scales.
    const byLoss = [...targets].sort((a, b) => a.loss - b.loss).slice(0, 5);
    for (const t of byLoss) {
      const u0 = unitPoint(this.coords, t.params, dims);
      for (const scale of [0.2, 0.05, 0.01]) {
        for (let r = 0; r < 16; r++) units.push(this.perturb(u0, scale, rng));
      }
    }
    const scored = this.score(gp, best, units);
    const order = scored.map((_, i) => i).sort((a, b) => scored[b]! - scored[a]!);
    const results: { u: Float64Array; value: number }[] = [];
    for (const i of order.slice(0, REFINE_STARTS)) {
      results.push(this.refine(gp, best, units[i]!, scored[i]!, rng));
    }
    for (const i of order.slice(REFINE_STARTS, 50)) results.push({ u: units[i]!, value: scored[i]! });
    results.sort((a, b) => b.value - a.value);
    return results.map((r) => this.space.fromUnit(r.u));
  }

  private perturb(u0: Float64Array, scale: number, rng: Rng): Float64Array {
    const u = Float64Array.from(u0);
    const flip = 1 / Math.max(1, this.coords.length);
    for (const c of this.coords) {
      const j = c.dimension;
      if (c.categories > 0) {
        if (rng() < flip) u[j] = rng();
      } else {
        u[j] = Math.min(1 - 1e-9, Math.max(1e-9, u[j]! + scale * gaussian(rng)));
      }
    }
    return u;
  }

  /** log EI of unit-cube points, each scored at the parameter set it maps to. */
  private score(gp: GaussianProcess, best: number, units: readonly Float64Array[]): Float64Array {
    const D = this.layout.dims;
    const Z = new Float64Array(units.length * D);
    for (const [i, u] of units.entries()) this.features(this.space.fromUnit(u), Z, i);
    const { mean, variance } = gp.predict(Z, units.length);
    return mean.map((m, i) => logExpectedImprovement(m, variance[i]!, best));
  }

  /** Shrinking-step stochastic local search: 6 rounds of 8 perturbations, keeping improvements. */
  private refine(
    gp: GaussianProcess,
    best: number,
    start: Float64Array,
    value: number,
    rng: Rng,
  ): { u: Float64Array; value: number } {
    let u = start;
    let v = value;
    for (const scale of [0.1, 0.05, 0.02, 0.01, 0.005, 0.002]) {
      const proposals = Array.from({ length: 8 }, () => this.perturb(u, scale, rng));
      const s = this.score(gp, best, proposals);
      for (let i = 0; i < proposals.length; i++) {
        if (s[i]! > v) {
          v = s[i]!;
          u = proposals[i]!;
        }
      }
    }
    return { u, value: v };
  }
}
