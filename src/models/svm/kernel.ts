import type { BackendChoice } from '../../compute/backend.ts';
import { linearScores, transposeProduct } from '../../compute/kernels/dense/index.ts';
import { denseBackend } from '../../compute/kernels/table.ts';
import { laneDot as dot } from '../../compute/lanes.ts';

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
 * f(0), ..., f(n-1) in a Float64Array, by a plain loop: Float64Array.from with a map
 * function walks the iterator protocol, about 100 ns an element in V8, which one-vs-one
 * pays for every pair of classes.
 *
 * @example
 * float64Of(3, (i) => i * i); // Float64Array [0, 1, 4]
 */
export function float64Of(n: number, f: (i: number) => number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return out;
}

/**
 * 0, 1, ..., n-1 in an Int32Array.
 *
 * @example
 * iota(3); // Int32Array [0, 1, 2]
 */
export function iota(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/** Rows of a kernel problem: row-major features with each row's squared norm. */
export interface KernelRows {
  rows: Float64Array;
  n: number;
  p: number;
  /** ‖x_i‖², for the RBF kernel's distances. */
  sq: Float64Array;
  /** The same rows column-major (n x p), where the caller has them: the kernel cache's native copy reads them in order. */
  columns?: Float64Array;
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
 * Turns dot products a_i·b_t in out[from..to) into kernel values, as libsvm: rbf
 * exp(-γ(‖a_i‖² + ‖b_t‖² - 2a_i·b_t)) (`si` is ‖a_i‖², `sq` the ‖b_t‖²), linear a·b, poly
 * (γa·b + c0)^d, sigmoid tanh(γa·b + c0).
 *
 * @example
 * finishKernel(spec, sq[i], sq, out, 0, n); // out held x_i·x_t, now K(x_i, x_t)
 */
export function finishKernel(
  k: KernelSpec,
  si: number,
  sq: Float64Array,
  out: Float64Array,
  from: number,
  to: number,
): void {
  switch (k.kernel) {
    case 'rbf':
      for (let j = from; j < to; j++) out[j] = Math.exp(-k.gamma * (si + sq[j]! - 2 * out[j]!));
      break;
    case 'poly':
      for (let j = from; j < to; j++) out[j] = (k.gamma * out[j]! + k.coef0) ** k.degree;
      break;
    case 'sigmoid':
      for (let j = from; j < to; j++) out[j] = Math.tanh(k.gamma * out[j]! + k.coef0);
      break;
    case 'linear':
      break;
  }
}

/**
 * K(a_i, b_j) for one row i of `a` against every row of `b`, into `out` (length b.n), as
 * libsvm computes them (see finishKernel). The dot products run on `backend` (default js).
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
  finishKernel(k, a.sq[i]!, b.sq, out, 0, b.n);
}

/**
 * Column buffers of one length, passed from one KernelCache to the next. A cache counts
 * its columns at its own problem's length, so with longer buffers its memory can pass
 * cacheBytes by their ratio (at most about 1.5 where the cache is full: a cache fills
 * only beyond 7,000 rows at libsvm's 200 MB).
 */
export interface ColumnPool {
  length: number;
  free: Float32Array[];
}

/** How a KernelCache computes and where it keeps its columns. */
export interface KernelCacheOptions {
  /** Where the dot products run (default js). */
  backend?: KernelBackend;
  /** The problem's rows among `data`'s (default all). */
  index?: ArrayLike<number>;
  /** Room for the native copy of the rows (l x p), reused across the pairs of one fit. */
  workspace?: Float64Array;
  /**
   * Spare column buffers shared by the caches of one fit (see release), all `length`
   * long (at least any of those problems' rows), so that each fits every problem.
   */
  pool?: ColumnPool;
}

/**
 * The matrix Q_ij = y_i y_j K(x_i, x_j) of an SVM dual, as libsvm's SVC_Q with its Cache:
 * columns computed on demand, in single precision (libsvm's Qfloat: twice the columns in
 * the same memory), kept in a least-recently-used cache bounded by `cacheBytes` (at
 * least two columns, the pair an SMO step needs). A column may be computed only for its
 * first `len` rows (the active set while the solver shrinks) and completed later; the
 * solver's shrinking reorders the variables by `swapIndex`, which also reorders the
 * entries of every cached column (or drops a column too short to hold both, as libsvm
 * does). The problem's rows are `index` of `data` (default all), read in place: the
 * cache keeps the order, not a copy of the rows.
 */
export class KernelCache {
  private readonly l: number;
  private readonly p: number;
  private readonly rows: Float64Array;
  /** Variable t's position in `index` (the solver's order to the problem's). */
  private readonly order: Int32Array;
  private readonly index: Int32Array;
  /** The problem's rows column-major (l x p, in `index` order), for the native products kernel; empty on js. */
  private readonly byColumn: Float64Array;
  /** ‖x‖² and labels in the solver's order. */
  private readonly sq: Float64Array;
  private readonly y: Float64Array;
  private readonly scratch: Float64Array;
  private readonly dots: Float64Array;
  private readonly theta: Float64Array;
  private readonly buffers: Array<Float32Array | undefined>;
  /** How many leading entries of column i are computed (0: not cached). */
  private readonly len: Int32Array;
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  /** The LRU list's sentinel: next[head] is the oldest column, prev[head] the newest. */
  private readonly head: number;
  /** Column buffers free for reuse (the options' pool, shared by the pairs of one fit). */
  private readonly spare: Float32Array[];
  private readonly columnLength: number;
  private readonly capacity: number;
  private readonly native: boolean;
  private count = 0;
  /** Kernel columns computed from scratch (cache misses), for tests and benchmarks. */
  misses = 0;

  constructor(
    private readonly spec: KernelSpec,
    data: KernelRows,
    y: Float64Array,
    cacheBytes: number,
    options: KernelCacheOptions = {},
  ) {
    const { backend = 'js', index, workspace } = options;
    this.spare = options.pool?.free ?? [];
    this.columnLength = options.pool?.length ?? 0;
    const p = data.p;
    this.index = index ? new Int32Array(index) : iota(data.n);
    const l = this.index.length;
    this.l = l;
    this.p = p;
    this.rows = data.rows;
    this.order = iota(l);
    const rowOf = this.index;
    this.sq = float64Of(l, (t) => data.sq[rowOf[t]!]!);
    this.y = y.slice();
    this.native = backend === 'native' && l * p >= NATIVE_MIN_WORK;
    const size = this.native ? l * p : 0;
    this.byColumn =
      workspace && workspace.length >= size ? workspace.subarray(0, size) : new Float64Array(size);
    if (this.native) gatherColumns(data, this.index, this.byColumn);
    this.theta = new Float64Array(p + 1);
    this.scratch = new Float64Array(this.native ? l : 0);
    this.dots = new Float64Array(l);
    this.buffers = new Array(l).fill(undefined);
    this.len = new Int32Array(l);
    this.prev = new Int32Array(l + 1);
    this.next = new Int32Array(l + 1);
    this.head = l;
    this.prev[l] = l;
    this.next[l] = l;
    this.capacity = Math.max(2, Math.floor(cacheBytes / (4 * Math.max(l, 1))));
  }

  /**
   * Q's column i, its first `len` entries at least computed (do not keep it past the
   * next call but one: the cache may recycle it).
   */
  column(i: number, len: number = this.l): Float32Array {
    let buf = this.buffers[i];
    const have = this.len[i]!;
    if (buf !== undefined && have > 0) this.unlink(i);
    else {
      buf = this.allocate();
      this.buffers[i] = buf;
      this.count++;
      this.misses++;
    }
    this.linkNewest(i);
    if (have < len) {
      this.fill(i, buf, have, len);
      this.len[i] = len;
    }
    return buf;
  }

  /** The diagonal Q_ii = K(x_i, x_i), in the solver's current order. */
  diagonal(): Float64Array {
    const { l, p, rows, sq } = this;
    const d = new Float64Array(l);
    const one = new Float64Array(1);
    for (let t = 0; t < l; t++) {
      if (this.spec.kernel === 'rbf') {
        d[t] = 1;
        continue;
      }
      const o = this.index[this.order[t]!]! * p;
      one[0] = dot(rows, o, rows, o, p);
      finishKernel(this.spec, sq[t]!, sq.subarray(t, t + 1), one, 0, 1);
      d[t] = one[0]!;
    }
    return d;
  }

  /** Exchanges variables i and j: their order, labels, cached columns and the entries of every column. */
  swapIndex(i: number, j: number): void {
    if (i === j) return;
    const { buffers, len } = this;
    if (len[i]! > 0) this.unlink(i);
    if (len[j]! > 0) this.unlink(j);
    const b = buffers[i];
    buffers[i] = buffers[j];
    buffers[j] = b;
    const n = len[i]!;
    len[i] = len[j]!;
    len[j] = n;
    if (len[i]! > 0) this.linkNewest(i);
    if (len[j]! > 0) this.linkNewest(j);
    swap(this.sq, i, j);
    swap(this.y, i, j);
    const o = this.order[i]!;
    this.order[i] = this.order[j]!;
    this.order[j] = o;
    const lo = Math.min(i, j);
    const hi = Math.max(i, j);
    for (let h = this.next[this.head]!; h !== this.head; ) {
      const after = this.next[h]!;
      if (len[h]! > lo) {
        if (len[h]! > hi) {
          const col = buffers[h]!;
          const t = col[i]!;
          col[i] = col[j]!;
          col[j] = t;
        } else {
          // too short to hold both entries: dropped, as libsvm's Cache::swap_index does
          this.unlink(h);
          this.spare.push(buffers[h]!);
          buffers[h] = undefined;
          len[h] = 0;
          this.count--;
        }
      }
      h = after;
    }
  }

  /** Hands every column buffer to the spare pool: the cache is not used after this. */
  release(): void {
    for (let i = 0; i < this.l; i++) {
      const b = this.buffers[i];
      if (b !== undefined) this.spare.push(b);
      this.buffers[i] = undefined;
      this.len[i] = 0;
    }
    this.count = 0;
  }

  /** A buffer for a new column (at least l long): a spare one, a new one, or the oldest column's. */
  private allocate(): Float32Array {
    const spare = this.spare.pop();
    if (spare && spare.length >= this.l) return spare;
    if (this.count < this.capacity) return new Float32Array(Math.max(this.l, this.columnLength));
    const oldest = this.next[this.head]!;
    this.unlink(oldest);
    const buf = this.buffers[oldest]!;
    this.buffers[oldest] = undefined;
    this.len[oldest] = 0;
    this.count--;
    return buf;
  }

  /** Entries [from, to) of column i: y_i y_t K(x_i, x_t). */
  private fill(i: number, out: Float32Array, from: number, to: number): void {
    const { p, rows, dots: k, y, l, order, index } = this;
    const o = index[order[i]!]! * p;
    // the addon computes the whole column: worth it when most of it is wanted
    if (this.native && 2 * (to - from) >= l) {
      this.theta.set(rows.subarray(o, o + p));
      const all = this.scratch;
      linearScores({ backend: 'native', nThreads: 1 }, this.byColumn, l, p, 1, this.theta, all);
      if (this.spec.kernel === 'rbf') {
        // the usual case in one pass: gather, exp, sign, single precision
        const { sq } = this;
        const yi = y[i]!;
        const si = sq[i]!;
        const g = this.spec.gamma;
        for (let t = from; t < to; t++)
          out[t] = yi * y[t]! * Math.exp(-g * (si + sq[t]! - 2 * all[order[t]!]!));
        return;
      }
      for (let t = from; t < to; t++) k[t] = all[order[t]!]!;
    } else {
      rowDots(rows, p, o, index, order, from, to, k);
    }
    finishKernel(this.spec, this.sq[i]!, this.sq, k, from, to);
    const yi = y[i]!;
    for (let t = from; t < to; t++) out[t] = yi * y[t]! * k[t]!;
  }

  private unlink(i: number): void {
    const a = this.prev[i]!;
    const b = this.next[i]!;
    this.next[a] = b;
    this.prev[b] = a;
  }

  private linkNewest(i: number): void {
    const last = this.prev[this.head]!;
    this.next[last] = i;
    this.prev[i] = last;
    this.next[i] = this.head;
    this.prev[this.head] = i;
  }
}

/**
 * out[t] = x·x_{index[order[t]]} for t in [from, to), x the row at rows[o..o+p): four
 * rows at a time, so that each element of x is read once for four products and the
 * four sums overlap (about 1.5x the speed of one laneDot per row in V8).
 */
function rowDots(
  rows: Float64Array,
  p: number,
  o: number,
  index: Int32Array,
  order: Int32Array,
  from: number,
  to: number,
  out: Float64Array,
): void {
  let t = from;
  for (; t + 3 < to; t += 4) {
    const b0 = index[order[t]!]! * p;
    const b1 = index[order[t + 1]!]! * p;
    const b2 = index[order[t + 2]!]! * p;
    const b3 = index[order[t + 3]!]! * p;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let f = 0; f < p; f++) {
      const x = rows[o + f]!;
      s0 += x * rows[b0 + f]!;
      s1 += x * rows[b1 + f]!;
      s2 += x * rows[b2 + f]!;
      s3 += x * rows[b3 + f]!;
    }
    out[t] = s0;
    out[t + 1] = s1;
    out[t + 2] = s2;
    out[t + 3] = s3;
  }
  for (; t < to; t++) out[t] = dot(rows, o, rows, index[order[t]!]! * p, p);
}

/** The rows `at` of `data`, column-major, into out (at.length x p). */
function gatherColumns(data: KernelRows, at: Int32Array, out: Float64Array): void {
  const { p, n, columns: cols, rows } = data;
  const l = at.length;
  if (cols) {
    for (let f = 0; f < p; f++) {
      const src = f * n;
      const dst = f * l;
      for (let t = 0; t < l; t++) out[dst + t] = cols[src + at[t]!]!;
    }
  } else {
    for (let t = 0; t < l; t++) for (let f = 0; f < p; f++) out[f * l + t] = rows[at[t]! * p + f]!;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
