import { ValidationError } from '../../core/errors.ts';
import { argmaxLabels, probaRows } from '../classes.ts';
import { observeFit } from '../fit-listeners.ts';
import { encodeClasses } from '../input.ts';
import { decodeArray, encodeArray } from '../serialize.ts';
import type {
  Classifier,
  FeatureInput,
  FitOptions,
  Label,
  LabelInput,
  SerializedEstimator,
} from '../types.ts';
import { KNeighborsBase, type KNeighborsParams, type KnnState } from './knn-base.ts';

interface ClassifierState extends KnnState {
  classes: Label[];
  codes: Int32Array;
}

/**
 * k-nearest-neighbour classification by exact brute-force search: the class
 * probabilities of a row are its k neighbours' votes (uniform or by 1/distance, times
 * their sample weights), normalized. Missing values are filled with the training means.
 *
 * @example
 * const m = new KNeighborsClassifier({ nNeighbors: 1 }).fit([[0], [1], [5]], ['a', 'a', 'b']);
 * m.predict([[4]]); // ['b']
 */
export class KNeighborsClassifier extends KNeighborsBase<ClassifierState> implements Classifier {
  readonly estimatorType = 'classifier' as const;

  constructor(params: KNeighborsParams = {}) {
    super('KNeighborsClassifier', params);
  }

  get classes(): Label[] {
    return [...this.fitted().classes];
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const { classes, codes } = encodeClasses(y);
      this.state = { ...this.trainingSet(X, codes.length, options.sampleWeight), classes, codes };
      return this;
    });
  }

  private probabilities(X: FeatureInput): Float64Array {
    const s = this.fitted();
    const nb = this.kneighbors(X);
    const w = this.neighbourWeights(nb);
    const C = s.classes.length;
    const k = nb.k;
    const nQuery = nb.indices.length / k;
    const out = new Float64Array(nQuery * C);
    for (let q = 0; q < nQuery; q++) {
      let total = 0;
      for (let r = 0; r < k; r++) {
        out[q * C + s.codes[nb.indices[q * k + r]!]!]! += w[q * k + r]!;
        total += w[q * k + r]!;
      }
      if (total > 0) {
        for (let c = 0; c < C; c++) out[q * C + c]! /= total;
      } else {
        // Every neighbour has weight 0: count them equally instead.
        for (let r = 0; r < k; r++) out[q * C + s.codes[nb.indices[q * k + r]!]!]! += 1 / k;
      }
    }
    return out;
  }

  predictProba(X: FeatureInput): number[][] {
    return probaRows(this.probabilities(X), this.fitted().classes.length);
  }

  predict(X: FeatureInput): Label[] {
    return argmaxLabels(this.probabilities(X), this.fitted().classes);
  }

  toJSON(): SerializedEstimator {
    const s = this.fitted();
    return this.knnJSON({ classes: s.classes, codes: encodeArray(s.codes) });
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): KNeighborsClassifier {
    const base = KNeighborsBase.readKnn(json, 'KNeighborsClassifier');
    const classes = json.state.classes as Label[];
    const codes = decodeArray(json.state.codes, 'i32', 'state.codes');
    if (
      !Array.isArray(classes) ||
      codes.length !== base.nRows ||
      codes.some((c) => c < 0 || c >= classes.length)
    ) {
      throw new ValidationError('state.codes must hold one class index per training row', {
        path: 'state.codes',
      });
    }
    const m = new KNeighborsClassifier(json.params as KNeighborsParams);
    m.state = { ...base, classes, codes };
    return m;
  }
}
