import { nextTurn } from '../../compute/event-loop.ts';
import { type DenseTarget, linearScores } from '../../compute/kernels/dense/index.ts';
import { denseBackend, type KernelName } from '../../compute/kernels/table.ts';
import { ValidationError } from '../../core/errors.ts';
import { observeFit, observeFitAsync } from '../fit-listeners.ts';
import { regressionTarget } from '../input.ts';
import type { ParamReader } from '../params.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type { FeatureInput, FitOptions, LabelInput, Regressor, SerializedEstimator } from '../types.ts';
import { DenseEstimator, type DenseState } from './base.ts';
import { type Design, interceptOf, weightedDesign } from './design.ts';
import { coefficientImportances } from './importances.ts';
import { predictionFeatures, trainingData } from './prepared.ts';

interface LinearState extends DenseState {
  coef: Float64Array;
  intercept: number;
  importances: Float64Array;
  /** Coordinate descent sweeps (0 for closed-form solutions). */
  nIter: number;
  /** Final duality gap of coordinate descent (0 for closed-form solutions). */
  dualGap: number;
}

/** What a subclass's solver returns for a design. */
export interface LinearSolution {
  coef: Float64Array;
  nIter: number;
  dualGap: number;
}

const VERSION = 1;

/**
 * The linear regressors' shared part: data preparation (missing values filled, weighted
 * centering), prediction X·coef + intercept through the linearProducts kernel, feature
 * importances and JSON. Subclasses solve for the coefficients.
 */
export abstract class LinearRegressorBase extends DenseEstimator<LinearState> implements Regressor {
  readonly estimatorType = 'regressor' as const;

  protected constructor(
    name: string,
    given: object,
    readSpecific: (r: ParamReader) => Record<string, unknown>,
  ) {
    super(name, given, (r) => ({
      ...readSpecific(r),
      fitIntercept: r.bool('fitIntercept', true),
    }));
  }

  protected get fitIntercept(): boolean {
    return this.params.fitIntercept as boolean;
  }

  /** The kernel whose backend the solver runs on. */
  protected abstract readonly solverKernel: KernelName;

  /** Solves the centered, weighted problem; `previous` is the last fit's coef (warm start). */
  protected abstract solve(t: DenseTarget, d: Design, previous: Float64Array | undefined): LinearSolution;

  /** Row weights as the subclass's objective counts them (scikit-learn rescales some). */
  protected scaleWeights(weight: Float64Array): Float64Array {
    return weight;
  }

  get coef(): Float64Array {
    return Float64Array.from(this.fitted().coef);
  }

  get intercept(): number {
    return this.fitted().intercept;
  }

  get nIter(): number {
    return this.fitted().nIter;
  }

  get dualGap(): number {
    return this.fitted().dualGap;
  }

  /** |coef| times the feature's standard deviation, normalized to sum to 1. */
  get featureImportances(): Float64Array {
    return Float64Array.from(this.fitted().importances);
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const job = this.prepare(X, y, options);
      this.state = job.finish(this.solve(job.target, job.design, job.previous));
      return this;
    });
  }

  /** As fit, with native coordinate descent on the libuv pool. */
  override async fitAsync(X: FeatureInput, y: LabelInput, options: FitOptions = {}): Promise<this> {
    return observeFitAsync(this, X, y, options, async () => {
      const job = this.prepare(X, y, options);
      this.state = job.finish(await this.solveAsync(job.target, job.design, job.previous));
      return this;
    });
  }

  /** As solve, off the event loop where the solver has native work (default: after one turn). */
  protected async solveAsync(
    t: DenseTarget,
    d: Design,
    previous: Float64Array | undefined,
  ): Promise<LinearSolution> {
    await nextTurn();
    return this.solve(t, d, previous);
  }

  /** The checked, centered and weighted problem, the backend, the warm start, and the state a solution gives. */
  private prepare(X: FeatureInput, y: LabelInput, options: FitOptions) {
    const target = regressionTarget(y);
    const data = trainingData(X, target.length, options.sampleWeight);
    const design = weightedDesign(data.X, target, this.scaleWeights(data.weight), this.fitIntercept);
    const t: DenseTarget = {
      backend: denseBackend(this.backendChoice, this.solverKernel, design.n * design.p * design.p),
      nThreads: this.nThreadsParam ?? 0,
    };
    const previous = this.state?.nFeatures === design.p ? this.state.coef : undefined;
    const finish = (sol: LinearSolution): LinearState => ({
      nFeatures: design.p,
      fill: data.fill,
      coef: sol.coef,
      intercept: interceptOf(design, sol.coef),
      importances: coefficientImportances(sol.coef, 1, data.std),
      nIter: sol.nIter,
      dualGap: sol.dualGap,
    });
    return { target: t, design, previous, finish };
  }

  predict(X: FeatureInput): Float64Array {
    const s = this.fitted();
    const m = predictionFeatures(X, s.fill);
    const theta = new Float64Array(s.nFeatures + 1);
    theta.set(s.coef);
    theta[s.nFeatures] = s.intercept;
    const out = new Float64Array(m.nRows);
    const backend = denseBackend(this.backendChoice, 'linearProducts', m.nRows * s.nFeatures);
    linearScores({ backend, nThreads: this.nThreadsParam ?? 0 }, m.data, m.nRows, s.nFeatures, 1, theta, out);
    return out;
  }

  toJSON(): SerializedEstimator {
    const s = this.fitted();
    return this.serialize(VERSION, {
      coef: encodeArray(s.coef),
      intercept: s.intercept,
      importances: encodeArray(s.importances),
      nIter: s.nIter,
      dualGap: s.dualGap,
    });
  }

  /** Restores the state written by toJSON into a fresh estimator of the right class. */
  protected load(json: SerializedEstimator): this {
    const common = DenseEstimator.readCommon(json, this.name, VERSION);
    const st = json.state;
    const coef = decodeArray(st.coef, 'f64', 'state.coef');
    if (coef.length !== common.nFeatures || typeof st.intercept !== 'number') {
      throw new ValidationError('state.coef must hold one value per feature and state.intercept a number', {
        path: 'state.coef',
      });
    }
    this.state = {
      ...common,
      coef,
      intercept: st.intercept,
      importances: decodeArray(st.importances, 'f64', 'state.importances'),
      nIter: Number(st.nIter),
      dualGap: Number(st.dualGap),
    };
    return this;
  }
}
