/**
 * Small numeric helpers shared by the distributions.
 */

/**
 * Rounds half to even, as numpy's `round` (and so Azure/hyperopt's q-distributions) does.
 *
 * @example
 * roundHalfEven(2.5); // 2
 * roundHalfEven(3.5); // 4
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * k * q without binary noise in its decimal form (3 * 0.1 gives 0.3, not
 * 0.30000000000000004), so a trial receives the value a person would write.
 *
 * @example
 * multipleOf(3, 0.1); // 0.3
 */
export function multipleOf(k: number, q: number): number {
  if (k === 0) return 0;
  if (Number.isInteger(q)) return k * q;
  // q = 1/r for an integer r (0.1, 0.05, 0.25...): k / r is the double nearest the decimal.
  const r = Math.round(1 / q);
  if (r > 0 && Math.abs(1 / q - r) <= 1e-9 * r) return k / r;
  return Number.parseFloat((k * q).toPrecision(15));
}

/**
 * round(x / q) * q, the quantisation of Azure's q-distributions.
 *
 * @example
 * quantize(0.26, 0.1); // 0.3
 */
export function quantize(x: number, q: number): number {
  return multipleOf(roundHalfEven(x / q), q);
}

/**
 * Whether `x` is an integer multiple of `q`, up to the rounding `multipleOf` does.
 *
 * @example
 * isMultipleOf(0.3, 0.1); // true
 */
export function isMultipleOf(x: number, q: number): boolean {
  const k = Math.round(x / q);
  return Math.abs(x - k * q) <= 1e-9 * Math.max(Math.abs(q), Math.abs(x));
}

/** The smallest double above 0 used to keep quantiles finite: Φ⁻¹(2^-53) is about -8.1. */
const EPS = 2 ** -53;

/**
 * `u` clamped into the open unit interval so that inverse CDFs of unbounded
 * distributions stay finite (a Sobol sequence starts at exactly 0).
 *
 * @example
 * openUnit(0); // 1.1102230246251565e-16
 */
export function openUnit(u: number): number {
  return Math.min(1 - EPS, Math.max(EPS, u));
}

/** Formats a number for expression strings and messages: shortest exact form. */
export function fmt(value: unknown): string {
  return typeof value === 'string'
    ? `'${value}'`
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}
