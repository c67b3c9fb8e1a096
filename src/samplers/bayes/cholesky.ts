/**
 * Dense Cholesky factorisation and the triangular solves a Gaussian process needs, on
 * row-major Float64Arrays. Plain TypeScript: at the sizes a sweep reaches (a few
 * hundred trials) the factorisation takes milliseconds, below what a native call would
 * save once the matrix is copied across.
 */
import { ValidationError } from '../../core/errors.ts';

/** A lower-triangular Cholesky factor L (row-major n x n, upper part zero) with the jitter it needed. */
export interface CholeskyFactor {
  readonly n: number;
  readonly L: Float64Array;
  /** The diagonal jitter that was added to make the matrix numerically positive definite. */
  readonly jitter: number;
}

function tryFactor(A: Float64Array, n: number, jitter: number, L: Float64Array): boolean {
  L.fill(0);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = A[rj + j]! + jitter;
    for (let k = 0; k < j; k++) d -= L[rj + k]! * L[rj + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = A[ri + j]!;
      for (let k = 0; k < j; k++) s -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = s / ljj;
    }
  }
  return true;
}

/**
 * Factorises a symmetric positive (semi-)definite n x n matrix as L Lᵀ. When rounding
 * makes it indefinite, retries with a growing diagonal jitter (1e-10 to 1e-2 times the
 * mean diagonal) before giving up.
 *
 * @example
 * const { L } = cholesky(new Float64Array([4, 2, 2, 3]), 2); // L = [2, 0, 1, 1.4142...]
 */
export function cholesky(A: Float64Array, n: number, out?: Float64Array): CholeskyFactor {
  if (A.length !== n * n) {
    throw new ValidationError(`cholesky needs an ${n} x ${n} matrix (${n * n} values), got ${A.length}`, {
      path: 'A',
    });
  }
  const L = out ?? new Float64Array(n * n);
  if (tryFactor(A, n, 0, L)) return { n, L, jitter: 0 };
  let meanDiag = 0;
  for (let i = 0; i < n; i++) meanDiag += A[i * n + i]! / n;
  const scale = meanDiag > 0 && Number.isFinite(meanDiag) ? meanDiag : 1;
  for (let e = -10; e <= -2; e++) {
    const jitter = scale * 10 ** e;
    if (tryFactor(A, n, jitter, L)) return { n, L, jitter };
  }
  throw new ValidationError(
    `cholesky: the ${n} x ${n} matrix is not positive definite even with jitter ${scale * 0.01}`,
    {
      path: 'A',
    },
  );
}

/**
 * Solves L x = b in place (forward substitution).
 *
 * @example
 * solveLower(cholesky(A, 2), b); // b now holds L⁻¹ b
 */
export function solveLower(f: CholeskyFactor, b: Float64Array): Float64Array {
  const { n, L } = f;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[ri + k]! * b[k]!;
    b[i] = s / L[ri + i]!;
  }
  return b;
}

/**
 * Solves Lᵀ x = b in place (back substitution).
 *
 * @example
 * solveUpper(cholesky(A, 2), b); // b now holds L⁻ᵀ b
 */
export function solveUpper(f: CholeskyFactor, b: Float64Array): Float64Array {
  const { n, L } = f;
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * b[k]!;
    b[i] = s / L[i * n + i]!;
  }
  return b;
}

/**
 * Solves (L Lᵀ) x = b, returning a new array.
 *
 * @example
 * choleskySolve(cholesky(new Float64Array([4, 2, 2, 3]), 2), new Float64Array([1, 2])); // A⁻¹ b
 */
export function choleskySolve(f: CholeskyFactor, b: ArrayLike<number>): Float64Array {
  return solveUpper(f, solveLower(f, Float64Array.from(b)));
}

/**
 * log det(L Lᵀ) = 2 Σ log L_ii.
 *
 * @example
 * logDet(cholesky(new Float64Array([4, 0, 0, 9]), 2)); // log 36
 */
export function logDet(f: CholeskyFactor): number {
  let s = 0;
  for (let i = 0; i < f.n; i++) s += Math.log(f.L[i * f.n + i]!);
  return 2 * s;
}

/**
 * The lower triangle (and diagonal) of the inverse (L Lᵀ)⁻¹, row-major; the strict
 * upper triangle is left untouched (zero when allocated here), as its callers only read
 * the lower one. L⁻¹ is kept transposed so that both loops run along contiguous rows.
 * `work` and `out` (n x n each) spare the allocations when given.
 *
 * @example
 * choleskyInverse(cholesky(new Float64Array([4, 0, 0, 2]), 2)); // [0.25, 0, 0, 0.5]
 */
export function choleskyInverse(f: CholeskyFactor, work?: Float64Array, out?: Float64Array): Float64Array {
  const { n, L } = f;
  // T[j * n + i] = (L⁻¹)[i][j], nonzero for i >= j; every entry read is written first.
  const T = work ?? new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    T[rj + j] = 1 / L[rj + j]!;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = 0;
      for (let k = j; k < i; k++) s -= L[ri + k]! * T[rj + k]!;
      T[rj + i] = s / L[ri + i]!;
    }
  }
  const inv = out ?? new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += T[ri + k]! * T[rj + k]!;
      inv[ri + j] = s;
    }
  }
  return inv;
}
