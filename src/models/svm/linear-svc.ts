import { laneDot as dot } from '../../compute/lanes.ts';
import { mulberry32, UINT32_RANGE } from '../../compute/rng.ts';
import {
  type BinaryProblem,
  type BinarySolution,
  OvrLinearClassifier,
  softmaxOfMargins,
} from '../linear/ovr-classifier.ts';
import type { ComputeParams, SerializedEstimator } from '../types.ts';

/** Hyperparameters of LinearSVC (scikit-learn's names in camelCase). */
export interface LinearSVCParams extends ComputeParams {
  /** `squared_hinge` (default) or `hinge`. */
  loss?: 'squared_hinge' | 'hinge';
  /** Inverse regularization strength: each row's loss counts C times its weight (default 1). */
  C?: number;
  fitIntercept?: boolean;
  /** The constant feature that carries the intercept; its weight is penalized as the others are (default 1). */
  interceptScaling?: number;
  /** Stop when the projected gradient's spread is <= tol (default 1e-4). */
  tol?: number;
  /** Most passes over the rows per binary problem (default 1000). */
  maxIter?: number;
  seed?: number;
}

/** Settings of one dual coordinate descent run. */
interface DualCdSettings {
  C: number;
  hinge: boolean;
  bias: number;
  tol: number;
  maxIter: number;
  seed: number;
}

/**
 * liblinear's dual coordinate descent for the L2-regularized hinge or squared-hinge SVM
 * (Hsieh et al. 2008, solve_l2r_l1l2_svc), with its shrinking of the active set and
 * random order of the rows in each pass; the intercept is the weight of a constant
 * feature `bias` (0: none). Row i's C is C · weight_i; rows of weight 0 take no part.
 */
function dualCoordinateDescent(b: BinaryProblem, s: DualCdSettings): BinarySolution {
  const { rows, p, y, weight } = b;
  let l = 0;
  for (let i = 0; i < b.n; i++) if (weight[i]! > 0) l++;
  const index = new Int32Array(l);
  l = 0;
  for (let i = 0; i < b.n; i++) if (weight[i]! > 0) index[l++] = i;
  const w = new Float64Array(p);
  let wb = 0;
  const alpha = new Float64Array(b.n);
  const diag = new Float64Array(b.n);
  const upper = new Float64Array(b.n);
  const QD = new Float64Array(b.n);
  const bias2 = s.bias * s.bias;
  for (let k = 0; k < l; k++) {
    const i = index[k]!;
    const Ci = s.C * weight[i]!;
    diag[i] = s.hinge ? 0 : 0.5 / Ci;
    upper[i] = s.hinge ? Ci : Number.POSITIVE_INFINITY;
    QD[i] = diag[i]! + bias2 + dot(rows, i * p, rows, i * p, p);
  }
  const next = mulberry32(s.seed);
  // imported names as locals in the loop: under tsx, the benchmarks' loader, each read of
  // an imported binding is a getter call (about 4% of this loop); `dot` stays a call, which
  // V8 compiles better here than the same sums inline
  const range = UINT32_RANGE;
  const dotOf = dot;
  let activeSize = l;
  let pgMaxOld = Number.POSITIVE_INFINITY;
  let pgMinOld = Number.NEGATIVE_INFINITY;
  let iter = 0;
  while (iter < s.maxIter) {
    let pgMaxNew = Number.NEGATIVE_INFINITY;
    let pgMinNew = Number.POSITIVE_INFINITY;
    for (let k = 0; k < activeSize; k++) {
      const j = k + Math.floor((next() / range) * (activeSize - k));
      const tmp = index[k]!;
      index[k] = index[j]!;
      index[j] = tmp;
    }
    for (let k = 0; k < activeSize; k++) {
      const i = index[k]!;
      const yi = y[i]!;
      const o = i * p;
      const G = yi * (dotOf(w, 0, rows, o, p) + wb * s.bias) - 1 + alpha[i]! * diag[i]!;
      const Ci = upper[i]!;
      let PG = 0;
      if (alpha[i] === 0) {
        if (G > pgMaxOld) {
          activeSize--;
          index[k] = index[activeSize]!;
          index[activeSize] = i;
          k--;
          continue;
        }
        if (G < 0) PG = G;
      } else if (alpha[i] === Ci) {
        if (G < pgMinOld) {
          activeSize--;
          index[k] = index[activeSize]!;
          index[activeSize] = i;
          k--;
          continue;
        }
        if (G > 0) PG = G;
      } else {
        PG = G;
      }
      if (PG > pgMaxNew) pgMaxNew = PG;
      if (PG < pgMinNew) pgMinNew = PG;
      if (Math.abs(PG) > 1e-12) {
        const old = alpha[i]!;
        alpha[i] = Math.min(Math.max(old - G / QD[i]!, 0), Ci);
        const d = (alpha[i]! - old) * yi;
        let j = 0;
        for (; j + 3 < p; j += 4) {
          w[j]! += d * rows[o + j]!;
          w[j + 1]! += d * rows[o + j + 1]!;
          w[j + 2]! += d * rows[o + j + 2]!;
          w[j + 3]! += d * rows[o + j + 3]!;
        }
        for (; j < p; j++) w[j]! += d * rows[o + j]!;
        wb += d * s.bias;
      }
    }
    iter++;
    if (pgMaxNew - pgMinNew <= s.tol) {
      if (activeSize === l) break;
      activeSize = l;
      pgMaxOld = Number.POSITIVE_INFINITY;
      pgMinOld = Number.NEGATIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMaxNew <= 0 ? Number.POSITIVE_INFINITY : pgMaxNew;
    pgMinOld = pgMinNew >= 0 ? Number.NEGATIVE_INFINITY : pgMinNew;
  }
  return { coef: w, intercept: wb * s.bias, nIter: iter };
}

/**
 * A linear support vector classifier, as scikit-learn's LinearSVC (Azure AutoML's
 * LinearSVM): L2 penalty, squared hinge (default) or hinge loss, solved in the dual by
 * liblinear's coordinate descent, one-vs-rest for more than two classes; the intercept
 * is a penalized constant feature (`interceptScaling`), as in liblinear.
 * `decisionFunction` gives the margins; `predictProba` is their softmax (a sigmoid for
 * two classes; see softmaxOfMargins): monotone in the margins, not calibrated, so that
 * AutoML's AUC and log-loss metrics have scores to work with.
 *
 * @example
 * const m = new LinearSVC({ C: 1 }).fit([[0], [1], [2], [3]], ['a', 'a', 'b', 'b']);
 * m.predict([[0.2], [2.8]]); // ['a', 'b']
 */
export class LinearSVC extends OvrLinearClassifier {
  constructor(params: LinearSVCParams = {}) {
    super('LinearSVC', params, (r) => ({
      loss: r.oneOf('loss', 'squared_hinge', ['squared_hinge', 'hinge']),
      C: r.number('C', 1, 0, Number.POSITIVE_INFINITY, true),
      fitIntercept: r.bool('fitIntercept', true),
      interceptScaling: r.number('interceptScaling', 1, 0, Number.POSITIVE_INFINITY, true),
      tol: r.number('tol', 1e-4, 0, Number.POSITIVE_INFINITY, true),
      maxIter: r.int('maxIter', 1000, 1),
    }));
  }

  protected solveBinary(b: BinaryProblem): BinarySolution {
    const params = this.params;
    return dualCoordinateDescent(b, {
      C: params.C as number,
      hinge: params.loss === 'hinge',
      bias: params.fitIntercept ? (params.interceptScaling as number) : 0,
      tol: params.tol as number,
      maxIter: params.maxIter as number,
      seed: ((params.seed as number) + Math.imul(b.index, 0x9e3779b9)) >>> 0,
    });
  }

  protected link(z: Float64Array, K: number): Float64Array {
    return softmaxOfMargins(z, K);
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): LinearSVC {
    return new LinearSVC(json.params as LinearSVCParams).load(json);
  }
}
