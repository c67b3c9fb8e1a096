import { ValidationError } from '../core/errors.ts';
import type { Label } from './types.ts';

/**
 * Row-major probabilities (nRows x nClasses) as one array per row.
 *
 * @example
 * probaRows(Float64Array.of(0.2, 0.8), 2); // [[0.2, 0.8]]
 */
export function probaRows(p: Float64Array, nClasses: number): number[][] {
  const nRows = nClasses === 0 ? 0 : p.length / nClasses;
  const out: number[][] = new Array(nRows);
  for (let r = 0; r < nRows; r++) out[r] = Array.from(p.subarray(r * nClasses, (r + 1) * nClasses));
  return out;
}

/**
 * The label of the most probable class of every row (the first one on ties).
 *
 * @example
 * argmaxLabels(Float64Array.of(0.2, 0.8), ['a', 'b']); // ['b']
 */
export function argmaxLabels(p: Float64Array, classes: readonly Label[]): Label[] {
  const k = classes.length;
  const nRows = p.length / k;
  const out: Label[] = new Array(nRows);
  for (let r = 0; r < nRows; r++) {
    let best = 0;
    for (let j = 1; j < k; j++) if (p[r * k + j]! > p[r * k + best]!) best = j;
    out[r] = classes[best]!;
  }
  return out;
}

/** Per-class weights of scikit-learn's class_weight: `balanced` or a map from label to weight. */
export type ClassWeight = 'balanced' | Readonly<Record<string, number>> | null;

/** A forest's class_weight: also `balanced_subsample`, balanced on each tree's bootstrap draw. */
export type ForestClassWeight = ClassWeight | 'balanced_subsample';

/**
 * Checks a class_weight parameter value (`balanced_subsample` only where `subsample`).
 *
 * @example
 * parseClassWeight('balanced', 'RandomForestClassifier'); // 'balanced'
 */
export function parseClassWeight(v: unknown, owner: string): ClassWeight;
export function parseClassWeight(v: unknown, owner: string, subsample: true): ForestClassWeight;
export function parseClassWeight(v: unknown, owner: string, subsample = false): ForestClassWeight {
  if (v === undefined || v === null) return null;
  if (v === 'balanced') return 'balanced';
  if (v === 'balanced_subsample' && subsample) return 'balanced_subsample';
  if (typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, w] of Object.entries(v)) {
      if (typeof w !== 'number' || !Number.isFinite(w) || w < 0) {
        throw new ValidationError(
          `${owner}: classWeight['${k}'] must be a finite number >= 0, got ${JSON.stringify(w)}`,
          {
            path: `classWeight.${k}`,
          },
        );
      }
    }
    return v as Record<string, number>;
  }
  const options = subsample ? "'balanced', 'balanced_subsample'" : "'balanced'";
  throw new ValidationError(
    `${owner}: classWeight must be ${options}, a map from label to weight, or null, got ${JSON.stringify(v)}`,
    {
      path: 'classWeight',
    },
  );
}

/**
 * Multiplies each row's weight by its class's weight: `balanced` gives class k the weight
 * n / (nClasses * count_k) (counts unweighted, as scikit-learn); a map gives the listed
 * classes their weight (others 1).
 *
 * @example
 * applyClassWeight(new Float64Array([1, 1, 1]), Int32Array.of(0, 0, 1), ['a', 'b'], 'balanced');
 * // Float64Array [0.75, 0.75, 1.5]
 */
export function applyClassWeight(
  weight: Float64Array,
  codes: Int32Array,
  classes: readonly Label[],
  classWeight: ClassWeight,
): Float64Array {
  if (classWeight === null) return weight;
  const k = classes.length;
  const perClass = new Float64Array(k).fill(1);
  if (classWeight === 'balanced') {
    const counts = new Float64Array(k);
    for (const c of codes) counts[c]!++;
    for (let j = 0; j < k; j++) perClass[j] = counts[j]! > 0 ? codes.length / (k * counts[j]!) : 0;
  } else {
    for (let j = 0; j < k; j++) perClass[j] = classWeight[String(classes[j])] ?? 1;
  }
  const out = new Float64Array(weight.length);
  for (let i = 0; i < weight.length; i++) out[i] = weight[i]! * perClass[codes[i]!]!;
  return out;
}
