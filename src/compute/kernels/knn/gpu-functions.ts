/**
 * The gpu.js distance functions of the k-NN search. gpu.js compiles their source text
 * (to GLSL, WGSL, WebAssembly or JavaScript), so they use only what its transpiler knows:
 * numbers, indexing, loops, Math; no closures. Matrices arrive as flat Float32Arrays,
 * column-major.
 */
import type { KernelThis } from '../../gpu/runtime.ts';

/**
 * out[q][t] = distance between query q and training row t of a block: squared Euclidean
 * (metric 0) or Manhattan (metric 1). The metric is the same for every thread, and each
 * has its own loop.
 */
export function distanceKernel(
  this: KernelThis,
  X: Float32Array,
  Q: Float32Array,
  nt: number,
  nq: number,
  p: number,
  metric: number,
): number {
  const t = this.thread.x;
  const q = this.thread.y;
  let s = 0;
  if (metric === 1) {
    for (let j = 0; j < p; j++) {
      s += Math.abs((X[j * nt + t] as number) - (Q[j * nq + q] as number));
    }
  } else {
    for (let j = 0; j < p; j++) {
      const d = (X[j * nt + t] as number) - (Q[j * nq + q] as number);
      s += d * d;
    }
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
