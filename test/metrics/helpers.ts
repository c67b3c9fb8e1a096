import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** A reference number from the fixtures: a number, "NaN", or "error" (scikit-learn raised). */
export type Ref = number | 'NaN' | 'error';

/**
 * Asserts `actual` equals the scikit-learn reference to 1e-9 relative tolerance (with a
 * 1e-12 absolute floor for values at 0); "NaN" and "error" expect NaN.
 *
 * @example
 * assertClose(0.75, 0.7500000000001, 'AUC');
 */
export function assertClose(actual: number | undefined, expected: Ref, where: string): void {
  assert.equal(typeof actual, 'number', `${where}: missing (expected ${expected})`);
  const a = actual as number;
  if (expected === 'NaN' || expected === 'error') {
    assert.ok(Number.isNaN(a), `${where}: expected NaN (${expected}), got ${a}`);
    return;
  }
  const tol = Math.max(1e-12, 1e-9 * Math.max(Math.abs(a), Math.abs(expected)));
  assert.ok(
    Math.abs(a - expected) <= tol,
    `${where}: got ${a}, expected ${expected} (|Δ| = ${Math.abs(a - expected)})`,
  );
}

/** Element-wise {@link assertClose} of two arrays of equal length. */
export function assertAllClose(actual: ArrayLike<number>, expected: readonly Ref[], where: string): void {
  assert.equal(
    actual.length,
    expected.length,
    `${where}: length ${actual.length}, expected ${expected.length}`,
  );
  for (let i = 0; i < expected.length; i++) assertClose(actual[i], expected[i]!, `${where}[${i}]`);
}

/** Reads test/fixtures/metrics.json (written by metrics_fixtures.py). */
export function loadFixtures<T>(): T {
  return JSON.parse(readFileSync(new URL('../fixtures/metrics.json', import.meta.url), 'utf8')) as T;
}

/** Turns "NaN" strings of a fixture array back into numbers. */
export function numbers(values: readonly Ref[]): number[] {
  return values.map((v) => (typeof v === 'number' ? v : Number.NaN));
}
