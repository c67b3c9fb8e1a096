// Runs the shared estimator suite on every tree learner, on each available backend.

import { unavailableReason } from '../../src/compute/backend.ts';
import {
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  type Estimator,
  ExtraTreesClassifier,
  ExtraTreesRegressor,
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  RandomForestClassifier,
  RandomForestRegressor,
  type SerializedEstimator,
} from '../../src/index.ts';
import { estimatorSuite } from './estimator-suite.ts';

type Ctor = new (p: Record<string, unknown>) => Estimator;
interface Entry {
  /** The suite's name when the class name alone does not tell the variant. */
  label?: string;
  ctor: Ctor;
  fromJSON: (json: SerializedEstimator) => Estimator;
  kind: 'classifier' | 'regressor';
  defaults: Record<string, unknown>;
  weightParams: Record<string, unknown>;
}

const small = { nEstimators: 8 };
const entries: Entry[] = [
  {
    ctor: DecisionTreeClassifier as Ctor,
    fromJSON: DecisionTreeClassifier.fromJSON,
    kind: 'classifier',
    defaults: {},
    weightParams: {},
  },
  {
    ctor: DecisionTreeRegressor as Ctor,
    fromJSON: DecisionTreeRegressor.fromJSON,
    kind: 'regressor',
    defaults: {},
    weightParams: {},
  },
  {
    label: 'DecisionTreeRegressor absolute_error',
    ctor: DecisionTreeRegressor as Ctor,
    fromJSON: DecisionTreeRegressor.fromJSON,
    kind: 'regressor',
    defaults: { criterion: 'absolute_error' },
    weightParams: {},
  },
  {
    ctor: RandomForestClassifier as Ctor,
    fromJSON: RandomForestClassifier.fromJSON,
    kind: 'classifier',
    defaults: small,
    // bootstrap draws rows by position, so a duplicated row changes every draw
    weightParams: { bootstrap: false },
  },
  {
    ctor: RandomForestRegressor as Ctor,
    fromJSON: RandomForestRegressor.fromJSON,
    kind: 'regressor',
    defaults: small,
    weightParams: { bootstrap: false },
  },
  {
    label: 'RandomForestRegressor absolute_error',
    ctor: RandomForestRegressor as Ctor,
    fromJSON: RandomForestRegressor.fromJSON,
    kind: 'regressor',
    defaults: { ...small, criterion: 'absolute_error' },
    weightParams: { bootstrap: false },
  },
  {
    ctor: ExtraTreesClassifier as Ctor,
    fromJSON: ExtraTreesClassifier.fromJSON,
    kind: 'classifier',
    defaults: small,
    weightParams: {},
  },
  {
    ctor: ExtraTreesRegressor as Ctor,
    fromJSON: ExtraTreesRegressor.fromJSON,
    kind: 'regressor',
    defaults: small,
    weightParams: {},
  },
  {
    label: 'ExtraTreesRegressor absolute_error',
    ctor: ExtraTreesRegressor as Ctor,
    fromJSON: ExtraTreesRegressor.fromJSON,
    kind: 'regressor',
    defaults: { ...small, criterion: 'absolute_error' },
    weightParams: {},
  },
  {
    ctor: GradientBoostingClassifier as Ctor,
    fromJSON: GradientBoostingClassifier.fromJSON,
    kind: 'classifier',
    defaults: { nEstimators: 15, minChildSamples: 5 },
    // minChildSamples counts rows, not weights
    weightParams: { minChildSamples: 1 },
  },
  {
    ctor: GradientBoostingRegressor as Ctor,
    fromJSON: GradientBoostingRegressor.fromJSON,
    kind: 'regressor',
    defaults: { nEstimators: 15, minChildSamples: 5 },
    weightParams: { minChildSamples: 1 },
  },
];

const backends = unavailableReason('native') === undefined ? (['js', 'native'] as const) : (['js'] as const);
for (const backend of backends) {
  for (const e of entries) {
    estimatorSuite({
      name: `${e.label ?? e.ctor.name} (${backend})`,
      kind: e.kind,
      make: (p = {}) => new e.ctor({ ...e.defaults, backend, nThreads: 2, ...p }),
      fromJSON: e.fromJSON,
      weightParams: e.weightParams,
      weightTolerance: 1e-9,
    });
  }
}
