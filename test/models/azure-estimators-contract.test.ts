// Runs the shared estimator suite on the estimators behind Azure AutoML's names
// (issue 20): SGDClassifier, SGDRegressor, LinearSVC, SVC and LassoLars.
import {
  type Estimator,
  LassoLars,
  LinearSVC,
  type SerializedEstimator,
  SGDClassifier,
  SGDRegressor,
  SVC,
} from '../../src/models/index.ts';
import { testedBackends } from '../helpers/backends.ts';
import { estimatorSuite } from './estimator-suite.ts';

type Ctor = new (p: Record<string, unknown>) => Estimator;
interface Entry {
  ctor: Ctor;
  fromJSON: (json: SerializedEstimator) => Estimator;
  kind: 'classifier' | 'regressor';
  defaults?: Record<string, unknown>;
  weightParams?: Record<string, unknown> | null;
  weightTolerance?: number;
  /** Also run on the native backend (LassoLars's Gram matrix goes through a native kernel). */
  native: boolean;
  skip?: Record<string, string>;
}

// SGD takes one row at a time: a weight of 2 is one step twice as long, a duplicated row
// two steps at different points of the path. The two agree only in expectation.
const sgdWeights = null;

const entries: Entry[] = [
  {
    ctor: SGDClassifier as Ctor,
    fromJSON: SGDClassifier.fromJSON,
    kind: 'classifier',
    weightParams: sgdWeights,
    native: false,
  },
  {
    ctor: SGDClassifier as Ctor,
    fromJSON: SGDClassifier.fromJSON,
    kind: 'classifier',
    defaults: { loss: 'log_loss', penalty: 'elasticnet', average: true },
    weightParams: sgdWeights,
    native: false,
  },
  {
    ctor: SGDClassifier as Ctor,
    fromJSON: SGDClassifier.fromJSON,
    kind: 'classifier',
    defaults: { loss: 'modified_huber', learningRate: 'adaptive', eta0: 0.1 },
    weightParams: sgdWeights,
    native: false,
  },
  {
    ctor: SGDRegressor as Ctor,
    fromJSON: SGDRegressor.fromJSON,
    kind: 'regressor',
    weightParams: sgdWeights,
    native: false,
    skip: {
      'a constant target is predicted exactly':
        'SGD reaches a constant target only to within its last step size, not to 1e-9',
    },
  },
  {
    ctor: SGDRegressor as Ctor,
    fromJSON: SGDRegressor.fromJSON,
    kind: 'regressor',
    defaults: { loss: 'huber', epsilon: 1, penalty: 'l1', alpha: 1e-5, average: true },
    weightParams: sgdWeights,
    native: false,
    skip: {
      'a constant target is predicted exactly':
        'SGD reaches a constant target only to within its last step size, not to 1e-9',
    },
  },
  // Weighted and duplicated rows have the same primal problem; the dual solvers stop on a
  // tolerance, so the two fits agree to that tolerance.
  {
    ctor: LinearSVC as Ctor,
    fromJSON: LinearSVC.fromJSON,
    kind: 'classifier',
    weightParams: { tol: 1e-10, maxIter: 100_000 },
    weightTolerance: 1e-6,
    native: false,
  },
  {
    ctor: LinearSVC as Ctor,
    fromJSON: LinearSVC.fromJSON,
    kind: 'classifier',
    defaults: { loss: 'hinge', C: 10 },
    weightParams: { tol: 1e-10, maxIter: 100_000 },
    weightTolerance: 1e-6,
    native: false,
  },
  {
    ctor: SVC as Ctor,
    fromJSON: SVC.fromJSON,
    kind: 'classifier',
    // cross-validated Platt folds differ between 150 and 161 rows: weights are checked
    // with the sigmoids fitted on the training decision values (weighted)
    weightParams: { tol: 1e-10, plattFolds: 0 },
    weightTolerance: 1e-6,
    native: false,
  },
  {
    ctor: SVC as Ctor,
    fromJSON: SVC.fromJSON,
    kind: 'classifier',
    defaults: { kernel: 'poly', degree: 2, coef0: 1, C: 5, gamma: 'auto' },
    weightParams: { tol: 1e-10, plattFolds: 0 },
    weightTolerance: 1e-6,
    native: false,
  },
  {
    ctor: LassoLars as Ctor,
    fromJSON: LassoLars.fromJSON,
    kind: 'regressor',
    defaults: { alpha: 0.001 },
    weightParams: {},
    weightTolerance: 1e-8,
    native: true,
  },
];

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
