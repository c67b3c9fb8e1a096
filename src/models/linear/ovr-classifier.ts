import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';
import { probaRows } from '../classes.ts';
import { observeFit } from '../fit-listeners.ts';
import { encodeClasses } from '../input.ts';
import type { ParamReader } from '../params.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type {
  Classifier,
  FeatureInput,
  FitOptions,
  Label,
  LabelInput,
  SerializedEstimator,
} from '../types.ts';
import { type DenseClassifierState, DenseEstimator } from './base.ts';
import { coefficientRows } from './coefficient-rows.ts';
import { coefficientImportances } from './importances.ts';
import { linkProbabilities } from './logistic-regression.ts';
import { predictionFeatures, trainingData } from './prepared.ts';

/** A fitted one-vs-rest linear classifier. */
export interface OvrState extends DenseClassifierState {
  /** Score columns: 1 (binary), the class count (one-vs-rest), or 0 (one class seen). */
  K: number;
  /** K x p, row-major. */
  coef: Float64Array;
  intercept: Float64Array;
  importances: Float64Array;
  /** The most epochs (or solver passes) any of the K binary problems took. */
  nIter: number;
}

/** One binary problem's solution: y is +1 for the positive class, -1 for the rest. */
export interface BinarySolution {
  coef: Float64Array;
  intercept: number;
  nIter: number;
}

/** A binary problem handed to a subclass's solver: rows row-major, labels ±1, row weights. */
export interface BinaryProblem {
  /** n x p, row-major (one row's features contiguous, as the per-row solvers read them). */
  rows: Float64Array;
  n: number;
  p: number;
  y: Float64Array;
  weight: Float64Array;
  /** 0-based index of the binary problem (the positive class in one-vs-rest). */
  index: number;
}

const VERSION = 1;

/**
 * Copies a column-major matrix to row-major.
 *
 * @example
 * rowMajor(columnMatrix(Float64Array.of(1, 2, 3, 4), 2, 2)); // Float64Array [1, 3, 2, 4]
 */
export function rowMajor(X: ColumnMatrix): Float64Array {
  const { data, nRows: n, nCols: p } = X;
  const out = new Float64Array(n * p);
  for (let j = 0; j < p; j++) {
    const o = j * n;
    for (let i = 0; i < n; i++) out[i * p + j] = data[o + i]!;
  }
  return out;
}

/**
 * The linear classifiers that solve one binary problem per class (scikit-learn's
 * one-vs-rest: SGDClassifier, LinearSVC): labels, the ±1 targets of each problem, the
 * decision function X·coefᵀ + intercept, predict by its largest column (binary: positive
 * is the second class), and JSON. A subclass solves a binary problem and says how
 * decision values become probabilities.
 */
export abstract class OvrLinearClassifier extends DenseEstimator<OvrState> implements Classifier {
  readonly estimatorType = 'classifier' as const;

  protected constructor(
    name: string,
    given: object,
    readSpecific: (r: ParamReader) => Record<string, unknown>,
  ) {
    super(name, given, readSpecific);
  }

  /** Solves one binary problem. */
  protected abstract solveBinary(problem: BinaryProblem): BinarySolution;

  /** Class probabilities (n x nClasses, row-major) from decision values (n x K, row-major). */
  protected abstract link(decision: Float64Array, K: number): Float64Array;

  get classes(): Label[] {
    return [...this.fitted().classes];
  }

  /** Coefficients, one row per binary problem (1 for binary, one per class otherwise). */
  get coef(): number[][] {
    const s = this.fitted();
    return coefficientRows(s.coef, s.K, s.nFeatures);
  }

  get intercept(): number[] {
    return Array.from(this.fitted().intercept);
  }

  /** The most epochs or solver passes any binary problem of the last fit took. */
  get nIter(): number {
    return this.fitted().nIter;
  }

  /** |coef| times the feature's standard deviation, summed over problems, normalized to 1. */
  get featureImportances(): Float64Array {
    return Float64Array.from(this.fitted().importances);
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const { classes, codes } = encodeClasses(y);
      const data = trainingData(X, codes.length, options.sampleWeight);
      const { nRows: n, nCols: p } = data.X;
      const K = classes.length === 1 ? 0 : classes.length === 2 ? 1 : classes.length;
      const coef = new Float64Array(K * p);
      const intercept = new Float64Array(K);
      let nIter = 0;
      const rows = K > 0 ? rowMajor(data.X) : new Float64Array(0);
      for (let k = 0; k < K; k++) {
        const positive = K === 1 ? 1 : k;
        const yk = new Float64Array(n);
        for (let i = 0; i < n; i++) yk[i] = codes[i] === positive ? 1 : -1;
        const sol = this.solveBinary({ rows, n, p, y: yk, weight: data.weight, index: k });
        coef.set(sol.coef, k * p);
        intercept[k] = sol.intercept;
        nIter = Math.max(nIter, sol.nIter);
      }
      this.state = {
        nFeatures: p,
        fill: data.fill,
        classes,
        K,
        coef,
        intercept,
        importances: coefficientImportances(coef, K, data.std),
        nIter,
      };
      return this;
    });
  }

  /** Decision values: n values (binary; positive means the second class) or n x K, row-major. */
  decisionFunction(X: FeatureInput): Float64Array {
    const s = this.fitted();
    const m = predictionFeatures(X, s.fill);
    const n = m.nRows;
    const p = s.nFeatures;
    const out = new Float64Array(n * s.K);
    for (let k = 0; k < s.K; k++) {
      const b = s.intercept[k]!;
      for (let i = 0; i < n; i++) out[i * s.K + k] = b;
      for (let j = 0; j < p; j++) {
        const c = s.coef[k * p + j]!;
        if (c === 0) continue;
        const o = j * n;
        for (let i = 0; i < n; i++) out[i * s.K + k]! += c * m.data[o + i]!;
      }
    }
    return out;
  }

  predict(X: FeatureInput): Label[] {
    const s = this.fitted();
    const z = this.decisionFunction(X);
    if (s.K === 0) return Array.from({ length: predictionFeatures(X, s.fill).nRows }, () => s.classes[0]!);
    if (s.K === 1) return Array.from(z, (v) => s.classes[v > 0 ? 1 : 0]!);
    const n = z.length / s.K;
    const out: Label[] = new Array(n);
    for (let i = 0; i < n; i++) {
      let best = 0;
      for (let k = 1; k < s.K; k++) if (z[i * s.K + k]! > z[i * s.K + best]!) best = k;
      out[i] = s.classes[best]!;
    }
    return out;
  }

  predictProba(X: FeatureInput): number[][] {
    const s = this.fitted();
    if (s.K === 0) {
      const n = predictionFeatures(X, s.fill).nRows;
      return Array.from({ length: n }, () => [1]);
    }
    return probaRows(this.link(this.decisionFunction(X), s.K), s.classes.length);
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
    });
  }

  /** Restores the state written by toJSON into a fresh estimator of this class. */
  protected load(json: SerializedEstimator): this {
    const common = DenseEstimator.readCommon(json, this.name, VERSION);
    const st = json.state;
    const classes = st.classes as Label[];
    const K = st.K as number;
    const coef = decodeArray(st.coef, 'f64', 'state.coef');
    const intercept = decodeArray(st.intercept, 'f64', 'state.intercept');
    const expectedK = !Array.isArray(classes)
      ? -1
      : classes.length === 1
        ? 0
        : classes.length === 2
          ? 1
          : classes.length;
    if (K !== expectedK || coef.length !== K * common.nFeatures || intercept.length !== K) {
      throw new ValidationError('state: classes, K, coef and intercept do not agree', { path: 'state' });
    }
    this.state = {
      ...common,
      classes,
      K,
      coef,
      intercept,
      importances: decodeArray(st.importances, 'f64', 'state.importances'),
      nIter: Number(st.nIter),
    };
    return this;
  }
}

/**
 * Probabilities as the softmax of decision values: [1 - σ(z), σ(z)] for one column,
 * the softmax of each row otherwise. A monotone map of the margins, not a calibrated
 * probability: it ranks rows as the decision function does (what AUC needs) and gives
 * log loss a finite value, for models without a probability model of their own.
 *
 * @example
 * softmaxOfMargins(Float64Array.of(0), 1); // [0.5, 0.5]
 */
export function softmaxOfMargins(z: Float64Array, K: number): Float64Array {
  return linkProbabilities(Float64Array.from(z), K);
}

/**
 * The logistic function, without overflow for large |z|.
 *
 * @example
 * sigmoid(0); // 0.5
 */
export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}
