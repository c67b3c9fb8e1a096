import type { DenseTarget } from '../target.ts';

/**
 * What every backend of the knnSearch kernel implements: the k nearest training rows of
 * each query (X nTrain x p and Q nQuery x p, column-major; metric 0 Euclidean,
 * 1 Manhattan, 2 cosine), into outIndex and outDist (nQuery x k, row-major, nearest
 * first).
 */
export interface KnnSearchImplementation {
  knnSearch(
    X: Float64Array,
    nTrain: number,
    Q: Float64Array,
    nQuery: number,
    p: number,
    k: number,
    metric: number,
    outIndex: Int32Array,
    outDist: Float64Array,
    t: DenseTarget,
  ): void;
}
