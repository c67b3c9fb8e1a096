/**
 * A small box-constrained L-BFGS minimiser (projected steps, backtracking Armijo line
 * search), enough for the handful of GP hyperparameters.
 */

/** The objective: returns f(x) and writes ∇f(x) into `grad`. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

/** Options of `minimize`. */
export interface MinimizeOptions {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
  /** Iteration cap (default 60). */
  readonly maxIterations?: number;
  /** Memory length (default 8). */
  readonly memory?: number;
  /** Stop when two iterations in a row decrease f by less than this (default 1e-5 · max(1, |f|)). */
  readonly tolerance?: number;
}

function clampInto(x: Float64Array, lower: ArrayLike<number>, upper: ArrayLike<number>): void {
  for (let i = 0; i < x.length; i++) x[i] = Math.min(upper[i]!, Math.max(lower[i]!, x[i]!));
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Minimises `f` from `x0` inside [lower, upper]; returns the best point and value seen.
 * A non-finite objective value counts as +Infinity, so the search backs away from it.
 *
 * @example
 * const { x } = minimize((x, g) => { g[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; },
 *   new Float64Array([0]), { lower: [-10], upper: [10] }); // x[0] ≈ 3
 */
export function minimize(
  f: Objective,
  x0: Float64Array,
  options: MinimizeOptions,
): { x: Float64Array; value: number; iterations: number } {
  const n = x0.length;
  const m = options.memory ?? 8;
  const maxIt = options.maxIterations ?? 60;
  const x = Float64Array.from(x0);
  clampInto(x, options.lower, options.upper);
  const g = new Float64Array(n);
  let fx = f(x, g);
  if (!Number.isFinite(fx)) return { x, value: Number.POSITIVE_INFINITY, iterations: 0 };
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const d = new Float64Array(n);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  const alpha = new Float64Array(m);
  let it = 0;
  let small = 0;
  for (; it < maxIt; it++) {
    // Two-loop recursion for d = −H ∇f.
    d.set(g);
    for (let k = S.length - 1; k >= 0; k--) {
      const a = dot(S[k]!, d) / dot(Y[k]!, S[k]!);
      alpha[k] = a;
      for (let i = 0; i < n; i++) d[i] = d[i]! - a * Y[k]![i]!;
    }
    if (S.length > 0) {
      const last = S.length - 1;
      const gamma = dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!);
      for (let i = 0; i < n; i++) d[i] = d[i]! * gamma;
    } else {
      const gn = Math.sqrt(dot(g, g));
      for (let i = 0; i < n; i++) d[i] = d[i]! / Math.max(1, gn);
    }
    for (let k = 0; k < S.length; k++) {
      const b = dot(Y[k]!, d) / dot(Y[k]!, S[k]!);
      for (let i = 0; i < n; i++) d[i] = d[i]! + S[k]![i]! * (alpha[k]! - b);
    }
    for (let i = 0; i < n; i++) d[i] = -d[i]!;
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs went stale): restart from steepest descent.
      S.length = 0;
      Y.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i]!;
      slope = -dot(g, g);
      if (slope === 0) break;
    }
    let step = 1;
    let fNew = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let tries = 0; tries < 30; tries++) {
      for (let i = 0; i < n; i++) xNew[i] = x[i]! + step * d[i]!;
      clampInto(xNew, options.lower, options.upper);
      fNew = f(xNew, gNew);
      let moved = 0;
      for (let i = 0; i < n; i++) moved += g[i]! * (xNew[i]! - x[i]!);
      if (Number.isFinite(fNew) && fNew <= fx + 1e-4 * Math.min(moved, 0)) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const decrease = fx - fNew;
    x.set(xNew);
    g.set(gNew);
    fx = fNew;
    if (dot(s, y) > 1e-12) {
      S.push(s);
      Y.push(y);
      if (S.length > m) {
        S.shift();
        Y.shift();
      }
    }
    // Two small steps in a row: one alone happens where the quasi-Newton model is still poor.
    small = decrease < (options.tolerance ?? 1e-5 * Math.max(1, Math.abs(fx))) ? small + 1 : 0;
    if (small >= 2) break;
  }
  return { x, value: fx, iterations: it };
}
