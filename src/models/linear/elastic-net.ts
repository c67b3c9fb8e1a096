import type { BackendChoice } from '../../compute/backend.ts';
import {
  type DenseTarget,
  enetCoordinateDescent,
  enetCoordinateDescentAsync,
} from '../../compute/kernels/dense/index.ts';
import { denseBackend } from '../../compute/kernels/table.ts';
import { ValidationError } from '../../core/errors.ts';
import { regressionTarget } from '../input.ts';
import type { ParamReader } from '../params.ts';
import type { ComputeParams, FeatureInput, LabelInput, SerializedEstimator } from '../types.ts';
import { type Design, interceptOf, weightedDesign } from './design.ts';
import { LinearRegressorBase, type LinearSolution } from './linear-regressor.ts';
import { trainingData } from './prepared.ts';

/** Hyperparameters of Lasso. */
export interface LassoParams extends ComputeParams {
  /** Penalty strength (default 1). */
  alpha?: number;
  fitIntercept?: boolean;
  /** Coordinate descent sweeps at most (default 1000). */
  maxIter?: number;
  /** Duality-gap tolerance, relative to ‖y‖² (default 1e-4), as scikit-learn. */
  tol?: number;
  /** Start from the previous fit's coefficients (same feature count). */
  warmStart?: boolean;
  seed?: number;
}

/** Hyperparameters of ElasticNet. */
export interface ElasticNetParams extends LassoParams {
  /** Mixing: 1 is the lasso, 0 ridge (default 0.5). */
  l1Ratio?: number;
}

function readCd(r: ParamReader, withRatio: boolean): Record<string, unknown> {
  return {
    alpha: r.number('alpha', 1, 0),
    ...(withRatio ? { l1Ratio: r.number('l1Ratio', 0.5, 0, 1) } : {}),
    maxIter: r.int('maxIter', 1000, 1),
    tol: r.number('tol', 1e-4, 0),
    warmStart: r.bool('warmStart', false),
  };
}

/** The coordinate-descent penalties of scikit-learn: alpha and beta in sum-of-squares units. */
function penalties(alpha: number, l1Ratio: number, n: number): { a: number; b: number } {
  return { a: alpha * l1Ratio * n, b: alpha * (1 - l1Ratio) * n };
}

/**
 * Weights rescaled to sum to n, as scikit-learn's ElasticNet does before its objective
 * (LassoLars shares it, so that alpha means the same with and without weights).
 *
 * @example
 * rescaled(Float64Array.of(1, 3)); // Float64Array [0.5, 1.5]
 */
export function rescaled(weight: Float64Array): Float64Array {
  let s = 0;
  for (const v of weight) s += v;
  return weight.map((v) => (v * weight.length) / s);
}

/**
 * Linear regression with L1 and L2 penalties, scikit-learn's objective
 * 1/(2 Σw) Σ w_i (y_i - x_i·coef - b)² + alpha · l1Ratio · ‖coef‖₁ + alpha (1 - l1Ratio)/2 · ‖coef‖²,
 * by cyclic coordinate descent stopped on the duality gap (its cd_fast algorithm), with
 * warm starts (`warmStart`, and enetPath along a sequence of alphas).
 *
 * @example
 * const m = new ElasticNet({ alpha: 0.1, l1Ratio: 0.5 }).fit([[1, 0], [2, 1], [3, 0]], [1, 2, 3]);
 * m.coef; // Float64Array [~0.9, 0]
 */
export class ElasticNet extends LinearRegressorBase {
  protected readonly solverKernel = 'coordinateDescent' as const;

  /** `name` is for Lasso, the subclass with l1Ratio fixed at 1. */
  constructor(params: ElasticNetParams = {}, name: 'ElasticNet' | 'Lasso' = 'ElasticNet') {
    super(name, params, (r) => readCd(r, name === 'ElasticNet'));
  }

  protected get l1Ratio(): number {
    return (this.params.l1Ratio as number | undefined) ?? 1;
  }

  protected override scaleWeights(weight: Float64Array): Float64Array {
    return rescaled(weight);
  }

  protected solve(t: DenseTarget, d: Design, previous: Float64Array | undefined): LinearSolution {
    const { coef, a, b } = this.start(d, previous);
    const { nIter, gap } = runCd(t, d, coef, a, b, this.params.maxIter as number, this.params.tol as number);
    return { coef, nIter, dualGap: gap };
  }

  protected override async solveAsync(
    t: DenseTarget,
    d: Design,
    previous: Float64Array | undefined,
  ): Promise<LinearSolution> {
    const { coef, a, b } = this.start(d, previous);
    if (isConstant(d)) return { coef: coef.fill(0), nIter: 0, dualGap: 0 };
    const maxIter = this.params.maxIter as number;
    const r = await enetCoordinateDescentAsync(
      t,
      d.X,
      d.n,
      d.p,
      d.y,
      coef,
      a,
      b,
      maxIter,
      this.params.tol as number,
    );
    return { coef, nIter: r.nIter, dualGap: r.gap };
  }

  /** The starting coefficients (the previous fit's under warmStart) and the CD penalties. */
  private start(d: Design, previous: Float64Array | undefined): { coef: Float64Array; a: number; b: number } {
    const coef = this.params.warmStart && previous ? Float64Array.from(previous) : new Float64Array(d.p);
    return { coef, ...penalties(this.params.alpha as number, this.l1Ratio, d.n) };
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): ElasticNet {
    return new ElasticNet(json.params as ElasticNetParams).load(json);
  }
}

/**
 * The lasso: ElasticNet with l1Ratio 1, minimizing 1/(2 Σw) Σ w_i r_i² + alpha ‖coef‖₁.
 *
 * @example
 * new Lasso({ alpha: 0.5 }).fit([[1, 0], [2, 1], [3, 0]], [1, 2, 3]).coef; // Float64Array [0.75, 0]
 */
export class Lasso extends ElasticNet {
  constructor(params: LassoParams = {}) {
    super(params, 'Lasso');
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static override fromJSON(json: SerializedEstimator): Lasso {
    return new Lasso(json.params as LassoParams).load(json);
  }
}

/**
 * A constant target: the solution is 0, and the gap test (gap < tol·‖y‖² = 0) could
 * never pass, so no sweep runs.
 */
function isConstant(d: Design): boolean {
  return d.y.every((v) => v === 0);
}

function runCd(
  t: DenseTarget,
  d: Design,
  coef: Float64Array,
  a: number,
  b: number,
  maxIter: number,
  tol: number,
): { nIter: number; gap: number } {
  if (isConstant(d)) {
    coef.fill(0);
    return { nIter: 0, gap: 0 };
  }
  return enetCoordinateDescent(t, d.X, d.n, d.p, d.y, coef, a, b, maxIter, tol);
}

/** Options of enetPath. */
export interface EnetPathOptions {
  /** Penalty strengths, solved in the order given (decreasing is fastest). */
  alphas: readonly number[];
  l1Ratio?: number;
  fitIntercept?: boolean;
  maxIter?: number;
  tol?: number;
  sampleWeight?: ArrayLike<number>;
  backend?: BackendChoice;
  nThreads?: number;
}

/**
 * Elastic-net solutions along a sequence of alphas, each starting from the previous one
 * (scikit-learn's enet_path with warm starts): one row of coefficients per alpha.
 *
 * @example
 * const { coefs } = enetPath([[1, 0], [2, 1], [3, 0]], [1, 2, 3], { alphas: [1, 0.1, 0.01] });
 */
export function enetPath(
  X: FeatureInput,
  y: LabelInput,
  options: EnetPathOptions,
): { alphas: number[]; coefs: Float64Array[]; intercepts: number[]; nIters: number[]; dualGaps: number[] } {
  const l1Ratio = options.l1Ratio ?? 1;
  if (!(l1Ratio >= 0 && l1Ratio <= 1)) {
    throw new ValidationError(`enetPath: l1Ratio must be in [0, 1], got ${l1Ratio}`, { path: 'l1Ratio' });
  }
  for (const [i, a] of options.alphas.entries()) {
    if (!(a >= 0 && Number.isFinite(a))) {
      throw new ValidationError(`enetPath: alphas[${i}] must be a finite number >= 0, got ${a}`, {
        path: `alphas[${i}]`,
      });
    }
  }
  const target = regressionTarget(y);
  const data = trainingData(X, target.length, options.sampleWeight);
  const d = weightedDesign(data.X, target, rescaled(data.weight), options.fitIntercept ?? true);
  const t: DenseTarget = {
    backend: denseBackend(options.backend, 'coordinateDescent', d.n * d.p),
    nThreads: options.nThreads ?? 0,
  };
  const coef = new Float64Array(d.p);
  const out = {
    alphas: [...options.alphas],
    coefs: [] as Float64Array[],
    intercepts: [] as number[],
    nIters: [] as number[],
    dualGaps: [] as number[],
  };
  for (const alpha of options.alphas) {
    const { a, b } = penalties(alpha, l1Ratio, d.n);
    const r = runCd(t, d, coef, a, b, options.maxIter ?? 1000, options.tol ?? 1e-4);
    out.coefs.push(Float64Array.from(coef));
    out.intercepts.push(interceptOf(d, coef));
    out.nIters.push(r.nIter);
    out.dualGaps.push(r.gap);
  }
  return out;
}
