import { gpuInstance } from '../../gpu/runtime.ts';
import type { DenseTarget } from '../target.ts';
import { gpuKnnSearch } from './gpu.ts';
import { knnSearchJs } from './js.ts';
import * as native from './native.ts';

export { METRICS, type Metric } from './js.ts';

/**
 * The k nearest training rows of each query on the target backend (see knnSearchJs).
 *
 * @example
 * knnSearch({ backend: 'native' }, X.data, X.nRows, Q.data, Q.nRows, p, 5, 0, idx, dist);
 */
export function knnSearch(
  t: DenseTarget,
  X: Float64Array,
  nTrain: number,
  Q: Float64Array,
  nQuery: number,
  p: number,
  k: number,
  metric: number,
  outIndex: Int32Array,
  outDist: Float64Array,
): void {
  if (t.backend === 'native') {
    native.knnSearch(X, nTrain, Q, nQuery, p, k, metric, outIndex, outDist, t);
  } else if (t.backend === 'gpu') {
    gpuKnnSearch(t.gpu ?? gpuInstance(), X, nTrain, Q, nQuery, p, k, metric, outIndex, outDist);
  } else {
    knnSearchJs(X, nTrain, Q, nQuery, p, k, metric, outIndex, outDist);
  }
}
