// Additive spline models: every numeric feature expanded into B-splines (spline-basis.ts),
// then a penalized linear model on the expansion, scikit-learn's
// make_pipeline(SplineTransformer(), LogisticRegression()) and (..., Ridge()) as one
// estimator. Each feature's effect becomes a smooth curve instead of a line, the model
// stays additive, and the penalty keeps the curves from following the noise.
import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';
import { observeFit, observeFitAsync } from '../fit-listeners.ts';
import { assertFitted } from '../input.ts';
import { ParamReader } from '../params.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type {
  Classifier,
  Estimator,
  FeatureInput,
  FitOptions,
  Label,
  LabelInput,
  Regressor,
  SerializedEstimator,
} from '../types.ts';
import { withParams } from '../with-params.ts';
import { Ridge, type RidgeParams } from './least-squares.ts';
import { LogisticRegression, type LogisticRegressionParams } from './logistic-regression.ts';
import { predictionFeatures, trainingData } from './prepared.ts';
import {
  expandSplines,
  fitSplineBasis,
  type SplineBasis,
  splineBasisFromJSON,
  splineBasisToJSON,
  splineGroups,
  splineWidth,
  sumOverGroups,
} from './spline-basis.ts';

/** The spline expansion's hyperparameters (scikit-learn's SplineTransformer's, camelCase). */
export interface SplineParams {
  /** Evenly spaced knots over each feature's training range (default 5, at least 2). */
  nKnots?: number;
  /** Degree of the B-splines (default 3: cubic; 1 to 5). */
  degree?: number;
}

/** Hyperparameters of SplineLogisticRegression: the expansion's and LogisticRegression's. */
export interface SplineLogisticRegressionParams extends LogisticRegressionParams, SplineParams {}

/** Hyperparameters of SplineRidge: the expansion's and Ridge's. */
export interface SplineRidgeParams extends RidgeParams, SplineParams {}

/** What a fitted spline model keeps beside its linear model. */
interface SplineState<E> {
  /** Fill value (weighted training mean) of every input column, for missing values. */
  fill: Float64Array;
  basis: SplineBasis;
  /** The linear model fitted on the expansion. */
  linear: E;
}

const VERSION = 1;

/** Each linear class's hyperparameter names, read once from an unfitted instance. */
const linearNamesByClass = new WeakMap<abstract new (p: Record<string, unknown>) => Estimator, string[]>();

/**
 * The hyperparameter names `Linear` accepts, as its own constructor reports them (its
 * checks and defaults stay its own); learned once per class, as AutoML builds thousands.
 */
function linearParamNames(Linear: new (p: Record<string, unknown>) => Estimator): string[] {
  let names = linearNamesByClass.get(Linear);
  if (!names) {
    names = Object.keys(new Linear({}).params);
    linearNamesByClass.set(Linear, names);
  }
  return names;
}

/**
 * What the two spline models share: hyperparameters split between the expansion and the
 * linear model, the expansion fitted on the training rows and applied at predict, feature
 * importances summed back onto the input columns, and the JSON envelope.
 */
abstract class SplineModel<E extends Estimator> {
  readonly params: Readonly<Record<string, unknown>>;
  /** The unfitted linear model with this model's hyperparameters. */
  private readonly prototype: E;
  protected state: SplineState<E> | undefined;

  protected constructor(
    readonly name: string,
    given: object,
    Linear: new (p: Record<string, unknown>) => E,
  ) {
    // the linear model's names are read by the linear model (its checks, its defaults);
    // this reader takes the expansion's and refuses a name neither knows
    const linearNames = linearParamNames(Linear);
    const reader = new ParamReader(name, given as Record<string, unknown>);
    const nKnots = reader.int('nKnots', 5, 2);
    const degree = reader.int('degree', 3, 1, 5);
    const linearGiven: Record<string, unknown> = {};
    for (const key of linearNames) {
      const v = reader.raw(key);
      if (v !== undefined) linearGiven[key] = v;
    }
    reader.done();
    this.prototype = new Linear(linearGiven);
    this.params = Object.freeze({ nKnots, degree, ...this.prototype.params });
  }

  /** A new unfitted model of this class with `changes` over these hyperparameters (see withParams). */
  withParams(changes: Readonly<Record<string, unknown>>): this {
    return withParams(this, changes);
  }

  protected fitted(): SplineState<E> {
    return assertFitted(this.state, this.name);
  }

  /** The fitted linear model, on the expansion's columns (coefficients per B-spline). */
  get linearModel(): E {
    return this.fitted().linear;
  }

  /** The fitted expansion: every input column's knots (null for a column passed through). */
  get basis(): SplineBasis {
    return this.fitted().basis;
  }

  get nFeatures(): number {
    return this.fitted().fill.length;
  }

  /** The linear model's coefficient rows over the expansion: one per score column. */
  protected abstract coefficientRows(): ReadonlyArray<ArrayLike<number>>;

  /**
   * Feature `feature`'s term of the model at each of `values`: what the feature adds to
   * the margin (SplineLogisticRegression: one array per score column, 1 for two classes,
   * else one per class) or to the prediction (SplineRidge: one array). The output is the
   * intercept plus every feature's term, so a term plotted against the feature's values is
   * the feature's curve (its shape function), defined up to a constant: moving one feature
   * of a row from a to b moves the output by term(b) - term(a), whatever the other features.
   *
   * @example
   * const [curve] = gam.featureTerm(1, [80, 120, 160, 200]); // glucose's effect on the log-odds
   */
  featureTerm(feature: number, values: ArrayLike<number>): Float64Array[] {
    const s = this.fitted();
    const groups = splineGroups(s.basis);
    if (!Number.isInteger(feature) || feature < 0 || feature >= groups.length) {
      throw new ValidationError(
        `feature must be a column index from 0 to ${groups.length - 1}, got ${feature}`,
        {
          path: 'feature',
        },
      );
    }
    const column = predictionFeatures(
      Array.from(values, (v) => [v]),
      s.fill.subarray(feature, feature + 1),
    );
    const Z = expandSplines({ degree: s.basis.degree, knots: [s.basis.knots[feature]!] }, column);
    const [start] = groups[feature]!;
    return this.coefficientRows().map((coef) => {
      const term = new Float64Array(Z.nRows);
      for (let c = 0; c < Z.nCols; c++) {
        const w = coef[start + c]!;
        for (let r = 0; r < Z.nRows; r++) term[r]! += w * Z.data[c * Z.nRows + r]!;
      }
      return term;
    });
  }

  /** The linear model's importances, each input column's being the sum of its B-splines'. */
  get featureImportances(): Float64Array {
    const s = this.fitted();
    return sumOverGroups(s.linear.featureImportances, splineGroups(s.basis));
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const { fill, basis, Z, linearOptions } = this.prepare(X, y, options);
      const linear = this.prototype.withParams({}).fit(Z, y, linearOptions);
      this.state = { fill, basis, linear };
      return this;
    });
  }

  async fitAsync(X: FeatureInput, y: LabelInput, options: FitOptions = {}): Promise<this> {
    return observeFitAsync(this, X, y, options, async () => {
      const { fill, basis, Z, linearOptions } = this.prepare(X, y, options);
      const linear = await this.prototype.withParams({}).fitAsync(Z, y, linearOptions);
      this.state = { fill, basis, linear };
      return this;
    });
  }

  /** The training data checked, missing values filled, the knots fitted and the rows expanded. */
  private prepare(X: FeatureInput, y: LabelInput, options: FitOptions) {
    const data = trainingData(X, y.length, options.sampleWeight);
    const { nKnots, degree } = this.params as { nKnots: number; degree: number };
    // the weights are all 1 without sampleWeight: every row then places the knots
    const basis = fitSplineBasis(data.X, nKnots, degree, data.weight);
    const evalSet = options.evalSet && {
      X: expandSplines(basis, predictionFeatures(options.evalSet.X, data.fill)),
      y: options.evalSet.y,
    };
    return {
      fill: data.fill,
      basis,
      Z: expandSplines(basis, data.X),
      linearOptions: { ...options, ...(evalSet ? { evalSet } : {}) },
    };
  }

  /**
   * X as the linear model reads it: missing values filled with the training means, then
   * every column expanded (see `basis`).
   */
  transform(X: FeatureInput): ColumnMatrix {
    const s = this.fitted();
    return expandSplines(s.basis, predictionFeatures(X, s.fill));
  }

  toJSON(): SerializedEstimator {
    const s = this.fitted();
    return {
      type: this.name,
      version: VERSION,
      params: { ...this.params },
      state: { fill: encodeArray(s.fill), basis: splineBasisToJSON(s.basis), linear: s.linear.toJSON() },
    };
  }

  /** Restores toJSON's state, the linear model read back by `load`. */
  protected restore(json: SerializedEstimator, load: (linear: SerializedEstimator) => E): this {
    if (json?.type !== this.name || json.version !== VERSION) {
      throw new ValidationError(
        `expected a serialized ${this.name} of version ${VERSION}, got ${json?.type} version ${json?.version}`,
        { path: 'type' },
      );
    }
    const fill = decodeArray(json.state.fill, 'f64', 'state.fill');
    const basis = splineBasisFromJSON(json.state.basis, fill.length, 'state.basis');
    const linear = load(json.state.linear as SerializedEstimator);
    const width = splineWidth(basis);
    if (linear.nFeatures !== width) {
      throw new ValidationError(
        `state.linear has ${linear.nFeatures} features, but the basis makes ${width}`,
        { path: 'state.linear' },
      );
    }
    this.state = { fill, basis, linear };
    return this;
  }
}

/**
 * Logistic regression on cubic B-splines of every feature: a generalized additive model
 * whose log-odds are a sum of one smooth curve per feature, the curves' wiggle held back by
 * C as logistic regression's coefficients are. The same model as scikit-learn's
 * `make_pipeline(SplineTransformer(n_knots, degree), LogisticRegression(C))` on features
 * with at least three distinct values (a 0/1 feature is passed through as it is).
 * Missing values are filled with the weighted training means first.
 *
 * @example
 * const m = new SplineLogisticRegression({ nKnots: 4, C: 10 }).fit(X, y);
 * m.predictProba(X.slice(0, 2)); // [[0.91, 0.09], [0.12, 0.88]]
 */
export class SplineLogisticRegression extends SplineModel<LogisticRegression> implements Classifier {
  readonly estimatorType = 'classifier' as const;

  constructor(params: SplineLogisticRegressionParams = {}) {
    super('SplineLogisticRegression', params, LogisticRegression);
  }

  get classes(): Label[] {
    return this.linearModel.classes;
  }

  predict(X: FeatureInput): Label[] {
    return this.linearModel.predict(this.transform(X));
  }

  predictProba(X: FeatureInput): number[][] {
    return this.linearModel.predictProba(this.transform(X));
  }

  protected coefficientRows(): number[][] {
    return this.linearModel.coef;
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): SplineLogisticRegression {
    return new SplineLogisticRegression(json.params as SplineLogisticRegressionParams).restore(
      json,
      LogisticRegression.fromJSON,
    );
  }
}

/**
 * Ridge regression on cubic B-splines of every feature: an additive model, one smooth
 * curve per feature, the curves held back by alpha. The same model as scikit-learn's
 * `make_pipeline(SplineTransformer(n_knots, degree), Ridge(alpha))` on features with at
 * least three distinct values (a 0/1 feature is passed through as it is). Missing values
 * are filled with the weighted training means first.
 *
 * @example
 * new SplineRidge({ nKnots: 6, alpha: 0.1 }).fit(X, y).predict(X.slice(0, 2)); // Float64Array [...]
 */
export class SplineRidge extends SplineModel<Ridge> implements Regressor {
  readonly estimatorType = 'regressor' as const;

  constructor(params: SplineRidgeParams = {}) {
    super('SplineRidge', params, Ridge);
  }

  predict(X: FeatureInput): Float64Array {
    return this.linearModel.predict(this.transform(X));
  }

  protected coefficientRows(): Float64Array[] {
    return [this.linearModel.coef];
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): SplineRidge {
    return new SplineRidge(json.params as SplineRidgeParams).restore(json, Ridge.fromJSON);
  }
}

/**
 * Whether `model` is one of the spline models (for the explainers' closed form).
 *
 * @example
 * isSplineModel(new SplineRidge()); // true
 */
export function isSplineModel(model: Estimator): model is SplineLogisticRegression | SplineRidge {
  return model instanceof SplineLogisticRegression || model instanceof SplineRidge;
}
