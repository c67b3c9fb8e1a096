import { ShapeError, ValidationError } from '../core/errors.ts';

/**
 * Throws a ShapeError unless `values` has exactly `n` entries; `what` names the argument.
 *
 * @example
 * checkLength([1, 2], 3, 'yPred', 'yTrue'); // throws: yPred has 2 values, yTrue has 3
 */
export function checkLength(values: ArrayLike<unknown>, n: number, what: string, reference: string): void {
  if (values.length !== n) {
    throw new ShapeError(`${what} has ${values.length} values but ${reference} has ${n}; they must match.`, {
      path: what,
    });
  }
}

/**
 * The values as a Float64Array after checking each is a finite number (a ValidationError
 * names the first that is not, and its index). A Float64Array is returned as is, not
 * copied: metrics never write to their inputs.
 *
 * @example
 * finiteArray([1, 2.5], 'yTrue'); // Float64Array [1, 2.5]
 */
export function finiteArray(values: ArrayLike<number>, what: string): Float64Array {
  const n = values.length;
  const out = values instanceof Float64Array ? values : new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError(`${what}[${i}] is ${String(v)}; metrics need finite numbers.`, {
        path: `${what}[${i}]`,
      });
    }
    if (out !== values) out[i] = v;
  }
  return out;
}

/**
 * Validates sample weights (length n, finite, ≥ 0, positive total) and returns them as
 * a Float64Array, or undefined when none were given.
 *
 * @example
 * sampleWeights([1, 2], 2); // Float64Array [1, 2]
 */
export function sampleWeights(weights: ArrayLike<number> | undefined, n: number): Float64Array | undefined {
  if (weights === undefined) return undefined;
  checkLength(weights, n, 'sampleWeight', 'yTrue');
  const w = finiteArray(weights, 'sampleWeight');
  let total = 0;
  for (let i = 0; i < n; i++) {
    if (w[i]! < 0) {
      throw new ValidationError(`sampleWeight[${i}] is ${w[i]}; weights must be ≥ 0.`, {
        path: `sampleWeight[${i}]`,
      });
    }
    total += w[i]!;
  }
  if (!(total > 0))
    throw new ValidationError('sampleWeight sums to 0; at least one weight must be positive.', {
      path: 'sampleWeight',
    });
  return w;
}

/**
 * Throws a ValidationError when there are no samples: no metric is defined on none.
 *
 * @example
 * checkNotEmpty(0, 'yTrue'); // throws
 */
export function checkNotEmpty(n: number, what: string): void {
  if (n === 0)
    throw new ValidationError(`${what} is empty; metrics need at least one sample.`, { path: what });
}
