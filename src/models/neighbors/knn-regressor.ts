import { ValidationError } from '../../core/errors.ts';
import { observeFit } from '../fit-listeners.ts';
import { regressionTarget } from '../input.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type { FeatureInput, FitOptions, LabelInput, Regressor, SerializedEstimator } from '../types.ts';
import { KNeighborsBase, type KNeighborsParams, type KnnState } from './knn-base.ts';

interface RegressorState extends KnnState {
  y: Float64Array;
}

/**
 * k-nearest-neighbour regression by exact brute-force search: the prediction is the
 * weighted mean of the k neighbours' targets (uniform or 1/distance, times sample weights).
 *
 * @example
 * new KNeighborsRegressor({ nNeighbors: 2 }).fit([[0], [1], [5]], [0, 2, 10]).predict([[0.4]]); // [1]
 */
export class KNeighborsRegressor extends KNeighborsBase<RegressorState> implements Regressor {
  readonly estimatorType = 'regressor' as const;

  constructor(params: KNeighborsParams = {}) {
    super('KNeighborsRegressor', params);
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const target = regressionTarget(y);
      this.state = { ...this.trainingSet(X, target.length, options.sampleWeight), y: target };
      return this;
    });
  }

  predict(X: FeatureInput): Float64Array {
    const s = this.fitted();
    const nb = this.kneighbors(X);
    const w = this.neighbourWeights(nb);
    const k = nb.k;
    const out = new Float64Array(nb.indices.length / k);
    for (let q = 0; q < out.length; q++) {
      let sum = 0;
      let total = 0;
      for (let r = 0; r < k; r++) {
        sum += w[q * k + r]! * s.y[nb.indices[q * k + r]!]!;
        total += w[q * k + r]!;
      }
      if (total > 0) out[q] = sum / total;
      else {
        for (let r = 0; r < k; r++) sum += s.y[nb.indices[q * k + r]!]!;
        out[q] = sum / k;
      }
    }
    return out;
  }

  toJSON(): SerializedEstimator {
    return this.knnJSON({ y: encodeArray(this.fitted().y) });
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): KNeighborsRegressor {
    const base = KNeighborsBase.readKnn(json, 'KNeighborsRegressor');
    const y = decodeArray(json.state.y, 'f64', 'state.y');
    if (y.length !== base.nRows)
      throw new ValidationError('state.y must hold one target per training row', { path: 'state.y' });
    const m = new KNeighborsRegressor(json.params as KNeighborsParams);
    m.state = { ...base, y };
    return m;
  }
}
