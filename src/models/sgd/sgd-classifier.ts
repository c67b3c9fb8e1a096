import {
  type BinaryProblem,
  type BinarySolution,
  OvrLinearClassifier,
  sigmoid,
  softmaxOfMargins,
} from '../linear/ovr-classifier.ts';
import type { ComputeParams, SerializedEstimator } from '../types.ts';
import type { SgdClassifierLoss } from './losses.ts';
import { plainSgd } from './plain-sgd.ts';
import { readSgdParams, type SgdCommonParams, sgdSettings } from './settings.ts';

/** Hyperparameters of SGDClassifier. */
export interface SGDClassifierParams extends SgdCommonParams, ComputeParams {
  /** `hinge` (default, a linear SVM), `log_loss`, `modified_huber`, `squared_hinge` or `perceptron`. */
  loss?: SgdClassifierLoss;
}

const LOSSES: readonly SgdClassifierLoss[] = [
  'hinge',
  'log_loss',
  'modified_huber',
  'squared_hinge',
  'perceptron',
];

/** The seed of binary problem k: distinct streams for the one-vs-rest problems of one fit. */
function problemSeed(seed: number, k: number): number {
  return (seed + Math.imul(k, 0x9e3779b9)) >>> 0;
}

/**
 * A linear classifier fitted by stochastic gradient descent, as scikit-learn's
 * SGDClassifier: losses hinge (default), log_loss, modified_huber, squared_hinge and
 * perceptron; penalties l2, l1, elasticnet; learning rates optimal (default), constant,
 * invscaling, adaptive; optional averaging; one-vs-rest for more than two classes.
 * Probabilities: the logistic model for log_loss, scikit-learn's clipped margins for
 * modified_huber (both normalized over the classes in one-vs-rest), and for the other
 * losses, which have none, the softmax of the margins (see softmaxOfMargins). Features
 * should be on comparable scales (standardize them), as for scikit-learn's.
 *
 * @example
 * const m = new SGDClassifier({ loss: 'log_loss', seed: 1 }).fit([[0], [1], [2], [3]], ['a', 'a', 'b', 'b']);
 * m.predict([[0.1], [2.9]]); // ['a', 'b']
 */
export class SGDClassifier extends OvrLinearClassifier {
  constructor(params: SGDClassifierParams = {}) {
    super('SGDClassifier', params, (r) =>
      readSgdParams(r, { loss: 'hinge', losses: LOSSES, learningRate: 'optimal', eta0: 0, powerT: 0.5 }),
    );
  }

  protected solveBinary(b: BinaryProblem): BinarySolution {
    const seed = problemSeed(this.params.seed as number, b.index);
    return plainSgd(
      { rows: b.rows, n: b.n, p: b.p, y: b.y, weight: b.weight },
      sgdSettings(this.params, seed),
    );
  }

  protected link(z: Float64Array, K: number): Float64Array {
    const loss = this.params.loss as SgdClassifierLoss;
    if (loss !== 'log_loss' && loss !== 'modified_huber') return softmaxOfMargins(z, K);
    const score = loss === 'log_loss' ? sigmoid : (v: number) => (Math.min(1, Math.max(-1, v)) + 1) / 2;
    if (K === 1) {
      const out = new Float64Array(z.length * 2);
      for (let i = 0; i < z.length; i++) {
        const p1 = score(z[i]!);
        out[2 * i] = 1 - p1;
        out[2 * i + 1] = p1;
      }
      return out;
    }
    const out = z.map(score);
    for (let i = 0; i < out.length / K; i++) {
      let sum = 0;
      for (let k = 0; k < K; k++) sum += out[i * K + k]!;
      for (let k = 0; k < K; k++) out[i * K + k] = sum === 0 ? 1 / K : out[i * K + k]! / sum;
    }
    return out;
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): SGDClassifier {
    return new SGDClassifier(json.params as SGDClassifierParams).load(json);
  }
}
