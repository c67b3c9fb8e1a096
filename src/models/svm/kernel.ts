import type { BackendChoice } from '../../compute/backend.ts';
import { transposeProduct } from '../../compute/kernels/dense/index.ts';
import { denseBackend } from '../../compute/kernels/table.ts';

/** The kernels of SVC. */
export type KernelName = 'rbf' | 'linear' | 'poly' | 'sigmoid';

/** A kernel with its parameters resolved (gamma a number). */
export interface KernelSpec {
  kernel: KernelName;
  gamma: number;
  degree: number;
  coef0: number;
}

/**
 * a[ao..ao+p) · b[bo..bo+p) with four running sums: about twice as fast in V8 as one sum,
 * whose additions wait on each other.
 *
 * @example
 * dot(Float64Array.of(1, 2), 0, Float64Array.of(3, 4), 0, 2); // 11
 */
export function dot(a: Float64Array, ao: number, b: Float64Array, bo: number, p: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let f = 0;
  for (; f + 3 < p; f += 4) {
    s0 += a[ao + f]! * b[bo + f]!;
    s1 += a[ao + f + 1]! * b[bo + f + 1]!;
    s2 += a[ao + f + 2]! * b[bo + f + 2]!;
    s3 += a[ao + f + 3]! * b[bo + f + 3]!;
  }
  for (; f < p; f++) s0 += a[ao + f]! * b[bo + f]!;
  return s0 + s1 + (s2 + s3);
}

/** Rows of a kernel problem: row-major features with each row's squared norm. */
export interface KernelRows {
  rows: Float64Array;
  n: number;
  p: number;
  /** ‖x_i‖², for the RBF kernel's distances. */
  sq: Float64Array;
}

/**
 * Rows ready for kernel evaluations.
 *
 * @example
 * const r = kernelRows(Float64Array.of(1, 2, 3, 4), 2, 2); // r.sq: [5, 25]
 */
export function kernelRows(rows: Float64Array, n: number, p: number): KernelRows {
  const sq = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < p; j++) s += rows[i * p + j]! ** 2;
    sq[i] = s;
  }
  return { rows, n, p, sq };
}

/**
 * Where the dot products of kernelRow run: the native backend's products kernel (one
 * thread: each call is one row against the others, too small to share), or the
 * TypeScript loop of `dot`.
 */
export type KernelBackend = 'js' | 'native';

/** Multiply-adds of one kernel row from which the native products kernel pays off. */
const NATIVE_MIN_WORK = 4096;

/**
 * The backend of a kernel model's dot products for a backend choice.
 *
 * @example
 * kernelBackend('auto'); // 'native' where the addon is built, else 'js'
 */
export function kernelBackend(choice: BackendChoice | undefined): KernelBackend {
  return denseBackend(choice, 'linearProducts', 0) === 'native' ? 'native' : 'js';
}

/**
 * K(a_i, b_j) for one row i of `a` against every row of `b`, into `out` (length b.n), as
 * libsvm computes them: rbf exp(-γ(‖a‖² + ‖b‖² - 2a·b)), linear a·b, poly (γa·b + c0)^d,
 * sigmoid tanh(γa·b + c0). The dot products run on `backend` (default js).
 *
 * @example
 * kernelRow(spec, X, i, X, column); // column[j] = K(x_i, x_j)
 */
export function kernelRow(
  k: KernelSpec,
  a: KernelRows,
  i: number,
  b: KernelRows,
  out: Float64Array,
  backend: KernelBackend = 'js',
): void {
  const p = a.p;
  const ar = a.rows;
  const br = b.rows;
  const o = i * p;
  // below a few thousand multiply-adds the call into the addon costs more than the loop
  if (backend === 'native' && b.n * p >= NATIVE_MIN_WORK) {
    // b's rows, row-major, are b's transpose column-major: p rows, b.n columns
    transposeProduct(
      { backend: 'native', nThreads: 1 },
      br,
      p,
      b.n,
      1,
      ar.subarray(o, o + p),
      out.subarray(0, b.n),
    );
  } else {
    for (let j = 0; j < b.n; j++) out[j] = dot(ar, o, br, j * p, p);
  }
  switch (k.kernel) {
    case 'rbf': {
      const si = a.sq[i]!;
      for (let j = 0; j < b.n; j++) out[j] = Math.exp(-k.gamma * (si + b.sq[j]! - 2 * out[j]!));
      break;
    }
    case 'poly':
      for (let j = 0; j < b.n; j++) out[j] = (k.gamma * out[j]! + k.coef0) ** k.degree;
      break;
    case 'sigmoid':
      for (let j = 0; j < b.n; j++) out[j] = Math.tanh(k.gamma * out[j]! + k.coef0);
      break;
    case 'linear':
      break;
  }
}

/**
 * The columns Q_i = y_i y_j K(x_i, x_j) of an SVM dual, computed on demand and kept in
 * a least-recently-used cache bounded by `cacheBytes` (libsvm's kernel cache; at least
 * two columns, the pair an SMO step needs). Columns are kept in single precision, as
 * libsvm's (Qfloat): twice the columns in the same memory.
 */
export class KernelCache {
  private readonly columns = new Map<number, Float32Array>();
  private readonly capacity: number;
  private readonly scratch: Float64Array;
  /** Kernel columns computed (cache misses), for tests and benchmarks. */
  misses = 0;

  constructor(
    private readonly spec: KernelSpec,
    private readonly data: KernelRows,
    private readonly y: Float64Array,
    cacheBytes: number,
    private readonly backend: KernelBackend = 'js',
  ) {
    this.capacity = Math.max(2, Math.floor(cacheBytes / (4 * data.n)));
    this.scratch = new Float64Array(data.n);
  }

  /** Q's column i (do not keep it past the next call but one: the cache may recycle it). */
  column(i: number): Float32Array {
    const hit = this.columns.get(i);
    if (hit) {
      this.columns.delete(i);
      this.columns.set(i, hit);
      return hit;
    }
    this.misses++;
    let out: Float32Array;
    if (this.columns.size >= this.capacity) {
      const oldest = this.columns.keys().next().value as number;
      out = this.columns.get(oldest)!;
      this.columns.delete(oldest);
    } else {
      out = new Float32Array(this.data.n);
    }
    const k = this.scratch;
    kernelRow(this.spec, this.data, i, this.data, k, this.backend);
    const yi = this.y[i]!;
    for (let j = 0; j < out.length; j++) out[j] = yi * this.y[j]! * k[j]!;
    this.columns.set(i, out);
    return out;
  }

  /** The diagonal Q_ii = K(x_i, x_i). */
  diagonal(): Float64Array {
    const { n, p, rows, sq } = this.data;
    const d = new Float64Array(n);
    const one = new Float64Array(1);
    for (let i = 0; i < n; i++) {
      if (this.spec.kernel === 'rbf') {
        d[i] = 1;
        continue;
      }
      const single: KernelRows = {
        rows: rows.subarray(i * p, (i + 1) * p),
        n: 1,
        p,
        sq: sq.subarray(i, i + 1),
      };
      kernelRow(this.spec, single, 0, single, one);
      d[i] = one[0]!;
    }
    return d;
  }
}
