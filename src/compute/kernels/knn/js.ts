import type { DenseTarget } from '../target.ts';
import type { KnnSearchArgs } from './args.ts';

/** Distance metrics of the k-NN search, numbered as in native/src/knn_search.h. */
export const METRICS = { euclidean: 0, manhattan: 1, cosine: 2 } as const;
/** A distance metric of the k-NN search: `euclidean`, `manhattan` or `cosine` (public as KNeighborsMetric). */
export type Metric = keyof typeof METRICS;

/** Queries per block, as kQueryBlock in C++. */
const QUERY_BLOCK = 32;
/** Training rows per block, as kTrainBlock in C++. */
export const TRAIN_BLOCK = 2048;

/**
 * Keeps the k smallest (distance, index) pairs of one query sorted in `dist`/`idx` from
 * `off`; candidates arrive in increasing index, so ties keep the lower index.
 *
 * @example
 * const d = new Float64Array(2).fill(Infinity), ix = new Int32Array(2);
 * offerNeighbour(d, ix, 0, 2, 0.5, 7); // d = [0.5, Infinity], ix = [7, 0]
 */
export function offerNeighbour(
  dist: Float64Array,
  idx: Int32Array,
  off: number,
  k: number,
  d: number,
  i: number,
): void {
  if (!(d < dist[off + k - 1]!)) return;
  let pos = k - 1;
  while (pos > 0 && dist[off + pos - 1]! > d) {
    dist[off + pos] = dist[off + pos - 1]!;
    idx[off + pos] = idx[off + pos - 1]!;
    pos--;
  }
  dist[off + pos] = d;
  idx[off + pos] = i;
}

/** Euclidean norm of every row of a column-major matrix. */
export function rowNorms(M: Float64Array, n: number, p: number): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < p; j++) {
    const o = j * n;
    for (let i = 0; i < n; i++) out[i]! += M[o + i]! * M[o + i]!;
  }
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(out[i]!);
  return out;
}

/**
 * Exact k-nearest-neighbour search by brute force over blocks, as knnSearch in C++:
 * for each query (row of Q, column-major nQuery x p) the k nearest rows of X (nTrain x p),
 * nearest first, written to outIndex/outDist (nQuery x k, row-major).
 *
 * @example
 * knnSearch({ backend: 'js' }, X.data, X.nRows, Q.data, Q.nRows, X.nCols, 5, METRICS.euclidean, idx, dist);
 */
export function knnSearch(_t: DenseTarget, ...args: KnnSearchArgs): void {
  const [X, nTrain, Q, nQuery, p, k, metric, outIndex, outDist] = args;
  const trainNorm = metric === METRICS.cosine ? rowNorms(X, nTrain, p) : undefined;
  const queryNorm = metric === METRICS.cosine ? rowNorms(Q, nQuery, p) : undefined;
  const d = new Float64Array(TRAIN_BLOCK);
  const best = new Float64Array(QUERY_BLOCK * k);
  const bestIdx = new Int32Array(QUERY_BLOCK * k);
  for (let q0 = 0; q0 < nQuery; q0 += QUERY_BLOCK) {
    const nq = Math.min(QUERY_BLOCK, nQuery - q0);
    best.fill(Number.POSITIVE_INFINITY);
    bestIdx.fill(-1);
    for (let t0 = 0; t0 < nTrain; t0 += TRAIN_BLOCK) {
      const nt = Math.min(TRAIN_BLOCK, nTrain - t0);
      for (let q = 0; q < nq; q++) {
        d.fill(0, 0, nt);
        for (let j = 0; j < p; j++) {
          const xo = j * nTrain + t0;
          const qj = Q[j * nQuery + q0 + q]!;
          if (metric === METRICS.euclidean) {
            for (let t = 0; t < nt; t++) {
              const diff = X[xo + t]! - qj;
              d[t]! += diff * diff;
            }
          } else if (metric === METRICS.manhattan) {
            for (let t = 0; t < nt; t++) d[t]! += Math.abs(X[xo + t]! - qj);
          } else {
            for (let t = 0; t < nt; t++) d[t]! += X[xo + t]! * qj;
          }
        }
        if (trainNorm && queryNorm) {
          const qn = queryNorm[q0 + q]!;
          for (let t = 0; t < nt; t++) {
            const denom = qn * trainNorm[t0 + t]!;
            d[t] = denom === 0 ? 1 : 1 - d[t]! / denom;
          }
        }
        for (let t = 0; t < nt; t++) offerNeighbour(best, bestIdx, q * k, k, d[t]!, t0 + t);
      }
    }
    for (let q = 0; q < nq; q++) {
      for (let r = 0; r < k; r++) {
        const v = best[q * k + r]!;
        outDist[(q0 + q) * k + r] = metric === METRICS.euclidean ? Math.sqrt(v) : v;
        outIndex[(q0 + q) * k + r] = bestIdx[q * k + r]!;
      }
    }
  }
}
