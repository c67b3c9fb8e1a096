import { iota, type KernelCache } from './kernel.ts';

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
  /** Shrink the active set as libsvm's -h 1 (default true): the same optimum, fewer rows read per step. */
  shrinking?: boolean;
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
const LOWER = 0;
const UPPER = 1;
const FREE = 2;

/**
 * libsvm's Solver for the C-SVC dual, its variables in the solver's own order: shrinking
 * moves the inactive ones to the end (swapIndex, here and in the kernel cache), so that
 * every loop runs over the prefix [0, activeSize).
 */
class Solver {
  readonly l: number;
  readonly y: Float64Array;
  readonly C: Float64Array;
  readonly alpha: Float64Array;
  readonly G: Float64Array;
  /** Σ over the α at their upper bound of C_i Q_i: the part of G that shrinking cannot see change. */
  readonly Gbar: Float64Array;
  readonly status: Uint8Array;
  /** 1 where t is in I_up (α_t may move in the direction of y_t), as libsvm's is_upper_bound tests read. */
  readonly up: Uint8Array;
  /** 1 where t is in I_low (α_t may move against y_t). */
  readonly low: Uint8Array;
  readonly QD: Float64Array;
  /** The caller's index of each variable. */
  readonly activeSet: Int32Array;
  activeSize: number;
  unshrink = false;
  outI = -1;
  outJ = -1;
  /**
   * The maximal violator for the next selection, found by the last step's gradient
   * loop (the same scan in the same order, one pass over the rows fewer); stale after
   * shrinking or a change of the active set.
   */
  nextI = -1;
  nextGmax = Number.NEGATIVE_INFINITY;
  nextValid = false;

  constructor(
    problem: SmoProblem,
    readonly Q: KernelCache,
    readonly eps: number,
  ) {
    const l = problem.y.length;
    this.l = l;
    this.y = problem.y.slice();
    this.C = problem.C.slice();
    this.alpha = new Float64Array(l);
    this.G = new Float64Array(l).fill(-1);
    this.Gbar = new Float64Array(l);
    this.status = new Uint8Array(l);
    this.up = new Uint8Array(l);
    this.low = new Uint8Array(l);
    for (let i = 0; i < l; i++) this.updateStatus(i);
    this.QD = Q.diagonal();
    this.activeSet = iota(l);
    this.activeSize = l;
  }

  updateStatus(i: number): void {
    const a = this.alpha[i]!;
    const s = a >= this.C[i]! ? UPPER : a <= 0 ? LOWER : FREE;
    this.status[i] = s;
    const positive = this.y[i] === 1;
    this.up[i] = (positive ? s !== UPPER : s !== LOWER) ? 1 : 0;
    this.low[i] = (positive ? s !== LOWER : s !== UPPER) ? 1 : 0;
  }

  /**
   * Second-order working-set selection (WSS2 of Fan, Chen and Lin 2005) over the active
   * set: the maximal violator i, then the j that most decreases the objective with i.
   * False when the pair violates by less than eps (optimal on the active set).
   */
  select(): boolean {
    const { y, G, up, low, QD, eps } = this;
    const n = this.activeSize;
    // y_t = ±1, so -y_t G_t and y_t G_t are libsvm's -G_t / G_t branches exactly
    let gmax = Number.NEGATIVE_INFINITY;
    let gmax2 = Number.NEGATIVE_INFINITY;
    let i = -1;
    if (this.nextValid) {
      gmax = this.nextGmax;
      i = this.nextI;
      this.nextValid = false;
    } else {
      for (let t = 0; t < n; t++) {
        if (up[t] === 1) {
          const v = -y[t]! * G[t]!;
          if (v >= gmax) {
            gmax = v;
            i = t;
          }
        }
      }
    }
    if (i < 0) return false;
    const Qi = this.Q.column(i, n);
    const yi2 = 2 * y[i]!;
    const qdi = QD[i]!;
    let j = -1;
    let objMin = Number.POSITIVE_INFINITY;
    let bound = Number.NEGATIVE_INFINITY;
    for (let t = 0; t < n; t++) {
      if (low[t] === 1) {
        const yt = y[t]!;
        const yg = yt * G[t]!;
        const gd = gmax + yg;
        if (yg >= gmax2) gmax2 = yg;
        if (gd > 0) {
          let quad = qdi + QD[t]! - yi2 * yt * Qi[t]!;
          if (quad <= 0) quad = TAU;
          // most t cannot beat objMin: a multiplication rules them out (its margin, far
          // above rounding, lets every t that could pass through), the division decides
          const g2 = gd * gd;
          if (g2 >= bound * quad) {
            const obj = -g2 / quad;
            if (obj <= objMin) {
              j = t;
              objMin = obj;
              bound = -objMin * (1 - 1e-12);
            }
          }
        }
      }
    }
    if (gmax + gmax2 < eps || j < 0) return false;
    this.outI = i;
    this.outJ = j;
    return true;
  }

  /** One SMO step on the pair (i, j): the two-variable problem in closed form, then G and Gbar. */
  step(i: number, j: number): void {
    const { y, C, alpha, G, QD, Q } = this;
    const n = this.activeSize;
    const Qi = Q.column(i, n);
    const Qj = Q.column(j, n);
    const Ci = C[i]!;
    const Cj = C[j]!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    let ai = oldI;
    let aj = oldJ;
    if (y[i] !== y[j]) {
      let quad = QD[i]! + QD[j]! + 2 * Qi[j]!;
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
      let quad = QD[i]! + QD[j]! - 2 * Qi[j]!;
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
    const wasUpperI = this.status[i] === UPPER;
    const wasUpperJ = this.status[j] === UPPER;
    this.updateStatus(i);
    this.updateStatus(j);
    // the gradient update, and in the same pass the next selection's maximal violator
    const up = this.up;
    let gmax = Number.NEGATIVE_INFINITY;
    let best = -1;
    for (let t = 0; t < n; t++) {
      const g = G[t]! + (Qi[t]! * di + Qj[t]! * dj);
      G[t] = g;
      if (up[t] === 1) {
        const v = -y[t]! * g;
        if (v >= gmax) {
          gmax = v;
          best = t;
        }
      }
    }
    this.nextI = best;
    this.nextGmax = gmax;
    this.nextValid = true;
    if (wasUpperI !== (this.status[i] === UPPER)) this.addToGbar(i, wasUpperI ? -Ci : Ci);
    if (wasUpperJ !== (this.status[j] === UPPER)) this.addToGbar(j, wasUpperJ ? -Cj : Cj);
  }

  private addToGbar(i: number, c: number): void {
    const { l, Gbar } = this;
    const Qi = this.Q.column(i, l);
    for (let t = 0; t < l; t++) Gbar[t]! += c * Qi[t]!;
  }

  /** libsvm's reconstruct_gradient: G of the inactive variables from Gbar and the free α. */
  reconstructGradient(): void {
    const { l, G, Gbar, alpha, status, Q } = this;
    const n = this.activeSize;
    this.nextValid = false;
    if (n === l) return;
    for (let t = n; t < l; t++) G[t] = Gbar[t]! - 1;
    let nFree = 0;
    for (let t = 0; t < n; t++) if (status[t] === FREE) nFree++;
    if (nFree * l > 2 * n * (l - n)) {
      for (let i = n; i < l; i++) {
        const Qi = Q.column(i, n);
        for (let t = 0; t < n; t++) if (status[t] === FREE) G[i]! += alpha[t]! * Qi[t]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        if (status[i] !== FREE) continue;
        const Qi = Q.column(i, l);
        const ai = alpha[i]!;
        for (let t = n; t < l; t++) G[t]! += ai * Qi[t]!;
      }
    }
  }

  private beShrunk(i: number, gmax1: number, gmax2: number): boolean {
    const s = this.status[i];
    const g = this.G[i]!;
    if (s === UPPER) return this.y[i] === 1 ? -g > gmax1 : -g > gmax2;
    if (s === LOWER) return this.y[i] === 1 ? g > gmax2 : g > gmax1;
    return false;
  }

  /**
   * libsvm's do_shrinking: variables at a bound that cannot join a violating pair leave
   * the active set; near the end (violation within 10·eps) the whole set comes back once.
   */
  doShrinking(): void {
    const { y, G, status } = this;
    this.nextValid = false;
    // gmax1 = max over I_up of -y_i G_i, gmax2 = max over I_low of y_i G_i
    let gmax1 = Number.NEGATIVE_INFINITY;
    let gmax2 = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.activeSize; i++) {
      const g = G[i]!;
      if (y[i] === 1) {
        if (status[i] !== UPPER && -g >= gmax1) gmax1 = -g;
        if (status[i] !== LOWER && g >= gmax2) gmax2 = g;
      } else {
        if (status[i] !== UPPER && -g >= gmax2) gmax2 = -g;
        if (status[i] !== LOWER && g >= gmax1) gmax1 = g;
      }
    }
    if (!this.unshrink && gmax1 + gmax2 <= this.eps * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = this.l;
    }
    for (let i = 0; i < this.activeSize; i++) {
      if (!this.beShrunk(i, gmax1, gmax2)) continue;
      this.activeSize--;
      while (this.activeSize > i) {
        if (!this.beShrunk(this.activeSize, gmax1, gmax2)) {
          this.swapIndex(i, this.activeSize);
          break;
        }
        this.activeSize--;
      }
    }
  }

  private swapIndex(i: number, j: number): void {
    this.Q.swapIndex(i, j);
    // one by one, not a loop over an array of the arrays: shrinking swaps often
    swapF64(this.y, i, j);
    swapF64(this.C, i, j);
    swapF64(this.alpha, i, j);
    swapF64(this.G, i, j);
    swapF64(this.Gbar, i, j);
    swapF64(this.QD, i, j);
    swapU8(this.status, i, j);
    swapU8(this.up, i, j);
    swapU8(this.low, i, j);
    const k = this.activeSet[i]!;
    this.activeSet[i] = this.activeSet[j]!;
    this.activeSet[j] = k;
  }

  /** libsvm's calculate_rho: the mean of y_i G_i over free α, else the middle of its bounds. */
  rho(): number {
    const { y, G, status } = this;
    let ub = Number.POSITIVE_INFINITY;
    let lb = Number.NEGATIVE_INFINITY;
    let nFree = 0;
    let sumFree = 0;
    for (let i = 0; i < this.activeSize; i++) {
      const yG = y[i]! * G[i]!;
      if (status[i] === UPPER) {
        if (y[i] === -1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else if (status[i] === LOWER) {
        if (y[i] === 1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else {
        nFree++;
        sumFree += yG;
      }
    }
    return nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  }
}

function swapF64(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function swapU8(a: Uint8Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * Sequential minimal optimization as libsvm's Solver: each step picks the pair by the
 * second-order working-set selection, solves the two-variable problem in closed form
 * with the box constraints, and updates the gradient from the two cached kernel
 * columns. With `shrinking` (default), every min(l, 1000) steps the variables stuck at a
 * bound leave the active set (Chang and Lin, LIBSVM, section 5.1), their gradient kept
 * through Gbar and rebuilt before the final check; ρ is the mean of yG over the free α
 * (libsvm's calculate_rho).
 *
 * @example
 * const { alpha, rho } = smo({ y, C, Q: new KernelCache(spec, rows, y, 200e6), eps: 1e-3, maxIter: null });
 */
export function smo(problem: SmoProblem): SmoResult {
  const s = new Solver(problem, problem.Q, problem.eps);
  const l = s.l;
  const shrinking = problem.shrinking ?? true;
  const maxIter = problem.maxIter ?? Math.max(10_000_000, 100 * l);
  let counter = Math.min(l, 1000) + 1;
  let iter = 0;
  while (iter < maxIter) {
    if (--counter === 0) {
      counter = Math.min(l, 1000);
      if (shrinking) s.doShrinking();
    }
    if (!s.select()) {
      // optimal on the active set: check the whole problem before stopping
      s.reconstructGradient();
      s.activeSize = l;
      if (!s.select()) break;
      counter = 1;
    }
    iter++;
    s.step(s.outI, s.outJ);
  }
  if (s.activeSize < l) {
    s.reconstructGradient();
    s.activeSize = l;
  }
  const rho = s.rho();
  const alpha = new Float64Array(l);
  const G = new Float64Array(l);
  for (let t = 0; t < l; t++) {
    alpha[s.activeSet[t]!] = s.alpha[t]!;
    G[s.activeSet[t]!] = s.G[t]!;
  }
  return { alpha, G, rho, nIter: iter };
}
