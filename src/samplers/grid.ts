import { ValidationError } from '../core/errors.ts';
import type { SearchSpace } from '../space/types.ts';
import { nextPosition } from './position.ts';
import type { Sampler, Suggestion, TrialHistory } from './types.ts';

/**
 * Grid search: every combination of the space's finite values, then exhausted.
 * Beyond Azure (which allows only `choice`), `randint`, `quniform` and `qloguniform`
 * enumerate too; any other continuous or unbounded distribution is an error naming it.
 *
 * Order: the first parameter varies slowest and the last fastest (nested loops in the
 * order the space is written); `choice` values in listed order, numbers ascending; a
 * conditional choice enumerates its options in order, each sub-space's whole grid in
 * turn. The n-th suggestion is grid point n, n counting the trials in the history.
 *
 * @example
 * const grid = new GridSampler(searchSpace({ a: 'choice(1, 2)', b: "choice('x', 'y')" }));
 * // suggestions: {a:1,b:'x'}, {a:1,b:'y'}, {a:2,b:'x'}, {a:2,b:'y'}, then { exhausted: true }
 */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  readonly space: SearchSpace;
  /** The number of grid points. */
  readonly size: number;

  constructor(space: SearchSpace) {
    const blocker = space.parameters.find(
      (p) => p.distribution !== undefined && p.distribution.gridSize === undefined,
    );
    if (blocker !== undefined) {
      throw new ValidationError(
        `${blocker.path}: grid sampling needs finite values, but ${String(blocker.distribution)} is continuous; use choice, randint, quniform or qloguniform, or random sampling`,
        { path: blocker.path, code: 'E_SPACE' },
      );
    }
    const size = space.gridSize as number;
    if (!Number.isSafeInteger(size)) {
      throw new ValidationError(`the grid has ${size} points, more than can be enumerated (2^53)`, {
        code: 'E_SPACE',
      });
    }
    this.space = space;
    this.size = size;
  }

  suggest(history: TrialHistory): Suggestion {
    const n = nextPosition(history);
    return n < this.size ? { params: this.space.gridAt(n) } : { exhausted: true };
  }
}
