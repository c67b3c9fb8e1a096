import type { BackendChoice } from '../compute/backend.ts';
import type { ColumnMatrix } from '../compute/matrix.ts';

/** A class label as the caller gave it: string labels stay strings, numeric ones numbers. */
export type Label = string | number;

/**
 * Features: a column-major matrix of the library (NaN = missing), or an array of rows
 * (`null`/`undefined`/NaN = missing).
 */
export type FeatureInput = ColumnMatrix | ReadonlyArray<ReadonlyArray<number | null | undefined>>;

/** Targets: class labels for classifiers, numbers for regressors. */
export type LabelInput = ReadonlyArray<Label> | Float64Array | Float32Array | Int32Array;

/** What an iterative learner reports after each iteration (a boosting round). */
export interface IterationInfo {
  /** 0-based iteration. */
  iteration: number;
  /** Name of the loss reported, e.g. `log_loss`, `l2`. */
  metric: string;
  /** Loss on the training rows after this iteration. */
  trainLoss: number;
  /** Loss on `evalSet` after this iteration, when one was given. */
  validLoss?: number;
}

/**
 * Called after every iteration; returning `false` stops training there (what a sweep's
 * early-termination policy does through it).
 */
export type IterationCallback = (info: IterationInfo) => boolean | undefined;

/** Options of `fit`, beside the data. */
export interface FitOptions {
  /** Non-negative weight per row (a weight of 2 counts as the row twice). */
  sampleWeight?: ArrayLike<number>;
  /** Validation data, for early stopping and per-iteration validation losses. */
  evalSet?: { X: FeatureInput; y: LabelInput };
  onIteration?: IterationCallback;
}

/** The JSON form of a fitted estimator; `estimatorFromJSON` turns it back into one. */
export interface SerializedEstimator {
  /** The class name, e.g. `RandomForestClassifier`. */
  type: string;
  /** Format version of `state`. */
  version: number;
  params: Record<string, unknown>;
  state: Record<string, unknown>;
}

/** Options every estimator takes beside its hyperparameters. */
export interface ComputeParams {
  /** Backend of the kernels (default: setBackend() / MLSWEEP_BACKEND / auto). */
  backend?: BackendChoice;
  /** Threads of the native backend (default: every core). */
  nThreads?: number | null;
}

/**
 * The estimator contract (scikit-learn style): the constructor validates and stores
 * hyperparameters only; `withParams` derives a new unfitted estimator with some of them
 * changed; `fit` learns from data and returns `this`; a fitted estimator predicts,
 * reports feature importances and serializes to JSON that reproduces its predictions
 * exactly.
 */
export interface Estimator {
  readonly estimatorType: 'classifier' | 'regressor';
  /** The validated hyperparameters, defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  /**
   * A new unfitted estimator of the same class with the named hyperparameters changed and
   * the others kept (scikit-learn's `clone(est).set_params(**changes)`), validated as the
   * constructor validates; an unknown name is a ValidationError. `undefined` keeps a value.
   */
  withParams(changes: Readonly<Record<string, unknown>>): this;
  fit(X: FeatureInput, y: LabelInput, options?: FitOptions): this;
  /** As fit, with native work off the event loop. */
  fitAsync(X: FeatureInput, y: LabelInput, options?: FitOptions): Promise<this>;
  predict(X: FeatureInput): Label[] | Float64Array;
  /** Features seen by fit. */
  readonly nFeatures: number;
  /** One non-negative number per feature, summing to 1 (or all 0 when nothing was split). */
  readonly featureImportances: Float64Array;
  toJSON(): SerializedEstimator;
}

/** A classifier: predicts labels of the training label type, and class probabilities. */
export interface Classifier extends Estimator {
  readonly estimatorType: 'classifier';
  /** The classes seen by fit, sorted (numbers numerically, strings by code unit). */
  readonly classes: Label[];
  predict(X: FeatureInput): Label[];
  /** One row per input row, one probability per class in `classes` order, summing to 1. */
  predictProba(X: FeatureInput): number[][];
}

/** A regressor: predicts numbers. */
export interface Regressor extends Estimator {
  readonly estimatorType: 'regressor';
  predict(X: FeatureInput): Float64Array;
}
