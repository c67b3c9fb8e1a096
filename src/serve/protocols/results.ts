/**
 * Raw predictions (row-major class probabilities, or values) as the protocols answer
 * them: labels, and probabilities by class.
 */
import type { ModelSchema } from '../schema.ts';

/**
 * The label of each row (the most probable class, the first on a tie, as the pipeline's
 * `predict`) or its value (regression).
 *
 * @example
 * labelsOf(Float64Array.of(0.2, 0.8), schema); // ['yes'] for classes ['no', 'yes']
 */
export function labelsOf(raw: Float64Array, schema: ModelSchema): Array<string | number> {
  if (schema.task === 'regression') return Array.from(raw);
  const k = schema.classes.length;
  const n = raw.length / k;
  const out = new Array<string>(n);
  for (let r = 0; r < n; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (raw[r * k + j]! > raw[r * k + best]!) best = j;
    out[r] = schema.classes[best]!;
  }
  return out;
}

/**
 * One object per row mapping each class to its probability (what a DataFrame of
 * probabilities serializes to as records).
 *
 * @example
 * probaRecords(Float64Array.of(0.2, 0.8), schema); // [{ no: 0.2, yes: 0.8 }]
 */
export function probaRecords(raw: Float64Array, schema: ModelSchema): Array<Record<string, number>> {
  const k = schema.classes.length;
  const n = raw.length / k;
  const out = new Array<Record<string, number>>(n);
  for (let r = 0; r < n; r++) {
    const row: Record<string, number> = {};
    for (let j = 0; j < k; j++) row[schema.classes[j]!] = raw[r * k + j]!;
    out[r] = row;
  }
  return out;
}

/**
 * Whether a query or params flag asks for something: true, "true", "1", "yes" (any case).
 *
 * @example
 * isTrue('True'); // true
 */
export function isTrue(value: unknown): boolean {
  if (value === true || value === 1) return true;
  return typeof value === 'string' && ['true', '1', 'yes'].includes(value.trim().toLowerCase());
}
