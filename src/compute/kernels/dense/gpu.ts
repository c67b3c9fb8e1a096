import { cachedKernel, flatten, toFloat32Block } from '../../gpu/runtime.ts';
import { type DenseTarget, gpuOf } from '../target.ts';
import type { LinearScoresArgs, LogisticObjectiveArgs, TransposeProductArgs } from './args.ts';
import { scoresKernel, transposeChunksKernel } from './gpu-functions.ts';
import { logLossResiduals } from './js/products.ts';

/**
 * Rows per upload: keeps every flat index below 2^24, where float32 stops counting
 * integers exactly (gpu.js indexes textures in float), for up to 256 features.
 */
const ROW_BLOCK = 65_536;
/** Rows each thread of the Rᵀ·X kernel sums before the host adds the chunks in float64. */
const CHUNK = 256;

/**
 * X · coefᵀ + intercept on the gpu backend (float32 on the device): out is n x K,
 * column-major, like the js backend; relative error about 1e-6 per term.
 *
 * @example
 * linearScores({ backend: 'gpu', gpu: gpuInstance('cpu') }, X.data, X.nRows, X.nCols, 1, theta, out);
 */
export function linearScores(t: DenseTarget, ...args: LinearScoresArgs): void {
  const [X, n, p, K, theta, out] = args;
  const kernel = cachedKernel(gpuOf(t), 'scores', scoresKernel, Math.max(p, 1));
  const th = Float32Array.from(theta);
  for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
    const len = Math.min(ROW_BLOCK, n - r0);
    kernel.setOutput([len, K]);
    const res = flatten(kernel(toFloat32Block(X, n, p, r0, len), th, len, p, K), len * K);
    for (let k = 0; k < K; k++) {
      for (let i = 0; i < len; i++) out[k * n + r0 + i] = res[k * len + i]!;
    }
  }
}

/**
 * Rᵀ · X on the gpu backend: out (K x p, row-major); each device thread sums CHUNK rows
 * in float32 and the host adds the chunks in float64, so the relative error stays near
 * 1e-6 times the ratio of Σ|x r| to |Σ x r|.
 *
 * @example
 * transposeProduct({ backend: 'gpu', gpu: gpuInstance('cpu') }, X.data, X.nRows, X.nCols, 1, residuals, out);
 */
export function transposeProduct(t: DenseTarget, ...args: TransposeProductArgs): void {
  const [X, n, p, K, R, out] = args;
  const kernel = cachedKernel(gpuOf(t), 'transposeChunks', transposeChunksKernel, CHUNK);
  out.fill(0);
  for (let r0 = 0; r0 < n; r0 += ROW_BLOCK) {
    const len = Math.min(ROW_BLOCK, n - r0);
    const chunks = Math.ceil(len / CHUNK);
    kernel.setOutput([chunks, p * K]);
    const res = flatten(
      kernel(toFloat32Block(X, n, p, r0, len), toFloat32Block(R, n, K, r0, len), len, p, CHUNK),
      chunks * p * K,
    );
    for (let jk = 0; jk < p * K; jk++) {
      let s = 0;
      for (let c = 0; c < chunks; c++) s += res[jk * chunks + c]!;
      const k = Math.floor(jk / p);
      out[k * p + (jk - k * p)]! += s;
    }
  }
}

/**
 * The logistic objective on the gpu backend: the two products (scores, then the gradient
 * Rᵀ·X) run on the device, the loss and residuals on the host in float64.
 *
 * @example
 * const loss = logisticObjective({ backend: 'gpu' }, X.data, n, p, 1, y, w, theta, grad);
 */
export function logisticObjective(t: DenseTarget, ...args: LogisticObjectiveArgs): number {
  const [X, n, p, K, y, w, theta, grad] = args;
  const z = new Float64Array(n * K);
  linearScores(t, X, n, p, K, theta, z);
  const loss = logLossResiduals(K, n, y, w, 0, z);
  const g = new Float64Array(K * p);
  transposeProduct(t, X, n, p, K, z, g);
  grad.set(g);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += z[k * n + i]!;
    grad[K * p + k] = s;
  }
  return loss;
}
