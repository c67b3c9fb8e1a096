/**
 * The dense linear kernels in TypeScript, step for step as native/src/linear_kernels.cc
 * (same row blocks, same order of sums), so both backends agree to rounding.
 * X is column-major n x p; theta holds K x p coefficients (row-major) then K intercepts.
 */

import { laneDot, laneSum } from '../../../lanes.ts';
import type { DenseTarget } from '../../target.ts';
import type { LinearScoresArgs, LogisticObjectiveArgs, TransposeProductArgs } from '../args.ts';

/** Rows per block, as kLinearBlock in C++. */
export const LINEAR_BLOCK = 2048;

function blockScores(
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  theta: Float64Array,
  r0: number,
  len: number,
  z: Float64Array,
): void {
  for (let k = 0; k < K; k++) {
    const off = k * len;
    const b = theta[K * p + k]!;
    for (let i = 0; i < len; i++) z[off + i] = b;
    for (let j = 0; j < p; j++) {
      const c = theta[k * p + j]!;
      if (c === 0) continue;
      const xo = j * n + r0;
      for (let i = 0; i < len; i++) z[off + i]! += X[xo + i]! * c;
    }
  }
}

function blockGradient(
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  r0: number,
  len: number,
  r: Float64Array,
  g: Float64Array,
): void {
  for (let k = 0; k < K; k++) {
    const ro = k * len;
    for (let j = 0; j < p; j++) g[k * p + j]! += laneDot(X, j * n + r0, r, ro, len);
    g[K * p + k]! += laneSum(r, ro, len);
  }
}

/** log1p(e) for 0 <= e < 2^-10 by its series to e^6 (the rest is below 2^-70 · e). */
function log1pSmall(e: number): number {
  return e * (1 - e * (1 / 2 - e * (1 / 3 - e * (1 / 4 - e * (1 / 5 - e * (1 / 6))))));
}

/** 2^-10: below it, log1p(e) comes from log1pSmall's series. */
const SMALL_E = 2 ** -10;
/** The product of (1 + e) is brought back by 2^-500 whenever it passes 2^500. */
const PRODUCT_LIMIT = 2 ** 500;
const PRODUCT_SCALE = 2 ** -500;

/**
 * Turns the scores z (len x K, column-major) of rows r0 .. r0+len into weighted
 * residuals w_i · (p_ik - [y_i = k]) in place, and returns Σ_i w_i · logloss_i.
 *
 * @example
 * const loss = logLossResiduals(1, n, y, w, 0, scores); // scores now hold residuals
 */
export function logLossResiduals(
  K: number,
  len: number,
  y: Int32Array,
  w: Float64Array,
  r0: number,
  z: Float64Array,
): number {
  let loss = 0;
  if (K === 1) {
    // As blockLoss in linear_kernels.cc: log1p of rows of the first row's weight gathered
    // as one product (one log per block), confident rows by the series, others by log1p.
    const wProduct = len > 0 ? w[r0]! : 0;
    let linear = 0;
    let small = 0;
    let other = 0;
    let product = 1;
    let scaled = 0;
    for (let i = 0; i < len; i++) {
      const zi = z[i]!;
      const yi = y[r0 + i]!;
      const wi = w[r0 + i]!;
      // One exp serves both the loss log(1 + e^z) and the probability, stably for any z.
      const e = Math.exp(-Math.abs(zi));
      linear += wi * (Math.max(zi, 0) - yi * zi);
      if (e < SMALL_E) {
        small += wi * log1pSmall(e);
      } else if (wi === wProduct) {
        product *= 1 + e;
        if (product > PRODUCT_LIMIT) {
          product *= PRODUCT_SCALE;
          scaled++;
        }
      } else {
        other += wi * Math.log1p(e);
      }
      const prob = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
      z[i] = wi * (prob - yi);
    }
    return linear + small + other + wProduct * (Math.log(product) + scaled * (500 * Math.LN2));
  }
  for (let i = 0; i < len; i++) {
    let m = z[i]!;
    for (let k = 1; k < K; k++) m = Math.max(m, z[k * len + i]!);
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(z[k * len + i]! - m);
    const lse = m + Math.log(s);
    const yi = y[r0 + i]!;
    const wi = w[r0 + i]!;
    loss += wi * (lse - z[yi * len + i]!);
    for (let k = 0; k < K; k++) {
      const prob = Math.exp(z[k * len + i]! - lse);
      z[k * len + i] = wi * (prob - (yi === k ? 1 : 0));
    }
  }
  return loss;
}

/**
 * Sum over rows of w_i times the log loss (sigmoid when K = 1, softmax otherwise), and
 * its gradient with respect to theta, written into `grad`.
 *
 * @example
 * const grad = new Float64Array(theta.length);
 * const loss = logisticObjective({ backend: 'js' }, X.data, X.nRows, X.nCols, 1, y, w, theta, grad);
 */
export function logisticObjective(_t: DenseTarget, ...args: LogisticObjectiveArgs): number {
  const [X, n, p, K, y, w, theta, grad] = args;
  const width = K * (p + 1);
  const partial = new Float64Array(width);
  const z = new Float64Array(LINEAR_BLOCK * K);
  grad.fill(0);
  let loss = 0;
  for (let r0 = 0; r0 < n; r0 += LINEAR_BLOCK) {
    const len = Math.min(LINEAR_BLOCK, n - r0);
    blockScores(X, n, p, K, theta, r0, len, z);
    loss += logLossResiduals(K, len, y, w, r0, z);
    partial.fill(0);
    blockGradient(X, n, p, K, r0, len, z, partial);
    for (let t = 0; t < width; t++) grad[t]! += partial[t]!;
  }
  return loss;
}

/**
 * out (n x K, column-major) = X · coefᵀ + intercept.
 *
 * @example
 * linearScores({ backend: 'js' }, X.data, X.nRows, X.nCols, 1, theta, out);
 */
export function linearScores(_t: DenseTarget, ...args: LinearScoresArgs): void {
  const [X, n, p, K, theta, out] = args;
  const z = new Float64Array(LINEAR_BLOCK * K);
  for (let r0 = 0; r0 < n; r0 += LINEAR_BLOCK) {
    const len = Math.min(LINEAR_BLOCK, n - r0);
    blockScores(X, n, p, K, theta, r0, len, z);
    for (let k = 0; k < K; k++) out.set(z.subarray(k * len, (k + 1) * len), k * n + r0);
  }
}

/**
 * out (K x p, row-major) = Rᵀ · X, with R n x K column-major.
 *
 * @example
 * transposeProduct({ backend: 'js' }, X.data, X.nRows, X.nCols, 1, residuals, out);
 */
export function transposeProduct(_t: DenseTarget, ...args: TransposeProductArgs): void {
  const [X, n, p, K, R, out] = args;
  const width = K * (p + 1);
  const partial = new Float64Array(width);
  const r = new Float64Array(LINEAR_BLOCK * K);
  out.fill(0);
  for (let r0 = 0; r0 < n; r0 += LINEAR_BLOCK) {
    const len = Math.min(LINEAR_BLOCK, n - r0);
    for (let k = 0; k < K; k++) r.set(R.subarray(k * n + r0, k * n + r0 + len), k * len);
    partial.fill(0);
    blockGradient(X, n, p, K, r0, len, r, partial);
    for (let t = 0; t < K * p; t++) out[t]! += partial[t]!;
  }
}
