import { laneDot as dot } from '../../compute/lanes.ts';
import { mulberry32, UINT32_RANGE } from '../../compute/rng.ts';
import { ValidationError } from '../../core/errors.ts';
import { lossDerivative, lossValue, type SgdLoss } from './losses.ts';

/** The learning-rate schedules of scikit-learn's SGD. */
export type SgdLearningRate = 'optimal' | 'constant' | 'invscaling' | 'adaptive';

/** The penalties of scikit-learn's SGD. */
export type SgdPenalty = 'l2' | 'l1' | 'elasticnet' | 'none';

/** Settings of one SGD run (scikit-learn's _plain_sgd arguments). */
export interface SgdSettings {
  loss: SgdLoss;
  penalty: SgdPenalty;
  alpha: number;
  l1Ratio: number;
  fitIntercept: boolean;
  maxIter: number;
  /** Stop after nIterNoChange epochs whose summed loss fails to drop by tol·n; null: never. */
  tol: number | null;
  nIterNoChange: number;
  learningRate: SgdLearningRate;
  eta0: number;
  powerT: number;
  /** 0: no averaging; t ≥ 1: average the weights seen from the t-th update on. */
  average: number;
  shuffle: boolean;
  seed: number;
}

/** The rows of an SGD problem: row-major features, targets (±1 for classifiers) and weights. */
export interface SgdData {
  rows: Float64Array;
  n: number;
  p: number;
  y: Float64Array;
  weight: Float64Array;
}

/** What an SGD run returns: the (averaged, when asked) weights and intercept, and its epochs. */
export interface SgdResult {
  coef: Float64Array;
  intercept: number;
  nIter: number;
}

const MAX_DLOSS = 1e12;
const WSCALE_THRESHOLD = 1e-9;

/**
 * The weight vector of scikit-learn's SGD: w = wscale · data, so that the L2 shrinkage of
 * every step is one multiplication, with the averaged weights kept by Bottou's trick
 * (aw_true = (aw + a·data) / b) in the same lazy form.
 */
class WeightVector {
  readonly data: Float64Array;
  readonly avg: Float64Array | undefined;
  wscale = 1;
  averageA = 0;
  averageB = 1;

  constructor(p: number, averaged: boolean) {
    this.data = new Float64Array(p);
    this.avg = averaged ? new Float64Array(p) : undefined;
  }

  addAverage(x: Float64Array, o: number, c: number, numIter: number): void {
    const aw = this.avg!;
    const mu = 1 / numIter;
    const step = this.averageA * (-c / this.wscale);
    for (let j = 0; j < aw.length; j++) aw[j]! += x[o + j]! * step;
    if (numIter > 1) this.averageB /= 1 - mu;
    this.averageA += mu * this.averageB * this.wscale;
  }

  scale(c: number): void {
    this.wscale *= c;
    if (this.wscale < WSCALE_THRESHOLD) this.resetScale();
  }

  resetScale(): void {
    const w = this.data;
    const aw = this.avg;
    if (aw) {
      for (let j = 0; j < w.length; j++) aw[j] = (aw[j]! + this.averageA * w[j]!) / this.averageB;
      this.averageA = 0;
      this.averageB = 1;
    }
    for (let j = 0; j < w.length; j++) w[j]! *= this.wscale;
    this.wscale = 1;
  }
}

/** The truncated-gradient L1 step (Tsuruoka et al. 2009) on every feature, as scikit-learn's l1penalty. */
function l1Penalty(w: WeightVector, q: Float64Array, u: number): void {
  const d = w.data;
  const ws = w.wscale;
  for (let j = 0; j < d.length; j++) {
    const z = d[j]!;
    if (ws * z > 0) d[j] = Math.max(0, z - (u + q[j]!) / ws);
    else if (ws * z < 0) d[j] = Math.min(0, z + (u - q[j]!) / ws);
    q[j]! += ws * (d[j]! - z);
  }
}

/**
 * t^power for the invscaling schedule. V8's Math.pow costs about 80 ns, as much as the
 * rest of an SGD step on ten features; the schedules' usual powers (scikit-learn's
 * defaults 0.25 and 0.5) are one or two square roots instead, within an ulp of pow.
 *
 * @example
 * powerOf(0.25)(16); // 2
 */
export function powerOf(power: number): (t: number) => number {
  if (power === 0.25) return (t) => Math.sqrt(Math.sqrt(t));
  if (power === 0.5) return (t) => Math.sqrt(t);
  if (power === 1) return (t) => t;
  return (t) => t ** power;
}

/**
 * scikit-learn's initial step of the `optimal` schedule: a typical weight of
 * 1/sqrt(sqrt(alpha)) and the loss's slope there set eta0, and t0 makes the first step eta0.
 */
function optimalInit(loss: SgdLoss, alpha: number): number {
  const typw = Math.sqrt(1 / Math.sqrt(alpha));
  const eta0 = typw / Math.max(1, lossDerivative(loss, -typw, 1));
  return 1 / (eta0 * alpha);
}

/**
 * Plain stochastic gradient descent over the rows, epoch by epoch, as scikit-learn's
 * `_plain_sgd` does for dense data: the same learning-rate schedules (optimal with its
 * t0 heuristic, constant, invscaling, adaptive), the L2 shrinkage as a weight scale, the
 * cumulative L1 penalty, averaging (ASGD), and the stop on `nIterNoChange` epochs
 * without a drop of tol·n in the summed training loss. With `shuffle` off the result is
 * scikit-learn's to rounding; with it on, the row order comes from mulberry32(seed).
 *
 * @example
 * const r = plainSgd(data, { loss: sgdLoss('hinge', 0.1), penalty: 'l2', alpha: 1e-4, ... });
 */
export function plainSgd(data: SgdData, s: SgdSettings): SgdResult {
  const { rows, n, p, y, weight } = data;
  const w = new WeightVector(p, s.average > 0);
  const q = new Float64Array(p);
  const l1Ratio = s.penalty === 'l1' ? 1 : s.penalty === 'elasticnet' ? s.l1Ratio : 0;
  const shrinks = s.penalty === 'l2' || s.penalty === 'elasticnet';
  const l1 = s.penalty === 'l1' || s.penalty === 'elasticnet';
  const t0 = s.learningRate === 'optimal' ? optimalInit(s.loss, s.alpha) : 0;
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const next = mulberry32(s.seed);
  let intercept = 0;
  let averageIntercept = 0;
  let eta = s.eta0;
  let t = 1;
  let u = 0;
  let bestLoss = Number.POSITIVE_INFINITY;
  let noImprovement = 0;
  let epoch = 0;
  // the loop reads locals: V8 keeps them in registers, not behind the settings object
  // (and imported names as locals: under tsx, the benchmarks' loader, each read of an
  // imported binding is a getter call)
  const loss = s.loss;
  const value = lossValue;
  const derivative = lossDerivative;
  const wd = w.data;
  const range = UINT32_RANGE;
  const dotOf = dot;
  const { alpha, eta0, powerT, average, fitIntercept } = s;
  const optimal = s.learningRate === 'optimal';
  const invscaling = s.learningRate === 'invscaling';
  const pow = powerOf(powerT);
  for (; epoch < s.maxIter; epoch++) {
    let sumLoss = 0;
    if (s.shuffle) {
      for (let i = n - 1; i > 0; i--) {
        const j = Math.floor((next() / range) * (i + 1));
        const tmp = order[i]!;
        order[i] = order[j]!;
        order[j] = tmp;
      }
    }
    for (let r = 0; r < n; r++) {
      const i = order[r]!;
      const o = i * p;
      const yi = y[i]!;
      const pred = dotOf(wd, 0, rows, o, p) * w.wscale + intercept;
      if (optimal) eta = 1 / (alpha * (t0 + t - 1));
      else if (invscaling) eta = eta0 / pow(t);
      sumLoss += value(loss, pred, yi);
      let g = derivative(loss, pred, yi);
      if (g < -MAX_DLOSS) g = -MAX_DLOSS;
      else if (g > MAX_DLOSS) g = MAX_DLOSS;
      const update = -eta * g * weight[i]!;
      if (shrinks) w.scale(Math.max(0, 1 - (1 - l1Ratio) * eta * alpha));
      if (update !== 0) {
        const step = update / w.wscale;
        for (let f = 0; f < p; f++) wd[f]! += rows[o + f]! * step;
        if (fitIntercept) intercept += update;
      }
      if (average > 0 && average <= t) {
        w.addAverage(rows, o, update, t - average + 1);
        averageIntercept += (intercept - averageIntercept) / (t - average + 1);
      }
      if (l1) {
        u += l1Ratio * eta * alpha;
        l1Penalty(w, q, u);
      }
      t++;
    }
    if (!Number.isFinite(intercept) || w.data.some((v) => !Number.isFinite(v))) {
      throw new ValidationError(
        `SGD: the weights overflowed at epoch ${epoch + 1}: scale the features (standardize them) or lower eta0`,
        { path: 'eta0' },
      );
    }
    if (s.tol !== null) {
      noImprovement = sumLoss > bestLoss - s.tol * n ? noImprovement + 1 : 0;
      if (sumLoss < bestLoss) bestLoss = sumLoss;
    }
    if (noImprovement >= s.nIterNoChange) {
      if (s.learningRate === 'adaptive' && eta > 1e-6) {
        eta /= 5;
        noImprovement = 0;
      } else {
        epoch++;
        break;
      }
    }
  }
  w.resetScale();
  // scikit-learn keeps the plain weights when averaging has not started by the end
  if (w.avg && s.average <= t - 1) return { coef: w.avg, intercept: averageIntercept, nIter: epoch };
  return { coef: w.data, intercept, nIter: epoch };
}
