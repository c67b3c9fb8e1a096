/**
 * The variation operators of NSGA-II on the unit cube (every coordinate in [0, 1], as
 * `space.fromUnit` reads it): simulated binary crossover and polynomial mutation in the
 * bounded forms of Deb's reference implementation (Deb & Agrawal 1995; Deb & Goyal
 * 1996; the NSGA-II C code of Deb et al. 2002), uniform crossover, and a random reset
 * for categorical coordinates.
 */
import type { Rng } from '../../space/types.ts';

/** The largest coordinate handed to `fromUnit`: 1 itself would fall past the last option of a choice. */
export const UNIT_MAX = 1 - 1e-12;

function clip(u: number): number {
  return Math.min(UNIT_MAX, Math.max(0, u));
}

/**
 * One child of simulated binary crossover between parent values `a` and `b` in [0, 1]
 * with distribution index `eta` (larger: children closer to the parents). The spread is
 * bounded so that both children stay inside [0, 1]; which of the two children is
 * returned is a fair coin, as in Deb's code.
 *
 * @example
 * sbx(0.2, 0.6, 20, seedrandom.alea('1')); // a value near 0.2 or near 0.6
 */
export function sbx(a: number, b: number, eta: number, rng: Rng): number {
  if (Math.abs(a - b) <= 1e-14) return a;
  const y1 = Math.min(a, b);
  const y2 = Math.max(a, b);
  const u = rng();
  const spread = (beta: number) => {
    const alpha = 2 - beta ** -(eta + 1);
    return u <= 1 / alpha ? (u * alpha) ** (1 / (eta + 1)) : (1 / (2 - u * alpha)) ** (1 / (eta + 1));
  };
  const c1 = 0.5 * (y1 + y2 - spread(1 + (2 * y1) / (y2 - y1)) * (y2 - y1));
  const c2 = 0.5 * (y1 + y2 + spread(1 + (2 * (1 - y2)) / (y2 - y1)) * (y2 - y1));
  return clip(rng() < 0.5 ? c1 : c2);
}

/**
 * Polynomial mutation of a value in [0, 1] with distribution index `eta` (bounded
 * form: the perturbation shrinks near the bounds so the result stays inside).
 *
 * @example
 * polynomialMutation(0.5, 20, seedrandom.alea('1')); // a value near 0.5
 */
export function polynomialMutation(y: number, eta: number, rng: Rng): number {
  const r = rng();
  const power = 1 / (eta + 1);
  let deltaq: number;
  if (r < 0.5) {
    const xy = 1 - y;
    const val = 2 * r + (1 - 2 * r) * xy ** (eta + 1);
    deltaq = val ** power - 1;
  } else {
    const xy = y;
    const val = 2 * (1 - r) + 2 * (r - 0.5) * xy ** (eta + 1);
    deltaq = 1 - val ** power;
  }
  return clip(y + deltaq);
}

/**
 * A uniformly random option of a categorical coordinate with `categories` options, as
 * the centre of its cell in [0, 1].
 *
 * @example
 * randomOption(4, seedrandom.alea('1')); // 0.125, 0.375, 0.625 or 0.875
 */
export function randomOption(categories: number, rng: Rng): number {
  return (Math.floor(rng() * categories) + 0.5) / categories;
}
