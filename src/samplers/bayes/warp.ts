/**
 * Output transformation before the GP: standardize, apply a Yeo–Johnson power
 * transform whose λ maximises the Gaussian likelihood of the result (as HEBO does),
 * standardize again. Losses of hyperparameter searches are often heavy-tailed (a few
 * diverged trials dwarf the rest); the transform lets the GP resolve differences among
 * the good trials instead of spending its variance on the outliers. It is monotone, so
 * the best trial stays the best.
 */

/**
 * The Yeo–Johnson transform of one value.
 *
 * @example
 * yeoJohnson(1, 1); // 1 (λ = 1 is the identity)
 */
export function yeoJohnson(y: number, lambda: number): number {
  if (y >= 0) return Math.abs(lambda) < 1e-8 ? Math.log1p(y) : ((1 + y) ** lambda - 1) / lambda;
  const l2 = 2 - lambda;
  return Math.abs(l2) < 1e-8 ? -Math.log1p(-y) : -((1 - y) ** l2 - 1) / l2;
}

function standardize(y: Float64Array): Float64Array {
  const n = y.length;
  let mean = 0;
  for (const v of y) mean += v / n;
  let ss = 0;
  for (const v of y) ss += (v - mean) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / n) : 0;
  const scale = sd > 1e-12 ? sd : 1;
  return y.map((v) => (v - mean) / scale);
}

function profileLogLikelihood(z: Float64Array, lambda: number): number {
  const n = z.length;
  const t = z.map((v) => yeoJohnson(v, lambda));
  let mean = 0;
  for (const v of t) mean += v / n;
  let ss = 0;
  for (const v of t) ss += (v - mean) ** 2;
  let jac = 0;
  for (const v of z) jac += Math.sign(v) * Math.log1p(Math.abs(v));
  return -0.5 * n * Math.log(Math.max(ss / n, 1e-300)) + (lambda - 1) * jac;
}

/**
 * Standardized, power-transformed targets (see the module comment).
 *
 * @example
 * warpTargets(new Float64Array([1, 2, 1000])); // the outlier no longer dominates
 */
export function warpTargets(y: Float64Array): Float64Array {
  const z = standardize(y);
  if (z.length < 3) return z;
  // Golden-section search for λ on [-2, 4]; the profile likelihood is unimodal in practice.
  const phi = (Math.sqrt(5) - 1) / 2;
  let a = -2;
  let b = 4;
  let c = b - phi * (b - a);
  let d = a + phi * (b - a);
  let fc = profileLogLikelihood(z, c);
  let fd = profileLogLikelihood(z, d);
  for (let i = 0; i < 40; i++) {
    if (fc > fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - phi * (b - a);
      fc = profileLogLikelihood(z, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + phi * (b - a);
      fd = profileLogLikelihood(z, d);
    }
  }
  const lambda = 0.5 * (a + b);
  return standardize(z.map((v) => yeoJohnson(v, lambda)));
}
