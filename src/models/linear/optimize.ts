/** A smooth objective: returns f(x) and writes ∇f(x) into g. */
export type Objective = (x: Float64Array, g: Float64Array) => number;
/** The same, computed off the event loop (native work on the libuv pool). */
export type AsyncObjective = (x: Float64Array, g: Float64Array) => Promise<number>;

/** A solver's request: evaluate the objective at x, writing the gradient into g. */
export interface Evaluation {
  x: Float64Array;
  g: Float64Array;
}

/**
 * A solver written as a generator: it yields each point to evaluate and is resumed with
 * f there (the gradient already written), so one algorithm serves the synchronous
 * fit and the asynchronous one.
 */
export type SolverSteps = Generator<Evaluation, SolverResult, number>;

/**
 * Runs a solver, evaluating the objective synchronously.
 *
 * @example
 * const result = runSolver(lbfgsSteps(x0, { maxIter: 100, tol: 1e-4 }), fg);
 */
export function runSolver(steps: SolverSteps, fg: Objective): SolverResult {
  let r = steps.next();
  while (!r.done) r = steps.next(fg(r.value.x, r.value.g));
  return r.value;
}

/**
 * Runs a solver, awaiting each evaluation: the event loop runs between them.
 *
 * @example
 * const result = await runSolverAsync(lbfgsSteps(x0, { maxIter: 100, tol: 1e-4 }), fgAsync);
 */
export async function runSolverAsync(steps: SolverSteps, fg: AsyncObjective): Promise<SolverResult> {
  let r = steps.next();
  while (!r.done) r = steps.next(await fg(r.value.x, r.value.g));
  return r.value;
}

/** What a solver did: the point, its objective, iterations, and whether it converged. */
export interface SolverResult {
  x: Float64Array;
  f: number;
  nIter: number;
  /** Objective evaluations. */
  nEval: number;
  converged: boolean;
  /** The optimality measure tested against tol at the end (see each solver). */
  gradMax: number;
}

/** Settings of the solvers. */
export interface SolverOptions {
  maxIter: number;
  /** Stop when the largest |gradient| component (projected, for FISTA) is <= tol. */
  tol: number;
  /** L-BFGS only: stop when the relative decrease of f is <= ftol (scipy's default). */
  ftol?: number;
  /** L-BFGS only: correction pairs kept (scipy's default 10). */
  memory?: number;
  /**
   * Called after each iteration with its 0-based number and objective, right after the
   * objective was evaluated at the new point; returning false stops the solver there.
   */
  onIteration?: (iteration: number, f: number, x: Float64Array) => boolean;
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/** scipy's L-BFGS-B default ftol: factr 1e7 times machine epsilon. */
const SCIPY_FTOL = 1e7 * Number.EPSILON;

/**
 * Minimizes a smooth function by L-BFGS (two-loop recursion, weak-Wolfe line search by
 * bracketing and bisection). Stops, as scipy's L-BFGS-B which scikit-learn calls, when
 * max |∇f| <= tol or the relative decrease of f falls to ftol, or after maxIter.
 *
 * @example
 * const r = lbfgs((x, g) => { g[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; },
 *   new Float64Array(1), { maxIter: 100, tol: 1e-8 });
 * r.x[0]; // 3
 */
export function lbfgs(fg: Objective, x0: Float64Array, options: SolverOptions): SolverResult {
  return runSolver(lbfgsSteps(x0, options), fg);
}

/** L-BFGS (see {@link lbfgs}) as solver steps. */
export function* lbfgsSteps(x0: Float64Array, options: SolverOptions): SolverSteps {
  const n = x0.length;
  const m = options.memory ?? 10;
  const ftol = options.ftol ?? SCIPY_FTOL;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = yield { x, g };
  let nEval = 1;
  const S: Float64Array[] = [];
  const Y: Float64Array[] = [];
  const rho: number[] = [];
  const d = new Float64Array(n);
  const alpha = new Float64Array(m);
  const xNew = new Float64Array(n);
  const gNew = new Float64Array(n);
  let iter = 0;
  let converged = maxAbs(g) <= options.tol;
  while (!converged && iter < options.maxIter) {
    // Two-loop recursion: d = -H g.
    d.set(g);
    for (let i = S.length - 1; i >= 0; i--) {
      alpha[i] = rho[i]! * dot(S[i]!, d);
      const yi = Y[i]!;
      for (let j = 0; j < n; j++) d[j]! -= alpha[i]! * yi[j]!;
    }
    const last = S.length - 1;
    const gamma =
      last >= 0
        ? dot(S[last]!, Y[last]!) / dot(Y[last]!, Y[last]!)
        : 1 / Math.max(Math.sqrt(dot(g, g)), 1e-300);
    for (let j = 0; j < n; j++) d[j]! *= gamma;
    for (let i = 0; i < S.length; i++) {
      const beta = rho[i]! * dot(Y[i]!, d);
      const si = S[i]!;
      for (let j = 0; j < n; j++) d[j]! += si[j]! * (alpha[i]! - beta);
    }
    for (let j = 0; j < n; j++) d[j] = -d[j]!;
    let slope = dot(g, d);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went stale): restart from -g.
      S.length = 0;
      Y.length = 0;
      rho.length = 0;
      const s0 = 1 / Math.max(Math.sqrt(dot(g, g)), 1e-300);
      for (let j = 0; j < n; j++) d[j] = -g[j]! * s0;
      slope = dot(g, d);
    }
    const ls = yield* wolfeSearch(x, f, d, slope, xNew, gNew);
    nEval += ls.nEval;
    if (!ls.ok) break;
    iter++;
    const s = new Float64Array(n);
    const y = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      s[j] = xNew[j]! - x[j]!;
      y[j] = gNew[j]! - g[j]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-10 * dot(y, y)) {
      if (S.length === m) {
        S.shift();
        Y.shift();
        rho.shift();
      }
      S.push(s);
      Y.push(y);
      rho.push(1 / sy);
    }
    const fOld = f;
    f = ls.f;
    x.set(xNew);
    g.set(gNew);
    if (maxAbs(g) <= options.tol) converged = true;
    else if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) converged = true;
    if (options.onIteration?.(iter - 1, f, x) === false) break;
  }
  return { x, f, nIter: iter, nEval, converged, gradMax: maxAbs(g) };
}

/**
 * Finds a step t along d with f(x + t d) <= f + c1 t slope and ∇f(x + t d)·d >= c2 slope,
 * starting at t = 1, by doubling until bracketed then bisecting. Writes the accepted
 * point and gradient into xNew/gNew.
 */
function* wolfeSearch(
  x: Float64Array,
  f: number,
  d: Float64Array,
  slope: number,
  xNew: Float64Array,
  gNew: Float64Array,
): Generator<Evaluation, { ok: boolean; f: number; nEval: number }, number> {
  const c1 = 1e-4;
  const c2 = 0.9;
  let lo = 0;
  let hi = Number.POSITIVE_INFINITY;
  let t = 1;
  const n = x.length;
  for (let evals = 1; evals <= 40; evals++) {
    for (let j = 0; j < n; j++) xNew[j] = x[j]! + t * d[j]!;
    const fNew = yield { x: xNew, g: gNew };
    if (!Number.isFinite(fNew) || fNew > f + c1 * t * slope) {
      hi = t;
    } else if (dot(gNew, d) < c2 * slope) {
      lo = t;
    } else {
      return { ok: true, f: fNew, nEval: evals };
    }
    t = Number.isFinite(hi) ? (lo + hi) / 2 : 2 * lo;
    if (hi - lo < 1e-16 * Math.max(1, hi)) break;
  }
  // No Wolfe point: accept a plain decrease if the last trial gave one.
  for (let j = 0; j < n; j++) xNew[j] = x[j]! + lo * d[j]!;
  if (lo === 0) return { ok: false, f, nEval: 40 };
  const fNew = yield { x: xNew, g: gNew };
  return { ok: fNew < f, f: fNew, nEval: 41 };
}

/**
 * Minimizes f(x) + Σ_j l1[j] |x_j| (f smooth) by FISTA, the accelerated proximal
 * gradient method, with backtracking on the Lipschitz estimate and O'Donoghue-Candès
 * restarts. Converged when the proximal gradient step's largest component, scaled by
 * the step's inverse (‖L (y - prox(y - ∇f(y)/L))‖∞, zero exactly at a minimum), is <= tol.
 *
 * @example
 * // minimize (x - 3)² + 2|x|: x = 2
 * fista((x, g) => { g[0] = 2 * (x[0]! - 3); return (x[0]! - 3) ** 2; },
 *   Float64Array.of(2), new Float64Array(1), { maxIter: 500, tol: 1e-10 }).x[0]; // 2
 */
export function fista(
  fg: Objective,
  l1: Float64Array,
  x0: Float64Array,
  options: SolverOptions,
): SolverResult {
  return runSolver(fistaSteps(l1, x0, options), fg);
}

/** FISTA (see {@link fista}) as solver steps. */
export function* fistaSteps(l1: Float64Array, x0: Float64Array, options: SolverOptions): SolverSteps {
  const n = x0.length;
  let x = Float64Array.from(x0);
  let xPrev = Float64Array.from(x0);
  const y = Float64Array.from(x0);
  const gy = new Float64Array(n);
  const xTry = new Float64Array(n);
  const gTry = new Float64Array(n);
  let L = 1;
  let tk = 1;
  let nEval = 0;
  let gradMax = Number.POSITIVE_INFINITY;
  let fx = Number.NaN;
  let iter = 0;
  let first = true;
  while (iter < options.maxIter) {
    const fy = yield { x: y, g: gy };
    nEval++;
    if (first) {
      // Initial Lipschitz guess from a tiny gradient step.
      L = Math.max(Math.sqrt(dot(gy, gy)), 1e-12);
      first = false;
    }
    let fTry: number;
    for (;;) {
      for (let j = 0; j < n; j++) {
        const v = y[j]! - gy[j]! / L;
        const thr = l1[j]! / L;
        xTry[j] = v > thr ? v - thr : v < -thr ? v + thr : 0;
      }
      fTry = yield { x: xTry, g: gTry };
      nEval++;
      let lin = fy;
      let sq = 0;
      for (let j = 0; j < n; j++) {
        const dj = xTry[j]! - y[j]!;
        lin += gy[j]! * dj;
        sq += dj * dj;
      }
      if (fTry <= lin + 0.5 * L * sq + 1e-12 * Math.abs(fy) || sq === 0) break;
      L *= 2;
    }
    gradMax = 0;
    for (let j = 0; j < n; j++) gradMax = Math.max(gradMax, L * Math.abs(y[j]! - xTry[j]!));
    xPrev = x;
    x = Float64Array.from(xTry);
    fx = fTry;
    iter++;
    if (gradMax <= options.tol) break;
    if (options.onIteration?.(iter - 1, fTry, x) === false) break;
    // Restart the momentum when it points uphill.
    let restart = 0;
    for (let j = 0; j < n; j++) restart += (y[j]! - x[j]!) * (x[j]! - xPrev[j]!);
    let tNext = (1 + Math.sqrt(1 + 4 * tk * tk)) / 2;
    if (restart > 0) {
      tk = 1;
      tNext = 1;
    }
    const mom = (tk - 1) / tNext;
    for (let j = 0; j < n; j++) y[j] = x[j]! + mom * (x[j]! - xPrev[j]!);
    tk = tNext;
    L *= 0.9;
  }
  let objective = fx;
  for (let j = 0; j < n; j++) objective += l1[j]! * Math.abs(x[j]!);
  return { x, f: objective, nIter: iter, nEval, converged: gradMax <= options.tol, gradMax };
}
