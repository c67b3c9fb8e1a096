// The argument lists of the dense kernels, each written once: the backends' contract
// (contract.ts) takes them after the target, the addon (native/addon-types.ts) before its
// threads. Matrices are column-major Float64Arrays; theta holds K x p coefficients
// (row-major) then K intercepts. This file imports nothing, so that the addon's types
// can read it without importing the backends.

/** X, n x p column-major: the matrix every dense kernel reads. */
type MatrixArgs = [X: Float64Array, n: number, p: number];

/** out (n x K, column-major) = X · coefᵀ + intercept. */
export type LinearScoresArgs = [...MatrixArgs, K: number, theta: Float64Array, out: Float64Array];

/** out (K x p, row-major) = Rᵀ · X, with R n x K column-major. */
export type TransposeProductArgs = [...MatrixArgs, K: number, R: Float64Array, out: Float64Array];

/** Σ_i w_i · logloss_i for theta (K = 1: binary, y in {0, 1}; K > 1: softmax), its gradient into grad. */
export type LogisticObjectiveArgs = [
  ...MatrixArgs,
  K: number,
  y: Int32Array,
  w: Float64Array,
  theta: Float64Array,
  grad: Float64Array,
];

/**
 * Elastic-net coordinate descent: minimizes 0.5 ||y - Xw||² + alpha ||w||_1 + 0.5 beta ||w||²
 * over w, updated in place (warm start), until tol or maxIter sweeps.
 */
export type CoordinateDescentArgs = [
  ...MatrixArgs,
  y: Float64Array,
  w: Float64Array,
  alpha: number,
  beta: number,
  maxIter: number,
  tol: number,
];
