// The argument list of the k-NN search, written once: the backends' contract (contract.ts)
// takes it after the target, the addon (native/addon-types.ts) before its threads. This
// file imports nothing, so that the addon's types can read it without importing the backends.

/**
 * The arguments of a k-NN search: the k nearest training rows of each query (X nTrain x p
 * and Q nQuery x p, column-major; metric 0 Euclidean, 1 Manhattan, 2 cosine), into
 * outIndex and outDist (nQuery x k, row-major, nearest first).
 */
export type KnnSearchArgs = [
  X: Float64Array,
  nTrain: number,
  Q: Float64Array,
  nQuery: number,
  p: number,
  k: number,
  metric: number,
  outIndex: Int32Array,
  outDist: Float64Array,
];
