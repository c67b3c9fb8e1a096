import { knnSearch, METRICS, type Metric } from '../../compute/kernels/knn/index.ts';
import { denseBackend } from '../../compute/kernels/table.ts';
import { ValidationError } from '../../core/errors.ts';
import { DenseEstimator, type DenseState } from '../linear/base.ts';
import { predictionFeatures, trainingData } from '../linear/prepared.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type { ComputeParams, FeatureInput, SerializedEstimator } from '../types.ts';

/** Hyperparameters of the k-NN estimators. */
export interface KNeighborsParams extends ComputeParams {
  /** Neighbours consulted (default 5); at most the training row count. */
  nNeighbors?: number;
  /** `uniform` (default): every neighbour counts the same; `distance`: by 1 / distance. */
  weights?: 'uniform' | 'distance';
  /** `euclidean` (default), `manhattan`, or `cosine` (1 - cosine similarity). */
  metric?: Metric;
  seed?: number;
}

export interface KnnState extends DenseState {
  /** Training features (missing values filled), column-major. */
  X: Float64Array;
  nRows: number;
  /** Training sample weights: they multiply a neighbour's vote. */
  weight: Float64Array;
}

/** The k nearest training rows of each query: indices and distances, nQuery x k, nearest first. */
export interface Neighbours {
  indices: Int32Array;
  distances: Float64Array;
  k: number;
}

/** Format version of the k-NN estimators' JSON state. */
const VERSION = 1;

/**
 * What the k-NN classifier and regressor share: parameters, the exact brute-force
 * search on the backend (blocked distance computation: js, native, gpu), neighbour
 * weights, and the training set in JSON.
 */
export abstract class KNeighborsBase<S extends KnnState> extends DenseEstimator<S> {
  protected constructor(name: string, params: KNeighborsParams) {
    super(name, params, (r) => ({
      nNeighbors: r.int('nNeighbors', 5, 1),
      weights: r.oneOf('weights', 'uniform', ['uniform', 'distance']),
      metric: r.oneOf<Metric>('metric', 'euclidean', ['euclidean', 'manhattan', 'cosine']),
    }));
  }

  protected get k(): number {
    return this.params.nNeighbors as number;
  }

  /**
   * The training set as a fitted k-NN keeps it (checked, missing values filled);
   * throws when there are fewer rows than neighbours to consult.
   */
  protected trainingSet(X: FeatureInput, yLength: number, sampleWeight?: ArrayLike<number>): KnnState {
    const data = trainingData(X, yLength, sampleWeight);
    const nRows = data.X.nRows;
    if (nRows < this.k) {
      throw new ValidationError(`${this.name}: nNeighbors is ${this.k}, but fit got only ${nRows} rows`, {
        path: 'nNeighbors',
      });
    }
    return {
      nFeatures: data.X.nCols,
      fill: data.fill,
      X: Float64Array.from(data.X.data),
      nRows,
      weight: data.weight,
    };
  }

  /**
   * The k nearest training rows of every row of X, nearest first (ties: the lower
   * training index), with their distances.
   *
   * @example
   * const { indices, distances } = model.kneighbors([[0.5, 1]]);
   */
  kneighbors(X: FeatureInput): Neighbours {
    const s = this.fitted();
    const q = predictionFeatures(X, s.fill);
    const k = this.k;
    const indices = new Int32Array(q.nRows * k);
    const distances = new Float64Array(q.nRows * k);
    const backend = denseBackend(this.backendChoice, 'knnSearch', q.nRows * s.nRows * s.nFeatures);
    knnSearch(
      { backend, nThreads: this.nThreadsParam ?? 0 },
      s.X,
      s.nRows,
      q.data,
      q.nRows,
      s.nFeatures,
      k,
      METRICS[this.params.metric as Metric],
      indices,
      distances,
    );
    return { indices, distances, k };
  }

  /**
   * Vote weight of each neighbour (nQuery x k): the sample weight, times 1/distance under
   * `distance` weighting, where a neighbour at distance 0 takes all the weight of its
   * query (scikit-learn's rule).
   */
  protected neighbourWeights(nb: Neighbours): Float64Array {
    const s = this.fitted();
    const { indices, distances, k } = nb;
    const out = new Float64Array(indices.length);
    const byDistance = this.params.weights === 'distance';
    for (let q = 0; q < indices.length / k; q++) {
      const o = q * k;
      const exact = byDistance && distances[o] === 0;
      for (let r = 0; r < k; r++) {
        const d = distances[o + r]!;
        const base = byDistance ? (exact ? (d === 0 ? 1 : 0) : 1 / d) : 1;
        out[o + r] = base * s.weight[indices[o + r]!]!;
      }
    }
    return out;
  }

  /** k-NN keeps no per-feature weights: all 0. */
  get featureImportances(): Float64Array {
    return new Float64Array(this.fitted().nFeatures);
  }

  protected knnJSON(extra: Record<string, unknown>): SerializedEstimator {
    const s = this.fitted();
    return this.serialize(VERSION, {
      nRows: s.nRows,
      X: encodeArray(s.X),
      weight: encodeArray(s.weight),
      ...extra,
    });
  }

  protected static readKnn(json: SerializedEstimator, type: string): KnnState {
    const common = DenseEstimator.readCommon(json, type, VERSION);
    const st = json.state;
    const nRows = st.nRows;
    const X = decodeArray(st.X, 'f64', 'state.X');
    const weight = decodeArray(st.weight, 'f64', 'state.weight');
    if (typeof nRows !== 'number' || X.length !== nRows * common.nFeatures || weight.length !== nRows) {
      throw new ValidationError('state: nRows, X and weight do not agree', { path: 'state.X' });
    }
    return { ...common, X, nRows, weight };
  }
}
