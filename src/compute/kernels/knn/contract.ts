import type { DenseTarget } from '../target.ts';
import type { KnnSearchArgs } from './args.ts';

/** What every backend of the knnSearch kernel implements: the search, where `t` says. */
export interface KnnSearchImplementation {
  knnSearch(t: DenseTarget, ...args: KnnSearchArgs): void;
}
