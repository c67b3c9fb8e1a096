import { implementationOn, kernel } from '../kernel.ts';
import type { DenseTarget } from '../target.ts';
import type { KnnSearchArgs } from './args.ts';
import type { KnnSearchImplementation } from './contract.ts';
import * as gpu from './gpu.ts';
import * as js from './js.ts';
import * as native from './native.ts';

export { METRICS, type Metric } from './js.ts';

/** Exact k-nearest-neighbour search: native, js, gpu (distances on the device). */
export const knnSearchKernel = kernel('knnSearch').implementedBy<KnnSearchImplementation>({
  native,
  js,
  gpu,
});

/**
 * The k nearest training rows of each query on the target backend (see js.ts).
 *
 * @example
 * knnSearch({ backend: 'native' }, X.data, X.nRows, Q.data, Q.nRows, p, 5, 0, idx, dist);
 */
export function knnSearch(t: DenseTarget, ...args: KnnSearchArgs): void {
  implementationOn(knnSearchKernel, t.backend).knnSearch(t, ...args);
}
