/**
 * Log expected improvement (Ament et al., "Unexpected improvements to expected
 * improvement", NeurIPS 2023) for minimisation: log EI = log h(z) + log σ with
 * z = (best − μ)/σ and h(z) = φ(z) + zΦ(z). Computed stably far into the tail, where
 * plain EI underflows to 0 and gives the optimiser a flat landscape.
 */
import { normalCdf } from '../../space/normal.ts';

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

/**
 * log h(z), h(z) = φ(z) + zΦ(z). For z < −2, h(z) = φ(z)·g/(x + g) with x = −z and
 * g = 1/(x + 2/(x + 3/(x + …))) (the Mills-ratio continued fraction rearranged so that
 * nothing cancels), evaluated bottom-up.
 *
 * @example
 * logH(0); // log φ(0) ≈ −0.9189
 */
export function logH(z: number): number {
  if (z > -2) {
    const phi = Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
    return Math.log(phi + z * normalCdf(z));
  }
  const x = -z;
  let t = x;
  for (let k = 80; k >= 2; k--) t = x + k / t;
  const g = 1 / t;
  return -0.5 * x * x - LOG_SQRT_2PI + Math.log(g) - Math.log(x + g);
}

/**
 * log EI at a point with posterior mean `mean` and variance `variance`, for minimising
 * below `best`.
 *
 * @example
 * logExpectedImprovement(0, 1, 0); // log φ(0)
 */
export function logExpectedImprovement(mean: number, variance: number, best: number): number {
  const sigma = Math.sqrt(variance);
  return logH((best - mean) / sigma) + Math.log(sigma);
}
