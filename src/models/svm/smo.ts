import type { KernelCache } from './kernel.ts';

/** A C-SVC dual: min ½αᵀQα - Σα subject to yᵀα = 0 and 0 ≤ α_i ≤ C_i. */
export interface SmoProblem {
  /** Labels ±1. */
  y: Float64Array;
  /** Upper bound of each α (C times the row's weight). */
  C: Float64Array;
  Q: KernelCache;
  /** Stop when the maximal violating pair violates by less than eps (libsvm's -e, scikit-learn's tol). */
  eps: number;
  /** Most SMO steps (null: libsvm's max(10⁷, 100·l)). */
  maxIter: number | null;
}

/** The dual solution: α, the offset ρ (decision = Σ y_i α_i K(x_i, x) - ρ) and the steps taken. */
export interface SmoResult {
  alpha: Float64Array;
  /** The gradient Qα - 1 at the solution: the training rows' decision values are y_i(G_i + 1) - ρ. */
  G: Float64Array;
  rho: number;
  nIter: number;
}

const TAU = 1e-12;

/**
 * Sequential minimal optimization as libsvm's Solver: each step picks the pair by the
 * second-order working-set selection (WSS2 of Fan, Chen and Lin 2005: the maximal
 * violator i, then the j that most decreases the objective with i), solves the
 * two-variable problem in closed form with the box constraints, and updates the
 * gradient from the two cached kernel columns; ρ is then the mean of yG over the free
 * α (libsvm's calculate_rho). No shrinking: the same optimum, with more kernel rows read.
 *
 * @example
 * const { alpha, rho } = smo({ y, C, Q: new KernelCache(spec, rows, y, 200e6), eps: 1e-3, maxIter: null });
 */
export function smo(problem: SmoProblem): SmoResult {
  const { y, C, Q, eps } = problem;
  const l = y.length;
  const alpha = new Float64Array(l);
  const G = new Float64Array(l).fill(-1);
  const QD = Q.diagonal();
  const maxIter = problem.maxIter ?? Math.max(10_000_000, 100 * l);
  let iter = 0;
  while (iter < maxIter) {
    // select i: the maximal violator
    let gmax = Number.NEGATIVE_INFINITY;
    let gmax2 = Number.NEGATIVE_INFINITY;
    let i = -1;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (alpha[t]! < C[t]! && -G[t]! >= gmax) {
          gmax = -G[t]!;
          i = t;
        }
      } else if (alpha[t]! > 0 && G[t]! >= gmax) {
        gmax = G[t]!;
        i = t;
      }
    }
    if (i < 0) break;
    const Qi = Q.column(i);
    const yi = y[i]!;
    const qdi = QD[i]!;
    let j = -1;
    let objMin = Number.POSITIVE_INFINITY;
    for (let t = 0; t < l; t++) {
      if (y[t] === 1) {
        if (alpha[t]! > 0) {
          const gd = gmax + G[t]!;
          if (G[t]! >= gmax2) gmax2 = G[t]!;
          if (gd > 0) {
            const quad = qdi + QD[t]! - 2 * yi * Qi[t]!;
            const obj = -(gd * gd) / (quad > 0 ? quad : TAU);
            if (obj <= objMin) {
              j = t;
              objMin = obj;
            }
          }
        }
      } else if (alpha[t]! < C[t]!) {
        const gd = gmax - G[t]!;
        if (-G[t]! >= gmax2) gmax2 = -G[t]!;
        if (gd > 0) {
          const quad = qdi + QD[t]! + 2 * yi * Qi[t]!;
          const obj = -(gd * gd) / (quad > 0 ? quad : TAU);
          if (obj <= objMin) {
            j = t;
            objMin = obj;
          }
        }
      }
    }
    if (gmax + gmax2 < eps || j < 0) break;
    iter++;
    const Qj = Q.column(j);
    const Qi2 = Q.column(i);
    const Ci = C[i]!;
    const Cj = C[j]!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    let ai = oldI;
    let aj = oldJ;
    if (y[i] !== y[j]) {
      let quad = QD[i]! + QD[j]! + 2 * Qi2[j]!;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i]! - G[j]!) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > Ci - Cj) {
        if (ai > Ci) {
          ai = Ci;
          aj = Ci - diff;
        }
      } else if (aj > Cj) {
        aj = Cj;
        ai = Cj + diff;
      }
    } else {
      let quad = QD[i]! + QD[j]! - 2 * Qi2[j]!;
      if (quad <= 0) quad = TAU;
      const delta = (G[i]! - G[j]!) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > Ci) {
        if (ai > Ci) {
          ai = Ci;
          aj = sum - Ci;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > Cj) {
        if (aj > Cj) {
          aj = Cj;
          ai = sum - Cj;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const di = ai - oldI;
    const dj = aj - oldJ;
    for (let t = 0; t < l; t++) G[t]! += Qi2[t]! * di + Qj[t]! * dj;
  }
  return { alpha, G, rho: calculateRho(y, C, alpha, G), nIter: iter };
}

/** libsvm's calculate_rho: the mean of y_i G_i over free α, else the middle of its bounds. */
function calculateRho(y: Float64Array, C: Float64Array, alpha: Float64Array, G: Float64Array): number {
  let ub = Number.POSITIVE_INFINITY;
  let lb = Number.NEGATIVE_INFINITY;
  let nFree = 0;
  let sumFree = 0;
  for (let i = 0; i < y.length; i++) {
    const yG = y[i]! * G[i]!;
    if (alpha[i]! >= C[i]!) {
      if (y[i] === -1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else if (alpha[i]! <= 0) {
      if (y[i] === 1) ub = Math.min(ub, yG);
      else lb = Math.max(lb, yG);
    } else {
      nFree++;
      sumFree += yG;
    }
  }
  return nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
}
