import { nativeAddon } from '../../native/load.ts';
import { type DenseTarget, threads } from '../target.ts';

/** The k nearest training rows of each query, in C++ (native/src/addon_linear.cc); layout as js.ts. */
export function knnSearch(
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
): void {
  nativeAddon().knnSearch(X, nTrain, Q, nQuery, p, k, metric, outIndex, outDist, threads(t));
}
