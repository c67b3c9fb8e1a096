import {
  type DenseTarget,
  linearScores,
  logisticObjective,
  logisticObjectiveAsync,
} from '../../compute/kernels/dense/index.ts';
import { denseBackend } from '../../compute/kernels/table.ts';
import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';
import { applyClassWeight, type ClassWeight, parseClassWeight } from '../classes.ts';
import { observeFit, observeFitAsync } from '../fit-listeners.ts';
import { encodeClasses, encodeWith } from '../input.ts';
import type { ParamReader } from '../params.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type {
  ComputeParams,
  FeatureInput,
  FitOptions,
  Label,
  LabelInput,
  SerializedEstimator,
} from '../types.ts';
import { DenseClassifier, type DenseClassifierState, DenseEstimator } from './base.ts';
import { coefficientRows } from './coefficient-rows.ts';
import { coefficientImportances } from './importances.ts';
import {
  type AsyncObjective,
  fistaSteps,
  lbfgsSteps,
  type Objective,
  runSolver,
  runSolverAsync,
  type SolverOptions,
  type SolverResult,
  type SolverSteps,
} from './optimize.ts';
import { predictionFeatures, trainingData } from './prepared.ts';
import { softmaxRows } from './softmax.ts';

/** The penalty of LogisticRegression: `l2` (L-BFGS), `l1` or `elasticnet` (FISTA), or `none`. */
export type LogisticPenalty = 'l2' | 'l1' | 'elasticnet' | 'none';

/** Hyperparameters of LogisticRegression (scikit-learn's names in camelCase). */
export interface LogisticRegressionParams extends ComputeParams {
  /** `l2` (default, L-BFGS), `l1` or `elasticnet` (FISTA), `none`. */
  penalty?: LogisticPenalty;
  /** Inverse regularization strength (default 1): the loss is summed over rows times C. */
  C?: number;
  /** Elastic-net mixing: 1 is L1, 0 is L2 (default 0.5; used by `elasticnet` only). */
  l1Ratio?: number;
  fitIntercept?: boolean;
  classWeight?: ClassWeight;
  /** Stop when the largest gradient component (scikit-learn 1.2's scale) is <= tol (default 1e-4). */
  tol?: number;
  /** Most solver iterations (default 100 for L-BFGS, 1000 for FISTA). */
  maxIter?: number;
  seed?: number;
}

interface LogisticState extends DenseClassifierState {
  /** Score columns: 1 (binary: sigmoid), the class count (softmax), or 0 (one class seen). */
  K: number;
  /** K x p, row-major. */
  coef: Float64Array;
  intercept: Float64Array;
  importances: Float64Array;
  nIter: number;
  converged: boolean;
  gradMax: number;
}

const VERSION = 1;

/** LogisticRegression's own hyperparameters, checked, defaults filled in. */
type LogisticConfig = {
  penalty: LogisticPenalty;
  C: number;
  l1Ratio: number;
  fitIntercept: boolean;
  classWeight: ClassWeight;
  tol: number;
  maxIter: number;
};

function readLogisticConfig(r: ParamReader): LogisticConfig {
  const penalty = r.oneOf<LogisticPenalty>('penalty', 'l2', ['l2', 'l1', 'elasticnet', 'none']);
  const smooth = penalty === 'l2' || penalty === 'none';
  return {
    penalty,
    C: r.number('C', 1, 0, Number.POSITIVE_INFINITY, true),
    l1Ratio: r.number('l1Ratio', 0.5, 0, 1),
    fitIntercept: r.bool('fitIntercept', true),
    classWeight: parseClassWeight(r.raw('classWeight'), 'LogisticRegression'),
    tol: r.number('tol', 1e-4, 0),
    maxIter: r.int('maxIter', smooth ? 100 : 1000, 1),
  };
}

/**
 * Logistic regression, binary (sigmoid) and multinomial (softmax over all classes, as
 * scikit-learn's `multi_class='auto'`), minimizing C · Σ_i w_i · logloss_i + penalty,
 * with the intercept unpenalized: L2 by L-BFGS, L1 and elastic net by FISTA (proximal
 * gradient). Same objective as scikit-learn 1.2, so the same coefficients at convergence.
 * Missing values are filled with the weighted column means seen by fit.
 *
 * @example
 * const m = new LogisticRegression({ C: 10 }).fit([[0], [1], [2], [3]], ['no', 'no', 'yes', 'yes']);
 * m.predict([[0.2], [2.9]]); // ['no', 'yes']
 * m.converged; // true
 */
export class LogisticRegression extends DenseClassifier<LogisticState> {
  /** The hyperparameters fit uses (this.params, typed). */
  private readonly config: LogisticConfig;

  constructor(params: LogisticRegressionParams = {}) {
    super('LogisticRegression', params, readLogisticConfig);
    this.config = this.params as LogisticConfig;
  }

  /** Coefficients, one row per score column (1 for binary, one per class otherwise). */
  get coef(): number[][] {
    const s = this.fitted();
    return coefficientRows(s.coef, s.K, s.nFeatures);
  }

  get intercept(): number[] {
    return Array.from(this.fitted().intercept);
  }

  /** Solver iterations of the last fit. */
  get nIter(): number {
    return this.fitted().nIter;
  }

  /** Whether the last fit met tol within maxIter (false: raise maxIter, or scale the features). */
  get converged(): boolean {
    return this.fitted().converged;
  }

  /** The optimality measure the last fit ended with (compared against tol). */
  get finalGradient(): number {
    return this.fitted().gradMax;
  }

  /** |coef| times the feature's standard deviation, summed over classes, normalized to 1. */
  get featureImportances(): Float64Array {
    return Float64Array.from(this.fitted().importances);
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const plan = this.plan(X, y, options);
      this.state = plan.solve
        ? plan.finish(runSolver(plan.solve.steps, plan.solve.objective))
        : plan.finish();
      return this;
    });
  }

  /** As fit, with the native objective evaluated on the libuv pool (the event loop runs meanwhile). */
  override async fitAsync(X: FeatureInput, y: LabelInput, options: FitOptions = {}): Promise<this> {
    return observeFitAsync(this, X, y, options, async () => {
      const plan = this.plan(X, y, options);
      this.state = plan.solve
        ? plan.finish(await runSolverAsync(plan.solve.steps, plan.solve.objectiveAsync))
        : plan.finish();
      return this;
    });
  }

  /**
   * Everything fit does but the solving: the data checked and prepared, the objective
   * (sync and async) and the solver's steps, and how a result becomes the fitted state.
   */
  private plan(
    X: FeatureInput,
    y: LabelInput,
    options: FitOptions,
  ): {
    solve?: { steps: SolverSteps; objective: Objective; objectiveAsync: AsyncObjective };
    finish: (result?: SolverResult) => LogisticState;
  } {
    const { classes, codes } = encodeClasses(y);
    const data = trainingData(X, codes.length, options.sampleWeight);
    const { nRows: n, nCols: p } = data.X;
    const K = classes.length === 1 ? 0 : classes.length === 2 ? 1 : classes.length;
    const base = { nFeatures: p, fill: data.fill, classes, K };
    if (K === 0) {
      const state = {
        ...base,
        coef: new Float64Array(0),
        intercept: new Float64Array(0),
        importances: new Float64Array(p),
        nIter: 0,
        converged: true,
        gradMax: 0,
      };
      return { finish: () => state };
    }
    const w = applyClassWeight(data.weight, codes, classes, this.config.classWeight);
    for (let i = 0; i < n; i++) w[i]! *= this.config.C;
    const target = this.target(n * p * K);
    const { penalty, l1Ratio } = this.config;
    const l2 = penalty === 'l2' ? 1 : penalty === 'elasticnet' ? 1 - l1Ratio : 0;
    const l1 = penalty === 'l1' ? 1 : penalty === 'elasticnet' ? l1Ratio : 0;
    const nCoef = K * p;
    let dataLoss = 0;
    // The solver's objective: the data loss (from the kernel) plus the L2 part of the
    // penalty; without an intercept its gradient is held at 0.
    const penalized = (theta: Float64Array, g: Float64Array, loss: number): number => {
      dataLoss = loss;
      let total = loss;
      if (l2 > 0) {
        for (let j = 0; j < nCoef; j++) {
          total += 0.5 * l2 * theta[j]! * theta[j]!;
          g[j]! += l2 * theta[j]!;
        }
      }
      if (!this.config.fitIntercept) g.fill(0, nCoef);
      return total;
    };
    const args = [data.X.data, n, p, K, codes, w] as const;
    const objective: Objective = (theta, g) =>
      penalized(theta, g, logisticObjective(target, ...args, theta, g));
    const objectiveAsync: AsyncObjective = async (theta, g) =>
      penalized(theta, g, await logisticObjectiveAsync(target, ...args, theta, g));
    const x0 = new Float64Array(K * (p + 1));
    let totalWeight = 0;
    for (let i = 0; i < n; i++) totalWeight += w[i]!;
    const solverOptions = {
      maxIter: this.config.maxIter,
      tol: this.config.tol,
      onIteration: this.iterationReporter(options, classes, data.fill, K, () => dataLoss / totalWeight),
    };
    let steps: SolverSteps;
    if (l1 > 0) {
      const l1v = new Float64Array(x0.length);
      l1v.fill(l1, 0, nCoef);
      steps = fistaSteps(l1v, x0, solverOptions);
    } else {
      steps = lbfgsSteps(x0, solverOptions);
    }
    const finish = (result?: SolverResult): LogisticState => {
      const r = result!;
      const coef = r.x.slice(0, nCoef);
      return {
        ...base,
        coef,
        intercept: r.x.slice(nCoef),
        importances: coefficientImportances(coef, K, data.std),
        nIter: r.nIter,
        converged: r.converged,
        gradMax: r.gradMax,
      };
    };
    return { solve: { steps, objective, objectiveAsync }, finish };
  }

  /**
   * Turns fit's onIteration option into the solver's callback: the weighted mean log loss
   * of the training rows (no penalty) and, with an evalSet, of its rows under the
   * current coefficients (one extra scoring pass per iteration).
   */
  private iterationReporter(
    options: FitOptions,
    classes: Label[],
    fill: Float64Array,
    K: number,
    trainLoss: () => number,
  ): SolverOptions['onIteration'] {
    const callback = options.onIteration;
    if (!callback) return undefined;
    const evalSet = options.evalSet;
    const evalX = evalSet ? predictionFeatures(evalSet.X, fill) : undefined;
    const evalCodes = evalSet ? encodeWith(classes, evalSet.y, 'evalSet.y') : undefined;
    return (iteration, _f, theta) => {
      let validLoss: number | undefined;
      if (evalX && evalCodes) {
        const proba = linkProbabilities(this.scores(evalX, theta, K), K);
        const k = classes.length;
        validLoss = 0;
        for (let i = 0; i < evalCodes.length; i++) {
          validLoss -= Math.log(Math.max(proba[i * k + evalCodes[i]!]!, 1e-15));
        }
        validLoss /= evalCodes.length;
      }
      return callback({ iteration, metric: 'log_loss', trainLoss: trainLoss(), validLoss }) !== false;
    };
  }

  private target(work: number): DenseTarget {
    return {
      backend: denseBackend(this.backendChoice, 'logisticObjective', work),
      nThreads: this.nThreadsParam ?? 0,
    };
  }

  /** Decision scores: n values (binary) or n x K (row-major) before the link function. */
  decisionFunction(X: FeatureInput): Float64Array {
    const s = this.fitted();
    const m = predictionFeatures(X, s.fill);
    if (s.K === 0) return new Float64Array(m.nRows);
    const theta = new Float64Array(s.K * (s.nFeatures + 1));
    theta.set(s.coef);
    theta.set(s.intercept, s.coef.length);
    return this.scores(m, theta, s.K);
  }

  private scores(m: ColumnMatrix, theta: Float64Array, K: number): Float64Array {
    const n = m.nRows;
    const p = theta.length / K - 1;
    const colMajor = new Float64Array(n * K);
    const backend = denseBackend(this.backendChoice, 'linearProducts', n * p * K);
    linearScores({ backend, nThreads: this.nThreadsParam ?? 0 }, m.data, n, p, K, theta, colMajor);
    if (K === 1) return colMajor;
    const out = new Float64Array(n * K);
    for (let k = 0; k < K; k++) for (let i = 0; i < n; i++) out[i * K + k] = colMajor[k * n + i]!;
    return out;
  }

  protected probabilities(X: FeatureInput): Float64Array {
    const s = this.fitted();
    const z = this.decisionFunction(X);
    return s.K === 0 ? new Float64Array(z.length).fill(1) : linkProbabilities(z, s.K);
  }

  toJSON(): SerializedEstimator {
    const s = this.fitted();
    return this.serialize(VERSION, {
      classes: s.classes,
      K: s.K,
      coef: encodeArray(s.coef),
      intercept: encodeArray(s.intercept),
      importances: encodeArray(s.importances),
      nIter: s.nIter,
      converged: s.converged,
      gradMax: s.gradMax,
    });
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): LogisticRegression {
    const common = DenseEstimator.readCommon(json, 'LogisticRegression', VERSION);
    const m = new LogisticRegression(json.params as LogisticRegressionParams);
    const st = json.state;
    const classes = st.classes as Label[];
    const K = st.K as number;
    const coef = decodeArray(st.coef, 'f64', 'state.coef');
    const intercept = decodeArray(st.intercept, 'f64', 'state.intercept');
    const expectedK = classes.length === 1 ? 0 : classes.length === 2 ? 1 : classes.length;
    if (
      !Array.isArray(classes) ||
      K !== expectedK ||
      coef.length !== K * common.nFeatures ||
      intercept.length !== K
    ) {
      throw new ValidationError('state: classes, K, coef and intercept do not agree', { path: 'state' });
    }
    m.state = {
      ...common,
      classes,
      K,
      coef,
      intercept,
      importances: decodeArray(st.importances, 'f64', 'state.importances'),
      nIter: Number(st.nIter),
      converged: Boolean(st.converged),
      gradMax: Number(st.gradMax),
    };
    return m;
  }
}

/**
 * Class probabilities from decision scores: [1 - σ(z), σ(z)] per row when K = 1, the
 * softmax of each row of K scores otherwise (in place). Row-major, one row per sample.
 *
 * @example
 * linkProbabilities(Float64Array.of(0), 1); // [0.5, 0.5]
 */
export function linkProbabilities(z: Float64Array, K: number): Float64Array {
  if (K === 1) {
    const out = new Float64Array(z.length * 2);
    for (let i = 0; i < z.length; i++) {
      const zi = z[i]!;
      const p1 = zi >= 0 ? 1 / (1 + Math.exp(-zi)) : Math.exp(zi) / (1 + Math.exp(zi));
      out[2 * i] = 1 - p1;
      out[2 * i + 1] = p1;
    }
    return out;
  }
  return softmaxRows(z, K);
}
