import { nativeAddon } from '../../native/load.ts';
import { type DenseTarget, threads } from '../target.ts';
import type { KnnSearchArgs } from './args.ts';

/** The k nearest training rows of each query, in C++ (native/src/addon_linear.cc); layout as js.ts. */
export function knnSearch(t: DenseTarget, ...args: KnnSearchArgs): void {
  nativeAddon().knnSearch(...args, threads(t));
}
