/**
 * mulberry32: a tiny 32-bit generator whose every step is integer arithmetic, so the
 * C++ addon reproduces it bit for bit. Kernels that must give identical results on
 * every backend (row sampling in binning, bootstrap draws in trees) use it; the rest
 * of the library uses seedrandom.
 *
 * @example
 * const next = mulberry32(42);
 * next(); // an integer in [0, 2^32)
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** 2^32, to turn a mulberry32 draw into a double in [0, 1). */
export const UINT32_RANGE = 4294967296;

/**
 * Picks `k` distinct indices from [0, n) by a partial Fisher–Yates shuffle driven by
 * mulberry32(seed); the native kernel does the same draws in the same order.
 *
 * @example
 * sampleIndices(10, 3, 0); // Int32Array of 3 distinct indices in [0, 10)
 */
export function sampleIndices(n: number, k: number, seed: number): Int32Array {
  const next = mulberry32(seed);
  const pool = new Int32Array(n);
  for (let i = 0; i < n; i++) pool[i] = i;
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor((next() / UINT32_RANGE) * (n - i));
    const tmp = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = tmp;
  }
  return pool.slice(0, k);
}
