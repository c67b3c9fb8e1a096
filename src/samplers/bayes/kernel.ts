/**
 * The GP covariance: a Matérn 5/2 kernel with one length scale per numeric input
 * (automatic relevance determination) times an exponentiated-Hamming kernel over the
 * categorical inputs, scaled by a signal variance:
 *
 *   k(x, y) = s² · m52(r) · exp(-Σ_c [x_c ≠ y_c] / ℓ_c),  r² = Σ_j (x_j − y_j)² / ℓ_j²
 *
 * A categorical input holds an option index, but only equality enters the kernel, so
 * options are never treated as ordered (the Hamming kernel equals the one-hot kernel
 * exp(-‖onehot(x) − onehot(y)‖² / 2ℓ)). Hyperparameters travel in log form:
 * `[log ℓ_1..log ℓ_D, log s², log σ²_noise]`.
 */

const SQRT5 = Math.sqrt(5);

/** Which input columns are categorical; the others are numeric. */
export interface KernelLayout {
  /** Number of input columns. */
  readonly dims: number;
  /** categorical[j]: column j holds an option index compared by equality only. */
  readonly categorical: readonly boolean[];
}

/**
 * The signal log-variance's position in a hyperparameter vector.
 *
 * @example
 * signalIndex({ dims: 3, categorical: [false, false, true] }); // 3
 */
export function signalIndex(layout: KernelLayout): number {
  return layout.dims;
}

/**
 * The noise log-variance's position; the vector has `noiseIndex + 1` entries.
 *
 * @example
 * noiseIndex({ dims: 3, categorical: [false, false, true] }); // 4
 */
export function noiseIndex(layout: KernelLayout): number {
  return layout.dims + 1;
}

/**
 * The cross-covariance between two point sets (row-major, `dims` columns), without noise.
 *
 * @example
 * const K = crossCovariance(layout, theta, X, 3, Z, 5); // 3 x 5, row-major
 */
export function crossCovariance(
  layout: KernelLayout,
  theta: ArrayLike<number>,
  A: Float64Array,
  na: number,
  B: Float64Array,
  nb: number,
  out: Float64Array = new Float64Array(na * nb),
): Float64Array {
  const D = layout.dims;
  const inv = new Float64Array(D);
  for (let j = 0; j < D; j++) inv[j] = Math.exp(-theta[j]!);
  const s2 = Math.exp(theta[D]!);
  const cat = layout.categorical;
  for (let i = 0; i < na; i++) {
    const ai = i * D;
    for (let k = 0; k < nb; k++) {
      const bk = k * D;
      let r2 = 0;
      let h = 0;
      for (let j = 0; j < D; j++) {
        const a = A[ai + j]!;
        const b = B[bk + j]!;
        if (cat[j]) {
          if (a !== b) h += inv[j]!;
        } else {
          const t = (a - b) * inv[j]!;
          r2 += t * t;
        }
      }
      const r = Math.sqrt(r2);
      out[i * nb + k] = s2 * (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r - h);
    }
  }
  return out;
}

/**
 * The lower triangle (with the diagonal) of the training covariance K + σ²I (n x n,
 * row-major; all that Cholesky reads) and, when `grads` is given, of its derivative
 * with respect to each log hyperparameter, written into grads[p]. Only the lower
 * triangles are written, so reused `out` and `grads` buffers stay valid.
 *
 * @example
 * const grads = theta.map(() => new Float64Array(n * n));
 * const K = trainCovariance(layout, theta, X, n, grads);
 */
export function trainCovariance(
  layout: KernelLayout,
  theta: ArrayLike<number>,
  X: Float64Array,
  n: number,
  grads?: Float64Array[],
  out?: Float64Array,
): Float64Array {
  const D = layout.dims;
  const inv = new Float64Array(D);
  for (let j = 0; j < D; j++) inv[j] = Math.exp(-theta[j]!);
  const s2 = Math.exp(theta[D]!);
  const noise = Math.exp(theta[D + 1]!);
  const cat = layout.categorical;
  const K = out ?? new Float64Array(n * n);
  const d2 = new Float64Array(D);
  for (let i = 0; i < n; i++) {
    K[i * n + i] = s2 + noise;
    if (grads) {
      grads[D]![i * n + i] = s2;
      grads[D + 1]![i * n + i] = noise;
    }
    for (let k = 0; k < i; k++) {
      let r2 = 0;
      let h = 0;
      for (let j = 0; j < D; j++) {
        const a = X[i * D + j]!;
        const b = X[k * D + j]!;
        if (cat[j]) {
          const diff = a !== b ? inv[j]! : 0;
          d2[j] = diff;
          h += diff;
        } else {
          const t = (a - b) * inv[j]!;
          d2[j] = t * t;
          r2 += t * t;
        }
      }
      const r = Math.sqrt(r2);
      const e = Math.exp(-SQRT5 * r - h);
      const kv = s2 * (1 + SQRT5 * r + (5 / 3) * r2) * e;
      K[i * n + k] = kv;
      if (!grads) continue;
      // d m52 / d log ℓ_j = (5/3)(1 + √5 r) e^{-√5 r} (x_j − y_j)² / ℓ_j²; d e^{-h} / d log ℓ_c = e^{-h} h_c.
      const dNum = s2 * (5 / 3) * (1 + SQRT5 * r) * e;
      for (let j = 0; j < D; j++) {
        grads[j]![i * n + k] = cat[j] ? kv * d2[j]! : dNum * d2[j]!;
      }
      grads[D]![i * n + k] = kv;
    }
  }
  return K;
}
