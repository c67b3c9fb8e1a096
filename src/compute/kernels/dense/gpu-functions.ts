/**
 * The gpu.js functions of the linear products. gpu.js compiles their source text (to
 * GLSL, WGSL, WebAssembly or JavaScript), so they use only what its transpiler knows:
 * numbers, indexing, loops, Math; no closures. Matrices arrive as flat Float32Arrays,
 * column-major.
 */
import type { KernelThis } from '../../gpu/runtime.ts';

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
