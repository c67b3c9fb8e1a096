import { ShapeError, ValidationError } from '../core/errors.ts';
import type { ScoreInput } from './types.ts';
import { finiteArray } from './validate.ts';

/** Scores as a row-major n × k matrix (column j belongs to label j). */
export interface ScoreMatrix {
  values: Float64Array;
  n: number;
  k: number;
  /** Set when the matrix came from a binary score vector: the column it filled (the other is 1 − it). */
  fromColumn?: number;
}

/**
 * Relative and absolute tolerance of the "rows sum to 1" check, numpy.allclose's
 * defaults, which scikit-learn applies to multiclass probabilities:
 * |sum − 1| ≤ 1e-8 + 1e-5 · |sum|.
 */
export const PROBABILITY_SUM_TOLERANCE = { rtol: 1e-5, atol: 1e-8 } as const;

// The usual cause: a class absent from the targets, so the inferred labels are too few.
const LABELS_HINT = ' Pass options.labels to list every class when some do not occur in the targets.';

function isRows(scores: ScoreInput): scores is ReadonlyArray<ArrayLike<number>> {
  return scores.length > 0 && typeof scores[0] === 'object' && scores[0] !== null;
}

/**
 * Reads `scores` into an n × k matrix. A length-n vector with k = 2 is the score of
 * label `positive`; the other column is 1 − score (as scikit-learn's log_loss does).
 * Throws ShapeError on a shape that fits neither, ValidationError on non-finite values.
 *
 * @example
 * scoreMatrix([0.2, 0.9], 2, 2, 1).values; // Float64Array [0.8, 0.2, 0.1, 0.9]
 */
export function scoreMatrix(scores: ScoreInput, n: number, k: number, positive: number): ScoreMatrix {
  const values = new Float64Array(n * k);
  if (isRows(scores)) {
    if (scores.length !== n) {
      throw new ShapeError(`scores has ${scores.length} rows but yTrue has ${n}; they must match.`, {
        path: 'scores',
      });
    }
    for (let i = 0; i < n; i++) {
      const row = scores[i]!;
      if (row.length !== k) {
        throw new ShapeError(
          `scores[${i}] has ${row.length} columns but there are ${k} labels.${LABELS_HINT}`,
          {
            path: `scores[${i}]`,
          },
        );
      }
      for (let j = 0; j < k; j++) values[i * k + j] = finite(row[j], i, j);
    }
    return { values, n, k };
  }
  const flat = scores as ArrayLike<number>;
  if (flat.length === n * k) {
    for (let i = 0; i < n * k; i++) values[i] = finite(flat[i], i);
    return { values, n, k };
  }
  if (flat.length === n && k === 2) {
    const other = 1 - positive;
    for (let i = 0; i < n; i++) {
      const s = finite(flat[i], i);
      values[2 * i + positive] = s;
      values[2 * i + other] = 1 - s;
    }
    return { values, n, k, fromColumn: positive };
  }
  throw new ShapeError(
    `scores has ${flat.length} values; expected ${n * k} (${n} rows × ${k} labels)` +
      (k === 2 ? ` or ${n} positive-class scores.` : '.') +
      LABELS_HINT,
    { path: 'scores' },
  );
}

/**
 * The scores of label `positive` alone: a length-n vector is taken as those scores
 * (validated, not copied when it is a Float64Array); a matrix gives its column.
 *
 * @example
 * positiveColumn([[0.8, 0.2], [0.3, 0.7]], 2, 2, 1); // Float64Array [0.2, 0.7]
 */
export function positiveColumn(scores: ScoreInput, n: number, k: number, positive: number): Float64Array {
  if (scores.length === n && !isRows(scores)) return finiteArray(scores as ArrayLike<number>, 'scores');
  const m = scoreMatrix(scores, n, k, positive);
  const column = new Float64Array(n);
  for (let i = 0; i < n; i++) column[i] = m.values[i * k + positive]!;
  return column;
}

// The location string is built only on failure: building it per value would cost more
// than the check on millions of scores.
function finite(v: number | undefined, i: number, j?: number): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    const where = j === undefined ? `scores[${i}]` : `scores[${i}][${j}]`;
    throw new ValidationError(`${where} is ${String(v)}; scores must be finite numbers.`, { path: where });
  }
  return v;
}

/**
 * Throws a ValidationError unless every score is in [0, 1] and every row sums to 1
 * within {@link PROBABILITY_SUM_TOLERANCE}.
 *
 * @example
 * checkProbabilities({ values: new Float64Array([0.5, 0.6]), n: 1, k: 2 }); // throws: row 0 sums to 1.1
 */
export function checkProbabilities(m: ScoreMatrix): void {
  const { values, n, k } = m;
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const p = values[i * k + j]!;
      if (p < 0 || p > 1) {
        throw new ValidationError(`scores[${i}][${j}] is ${p}; probabilities must lie in [0, 1].`, {
          path: `scores[${i}][${j}]`,
        });
      }
      sum += p;
    }
    if (Math.abs(sum - 1) > PROBABILITY_SUM_TOLERANCE.atol + PROBABILITY_SUM_TOLERANCE.rtol * Math.abs(sum)) {
      throw new ValidationError(
        `scores[${i}] sums to ${sum}, not 1 (tolerance 1e-8 + 1e-5·sum); pass class probabilities, one column per label.`,
        { path: `scores[${i}]` },
      );
    }
  }
}
