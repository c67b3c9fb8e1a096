import type { ParamValue } from '../core/trial.ts';
import { Choice } from '../space/choice.ts';
import { RandInt } from '../space/distributions.ts';
import type { Distribution } from '../space/types.ts';

const clamp = (u: number) => Math.min(1, Math.max(0, u));

/**
 * The point of [0, 1] that `dist.fromUnit` maps to `value` (the middle of its cell for
 * choices and integers): the inverse the local search needs to move from a known
 * parameter set. A value the distribution cannot produce maps to 0.5.
 *
 * @example
 * toUnit(uniform(0, 10), 2.5); // 0.25
 */
export function toUnit(dist: Distribution, value: ParamValue): number {
  if (dist instanceof Choice) {
    const i = dist.indexOf(value);
    return i < 0 ? 0.5 : (i + 0.5) / dist.options.length;
  }
  if (dist instanceof RandInt) return typeof value === 'number' ? clamp((value + 0.5) / dist.upper) : 0.5;
  const withCdf = dist as Distribution & { cdf?: (v: number) => number };
  if (typeof value === 'number' && typeof withCdf.cdf === 'function') {
    const u = withCdf.cdf(value);
    return Number.isFinite(u) ? clamp(u) : 0.5;
  }
  return 0.5;
}
