import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';
import { observeFit } from '../fit-listeners.ts';
import { encodeClasses } from '../input.ts';
import { DenseClassifier, type DenseClassifierState, DenseEstimator } from '../linear/base.ts';
import { predictionFeatures, type TrainingData, trainingData } from '../linear/prepared.ts';
import { softmaxRows } from '../linear/softmax.ts';
import type { ParamReader } from '../params.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type { FeatureInput, FitOptions, Label, LabelInput, SerializedEstimator } from '../types.ts';

/** A fitted naive Bayes model: classes and its per-class tables (meaning set by the subclass). */
export interface NbState extends DenseClassifierState {
  /** log P(class). */
  classLogPrior: Float64Array;
  /** Named per-class tables (nClasses x nFeatures, row-major), e.g. means and variances. */
  tables: Record<string, Float64Array>;
}

const VERSION = 1;

/**
 * The naive Bayes classifiers' shared part: labels, weighted class counts and priors,
 * probabilities from joint log-likelihoods (normalized by log-sum-exp), and JSON.
 * A subclass learns its tables from the rows of each class and scores rows with them.
 */
export abstract class NaiveBayes extends DenseClassifier<NbState> {
  /** Learns the per-class tables. */
  protected abstract learn(
    data: TrainingData,
    codes: Int32Array,
    nClasses: number,
  ): Record<string, Float64Array>;

  /** Adds each class's log-likelihood of each row to jll (nRows x nClasses, row-major). */
  protected abstract logLikelihood(X: ColumnMatrix, s: NbState, jll: Float64Array): void;

  /** Rejects features the model cannot take (e.g. negative counts); none by default. */
  protected checkFeatures(_X: ColumnMatrix): void {}

  /** Naive Bayes keeps no single per-feature weight: all 0. */
  get featureImportances(): Float64Array {
    return new Float64Array(this.fitted().nFeatures);
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => this.fitBody(X, y, options));
  }

  private fitBody(X: FeatureInput, y: LabelInput, options: FitOptions): this {
    const { classes, codes } = encodeClasses(y);
    const data = trainingData(X, codes.length, options.sampleWeight);
    this.checkFeatures(data.X);
    const K = classes.length;
    const counts = new Float64Array(K);
    for (let i = 0; i < codes.length; i++) counts[codes[i]!]! += data.weight[i]!;
    this.state = {
      nFeatures: data.X.nCols,
      fill: data.fill,
      classes,
      classLogPrior: this.classLogPrior(counts),
      tables: this.learn(data, codes, K),
    };
    return this;
  }

  /** log of the prior of every class: given priors, else class frequencies (weighted), else uniform. */
  private classLogPrior(counts: Float64Array): Float64Array {
    const K = counts.length;
    const given = this.params.priors as number[] | null | undefined;
    if (given) {
      if (given.length !== K) {
        throw new ValidationError(`${this.name}: priors has ${given.length} values, but y has ${K} classes`, {
          path: 'priors',
        });
      }
      return Float64Array.from(given, Math.log);
    }
    if (this.params.fitPrior === false) return new Float64Array(K).fill(-Math.log(K));
    let total = 0;
    for (const c of counts) total += c;
    return counts.map((c) => Math.log(c) - Math.log(total));
  }

  /** Joint log-likelihoods log P(class) + log P(row | class), nRows x nClasses (row-major). */
  jointLogLikelihood(X: FeatureInput): Float64Array {
    const s = this.fitted();
    const m = predictionFeatures(X, s.fill);
    this.checkFeatures(m);
    const K = s.classes.length;
    const jll = new Float64Array(m.nRows * K);
    for (let i = 0; i < m.nRows; i++) jll.set(s.classLogPrior, i * K);
    this.logLikelihood(m, s, jll);
    return jll;
  }

  protected probabilities(X: FeatureInput): Float64Array {
    return softmaxRows(this.jointLogLikelihood(X), this.fitted().classes.length);
  }

  toJSON(): SerializedEstimator {
    const s = this.fitted();
    const tables = Object.fromEntries(Object.entries(s.tables).map(([k, v]) => [k, encodeArray(v)]));
    return this.serialize(VERSION, {
      classes: s.classes,
      classLogPrior: encodeArray(s.classLogPrior),
      tables,
    });
  }

  /** Restores the state written by toJSON into a fresh estimator of the right class. */
  protected load(json: SerializedEstimator): this {
    const common = DenseEstimator.readCommon(json, this.name, VERSION);
    const st = json.state;
    const classes = st.classes as Label[];
    const classLogPrior = decodeArray(st.classLogPrior, 'f64', 'state.classLogPrior');
    const tables: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries((st.tables ?? {}) as Record<string, unknown>)) {
      tables[k] = decodeArray(v, 'f64', `state.tables.${k}`);
      if (tables[k].length !== classes.length * common.nFeatures) {
        throw new ValidationError(`state.tables.${k} must hold nClasses x nFeatures values`, {
          path: `state.tables.${k}`,
        });
      }
    }
    if (!Array.isArray(classes) || classLogPrior.length !== classes.length) {
      throw new ValidationError('state.classes and state.classLogPrior must have one entry per class', {
        path: 'state.classes',
      });
    }
    this.state = { ...common, classes, classLogPrior, tables };
    return this;
  }
}

/**
 * Weighted per-class sums Σ w_i f(x_ij) over the rows of each class: nClasses x p.
 *
 * @example
 * classSums(X, codes, weight, 2, (v) => v); // per-class feature totals
 */
export function classSums(
  X: ColumnMatrix,
  codes: Int32Array,
  weight: Float64Array,
  K: number,
  f: (v: number) => number,
): Float64Array {
  const { data, nRows: n, nCols: p } = X;
  const out = new Float64Array(K * p);
  for (let j = 0; j < p; j++) {
    for (let i = 0; i < n; i++) out[codes[i]! * p + j]! += weight[i]! * f(data[j * n + i]!);
  }
  return out;
}

/** Reads the optional class priors: null, or positive numbers summing to 1. */
export function readPriors(r: ParamReader, owner: string): number[] | null {
  const v = r.raw('priors');
  if (v === undefined || v === null) return null;
  const ok =
    Array.isArray(v) &&
    v.every((x) => typeof x === 'number' && x > 0) &&
    Math.abs((v as number[]).reduce((a, b) => a + b, 0) - 1) < 1e-9;
  if (!ok) r.fail('priors', `positive numbers summing to 1, one per class (${owner})`, v);
  return [...(v as number[])];
}
