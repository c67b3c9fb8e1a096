// The shared estimator suite run over a table of estimators, each on the js backend and,
// where `native` and the addon is built, the native one (linear-contract.test.ts and
// azure-estimators-contract.test.ts).
import type { Estimator, SerializedEstimator } from '../../src/models/index.ts';
import { testedBackends } from '../helpers/backends.ts';
import { estimatorSuite } from './estimator-suite.ts';

/** An estimator class as the table holds it. */
export type Ctor = new (p: Record<string, unknown>) => Estimator;

/** One row of the table: an estimator class, its defaults for the suite, and its exceptions. */
export interface SuiteEntry {
  ctor: Ctor;
  fromJSON: (json: SerializedEstimator) => Estimator;
  kind: 'classifier' | 'regressor';
  defaults?: Record<string, unknown>;
  weightParams?: Record<string, unknown> | null;
  weightTolerance?: number;
  /** Also run on the native backend (the models whose fit or predict has native kernels). */
  native: boolean;
  skip?: Record<string, string>;
}

/** Registers the suite for every entry and backend. */
export function runSuiteEntries(entries: readonly SuiteEntry[]): void {
  for (const e of entries) {
    const backends = e.native ? testedBackends() : (['js'] as const);
    for (const backend of backends) {
      const label = e.defaults ? ` ${JSON.stringify(e.defaults)}` : '';
      estimatorSuite({
        name: `${e.ctor.name}${label} (${backend})`,
        kind: e.kind,
        make: (p) => new e.ctor({ backend, ...e.defaults, ...p }),
        fromJSON: e.fromJSON,
        weightParams: e.weightParams,
        weightTolerance: e.weightTolerance,
        ...(e.skip ? { skip: e.skip } : {}),
      });
    }
  }
}
