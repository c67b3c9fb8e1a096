/** A loss of stochastic gradient descent: its value and its derivative in the prediction p. */
export interface SgdLoss {
  loss(p: number, y: number): number;
  dloss(p: number, y: number): number;
}

/** The losses of SGDClassifier (labels ±1). */
export type SgdClassifierLoss = 'hinge' | 'log_loss' | 'modified_huber' | 'squared_hinge' | 'perceptron';

/** The losses of SGDRegressor. */
export type SgdRegressorLoss =
  | 'squared_error'
  | 'huber'
  | 'epsilon_insensitive'
  | 'squared_epsilon_insensitive';

function hinge(threshold: number): SgdLoss {
  return {
    loss: (p, y) => (p * y <= threshold ? threshold - p * y : 0),
    dloss: (p, y) => (p * y <= threshold ? -y : 0),
  };
}

const LOG: SgdLoss = {
  loss(p, y) {
    const z = p * y;
    if (z > 18) return Math.exp(-z);
    if (z < -18) return -z;
    return Math.log(1 + Math.exp(-z));
  },
  dloss(p, y) {
    const z = p * y;
    if (z > 18) return Math.exp(-z) * -y;
    if (z < -18) return -y;
    return -y / (Math.exp(z) + 1);
  },
};

const MODIFIED_HUBER: SgdLoss = {
  loss(p, y) {
    const z = p * y;
    if (z >= 1) return 0;
    if (z >= -1) return (1 - z) * (1 - z);
    return -4 * z;
  },
  dloss(p, y) {
    const z = p * y;
    if (z >= 1) return 0;
    if (z >= -1) return 2 * (1 - z) * -y;
    return -4 * y;
  },
};

const SQUARED_HINGE: SgdLoss = {
  loss: (p, y) => {
    const z = 1 - p * y;
    return z > 0 ? z * z : 0;
  },
  dloss: (p, y) => {
    const z = 1 - p * y;
    return z > 0 ? -2 * y * z : 0;
  },
};

const SQUARED: SgdLoss = {
  loss: (p, y) => 0.5 * (p - y) * (p - y),
  dloss: (p, y) => p - y,
};

function huber(c: number): SgdLoss {
  return {
    loss(p, y) {
      const r = Math.abs(p - y);
      return r <= c ? 0.5 * r * r : c * r - 0.5 * c * c;
    },
    dloss(p, y) {
      const r = p - y;
      if (Math.abs(r) <= c) return r;
      return r > 0 ? c : -c;
    },
  };
}

function epsilonInsensitive(eps: number): SgdLoss {
  return {
    loss: (p, y) => Math.max(0, Math.abs(y - p) - eps),
    dloss(p, y) {
      if (y - p > eps) return -1;
      if (p - y > eps) return 1;
      return 0;
    },
  };
}

function squaredEpsilonInsensitive(eps: number): SgdLoss {
  return {
    loss(p, y) {
      const r = Math.abs(y - p) - eps;
      return r > 0 ? r * r : 0;
    },
    dloss(p, y) {
      const z = y - p;
      if (z > eps) return -2 * (z - eps);
      if (z < -eps) return 2 * (-z - eps);
      return 0;
    },
  };
}

/**
 * The loss object of a name, with scikit-learn's formulas (sklearn/linear_model/_sgd_fast):
 * `epsilon` is Huber's threshold and the insensitive losses' margin.
 *
 * @example
 * sgdLoss('hinge', 0.1).dloss(0.5, 1); // -1
 */
export function sgdLoss(name: SgdClassifierLoss | SgdRegressorLoss, epsilon: number): SgdLoss {
  switch (name) {
    case 'hinge':
      return hinge(1);
    case 'perceptron':
      return hinge(0);
    case 'log_loss':
      return LOG;
    case 'modified_huber':
      return MODIFIED_HUBER;
    case 'squared_hinge':
      return SQUARED_HINGE;
    case 'squared_error':
      return SQUARED;
    case 'huber':
      return huber(epsilon);
    case 'epsilon_insensitive':
      return epsilonInsensitive(epsilon);
    case 'squared_epsilon_insensitive':
      return squaredEpsilonInsensitive(epsilon);
  }
}
