// Runs the shared estimator suite on the linear, k-NN and naive Bayes estimators, on
// the js backend and, where the addon is built, the native one.
import {
  BernoulliNB,
  ElasticNet,
  GaussianNB,
  KNeighborsClassifier,
  KNeighborsRegressor,
  Lasso,
  LinearRegression,
  LogisticRegression,
  MultinomialNB,
  Ridge,
} from '../../src/index.ts';
import { type Ctor, runSuiteEntries, type SuiteEntry } from './suite-entries.ts';

// Weighted and duplicated rows give the same objective; the solvers stop on a gradient
// tolerance, so the two fits agree to that tolerance, not to the last bit.
const tight = { tol: 1e-10, maxIter: 10_000 };
const entries: SuiteEntry[] = [
  {
    ctor: LogisticRegression as Ctor,
    fromJSON: LogisticRegression.fromJSON,
    kind: 'classifier',
    weightParams: tight,
    weightTolerance: 1e-6,
    native: true,
  },
  {
    ctor: LogisticRegression as Ctor,
    fromJSON: LogisticRegression.fromJSON,
    kind: 'classifier',
    defaults: { penalty: 'elasticnet', C: 5, l1Ratio: 0.5 },
    weightParams: tight,
    weightTolerance: 1e-6,
    native: false,
  },
  {
    ctor: LinearRegression as Ctor,
    fromJSON: LinearRegression.fromJSON,
    kind: 'regressor',
    weightParams: {},
    native: true,
  },
  {
    ctor: Ridge as Ctor,
    fromJSON: Ridge.fromJSON,
    kind: 'regressor',
    defaults: { alpha: 0.1 },
    weightParams: {},
    native: false,
  },
  {
    ctor: Lasso as Ctor,
    fromJSON: Lasso.fromJSON,
    kind: 'regressor',
    defaults: { alpha: 0.001 },
    weightParams: { tol: 1e-12 },
    weightTolerance: 1e-8,
    native: true,
  },
  {
    ctor: ElasticNet as Ctor,
    fromJSON: ElasticNet.fromJSON,
    kind: 'regressor',
    defaults: { alpha: 0.001, l1Ratio: 0.5 },
    weightParams: { tol: 1e-12 },
    weightTolerance: 1e-8,
    native: false,
  },
  // A weight multiplies a neighbour's vote, but a duplicated row also takes a second
  // neighbour slot: the two differ by design.
  {
    ctor: KNeighborsClassifier as Ctor,
    fromJSON: KNeighborsClassifier.fromJSON,
    kind: 'classifier',
    weightParams: null,
    native: true,
  },
  {
    ctor: KNeighborsRegressor as Ctor,
    fromJSON: KNeighborsRegressor.fromJSON,
    kind: 'regressor',
    weightParams: null,
    native: true,
  },
  {
    ctor: GaussianNB as Ctor,
    fromJSON: GaussianNB.fromJSON,
    kind: 'classifier',
    weightParams: { varSmoothing: 0 },
    native: false,
  },
  {
    ctor: MultinomialNB as Ctor,
    fromJSON: MultinomialNB.fromJSON,
    kind: 'classifier',
    weightParams: {},
    native: false,
    // By the model's nature, not a shortfall: the suite's features are no counts, and with
    // one feature the likelihood θ^x has θ = 1 for every class.
    skip: {
      'learns the training data better than chance': 'the suite features are not counts',
      'one feature is enough': 'with one feature every class has θ = 1: only the prior is left',
    },
  },
  {
    ctor: BernoulliNB as Ctor,
    fromJSON: BernoulliNB.fromJSON,
    kind: 'classifier',
    defaults: { binarize: 0.45 },
    weightParams: {},
    native: false,
  },
];

runSuiteEntries(entries);
