// Runs the shared estimator suite on the estimators behind Azure AutoML's names
// (issue 20): SGDClassifier, SGDRegressor, LinearSVC, SVC and LassoLars.
import { LassoLars, LinearSVC, SGDClassifier, SGDRegressor, SVC } from '../../src/models/index.ts';
import { type Ctor, runSuiteEntries, type SuiteEntry } from './suite-entries.ts';

// SGD takes one row at a time: a weight of 2 is one step twice as long, a duplicated row
// two steps at different points of the path. The two agree only in expectation.
const sgdWeights = null;

const entries: SuiteEntry[] = [
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
    native: true,
  },
  {
    ctor: SVC as Ctor,
    fromJSON: SVC.fromJSON,
    kind: 'classifier',
    defaults: { kernel: 'poly', degree: 2, coef0: 1, C: 5, gamma: 'auto' },
    weightParams: { tol: 1e-10, plattFolds: 0 },
    weightTolerance: 1e-6,
    native: true,
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

runSuiteEntries(entries);
