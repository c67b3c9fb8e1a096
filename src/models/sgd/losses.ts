/** The losses of SGDClassifier (labels ±1). */
export type SgdClassifierLoss = 'hinge' | 'log_loss' | 'modified_huber' | 'squared_hinge' | 'perceptron';

/** The losses of SGDRegressor. */
export type SgdRegressorLoss =
  | 'squared_error'
  | 'huber'
  | 'epsilon_insensitive'
  | 'squared_epsilon_insensitive';

/** Codes of the losses in the SGD loop (an integer switch, not a closure per loss: see SgdLoss). */
const HINGE = 0;
const LOG = 1;
const MODIFIED_HUBER = 2;
const SQUARED_HINGE = 3;
const SQUARED = 4;
const HUBER = 5;
const EPSILON_INSENSITIVE = 6;
const SQUARED_EPSILON_INSENSITIVE = 7;

/**
 * A loss of stochastic gradient descent: a code and its one parameter (hinge's threshold,
 * Huber's c, the insensitive losses' epsilon). The SGD loop evaluates it through
 * lossValue/lossDerivative, one function with a switch: V8 inlines that at the one call
 * site, where closures per loss, once the classifier and the regressor have both run,
 * make the site polymorphic and each step a real call (a third of SGDRegressor's time).
 */
export interface SgdLoss {
  readonly kind: number;
  readonly param: number;
}

/**
 * The loss of prediction p for target y, with scikit-learn's formulas (sklearn/linear_model/_sgd_fast).
 *
 * @example
 * lossValue(sgdLoss('squared_error', 0.1), 3, 1); // 2
 */
export function lossValue(l: SgdLoss, p: number, y: number): number {
  const c = l.param;
  switch (l.kind) {
    case HINGE:
      return p * y <= c ? c - p * y : 0;
    case LOG: {
      const z = p * y;
      if (z > 18) return Math.exp(-z);
      if (z < -18) return -z;
      return Math.log(1 + Math.exp(-z));
    }
    case MODIFIED_HUBER: {
      const z = p * y;
      if (z >= 1) return 0;
      if (z >= -1) return (1 - z) * (1 - z);
      return -4 * z;
    }
    case SQUARED_HINGE: {
      const z = 1 - p * y;
      return z > 0 ? z * z : 0;
    }
    case SQUARED:
      return 0.5 * (p - y) * (p - y);
    case HUBER: {
      const r = Math.abs(p - y);
      return r <= c ? 0.5 * r * r : c * r - 0.5 * c * c;
    }
    case EPSILON_INSENSITIVE:
      return Math.max(0, Math.abs(y - p) - c);
    default: {
      const r = Math.abs(y - p) - c;
      return r > 0 ? r * r : 0;
    }
  }
}

/**
 * The derivative of lossValue in the prediction p.
 *
 * @example
 * lossDerivative(sgdLoss('hinge', 0.1), 0.5, 1); // -1
 */
export function lossDerivative(l: SgdLoss, p: number, y: number): number {
  const c = l.param;
  switch (l.kind) {
    case HINGE:
      return p * y <= c ? -y : 0;
    case LOG: {
      const z = p * y;
      if (z > 18) return Math.exp(-z) * -y;
      if (z < -18) return -y;
      return -y / (Math.exp(z) + 1);
    }
    case MODIFIED_HUBER: {
      const z = p * y;
      if (z >= 1) return 0;
      if (z >= -1) return 2 * (1 - z) * -y;
      return -4 * y;
    }
    case SQUARED_HINGE: {
      const z = 1 - p * y;
      return z > 0 ? -2 * y * z : 0;
    }
    case SQUARED:
      return p - y;
    case HUBER: {
      const r = p - y;
      if (Math.abs(r) <= c) return r;
      return r > 0 ? c : -c;
    }
    case EPSILON_INSENSITIVE:
      if (y - p > c) return -1;
      if (p - y > c) return 1;
      return 0;
    default: {
      const z = y - p;
      if (z > c) return -2 * (z - c);
      if (z < -c) return 2 * (-z - c);
      return 0;
    }
  }
}

/**
 * The loss of a name, with scikit-learn's formulas (sklearn/linear_model/_sgd_fast):
 * `epsilon` is Huber's threshold and the insensitive losses' margin.
 *
 * @example
 * lossDerivative(sgdLoss('hinge', 0.1), 0.5, 1); // -1
 */
export function sgdLoss(name: SgdClassifierLoss | SgdRegressorLoss, epsilon: number): SgdLoss {
  switch (name) {
    case 'hinge':
      return { kind: HINGE, param: 1 };
    case 'perceptron':
      return { kind: HINGE, param: 0 };
    case 'log_loss':
      return { kind: LOG, param: 0 };
    case 'modified_huber':
      return { kind: MODIFIED_HUBER, param: 0 };
    case 'squared_hinge':
      return { kind: SQUARED_HINGE, param: 0 };
    case 'squared_error':
      return { kind: SQUARED, param: 0 };
    case 'huber':
      return { kind: HUBER, param: epsilon };
    case 'epsilon_insensitive':
      return { kind: EPSILON_INSENSITIVE, param: epsilon };
    case 'squared_epsilon_insensitive':
      return { kind: SQUARED_EPSILON_INSENSITIVE, param: epsilon };
  }
}
