import type { DenseTarget } from '../../compute/kernels/dense/index.ts';
import type { ComputeParams, SerializedEstimator } from '../types.ts';
import { type Design, normalEquations } from './design.ts';
import { LinearRegressorBase, type LinearSolution } from './linear-regressor.ts';
import { solveSymmetric } from './solve.ts';

/** Hyperparameters of LinearRegression. */
export interface LinearRegressionParams extends ComputeParams {
  fitIntercept?: boolean;
  seed?: number;
}

/** Hyperparameters of Ridge. */
export interface RidgeParams extends LinearRegressionParams {
  /** L2 strength (default 1): minimizes Σ w_i (y_i - x_i·coef - b)² + alpha ‖coef‖². */
  alpha?: number;
}

/**
 * Ordinary least squares, weighted when sample weights are given, solved through the
 * normal equations (Cholesky; the minimum-norm solution when features are collinear).
 *
 * @example
 * new LinearRegression().fit([[1], [2], [3]], [2, 4, 6]).predict([[4]]); // Float64Array [8]
 */
export class LinearRegression extends LinearRegressorBase {
  protected readonly solverKernel = 'linearProducts' as const;

  constructor(params: LinearRegressionParams = {}) {
    super('LinearRegression', params, () => ({}));
  }

  protected solve(t: DenseTarget, d: Design): LinearSolution {
    const { gram, xty } = normalEquations(t, d, 0);
    return { coef: solveSymmetric(gram, xty), nIter: 0, dualGap: 0 };
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): LinearRegression {
    return new LinearRegression(json.params as LinearRegressionParams).load(json);
  }
}

/**
 * Ridge regression (L2-penalized least squares; the intercept is not penalized), solved
 * in closed form by Cholesky, as scikit-learn's Ridge with its `cholesky` solver.
 *
 * @example
 * new Ridge({ alpha: 0.1 }).fit([[1], [2], [3]], [2, 4, 6]).coef; // Float64Array [~1.98]
 */
export class Ridge extends LinearRegressorBase {
  protected readonly solverKernel = 'linearProducts' as const;

  constructor(params: RidgeParams = {}) {
    super('Ridge', params, (r) => ({ alpha: r.number('alpha', 1, 0) }));
  }

  protected solve(t: DenseTarget, d: Design): LinearSolution {
    const { gram, xty } = normalEquations(t, d, this.params.alpha as number);
    return { coef: solveSymmetric(gram, xty), nIter: 0, dualGap: 0 };
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): Ridge {
    return new Ridge(json.params as RidgeParams).load(json);
  }
}
