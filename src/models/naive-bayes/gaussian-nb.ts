import type { ColumnMatrix } from '../../compute/matrix.ts';
import type { TrainingData } from '../linear/prepared.ts';
import type { ComputeParams, SerializedEstimator } from '../types.ts';
import { classSums, NaiveBayes, type NbState, readPriors } from './nb-base.ts';

/** Hyperparameters of GaussianNB. */
export interface GaussianNBParams extends ComputeParams {
  /** Added to every variance, as a fraction of the largest feature variance (default 1e-9). */
  varSmoothing?: number;
  /** Class priors in `classes` order (default: the weighted class frequencies). */
  priors?: number[] | null;
  seed?: number;
}

/**
 * Gaussian naive Bayes: per class, each feature normal with the class's weighted mean and
 * variance (plus varSmoothing times the largest variance of any feature over all rows,
 * as scikit-learn).
 *
 * @example
 * new GaussianNB().fit([[0], [0.2], [5], [5.3]], ['a', 'a', 'b', 'b']).predict([[4.6]]); // ['b']
 */
export class GaussianNB extends NaiveBayes {
  constructor(params: GaussianNBParams = {}) {
    super('GaussianNB', params, (r) => ({
      varSmoothing: r.number('varSmoothing', 1e-9, 0),
      priors: readPriors(r, 'GaussianNB'),
    }));
  }

  protected learn(data: TrainingData, codes: Int32Array, K: number): Record<string, Float64Array> {
    const { X, weight } = data;
    const { nRows: n, nCols: p } = X;
    const counts = new Float64Array(K);
    for (let i = 0; i < n; i++) counts[codes[i]!]! += weight[i]!;
    const mean = classSums(X, codes, weight, K, (v) => v);
    for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) mean[k * p + j]! /= counts[k]!;
    const variance = new Float64Array(K * p);
    for (let j = 0; j < p; j++) {
      for (let i = 0; i < n; i++) {
        const k = codes[i]!;
        variance[k * p + j]! += weight[i]! * (X.data[j * n + i]! - mean[k * p + j]!) ** 2;
      }
    }
    for (let k = 0; k < K; k++) for (let j = 0; j < p; j++) variance[k * p + j]! /= counts[k]!;
    const epsilon = (this.params.varSmoothing as number) * largestVariance(X);
    for (let t = 0; t < variance.length; t++) variance[t]! += epsilon;
    return { mean, variance };
  }

  protected logLikelihood(X: ColumnMatrix, s: NbState, jll: Float64Array): void {
    const { data, nRows: n, nCols: p } = X;
    const K = s.classes.length;
    const { mean, variance } = s.tables as { mean: Float64Array; variance: Float64Array };
    for (let k = 0; k < K; k++) {
      let norm = 0;
      for (let j = 0; j < p; j++) norm -= 0.5 * Math.log(2 * Math.PI * variance[k * p + j]!);
      for (let i = 0; i < n; i++) {
        let q = 0;
        for (let j = 0; j < p; j++) q += (data[j * n + i]! - mean[k * p + j]!) ** 2 / variance[k * p + j]!;
        jll[i * K + k]! += norm - 0.5 * q;
      }
    }
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): GaussianNB {
    return new GaussianNB(json.params as GaussianNBParams).load(json);
  }
}

/** The largest (unweighted, population) variance of any column: scikit-learn's smoothing scale. */
function largestVariance(X: ColumnMatrix): number {
  const { data, nRows: n, nCols: p } = X;
  let best = 0;
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[j * n + i]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[j * n + i]! - m) ** 2;
    best = Math.max(best, v / n);
  }
  return best;
}
