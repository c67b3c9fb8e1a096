import { cachedKernel, flatten, type GpuInstance, toFloat32Block } from '../../gpu/runtime.ts';
import { type DenseTarget, gpuOf } from '../target.ts';
import type { KnnSearchArgs } from './args.ts';
import { cosineKernel, distanceKernel } from './gpu-functions.ts';
import { METRICS, offerNeighbour } from './js.ts';

function norms32(M: Float32Array, n: number, p: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += M[j * n + i]! * M[j * n + i]!;
    out[i] = Math.sqrt(s);
  }
  return out;
}

/** The distance between query row q of Q and training row t of X, in float64. */
function exactDistance(
  X: Float64Array,
  nTrain: number,
  Q: Float64Array,
  nQuery: number,
  p: number,
  metric: number,
  t: number,
  q: number,
): number {
  let s = 0;
  let xx = 0;
  let qq = 0;
  for (let j = 0; j < p; j++) {
    const a = X[j * nTrain + t]!;
    const b = Q[j * nQuery + q]!;
    if (metric === METRICS.euclidean) s += (a - b) * (a - b);
    else if (metric === METRICS.manhattan) s += Math.abs(a - b);
    else {
      s += a * b;
      xx += a * a;
      qq += b * b;
    }
  }
  if (metric === METRICS.euclidean) return Math.sqrt(s);
  if (metric === METRICS.manhattan) return s;
  const denom = Math.sqrt(qq) * Math.sqrt(xx);
  return denom === 0 ? 1 : 1 - s / denom;
}

/**
 * k-NN search on the gpu backend: the distance matrix is computed on the device in
 * float32, block by block, and the k nearest are kept on the host; their distances are
 * then recomputed in float64 and re-sorted. Neighbours whose float64 distances differ by
 * less than float32 rounding (about 1e-7 relative) may come out in another order than on
 * the js backend; otherwise the output is the same. Same layout as the js backend.
 *
 * @example
 * knnSearch({ backend: 'gpu', gpu: gpuInstance('cpu') }, X.data, X.nRows, Q.data, Q.nRows, X.nCols, 5, 0, idx, dist);
 */
export function knnSearch(t: DenseTarget, ...args: KnnSearchArgs): void {
  const [X, nTrain, Q, nQuery, p, k, metric, outIndex, outDist] = args;
  const gpu = gpuOf(t);
  const trainBlocks: Array<{ t0: number; nt: number; data: Float32Array; norm?: Float32Array }> = [];
  for (let t0 = 0; t0 < nTrain; t0 += KNN_TRAIN_BLOCK) {
    const nt = Math.min(KNN_TRAIN_BLOCK, nTrain - t0);
    const data = toFloat32Block(X, nTrain, p, t0, nt);
    trainBlocks.push({ t0, nt, data, norm: metric === METRICS.cosine ? norms32(data, nt, p) : undefined });
  }
  for (let q0 = 0; q0 < nQuery; q0 += KNN_QUERY_BLOCK) {
    const nq = Math.min(KNN_QUERY_BLOCK, nQuery - q0);
    const Qb = toFloat32Block(Q, nQuery, p, q0, nq);
    const qNorm = metric === METRICS.cosine ? norms32(Qb, nq, p) : undefined;
    const best = new Float64Array(nq * k).fill(Number.POSITIVE_INFINITY);
    const bestIdx = new Int32Array(nq * k).fill(-1);
    for (const block of trainBlocks) {
      const d = gpuDistanceBlock(gpu, metric, block.data, Qb, block.nt, nq, p, block.norm, qNorm);
      for (let q = 0; q < nq; q++) {
        const row = q * block.nt;
        for (let t = 0; t < block.nt; t++) offerNeighbour(best, bestIdx, q * k, k, d[row + t]!, block.t0 + t);
      }
    }
    for (let q = 0; q < nq; q++) {
      const found: Array<[number, number]> = [];
      for (let r = 0; r < k; r++) {
        const t = bestIdx[q * k + r]!;
        found.push([exactDistance(X, nTrain, Q, nQuery, p, metric, t, q0 + q), t]);
      }
      found.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      for (let r = 0; r < k; r++) {
        outDist[(q0 + q) * k + r] = found[r]![0];
        outIndex[(q0 + q) * k + r] = found[r]![1];
      }
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
  const kernel = cachedKernel(gpu, 'distance', distanceKernel, loop);
  kernel.setOutput([nt, nq]);
  return flatten(kernel(Xb, Qb, nt, nq, p, metric), nt * nq);
}
