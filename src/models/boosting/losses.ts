import type { BackendName } from '../../compute/backend.ts';
import { logLossGradients } from '../../compute/kernels/boosting/index.ts';
import { weightedMedian } from '../../compute/kernels/trees/leaf-median.ts';

/**
 * A boosting objective: starting scores, per-row gradients and hessians of the loss
 * (times the row weight), and the weighted mean loss reported per iteration.
 * Scores are row-major nRows x nOut (nOut = classes for softmax, else 1).
 */
export interface BoostingLoss {
  /** Name of the reported loss (LightGBM's metric names). */
  readonly metric: string;
  readonly nOut: number;
  /** Leaves are reset to the weighted median of the residuals (absolute error). */
  readonly medianLeaves: boolean;
  init(y: Float64Array, w: Float64Array): Float64Array;
  /**
   * Fills g, h for output k from the scores F (nRows x nOut). A loss whose gradients are a
   * compute kernel runs them on `backend` (every backend gives the same values).
   */
  gradients(
    y: Float64Array,
    F: Float64Array,
    w: Float64Array,
    k: number,
    g: Float64Array,
    h: Float64Array,
    backend: BackendName,
  ): void;
  loss(y: Float64Array, F: Float64Array, w: Float64Array): number;
}

/** The weighted mean of term(i) over the rows of non-zero weight. */
function meanOf(w: Float64Array, term: (i: number) => number): number {
  let s = 0;
  let t = 0;
  for (let i = 0; i < w.length; i++) {
    if (w[i]! === 0) continue;
    s += w[i]! * term(i);
    t += w[i]!;
  }
  return s / t;
}

/** Squared error: g = w(F - y), h = w; reports `l2` (mean squared error). */
export const squaredError: BoostingLoss = {
  metric: 'l2',
  nOut: 1,
  medianLeaves: false,
  init: (y, w) => Float64Array.of(meanOf(w, (i) => y[i]!)),
  gradients(y, F, w, _k, g, h) {
    for (let i = 0; i < y.length; i++) {
      g[i] = w[i]! * (F[i]! - y[i]!);
      h[i] = w[i]!;
    }
  },
  loss: (y, F, w) => meanOf(w, (i) => (F[i]! - y[i]!) ** 2),
};

/** Absolute error: sign gradients, leaves reset to median residuals; reports `l1`. */
export const absoluteError: BoostingLoss = {
  metric: 'l1',
  nOut: 1,
  medianLeaves: true,
  init: (y, w) => Float64Array.of(weightedMedian(y, w)),
  gradients(y, F, w, _k, g, h) {
    for (let i = 0; i < y.length; i++) {
      const d = F[i]! - y[i]!;
      g[i] = w[i]! * (d > 0 ? 1 : d < 0 ? -1 : 0);
      h[i] = w[i]!;
    }
  },
  loss: (y, F, w) => meanOf(w, (i) => Math.abs(F[i]! - y[i]!)),
};

/**
 * Huber loss with threshold `delta`: gradients clipped to [-delta, delta]; reports `huber`.
 *
 * @example
 * huberLoss(1).metric; // 'huber'
 */
export function huberLoss(delta: number): BoostingLoss {
  return {
    metric: 'huber',
    nOut: 1,
    medianLeaves: false,
    init: (y, w) => Float64Array.of(weightedMedian(y, w)),
    gradients(y, F, w, _k, g, h) {
      for (let i = 0; i < y.length; i++) {
        const d = F[i]! - y[i]!;
        g[i] = w[i]! * (d > delta ? delta : Math.max(d, -delta));
        h[i] = w[i]!;
      }
    },
    loss: (y, F, w) =>
      meanOf(w, (i) => {
        const a = Math.abs(F[i]! - y[i]!);
        return a <= delta ? 0.5 * a * a : delta * (a - 0.5 * delta);
      }),
  };
}

const EPS = 1e-15;

/** Binary log loss on y in {0, 1}, score = log-odds; reports `log_loss`. */
export const binaryLogLoss: BoostingLoss = {
  metric: 'log_loss',
  nOut: 1,
  medianLeaves: false,
  init(y, w) {
    const mean = meanOf(w, (i) => y[i]!);
    const p = Math.min(Math.max(mean, EPS), 1 - EPS);
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(y, F, w, _k, g, h, backend) {
    logLossGradients(backend, y, F, w, g, h);
  },
  loss: (y, F, w) =>
    meanOf(w, (i) => {
      const p = Math.min(Math.max(1 / (1 + Math.exp(-F[i]!)), EPS), 1 - EPS);
      return y[i]! === 1 ? -Math.log(p) : -Math.log(1 - p);
    }),
};

/**
 * Softmax probabilities of one row of scores into `out`.
 *
 * @example
 * softmaxRow(Float64Array.of(0, 0), 0, 2, out); // out = [0.5, 0.5]
 */
export function softmaxRow(F: Float64Array, offset: number, k: number, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) max = Math.max(max, F[offset + j]!);
  let s = 0;
  for (let j = 0; j < k; j++) {
    out[j] = Math.exp(F[offset + j]! - max);
    s += out[j]!;
  }
  for (let j = 0; j < k; j++) out[j]! /= s;
}

/**
 * Multiclass log loss over softmax scores, one tree per class per round; y holds class indices.
 *
 * @example
 * softmaxLoss(3).nOut; // 3
 */
export function softmaxLoss(nClasses: number): BoostingLoss {
  const p = new Float64Array(nClasses);
  return {
    metric: 'log_loss',
    nOut: nClasses,
    medianLeaves: false,
    init(y, w) {
      const prior = new Float64Array(nClasses);
      let t = 0;
      for (let i = 0; i < y.length; i++) {
        prior[y[i]!]! += w[i]!;
        t += w[i]!;
      }
      return prior.map((c) => Math.log(Math.max(c / t, EPS)));
    },
    gradients(y, F, w, k, g, h) {
      for (let i = 0; i < y.length; i++) {
        softmaxRow(F, i * nClasses, nClasses, p);
        const pk = p[k]!;
        g[i] = w[i]! * (pk - (y[i] === k ? 1 : 0));
        h[i] = w[i]! * pk * (1 - pk);
      }
    },
    loss(y, F, w) {
      return meanOf(w, (i) => {
        softmaxRow(F, i * nClasses, nClasses, p);
        return -Math.log(Math.max(p[y[i]!]!, EPS));
      });
    },
  };
}
