/**
 * gpu.js kernel functions. gpu.js compiles their source text (to GLSL, WGSL, WebAssembly
 * or JavaScript), so they use only what its transpiler knows: numbers, indexing, loops,
 * Math; no closures. Matrices arrive as flat Float32Arrays, column-major.
 */

/** What gpu.js binds `this` to inside a kernel. */
export interface KernelThis {
  thread: { x: number; y: number; z: number };
}

/** out[k][i] = intercept[k] + Σ_j X[j·n + i] · coef[k·p + j]: the scores X·Wᵀ + b. */
export function scoresKernel(
  this: KernelThis,
  X: Float32Array,
  theta: Float32Array,
  n: number,
  p: number,
  K: number,
): number {
  const i = this.thread.x;
  const k = this.thread.y;
  let s = theta[K * p + k] as number;
  for (let j = 0; j < p; j++) {
    s += (X[j * n + i] as number) * (theta[k * p + j] as number);
  }
  return s;
}

/**
 * out[jk][c] = Σ over rows c·chunk .. c·chunk+chunk-1 of X[j·n + i] · R[k·n + i], with
 * j = jk mod p and k = ⌊jk / p⌋: per-chunk partial sums of Rᵀ·X, added up in float64 on
 * the host, which keeps float32 sums short and gives the device n/chunk-fold parallelism.
 */
export function transposeChunksKernel(
  this: KernelThis,
  X: Float32Array,
  R: Float32Array,
  n: number,
  p: number,
  chunk: number,
): number {
  const c = this.thread.x;
  const jk = this.thread.y;
  const k = Math.floor(jk / p);
  const j = jk - k * p;
  const start = c * chunk;
  let s = 0;
  for (let t = 0; t < chunk; t++) {
    const i = start + t;
    if (i < n) {
      s += (X[j * n + i] as number) * (R[k * n + i] as number);
    }
  }
  return s;
}

/** out[q][t] = squared Euclidean distance between query q and training row t of a block. */
export function sqEuclideanKernel(
  this: KernelThis,
  X: Float32Array,
  Q: Float32Array,
  nt: number,
  nq: number,
  p: number,
): number {
  const t = this.thread.x;
  const q = this.thread.y;
  let s = 0;
  for (let j = 0; j < p; j++) {
    const d = (X[j * nt + t] as number) - (Q[j * nq + q] as number);
    s += d * d;
  }
  return s;
}

/** out[q][t] = Manhattan distance between query q and training row t of a block. */
export function manhattanKernel(
  this: KernelThis,
  X: Float32Array,
  Q: Float32Array,
  nt: number,
  nq: number,
  p: number,
): number {
  const t = this.thread.x;
  const q = this.thread.y;
  let s = 0;
  for (let j = 0; j < p; j++) {
    s += Math.abs((X[j * nt + t] as number) - (Q[j * nq + q] as number));
  }
  return s;
}

/** out[q][t] = 1 - cos(query q, training row t), 1 when either norm is 0. */
export function cosineKernel(
  this: KernelThis,
  X: Float32Array,
  Q: Float32Array,
  xNorm: Float32Array,
  qNorm: Float32Array,
  nt: number,
  nq: number,
  p: number,
): number {
  const t = this.thread.x;
  const q = this.thread.y;
  let s = 0;
  for (let j = 0; j < p; j++) {
    s += (X[j * nt + t] as number) * (Q[j * nq + q] as number);
  }
  const denom = (xNorm[t] as number) * (qNorm[q] as number);
  if (denom === 0) {
    return 1;
  }
  return 1 - s / denom;
}
