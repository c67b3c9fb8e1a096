import { ValidationError } from '../core/errors.ts';
import type { ParamValue, Task } from '../core/trial.ts';
import {
  BernoulliNB,
  DecisionTreeClassifier,
  DecisionTreeRegressor,
  ElasticNet,
  ExtraTreesClassifier,
  ExtraTreesRegressor,
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  KNeighborsClassifier,
  KNeighborsRegressor,
  LassoLars,
  LinearSVC,
  LogisticRegression,
  MultinomialNB,
  RandomForestClassifier,
  RandomForestRegressor,
  Ridge,
  SGDClassifier,
  SGDRegressor,
  SplineLogisticRegression,
  SplineRidge,
  SVC,
} from '../models/index.ts';
import type { ComputeParams, Estimator } from '../models/types.ts';
import { choice, loguniform, qloguniform, quniform, uniform } from '../space/constructors.ts';
import { didYouMeanAfterList } from '../space/nearest.ts';
import type { Distribution } from '../space/types.ts';
import { scoresProbabilities } from './scoring.ts';

/** What a candidate's factory gets besides its hyperparameters. */
export interface BuildContext extends ComputeParams {
  readonly task: Task;
  readonly seed: number;
}

/** A parameter set as AutoML samples it. */
type Config = Readonly<Record<string, ParamValue>>;

/**
 * One model family AutoML may try: its estimator per task, its default search space (with
 * a low-cost starting point, as FLAML does), and a cost hint. Adding an estimator to
 * AutoML is adding one entry to `CANDIDATES`.
 */
export interface Candidate {
  /** Azure AutoML's name for the family (used by allowedModels / blockedModels). */
  readonly name: string;
  /**
   * The unfitted estimator of each task the family serves, holding only what AutoML fixes
   * (e.g. more iterations) and the estimator's own defaults otherwise; every trial's
   * estimator is derived from it by `withParams`.
   */
  readonly prototypes: Readonly<Partial<Record<Task, Estimator>>>;
  /** The tasks of `prototypes`. */
  readonly tasks: readonly Task[];
  /** Whether the model needs standardized features (linear models, kNN). */
  readonly needsScaling: boolean;
  /**
   * The search space over its hyperparameters (their names are the estimator's). With
   * `probabilities` true the primary metric scores the class probabilities as
   * probabilities (log loss, Brier score): a family then leaves out the settings whose
   * probabilities are no fitted probability model (SGD's hinge losses).
   */
  space(task: Task, probabilities?: boolean): Readonly<Record<string, Distribution>>;
  /** The cheap, sensible configuration tried first. */
  readonly initial: Config;
  /** Relative fit cost of a configuration, per row and feature; orders the first trials. */
  costHint(params: Config): number;
  /**
   * The most training rows the family is tried on (kernel SVM: its fit grows with the
   * square of the rows); above it AutoML leaves the family out, with a notice. Absent: no limit.
   */
  readonly maxRows?: number;
  /**
   * The most numeric input columns the family is tried on (the spline models: each becomes
   * up to a dozen columns of a dense linear model); above it AutoML leaves the family out,
   * with a notice. Absent: no limit.
   */
  readonly maxNumericColumns?: number;
  /**
   * Why its class probabilities are no probabilities to rank by when the primary metric
   * scores them as such (log loss, Brier score): then the family is left out by default
   * (see `forProbabilityMetric`).
   */
  readonly overconfident?: string;
  /**
   * Whether it supports early stopping on an inner validation split (boosting): then
   * `nEstimators` is the ceiling and the trial keeps the best round.
   */
  readonly earlyStopping: boolean;
  /**
   * The task's prototype with the configuration's hyperparameters, the seed and the
   * backend of `ctx`; a hyperparameter the configuration leaves out keeps the estimator's
   * default.
   */
  create(params: Config, ctx: BuildContext): Estimator;
}

/** A candidate as written in `CANDIDATES`: `tasks` and `create` follow from the rest. */
interface CandidateSpec extends Omit<Candidate, 'tasks' | 'create'> {
  /**
   * Where a sampled configuration means something else than the estimator's parameter
   * of the same name, the translation; the configuration is passed as it is otherwise.
   */
  readonly adapt?: (params: Config, task: Task) => Record<string, unknown>;
}

function candidate({ adapt, ...spec }: CandidateSpec): Candidate {
  return {
    ...spec,
    tasks: Object.keys(spec.prototypes) as Task[],
    create(params, ctx) {
      const prototype = spec.prototypes[ctx.task];
      if (!prototype) {
        throw new ValidationError(`${spec.name} does not do ${ctx.task}`, { path: 'task' });
      }
      const changes = adapt ? adapt(params, ctx.task) : params;
      // an undefined backend keeps the prototype's (the default backend)
      return prototype.withParams({ ...changes, seed: ctx.seed, backend: ctx.backend });
    },
  };
}

const ln = Math.log;

function forestSpace(task: Task): Record<string, Distribution> {
  return {
    nEstimators: qloguniform(ln(8), ln(512), 1),
    maxFeatures: uniform(0.05, 1),
    minSamplesLeaf: qloguniform(0, ln(20), 1),
    ...(task === 'classification' ? { criterion: choice(['gini', 'entropy']) } : {}),
  };
}

/**
 * The forests' space samples maxFeatures as a share of the features, where the estimator
 * reads 1 as one feature: a share of 1 is every feature (null). The initial point names a
 * classification criterion for both tasks; a regressor keeps its own.
 */
function forestParams({ maxFeatures, criterion, ...p }: Config, task: Task): Record<string, unknown> {
  return {
    ...p,
    maxFeatures: typeof maxFeatures === 'number' && maxFeatures >= 1 ? null : maxFeatures,
    criterion: task === 'classification' ? criterion : undefined,
  };
}

/** Trees or boosting rounds a configuration asks for: its nEstimators, or the estimator's default. */
function ensembleSize(p: Config, prototype: Estimator): number {
  return Number(p.nEstimators ?? prototype.params.nEstimators);
}

const boosting = {
  classification: new GradientBoostingClassifier(),
  regression: new GradientBoostingRegressor(),
};
const extraTrees = { classification: new ExtraTreesClassifier(), regression: new ExtraTreesRegressor() };
const randomForest = {
  classification: new RandomForestClassifier(),
  regression: new RandomForestRegressor(),
};

/** Logistic regression, also the stacking meta-learner of classification. */
export const LOGISTIC_REGRESSION = candidate({
  name: 'LogisticRegression',
  // more iterations than the estimator's default (100): a fit stopped before it converges
  // would score its configuration below its worth
  prototypes: { classification: new LogisticRegression({ maxIter: 500 }) },
  needsScaling: true,
  earlyStopping: false,
  space: () => ({ C: loguniform(ln(1e-3), ln(1e3)) }),
  initial: { C: 1 },
  costHint: () => 0.5,
});

/**
 * GAM's configuration for its task's model: C for SplineLogisticRegression, alpha for
 * SplineRidge (its initial point names both, as the forests' names a criterion for both).
 */
function gamParams({ C, alpha, ...p }: Config, task: Task): Record<string, unknown> {
  return task === 'classification' ? { ...p, C } : { ...p, alpha };
}

/** The numeric input columns above which AutoML leaves GAM out. */
export const GAM_MAX_NUMERIC_COLUMNS = 200;

/**
 * Additive spline models, mlsweep's own family (Azure AutoML has none): every numeric
 * feature becomes cubic B-splines and a penalized linear model reads them, one smooth curve
 * per feature. Between the linear models and the trees: a curved effect of one feature
 * (the risk rising with glucose, then leveling off) without the trees' variance on a few
 * hundred rows. On pima_indians_diabetes2 scikit-learn's same pipeline tests at AUC 0.842
 * over the five folds where logistic regression tests at 0.836.
 */
const GAM = candidate({
  name: 'GAM',
  prototypes: {
    classification: new SplineLogisticRegression({ maxIter: 500 }),
    regression: new SplineRidge(),
  },
  // the knots follow each column's range: any scaling of a column gives the same splines
  needsScaling: false,
  earlyStopping: false,
  space: (task) => ({
    nKnots: quniform(3, 10, 1),
    ...(task === 'classification'
      ? { C: loguniform(ln(1e-3), ln(1e3)) }
      : { alpha: loguniform(ln(1e-3), ln(1e3)) }),
  }),
  // one initial point for both tasks, each reading its own strength (see gamParams)
  initial: { nKnots: 5, C: 1, alpha: 1 },
  costHint: (p) => 0.25 * (Number(p.nKnots ?? 5) + 2),
  maxNumericColumns: GAM_MAX_NUMERIC_COLUMNS,
  adapt: gamParams,
});

/** Ridge regression, also the stacking meta-learner of regression. */
export const RIDGE = candidate({
  name: 'Ridge',
  prototypes: { regression: new Ridge() },
  needsScaling: true,
  earlyStopping: false,
  space: () => ({ alpha: loguniform(ln(1e-3), ln(1e3)) }),
  initial: { alpha: 1 },
  costHint: () => 0.2,
});

/**
 * LightGBM's and XGBoost's families are the native histogram boosting learner with those
 * libraries' hyperparameter ranges (FLAML's spaces, bounded). LightGBM grows each tree
 * leaf-wise up to numLeaves; XGBoost's depth-wise trees are the same learner with
 * numLeaves 2^maxDepth (a cap a tree of that depth never reaches) and no row minimum.
 */
const LIGHTGBM = candidate({
  name: 'LightGBM',
  prototypes: boosting,
  needsScaling: false,
  earlyStopping: true,
  space: () => ({
    nEstimators: qloguniform(ln(16), ln(2048), 1),
    numLeaves: qloguniform(ln(4), ln(1024), 1),
    minChildSamples: qloguniform(ln(2), ln(128), 1),
    learningRate: loguniform(ln(1 / 1024), ln(1)),
    subsample: uniform(0.5, 1),
    colsampleBytree: uniform(0.1, 1),
    regAlpha: loguniform(ln(1 / 1024), ln(1024)),
    regLambda: loguniform(ln(1 / 1024), ln(1024)),
  }),
  // LightGBM's defaults, with fewer leaves and rounds as FLAML's cheap start
  initial: {
    nEstimators: 100,
    numLeaves: 15,
    minChildSamples: 20,
    learningRate: 0.1,
    subsample: 1,
    colsampleBytree: 1,
    regAlpha: 1 / 1024,
    regLambda: 1,
  },
  costHint: (p) =>
    ensembleSize(p, boosting.regression) * 0.3 * Math.max(1, Math.log2(Number(p.numLeaves ?? 31)) / 4),
});

function xgboostParams({ maxDepth, ...p }: Config): Record<string, unknown> {
  const depth = Number(maxDepth ?? 6);
  return { ...p, maxDepth: depth, numLeaves: 2 ** depth, minChildSamples: 1 };
}

function xgboost(name: string, task: Task) {
  return candidate({
    name,
    prototypes: { [task]: boosting[task] },
    needsScaling: false,
    earlyStopping: true,
    space: () => ({
      nEstimators: qloguniform(ln(16), ln(2048), 1),
      maxDepth: quniform(1, 10, 1),
      minChildWeight: loguniform(ln(1e-3), ln(128)),
      learningRate: loguniform(ln(1 / 1024), ln(1)),
      subsample: uniform(0.5, 1),
      colsampleBytree: uniform(0.1, 1),
      regLambda: loguniform(ln(1 / 1024), ln(1024)),
    }),
    // XGBoost's defaults (eta 0.3, depth 6, lambda 1), with fewer rounds
    initial: {
      nEstimators: 100,
      maxDepth: 6,
      minChildWeight: 1,
      learningRate: 0.3,
      subsample: 1,
      colsampleBytree: 1,
      regLambda: 1,
    },
    costHint: (p) => ensembleSize(p, boosting.regression) * 0.3 * Math.max(1, Number(p.maxDepth ?? 6) / 4),
    adapt: xgboostParams,
  });
}

/**
 * SGD's space: the loss of the task, the penalty and its strength. Scored on its
 * probabilities as probabilities, a classifier fits the logistic loss only: hinge's are
 * the softmax of its margins and modified_huber's are clipped to exactly 0 or 1, so a
 * fold without a mistake scores a log loss near 0 and one mistake on new rows costs
 * ~35 (wine: CV log loss 0.0001, test 0.31, chosen over logistic regression).
 */
function sgdSpace(task: Task, probabilities = false): Record<string, Distribution> {
  return {
    loss: choice(
      task === 'regression'
        ? ['squared_error', 'huber', 'epsilon_insensitive']
        : probabilities
          ? ['log_loss']
          : ['hinge', 'log_loss', 'modified_huber'],
    ),
    penalty: choice(['l2', 'l1', 'elasticnet']),
    alpha: loguniform(ln(1e-6), ln(1e-1)),
    l1Ratio: uniform(0, 1),
  };
}

/** Why the naive Bayes variants are left out under a metric that scores probabilities. */
const NAIVE_BAYES_OVERCONFIDENT =
  'naive Bayes counts every feature as independent evidence and pushes probabilities to 0 and 1 (Niculescu-Mizil and Caruana, 2005)';

/** The row count above which AutoML leaves SVM (kernel SMO, cost ~ rows²) out. */
export const SVM_MAX_ROWS = 10_000;

/** The families named as Azure AutoML names them that earlier mlsweep versions lacked. */
const AZURE_FAMILIES: readonly Candidate[] = [
  candidate({
    name: 'SGD',
    prototypes: { classification: new SGDClassifier(), regression: new SGDRegressor() },
    needsScaling: true,
    earlyStopping: false,
    space: sgdSpace,
    overconfident:
      'its logistic loss is LogisticRegression fitted by a noisier optimizer, one-vs-rest, whose probabilities reach 0 and 1 on nearly separable rows',
    initial: { penalty: 'l2', alpha: 1e-4, l1Ratio: 0.15 },
    costHint: () => 0.3,
  }),
  candidate({
    name: 'MultinomialNaiveBayes',
    prototypes: { classification: new MultinomialNB() },
    overconfident: NAIVE_BAYES_OVERCONFIDENT,
    // counts: standardized (negative) values would be refused; on data with negative
    // values a trial fails with MultinomialNB's error naming the cell
    needsScaling: false,
    earlyStopping: false,
    space: () => ({ alpha: loguniform(ln(1e-3), ln(10)), fitPrior: choice([true, false]) }),
    initial: { alpha: 1, fitPrior: true },
    costHint: () => 0.05,
  }),
  candidate({
    name: 'BernoulliNaiveBayes',
    prototypes: { classification: new BernoulliNB() },
    overconfident: NAIVE_BAYES_OVERCONFIDENT,
    // standardized: binarize at 0 is above or below the column's mean
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ alpha: loguniform(ln(1e-3), ln(10)), binarize: uniform(-1, 1) }),
    initial: { alpha: 1, binarize: 0 },
    costHint: () => 0.05,
  }),
  candidate({
    name: 'SVM',
    // Platt's sigmoids fitted on the training decision values: no five extra fits per
    // trial (predictions, by votes, do not use them)
    prototypes: { classification: new SVC({ plattFolds: 0 }) },
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ C: loguniform(ln(1e-2), ln(1e3)), gamma: choice(['scale', 'auto']) }),
    initial: { C: 1, gamma: 'scale' },
    costHint: () => 20,
    maxRows: SVM_MAX_ROWS,
  }),
  candidate({
    name: 'LinearSVM',
    prototypes: { classification: new LinearSVC() },
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ C: loguniform(ln(1e-3), ln(1e3)) }),
    initial: { C: 1 },
    costHint: () => 0.3,
  }),
  candidate({
    name: 'LassoLars',
    prototypes: { regression: new LassoLars() },
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ alpha: loguniform(ln(1e-4), ln(10)) }),
    initial: { alpha: 0.01 },
    costHint: () => 0.3,
  }),
  LIGHTGBM,
  xgboost('XGBoostClassifier', 'classification'),
  xgboost('XGBoostRegressor', 'regression'),
];

/**
 * Other names accepted by allowedModels / blockedModels for a family: scikit-learn's
 * estimator names and mlsweep's own, mapped to the Azure name results carry.
 */
export const MODEL_ALIASES: Readonly<Record<string, string>> = {
  SGDClassifier: 'SGD',
  SGDRegressor: 'SGD',
  LinearSVC: 'LinearSVM',
  SVC: 'SVM',
  MultinomialNB: 'MultinomialNaiveBayes',
  BernoulliNB: 'BernoulliNaiveBayes',
  ExtraTrees: 'ExtremeRandomTrees',
  KNeighbors: 'KNN',
  SplineLogisticRegression: 'GAM',
  SplineRidge: 'GAM',
};

/**
 * Every model family AutoML knows. Another estimator joins AutoML by adding its entry
 * here (prototypes, default space with a cheap start, cost hint).
 */
export const CANDIDATES: readonly Candidate[] = [
  LOGISTIC_REGRESSION,
  RIDGE,
  candidate({
    name: 'ElasticNet',
    prototypes: { regression: new ElasticNet() },
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ alpha: loguniform(ln(1e-4), ln(10)), l1Ratio: uniform(0, 1) }),
    initial: { alpha: 0.01, l1Ratio: 0.5 },
    costHint: () => 0.5,
  }),
  candidate({
    name: 'KNN',
    prototypes: { classification: new KNeighborsClassifier(), regression: new KNeighborsRegressor() },
    needsScaling: true,
    earlyStopping: false,
    space: () => ({ nNeighbors: qloguniform(0, ln(64), 1), weights: choice(['uniform', 'distance']) }),
    initial: { nNeighbors: 5, weights: 'uniform' },
    costHint: () => 2,
  }),
  candidate({
    name: 'DecisionTree',
    prototypes: { classification: new DecisionTreeClassifier(), regression: new DecisionTreeRegressor() },
    needsScaling: false,
    earlyStopping: false,
    space: () => ({
      maxDepth: qloguniform(ln(2), ln(32), 1),
      minSamplesLeaf: qloguniform(0, ln(40), 1),
    }),
    initial: { maxDepth: 8, minSamplesLeaf: 4 },
    costHint: () => 1,
  }),
  candidate({
    name: 'GradientBoosting',
    prototypes: boosting,
    needsScaling: false,
    earlyStopping: true,
    space: () => ({
      nEstimators: qloguniform(ln(16), ln(1024), 1),
      learningRate: loguniform(ln(0.01), ln(0.5)),
      numLeaves: qloguniform(ln(4), ln(128), 1),
      minChildSamples: qloguniform(ln(2), ln(64), 1),
      subsample: uniform(0.5, 1),
      colsampleBytree: uniform(0.3, 1),
      regLambda: loguniform(ln(1e-3), ln(10)),
    }),
    initial: {
      nEstimators: 200,
      learningRate: 0.1,
      numLeaves: 15,
      minChildSamples: 10,
      subsample: 1,
      colsampleBytree: 1,
      regLambda: 0.01,
    },
    costHint: (p) => ensembleSize(p, boosting.regression) * 0.3,
  }),
  candidate({
    name: 'ExtremeRandomTrees',
    prototypes: extraTrees,
    needsScaling: false,
    earlyStopping: false,
    space: forestSpace,
    initial: { nEstimators: 64, maxFeatures: 0.5, minSamplesLeaf: 1, criterion: 'gini' },
    costHint: (p) => ensembleSize(p, extraTrees.regression) * 0.5,
    adapt: forestParams,
  }),
  candidate({
    name: 'RandomForest',
    prototypes: randomForest,
    needsScaling: false,
    earlyStopping: false,
    space: forestSpace,
    initial: { nEstimators: 64, maxFeatures: 0.4, minSamplesLeaf: 1, criterion: 'gini' },
    costHint: (p) => ensembleSize(p, randomForest.regression),
    adapt: forestParams,
  }),
  ...AZURE_FAMILIES,
  GAM,
];

/**
 * The candidates for a task after `allowed` (when given, only those) and `blocked`, by
 * Azure's names or their aliases (MODEL_ALIASES); an unknown name is a ValidationError
 * with the nearest known one.
 *
 * @example
 * selectCandidates('regression', undefined, ['DecisionTree']).map((c) => c.name);
 */
export function selectCandidates(
  task: Task,
  allowed: readonly string[] | undefined,
  blocked: readonly string[] | undefined,
  registry: readonly Candidate[] = CANDIDATES,
): Candidate[] {
  const known = registry.map((c) => c.name);
  const accepted = [...known, ...Object.keys(MODEL_ALIASES).filter((a) => known.includes(MODEL_ALIASES[a]!))];
  const resolve = (names: readonly string[] | undefined, path: string) =>
    names?.map((n, i) => {
      if (!accepted.includes(n)) {
        throw new ValidationError(
          `unknown model '${n}' (known: ${known.join(', ')})${didYouMeanAfterList(n, accepted)}`,
          { path: `${path}[${i}]` },
        );
      }
      return MODEL_ALIASES[n] ?? n;
    });
  const allow = resolve(allowed, 'allowedModels');
  const block = resolve(blocked, 'blockedModels');
  const chosen = registry.filter(
    (c) => c.tasks.includes(task) && (!allow || allow.includes(c.name)) && !block?.includes(c.name),
  );
  if (chosen.length === 0) {
    throw new ValidationError(
      `no model is left to try for ${task} after allowedModels/blockedModels (known: ${known.join(', ')})`,
      { path: 'allowedModels' },
    );
  }
  return chosen;
}

/** The size of the training data, as the families' limits read it. */
export interface TrainingSize {
  readonly rows: number;
  /** Input columns stored as numbers (numeric, boolean, datetime). */
  readonly numericColumns: number;
}

/**
 * The candidates whose size limits (`maxRows`, `maxNumericColumns`) the training data
 * keeps, with a notice for each one left out; all of them when every family would be left
 * out (a search needs one).
 *
 * @example
 * const { candidates, notices } = withinSizeLimits(selectCandidates('classification', undefined, undefined), { rows: 50_000, numericColumns: 20 });
 * // SVM left out: 'SVM is left out: 50000 training rows exceed its limit of 10000 ...'
 */
export function withinSizeLimits(
  candidates: readonly Candidate[],
  size: TrainingSize,
): { candidates: Candidate[]; notices: string[] } {
  const why = (c: Candidate): string | undefined =>
    c.maxRows !== undefined && size.rows > c.maxRows
      ? `${size.rows} training rows exceed its limit of ${c.maxRows} (its fit grows with the square of the rows)`
      : c.maxNumericColumns !== undefined && size.numericColumns > c.maxNumericColumns
        ? `${size.numericColumns} numeric columns exceed its limit of ${c.maxNumericColumns} (each becomes up to a dozen spline columns)`
        : undefined;
  const kept = candidates.filter((c) => why(c) === undefined);
  if (kept.length === 0) return { candidates: [...candidates], notices: [] };
  const notices = candidates.filter((c) => !kept.includes(c)).map((c) => `${c.name} is left out: ${why(c)}.`);
  return { candidates: kept, notices };
}

/**
 * The candidates for a primary metric that scores class probabilities as probabilities
 * (log loss, Brier score): the families marked `overconfident` (SGD, the naive Bayes
 * variants) are left out, each with a notice, unless the user named the models
 * (allowedModels) or nothing else would be left. On a few hundred nearly separable rows
 * some of their hundreds of cheap trials reach probabilities near 1 on every validation
 * row and win the cross-validated log loss, and one confident mistake on new rows costs
 * more than the whole gain: wine, SGD CV log loss 0.0001 against logistic regression's
 * 0.05, test 0.21 to 0.31; BernoulliNB chosen alone on three of five folds, test 0.0026,
 * 0.13 and 0.24 against logistic regression's 0.061 mean.
 *
 * @example
 * forProbabilityMetric(selectCandidates('classification', undefined, undefined), 'log_loss', false).notices;
 * // ['SGD is left out for log_loss: its logistic loss is ...', ...]
 */
export function forProbabilityMetric(
  candidates: readonly Candidate[],
  metric: string,
  chosenByUser: boolean,
): { candidates: Candidate[]; notices: string[] } {
  const out = candidates.filter((c) => c.overconfident === undefined);
  if (chosenByUser || !scoresProbabilities(metric) || out.length === 0)
    return { candidates: [...candidates], notices: [] };
  const notices = candidates
    .filter((c) => c.overconfident !== undefined)
    .map(
      (c) => `${c.name} is left out for ${metric}: ${c.overconfident} (name it in allowedModels to try it).`,
    );
  return { candidates: out, notices };
}
