/**
 * The store capabilities a worker needs, checked once: a location that keeps a register of
 * workers (`WorkerLocation`) and sweep stores that lease trials (`TrialLeases`).
 */
import { ValidationError } from '../../core/errors.ts';
import type { SweepLocation, SweepStore } from '../../store/sweep-store.ts';
import type { TrialLeases, WorkerLocation } from '../../store/worker-store.ts';

/** A location distributed workers can share. */
export type SharedLocation = SweepLocation & WorkerLocation;

/** A sweep's store as a worker uses it. */
export type LeasedStore = SweepStore & TrialLeases;

/**
 * The location as a `SharedLocation`, or a ValidationError naming it when its store keeps
 * no register of workers.
 *
 * @example
 * const shared = sharedLocation(openSweepLocation('postgresql://db.internal/mlsweep'));
 */
export function sharedLocation(location: SweepLocation): SharedLocation {
  const l = location as Partial<WorkerLocation>;
  if (
    typeof l.beat !== 'function' ||
    typeof l.workers !== 'function' ||
    typeof l.leave !== 'function' ||
    typeof l.openSweeps !== 'function'
  ) {
    throw new ValidationError(`the store ${location.where} cannot be shared by workers`, { path: 'store' });
  }
  return location as SharedLocation;
}

/**
 * The sweep's store as a `LeasedStore`, or a ValidationError when it cannot lease trials.
 *
 * @example
 * const store = leasedStore(await location.open(sweepId));
 */
export function leasedStore(store: SweepStore): LeasedStore {
  const s = store as Partial<TrialLeases>;
  if (
    typeof s.leaseTrial !== 'function' ||
    typeof s.releaseTrial !== 'function' ||
    typeof s.reapTrials !== 'function'
  ) {
    throw new ValidationError(`the store of sweep ${store.sweepId} cannot lease trials to workers`, {
      path: 'store',
    });
  }
  return store as LeasedStore;
}
