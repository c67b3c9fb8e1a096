import type { ColumnMatrix } from '../compute/matrix.ts';
import { matrixFromRows } from '../compute/matrix.ts';
import { NotFittedError, ShapeError, ValidationError } from '../core/errors.ts';
import type { FeatureInput, Label, LabelInput } from './types.ts';

/**
 * Turns features into a column-major matrix (rows are copied, a matrix is used as is),
 * checking the shape and, when `nFeatures` is given, the column count seen by fit.
 *
 * @example
 * toFeatureMatrix([[1, 2], [3, null]]).data; // Float64Array [1, 3, 2, NaN]
 */
export function toFeatureMatrix(X: FeatureInput, nFeatures?: number, path = 'X'): ColumnMatrix {
  let m: ColumnMatrix;
  if (Array.isArray(X)) {
    const rows = X as ReadonlyArray<ReadonlyArray<number | null | undefined>>;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      if (!Array.isArray(row))
        throw new ValidationError(`${path}[${r}] must be an array of numbers, got ${typeof row}`, {
          path: `${path}[${r}]`,
        });
      for (let c = 0; c < row.length; c++) {
        const v = row[c];
        if (v !== null && v !== undefined && typeof v !== 'number') {
          throw new ValidationError(
            `${path}[${r}][${c}] must be a number or null, got ${JSON.stringify(v)}`,
            {
              path: `${path}[${r}][${c}]`,
            },
          );
        }
      }
    }
    m = matrixFromRows(rows);
  } else {
    const cm = X as ColumnMatrix;
    if (!(cm?.data instanceof Float64Array) || !Number.isInteger(cm.nRows) || !Number.isInteger(cm.nCols)) {
      throw new ValidationError(`${path} must be a ColumnMatrix or an array of rows`, { path });
    }
    if (cm.data.length !== cm.nRows * cm.nCols) {
      throw new ShapeError(
        `${path}: a ${cm.nRows} x ${cm.nCols} matrix needs ${cm.nRows * cm.nCols} values, got ${cm.data.length}`,
        { path },
      );
    }
    m = cm;
  }
  if (nFeatures !== undefined && m.nCols !== nFeatures && m.nRows > 0) {
    throw new ShapeError(`${path} has ${m.nCols} features, but the estimator was fitted with ${nFeatures}`, {
      path,
    });
  }
  return m;
}

/** Checks that X has rows and columns to learn from, and that y (or weights) match its rows. */
export function checkTrainingShape(X: ColumnMatrix, yLength: number, path = 'y'): void {
  if (X.nRows === 0) throw new ValidationError('X has no rows: fit needs at least one', { path: 'X' });
  if (X.nCols === 0)
    throw new ValidationError('X has no columns: fit needs at least one feature', { path: 'X' });
  if (yLength !== X.nRows)
    throw new ShapeError(`${path} has ${yLength} values, but X has ${X.nRows} rows`, { path });
}

/** Class labels encoded as indices into the sorted `classes`. */
export interface EncodedLabels {
  classes: Label[];
  codes: Int32Array;
}

/**
 * Finds the sorted classes of a label array and encodes it. Labels must be all strings
 * or all finite numbers.
 *
 * @example
 * encodeClasses(['b', 'a', 'b']); // { classes: ['a', 'b'], codes: Int32Array [1, 0, 1] }
 */
export function encodeClasses(y: LabelInput, path = 'y'): EncodedLabels {
  const values = y as ArrayLike<Label>;
  const n = values.length;
  const kind = typeof values[0];
  // One pass: each label checked and numbered in order of first appearance (a run of
  // equal labels looked up once), then the numbers mapped to the sorted classes.
  const firstSeen = new Map<Label, number>();
  const codes = new Int32Array(n);
  let last: unknown = NOTHING;
  let lastCode = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v === last) {
      codes[i] = lastCode;
      continue;
    }
    const ok = kind === 'string' ? typeof v === 'string' : typeof v === 'number' && Number.isFinite(v);
    if (!ok) {
      throw new ValidationError(
        `${path}[${i}] is ${JSON.stringify(v)}: labels must be all strings or all finite numbers (${path}[0] is a ${kind})`,
        { path: `${path}[${i}]` },
      );
    }
    let k = firstSeen.get(v);
    if (k === undefined) {
      k = firstSeen.size;
      firstSeen.set(v, k);
    }
    codes[i] = k;
    last = v;
    lastCode = k;
  }
  const classes = [...firstSeen.keys()].sort((a, b) =>
    typeof a === 'number' ? a - (b as number) : a < b ? -1 : a > b ? 1 : 0,
  );
  const sortedIndex = new Int32Array(classes.length);
  classes.forEach((c, i) => {
    sortedIndex[firstSeen.get(c)!] = i;
  });
  for (let i = 0; i < n; i++) codes[i] = sortedIndex[codes[i]!]!;
  return { classes, codes };
}

/** A value no label equals: the "previous label" before the first. */
const NOTHING = Symbol('no label');

/**
 * Encodes labels with classes found earlier (an evaluation set); an unknown label is an error.
 *
 * @example
 * encodeWith(['a', 'b'], ['b', 'a']); // Int32Array [1, 0]
 */
export function encodeWith(classes: readonly Label[], y: LabelInput, path = 'y'): Int32Array {
  const index = new Map<Label, number>(classes.map((c, i) => [c, i]));
  const values = Array.from(y as ArrayLike<Label>);
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const k = index.get(values[i]!);
    if (k === undefined) {
      throw new ValidationError(
        `${path}[${i}] is ${JSON.stringify(values[i])}, a label not seen by fit (classes: ${classes.join(', ')})`,
        {
          path: `${path}[${i}]`,
        },
      );
    }
    codes[i] = k;
  }
  return codes;
}

/**
 * Regression targets as finite float64 values.
 *
 * @example
 * regressionTarget([1, 2.5]); // Float64Array [1, 2.5]
 */
export function regressionTarget(y: LabelInput, path = 'y'): Float64Array {
  const values = Array.from(y as ArrayLike<Label>);
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ValidationError(`${path}[${i}] must be a finite number, got ${JSON.stringify(v)}`, {
        path: `${path}[${i}]`,
      });
    }
    out[i] = v;
  }
  return out;
}

/**
 * Sample weights (all 1 when not given): finite, non-negative, not all zero.
 *
 * @example
 * sampleWeights(undefined, 3); // Float64Array [1, 1, 1]
 */
export function sampleWeights(w: ArrayLike<number> | undefined, nRows: number): Float64Array {
  if (w === undefined) return new Float64Array(nRows).fill(1);
  if (w.length !== nRows) {
    throw new ShapeError(`sampleWeight has ${w.length} values, but X has ${nRows} rows`, {
      path: 'sampleWeight',
    });
  }
  const out = new Float64Array(nRows);
  let total = 0;
  for (let i = 0; i < nRows; i++) {
    const v = w[i]!;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new ValidationError(`sampleWeight[${i}] must be a finite number >= 0, got ${v}`, {
        path: `sampleWeight[${i}]`,
      });
    }
    out[i] = v;
    total += v;
  }
  if (!(total > 0))
    throw new ValidationError('sampleWeight sums to 0: no row to learn from', { path: 'sampleWeight' });
  return out;
}

/** Throws NotFittedError unless `fitted` holds a value. */
export function assertFitted<T>(fitted: T | undefined, what: string): T {
  if (fitted === undefined) throw new NotFittedError(what);
  return fitted;
}
