import type { DenseTarget } from '../../compute/kernels/dense/index.ts';
import type { ComputeParams, SerializedEstimator } from '../types.ts';
import { type Design, normalEquations } from './design.ts';
import { rescaled } from './elastic-net.ts';
import { LinearRegressorBase, type LinearSolution } from './linear-regressor.ts';
import { solveSymmetric } from './solve.ts';

/** Hyperparameters of LassoLars. */
export interface LassoLarsParams extends ComputeParams {
  /** Penalty strength, as Lasso's (default 1). */
  alpha?: number;
  fitIntercept?: boolean;
  /** Most LARS steps (default 500). */
  maxIter?: number;
  seed?: number;
}

/** numpy's float32 tiny and eps, which scikit-learn's lars_path uses as guards. */
const TINY32 = 1.1754943508222875e-38;
const EQUALITY_TOLERANCE = 1.1920928955078125e-7;

/** The smallest positive value of `values` (scikit-learn's min_pos), or the largest double. */
function minPositive(values: Iterable<number>): number {
  let m = Number.MAX_VALUE;
  for (const v of values) if (v > 0 && v < m) m = v;
  return m;
}

/**
 * LARS with the lasso modification (scikit-learn's lars_path, method 'lasso') on the
 * Gram matrix of a centered design, stopped where the penalty reaches `alphaMin`, the
 * last step interpolated so that it ends exactly there. n scales the correlations into
 * alphas (the objective's 1/(2n)).
 */
function larsLasso(
  gram: Float64Array,
  xy: Float64Array,
  p: number,
  n: number,
  alphaMin: number,
  maxIter: number,
) {
  let coef = new Float64Array(p);
  const cov = Float64Array.from(xy);
  const active: number[] = [];
  const signs: number[] = [];
  const isActive = new Uint8Array(p);
  let prevCoef = new Float64Array(p);
  let prevAlpha = 0;
  let nIter = 0;
  let drop = false;
  for (;;) {
    let best = -1;
    let C = 0;
    for (let j = 0; j < p; j++) {
      if (!isActive[j] && (best < 0 || Math.abs(cov[j]!) > C)) {
        best = j;
        C = Math.abs(cov[j]!);
      }
    }
    const alpha = C / n;
    if (alpha <= alphaMin + EQUALITY_TOLERANCE) {
      if (Math.abs(alpha - alphaMin) > EQUALITY_TOLERANCE && nIter > 0) {
        const ss = (prevAlpha - alphaMin) / (prevAlpha - alpha);
        const mixed = new Float64Array(p);
        for (let j = 0; j < p; j++) mixed[j] = prevCoef[j]! + ss * (coef[j]! - prevCoef[j]!);
        coef = mixed;
      }
      break;
    }
    if (nIter >= maxIter || active.length >= p) break;
    if (!drop) {
      active.push(best);
      signs.push(Math.sign(cov[best]!));
      isActive[best] = 1;
    }
    const k = active.length;
    const gAA = new Float64Array(k * k);
    for (let a = 0; a < k; a++)
      for (let b = 0; b < k; b++) gAA[a * k + b] = gram[active[a]! * p + active[b]!]!;
    const ls = solveSymmetric(gAA, Float64Array.from(signs));
    let AA: number;
    if (k === 1 && ls[0] === 0) {
      ls[0] = 1;
      AA = 1;
    } else {
      let s = 0;
      for (let a = 0; a < k; a++) s += ls[a]! * signs[a]!;
      AA = 1 / Math.sqrt(s);
      for (let a = 0; a < k; a++) ls[a]! *= AA;
    }
    // correlation of every inactive column with the equiangular direction
    const dir = new Float64Array(p);
    const steps: number[] = [C / AA];
    for (let j = 0; j < p; j++) {
      if (isActive[j]) continue;
      let s = 0;
      for (let a = 0; a < k; a++) s += gram[j * p + active[a]!]! * ls[a]!;
      dir[j] = s;
      const g1 = (C - cov[j]!) / (AA - s + TINY32);
      const g2 = (C + cov[j]!) / (AA + s + TINY32);
      if (g1 > 0) steps.push(g1);
      if (g2 > 0) steps.push(g2);
    }
    let gamma = Math.min(...steps);
    drop = false;
    const z = active.map((j, a) => -coef[j]! / (ls[a]! + TINY32));
    const zPos = minPositive(z);
    if (zPos < gamma) {
      gamma = zPos;
      drop = true;
    }
    nIter++;
    prevCoef = Float64Array.from(coef);
    prevAlpha = alpha;
    for (let a = 0; a < k; a++) coef[active[a]!]! += gamma * ls[a]!;
    for (let j = 0; j < p; j++) if (!isActive[j]) cov[j]! -= gamma * dir[j]!;
    if (drop) {
      // a coefficient crossed zero: it leaves the active set (the lasso modification)
      for (let a = k - 1; a >= 0; a--) {
        if (z[a] !== zPos) continue;
        const j = active[a]!;
        active.splice(a, 1);
        signs.splice(a, 1);
        isActive[j] = 0;
        coef[j] = 0;
      }
      // the correlations of the inactive columns, the dropped ones included, afresh
      for (let j = 0; j < p; j++) {
        if (isActive[j]) continue;
        let s = xy[j]!;
        for (const a of active) s -= gram[j * p + a]! * coef[a]!;
        cov[j] = s;
      }
    }
  }
  return { coef, nIter };
}

/**
 * The lasso fitted by least-angle regression, as scikit-learn's LassoLars (Azure
 * AutoML's LassoLars): LARS with the lasso modification, following the whole piecewise
 * linear path of 1/(2n) ‖y - X·coef - b‖² + alpha ‖coef‖₁ from alpha = max|Xᵀy|/n down to
 * `alpha`. Exact along the path (no tolerance), so the result is the lasso solution
 * itself. Sample weights count as repeated rows.
 *
 * @example
 * const m = new LassoLars({ alpha: 0.1 }).fit([[1, 0], [2, 1], [3, 0], [4, 1]], [1, 2, 3, 4]);
 * m.coef; // Float64Array [~0.92, 0]
 */
export class LassoLars extends LinearRegressorBase {
  protected readonly solverKernel = 'linearProducts' as const;

  constructor(params: LassoLarsParams = {}) {
    super('LassoLars', params, (r) => ({
      alpha: r.number('alpha', 1, 0),
      maxIter: r.int('maxIter', 500, 1),
    }));
  }

  protected override scaleWeights(weight: Float64Array): Float64Array {
    return rescaled(weight);
  }

  protected solve(t: DenseTarget, d: Design): LinearSolution {
    const { gram, xty } = normalEquations(t, d, 0);
    const r = larsLasso(gram, xty, d.p, d.n, this.params.alpha as number, this.params.maxIter as number);
    return { coef: r.coef, nIter: r.nIter, dualGap: 0 };
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): LassoLars {
    return new LassoLars(json.params as LassoLarsParams).load(json);
  }
}
