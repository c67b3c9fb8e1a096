import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';
import type { TrainingData } from '../linear/prepared.ts';
import type { ParamReader } from '../params.ts';
import type { ComputeParams, SerializedEstimator } from '../types.ts';
import { classSums, NaiveBayes, type NbState, readPriors } from './nb-base.ts';

/** Hyperparameters of MultinomialNB. */
export interface MultinomialNBParams extends ComputeParams {
  /** Additive (Laplace/Lidstone) smoothing (default 1; values below 1e-10 count as 1e-10). */
  alpha?: number;
  /** Learn class priors from the data (default true); false: uniform. */
  fitPrior?: boolean;
  /** Class priors in `classes` order (overrides fitPrior). */
  priors?: number[] | null;
  seed?: number;
}

/** Hyperparameters of BernoulliNB. */
export interface BernoulliNBParams extends MultinomialNBParams {
  /** A feature is 1 when above this threshold (default 0); null: features are already 0/1. */
  binarize?: number | null;
}

function readDiscrete(r: ParamReader, owner: string): Record<string, unknown> {
  return {
    alpha: Math.max(r.number('alpha', 1, 0), 1e-10),
    fitPrior: r.bool('fitPrior', true),
    priors: readPriors(r, owner),
  };
}

/**
 * Multinomial naive Bayes for counts (or tf-idf): per class, smoothed feature
 * frequencies; log P(row | class) = Σ_j x_j log θ_cj. Features must be >= 0.
 *
 * @example
 * new MultinomialNB().fit([[3, 0], [2, 1], [0, 4]], ['x', 'x', 'y']).predict([[0, 2]]); // ['y']
 */
export class MultinomialNB extends NaiveBayes {
  constructor(params: MultinomialNBParams = {}) {
    super('MultinomialNB', params, (r) => readDiscrete(r, 'MultinomialNB'));
  }

  protected override checkFeatures(X: ColumnMatrix): void {
    const { data, nRows } = X;
    for (let t = 0; t < data.length; t++) {
      if (data[t]! < 0) {
        const r = t % nRows;
        const c = (t - r) / nRows;
        throw new ValidationError(
          `MultinomialNB: X[${r}][${c}] is ${data[t]}: features must be counts >= 0`,
          {
            path: `X[${r}][${c}]`,
          },
        );
      }
    }
  }

  protected learn(data: TrainingData, codes: Int32Array, K: number): Record<string, Float64Array> {
    const p = data.X.nCols;
    const alpha = this.params.alpha as number;
    const logProb = classSums(data.X, codes, data.weight, K, (v) => v);
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let j = 0; j < p; j++) total += logProb[k * p + j]! + alpha;
      for (let j = 0; j < p; j++)
        logProb[k * p + j] = Math.log(logProb[k * p + j]! + alpha) - Math.log(total);
    }
    return { logProb };
  }

  protected logLikelihood(X: ColumnMatrix, s: NbState, jll: Float64Array): void {
    const { data, nRows: n, nCols: p } = X;
    const K = s.classes.length;
    const logProb = s.tables.logProb!;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < p; j++) {
        const lp = logProb[k * p + j]!;
        for (let i = 0; i < n; i++) jll[i * K + k]! += data[j * n + i]! * lp;
      }
    }
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): MultinomialNB {
    return new MultinomialNB(json.params as MultinomialNBParams).load(json);
  }
}

/**
 * Bernoulli naive Bayes for binary features (features above `binarize` count as 1):
 * per class, the smoothed probability that each feature is 1; absent features count too.
 *
 * @example
 * new BernoulliNB().fit([[1, 0], [1, 1], [0, 1]], ['x', 'x', 'y']).predict([[0, 1]]); // ['y']
 */
export class BernoulliNB extends NaiveBayes {
  constructor(params: BernoulliNBParams = {}) {
    super('BernoulliNB', params, (r) => {
      const b = r.raw('binarize');
      if (b !== undefined && b !== null && (typeof b !== 'number' || !Number.isFinite(b))) {
        r.fail('binarize', 'a finite number or null', b);
      }
      return { ...readDiscrete(r, 'BernoulliNB'), binarize: b === undefined ? 0 : b };
    });
  }

  private binary(v: number): number {
    const t = this.params.binarize as number | null;
    return t === null ? v : v > t ? 1 : 0;
  }

  protected learn(data: TrainingData, codes: Int32Array, K: number): Record<string, Float64Array> {
    const p = data.X.nCols;
    const alpha = this.params.alpha as number;
    const counts = new Float64Array(K);
    for (let i = 0; i < codes.length; i++) counts[codes[i]!]! += data.weight[i]!;
    const logProb = classSums(data.X, codes, data.weight, K, (v) => this.binary(v));
    const logNeg = new Float64Array(K * p);
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < p; j++) {
        const lp = Math.log(logProb[k * p + j]! + alpha) - Math.log(counts[k]! + 2 * alpha);
        logProb[k * p + j] = lp;
        logNeg[k * p + j] = Math.log(1 - Math.exp(lp));
      }
    }
    return { logProb, logNeg };
  }

  protected logLikelihood(X: ColumnMatrix, s: NbState, jll: Float64Array): void {
    const { data, nRows: n, nCols: p } = X;
    const K = s.classes.length;
    const logProb = s.tables.logProb!;
    const logNeg = s.tables.logNeg!;
    for (let k = 0; k < K; k++) {
      for (let j = 0; j < p; j++) {
        const on = logProb[k * p + j]!;
        const off = logNeg[k * p + j]!;
        for (let i = 0; i < n; i++) jll[i * K + k]! += this.binary(data[j * n + i]!) * (on - off) + off;
      }
    }
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): BernoulliNB {
    return new BernoulliNB(json.params as BernoulliNBParams).load(json);
  }
}
