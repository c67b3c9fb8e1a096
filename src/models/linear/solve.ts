/**
 * Solves A x = b for a symmetric positive semi-definite p x p matrix A (row-major): by
 * Cholesky when A is well conditioned, else by its eigendecomposition (cyclic Jacobi),
 * giving the minimum-norm least-squares solution with eigenvalues below
 * p · eps · λmax treated as zero (numpy's lstsq rule), as scikit-learn's
 * LinearRegression does for collinear features.
 *
 * @example
 * solveSymmetric(Float64Array.of(2, 0, 0, 4), Float64Array.of(2, 4)); // [1, 1]
 */
export function solveSymmetric(A: Float64Array, b: Float64Array): Float64Array {
  return cholesky(A, b) ?? pseudoInverseSolve(A, b);
}

function cholesky(A: Float64Array, b: Float64Array): Float64Array | undefined {
  const p = b.length;
  const L = new Float64Array(p * p);
  let maxDiag = 0;
  for (let i = 0; i < p; i++) maxDiag = Math.max(maxDiag, A[i * p + i]!);
  const floor = maxDiag * p * 1e-12;
  for (let i = 0; i < p; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * p + j]!;
      for (let k = 0; k < j; k++) s -= L[i * p + k]! * L[j * p + k]!;
      if (i === j) {
        if (!(s > floor)) return undefined;
        L[i * p + i] = Math.sqrt(s);
      } else {
        L[i * p + j] = s / L[j * p + j]!;
      }
    }
  }
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * z[k]!;
    z[i] = s / L[i * p + i]!;
  }
  const x = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * x[k]!;
    x[i] = s / L[i * p + i]!;
  }
  return x;
}

function pseudoInverseSolve(A: Float64Array, b: Float64Array): Float64Array {
  const p = b.length;
  const a = Float64Array.from(A);
  const V = new Float64Array(p * p);
  for (let i = 0; i < p; i++) V[i * p + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) off += a[i * p + j]! ** 2;
    if (off < 1e-30) break;
    for (let i = 0; i < p; i++) {
      for (let j = i + 1; j < p; j++) {
        const aij = a[i * p + j]!;
        if (Math.abs(aij) < 1e-300) continue;
        const theta = (a[j * p + j]! - a[i * p + i]!) / (2 * aij);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < p; k++) {
          const aki = a[k * p + i]!;
          const akj = a[k * p + j]!;
          a[k * p + i] = c * aki - s * akj;
          a[k * p + j] = s * aki + c * akj;
        }
        for (let k = 0; k < p; k++) {
          const aik = a[i * p + k]!;
          const ajk = a[j * p + k]!;
          a[i * p + k] = c * aik - s * ajk;
          a[j * p + k] = s * aik + c * ajk;
        }
        for (let k = 0; k < p; k++) {
          const vki = V[k * p + i]!;
          const vkj = V[k * p + j]!;
          V[k * p + i] = c * vki - s * vkj;
          V[k * p + j] = s * vki + c * vkj;
        }
      }
    }
  }
  let lmax = 0;
  for (let i = 0; i < p; i++) lmax = Math.max(lmax, Math.abs(a[i * p + i]!));
  // A = XᵀX: its eigenvalues are squared singular values, so the cutoff is squared too.
  const cutoff = (p * Number.EPSILON) ** 2 * lmax * 1e4;
  const x = new Float64Array(p);
  for (let e = 0; e < p; e++) {
    const lambda = a[e * p + e]!;
    if (!(lambda > cutoff)) continue;
    let proj = 0;
    for (let k = 0; k < p; k++) proj += V[k * p + e]! * b[k]!;
    const scale = proj / lambda;
    for (let k = 0; k < p; k++) x[k]! += scale * V[k * p + e]!;
  }
  return x;
}
