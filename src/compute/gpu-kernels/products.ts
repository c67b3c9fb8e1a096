import {
  cosineKernel,
  manhattanKernel,
  scoresKernel,
  sqEuclideanKernel,
  transposeChunksKernel,
} from './functions.ts';
import { cachedKernel, flatten, type GpuInstance } from './runtime.ts';

/**
 * Rows per upload: keeps every flat index below 2^24, where float32 stops counting
 * integers exactly (gpu.js indexes textures in float), for up to 256 features.
 */
const ROW_BLOCK = 65_536;
/** Rows each thread of the Rᵀ·X kernel sums before the host adds the chunks in float64. */
const CHUNK = 256;

/**
 * Rows r0 .. r0+len of a column-major float64 matrix as a column-major float32 block,
 * the form gpu.js uploads.
 *
 * @example
 * toFloat32Block(X.data, X.nRows, X.nCols, 0, 1024);
 */
export function toFloat32Block(M: Float64Array, n: number, p: number, r0: number, len: number): Float32Array {
  const out = new Float32Array(len * p);
  for (let j = 0; j < p; j++) {
    const src = j * n + r0;
    for (let i = 0; i < len; i++) out[j * len + i] = M[src + i]!;
  }
  return out;
}

/**
 * X · coefᵀ + intercept on the gpu backend (float32 on the device): out is n x K,
 * column-major, like linearScoresJs; relative error about 1e-6 per term.
 *
 * @example
 * gpuLinearScores(gpuInstance('cpu'), X.data, X.nRows, X.nCols, 1, theta, out);
 */
export function gpuLinearScores(
  gpu: GpuInstance,
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  theta: Float64Array,
  out: Float64Array,
): void {
  const kernel = cachedKernel(gpu, 'scores', scoresKernel, Math.max(p, 1));
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
 * gpuTransposeProduct(gpuInstance('cpu'), X.data, X.nRows, X.nCols, 1, residuals, out);
 */
export function gpuTransposeProduct(
  gpu: GpuInstance,
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  R: Float64Array,
  out: Float64Array,
): void {
  const kernel = cachedKernel(gpu, 'transposeChunks', transposeChunksKernel, CHUNK);
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

/** Training rows and queries per distance block on the device (output nQuery x nTrain). */
export const KNN_TRAIN_BLOCK = 16_384;
export const KNN_QUERY_BLOCK = 256;

/**
 * One block of the k-NN distance matrix on the gpu backend: out[q·nt + t] is the
 * distance (squared for Euclidean) between query q and training row t of the block,
 * in float32. Inputs are column-major float32 blocks; norms only for cosine.
 *
 * @example
 * const d = gpuDistanceBlock(gpu, 0, Xb, Qb, nt, nq, p);
 */
export function gpuDistanceBlock(
  gpu: GpuInstance,
  metric: number,
  Xb: Float32Array,
  Qb: Float32Array,
  nt: number,
  nq: number,
  p: number,
  xNorm?: Float32Array,
  qNorm?: Float32Array,
): Float32Array {
  const loop = Math.max(p, 1);
  if (metric === 2) {
    const kernel = cachedKernel(gpu, 'cosine', cosineKernel, loop);
    kernel.setOutput([nt, nq]);
    return flatten(kernel(Xb, Qb, xNorm, qNorm, nt, nq, p), nt * nq);
  }
  const kernel =
    metric === 1
      ? cachedKernel(gpu, 'manhattan', manhattanKernel, loop)
      : cachedKernel(gpu, 'sqEuclidean', sqEuclideanKernel, loop);
  kernel.setOutput([nt, nq]);
  return flatten(kernel(Xb, Qb, nt, nq, p), nt * nq);
}
