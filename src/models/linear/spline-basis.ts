import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';
import { decodeArray, encodeArray } from '../serialize.ts';

/**
 * A fitted B-spline expansion of the columns of a matrix, as scikit-learn's
 * `SplineTransformer(knots='uniform', extrapolation='constant', include_bias=True)`:
 * each column with at least three distinct values becomes `nKnots + degree - 1` B-spline
 * columns over `nKnots` evenly spaced knots from its smallest to its largest training value
 * (and `degree` more knots at the same spacing beyond each end); a value outside that range
 * takes the value at its nearer end. A column with fewer than three distinct values
 * (a 0/1 indicator, a constant) is passed through as it is: a spline over two points is a
 * line through them, which the column already is. So is a column whose knots would
 * overflow a double (a range near ±1e308).
 */
export interface SplineBasis {
  readonly degree: number;
  /** Per input column, its full knot vector, or null for a column passed through. */
  readonly knots: ReadonlyArray<Float64Array | null>;
}

/** The columns `basis` turns input column `c` into: one when passed through. */
function widthOf(basis: SplineBasis, c: number): number {
  const t = basis.knots[c];
  return t ? t.length - basis.degree - 1 : 1;
}

/**
 * Which output columns each input column became, in order: `groups[c]` is the
 * [start, end) range of column c's outputs (to sum a linear model's importances back).
 *
 * @example
 * splineGroups(basis); // [[0, 7], [7, 8], ...]
 */
export function splineGroups(basis: SplineBasis): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = 0;
  for (let c = 0; c < basis.knots.length; c++) {
    const w = widthOf(basis, c);
    out.push([start, start + w]);
    start += w;
  }
  return out;
}

/**
 * The number of columns `basis` expands its input into.
 *
 * @example
 * splineWidth(basis); // 3 cubic columns of 5 knots and one passed through: 22
 */
export function splineWidth(basis: SplineBasis): number {
  let width = 0;
  for (let c = 0; c < basis.knots.length; c++) width += widthOf(basis, c);
  return width;
}

/**
 * Values of the expanded columns summed back onto the input columns: `values` holds
 * `nRows` consecutive rows, each one value per expanded column (importances: one row;
 * Shapley values: one row per explained row and output).
 *
 * @example
 * sumOverGroups(Float64Array.of(1, 2, 3), [[0, 2], [2, 3]]); // Float64Array [3, 3]
 */
export function sumOverGroups(
  values: ArrayLike<number>,
  groups: ReadonlyArray<readonly [number, number]>,
  nRows = 1,
): Float64Array {
  const width = nRows > 0 ? values.length / nRows : 0;
  const p = groups.length;
  const out = new Float64Array(nRows * p);
  for (let row = 0; row < nRows; row++) {
    for (let g = 0; g < p; g++) {
      const [start, end] = groups[g]!;
      let sum = 0;
      for (let j = start; j < end; j++) sum += values[row * width + j]!;
      out[row * p + g] = sum;
    }
  }
  return out;
}

/**
 * Fits the knots of every column of `X` (no missing value) on the rows whose weight is
 * positive (all rows without weights), as scikit-learn does.
 *
 * @example
 * const basis = fitSplineBasis(columnMatrix(Float64Array.of(0, 1, 2, 3), 4, 1), 3, 3);
 * basis.knots[0]; // [-4.5, -3, -1.5, 0, 1.5, 3, 4.5, 6, 7.5]: 5 cubic B-spline columns
 */
export function fitSplineBasis(
  X: ColumnMatrix,
  nKnots: number,
  degree: number,
  weight?: ArrayLike<number>,
): SplineBasis {
  const knots: Array<Float64Array | null> = [];
  for (let c = 0; c < X.nCols; c++) {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    let middle = false;
    const col = X.data.subarray(c * X.nRows, (c + 1) * X.nRows);
    for (let r = 0; r < X.nRows; r++) {
      if (weight && !(weight[r]! > 0)) continue;
      const v = col[r]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    // a third distinct value lies strictly between the extremes
    for (let r = 0; r < X.nRows && !middle; r++) {
      if (weight && !(weight[r]! > 0)) continue;
      middle = col[r]! > lo && col[r]! < hi;
    }
    const t = middle ? uniformKnots(lo, hi, nKnots, degree) : null;
    // a range too wide for doubles (knots beyond ±1.8e308) cannot be split: passed through
    knots.push(t?.every(Number.isFinite) ? t : null);
  }
  return { degree, knots };
}

/** `nKnots` points from lo to hi, extended by `degree` points at the same spacing on each side. */
function uniformKnots(lo: number, hi: number, nKnots: number, degree: number): Float64Array {
  const t = new Float64Array(nKnots + 2 * degree);
  const step = (hi - lo) / (nKnots - 1);
  for (let k = 0; k < nKnots; k++) t[degree + k] = k === nKnots - 1 ? hi : lo + k * step;
  for (let k = 1; k <= degree; k++) {
    t[degree - k] = lo - k * step;
    t[degree + nKnots - 1 + k] = hi + k * step;
  }
  return t;
}

/**
 * The expansion of `X` (no missing value, as many columns as at fit): column-major,
 * `splineGroups(basis)` telling which columns came from which.
 *
 * @example
 * expandSplines(basis, X).nCols; // 5 per expanded column, 1 per column passed through
 */
export function expandSplines(basis: SplineBasis, X: ColumnMatrix): ColumnMatrix {
  const n = X.nRows;
  const groups = splineGroups(basis);
  const nCols = splineWidth(basis);
  const data = new Float64Array(n * nCols);
  const d = basis.degree;
  const values = new Float64Array(d + 1);
  const scratch = { left: new Float64Array(d + 1), right: new Float64Array(d + 1) };
  for (let c = 0; c < X.nCols; c++) {
    const col = X.data.subarray(c * n, (c + 1) * n);
    const start = groups[c]![0];
    const t = basis.knots[c];
    if (!t) {
      data.set(col, start * n);
      continue;
    }
    const first = d;
    const last = t.length - d - 2; // the last interval of the fitted range
    const lo = t[first]!;
    const hi = t[last + 1]!;
    const step = (hi - lo) / (last + 1 - first);
    for (let r = 0; r < n; r++) {
      const x = Math.min(hi, Math.max(lo, col[r]!));
      const i = knotInterval(t, x, first, last, step);
      bsplineValues(t, x, i, d, values, scratch);
      for (let k = 0; k <= d; k++) data[(start + i - d + k) * n + r] = values[k]!;
    }
  }
  return { data, nRows: n, nCols };
}

/**
 * The interval i, first <= i <= last, with t[i] <= x < t[i+1] (x = t[last+1] in the last),
 * the knots being `step` apart.
 */
function knotInterval(t: Float64Array, x: number, first: number, last: number, step: number): number {
  let i = Math.min(last, Math.max(first, first + Math.floor((x - t[first]!) / step)));
  // the division may land one interval off on a knot
  while (i > first && x < t[i]!) i--;
  while (i < last && x >= t[i + 1]!) i++;
  return i;
}

/**
 * The degree+1 B-splines that are non-zero on interval i at x (Cox-de Boor, as in Piegl &
 * Tiller's BasisFuns), written to `out`: out[k] is B-spline i - degree + k.
 */
function bsplineValues(
  t: Float64Array,
  x: number,
  i: number,
  degree: number,
  out: Float64Array,
  { left, right }: { left: Float64Array; right: Float64Array },
): void {
  out[0] = 1;
  for (let j = 1; j <= degree; j++) {
    left[j] = x - t[i + 1 - j]!;
    right[j] = t[i + j]! - x;
    let saved = 0;
    for (let r = 0; r < j; r++) {
      const temp = out[r]! / (right[r + 1]! + left[j - r]!);
      out[r] = saved + right[r + 1]! * temp;
      saved = left[j - r]! * temp;
    }
    out[j] = saved;
  }
}

/** The JSON form of a basis (inside a spline model's state). */
export function splineBasisToJSON(basis: SplineBasis): Record<string, unknown> {
  return { degree: basis.degree, knots: basis.knots.map((t) => (t ? encodeArray(t) : null)) };
}

/** Reads {@link splineBasisToJSON}'s output back, checking it fits `nFeatures` columns. */
export function splineBasisFromJSON(o: unknown, nFeatures: number, path: string): SplineBasis {
  const doc = o as { degree?: unknown; knots?: unknown };
  if (!doc || typeof doc.degree !== 'number' || !Array.isArray(doc.knots) || doc.knots.length !== nFeatures) {
    throw new ValidationError(`${path} must hold a degree and one knot vector (or null) per feature`, {
      path,
    });
  }
  const degree = doc.degree;
  const knots = doc.knots.map((k, c) => {
    if (k === null) return null;
    const t = decodeArray(k, 'f64', `${path}.knots[${c}]`);
    if (t.length < 2 * degree + 2) {
      throw new ValidationError(`${path}.knots[${c}] is too short for degree ${degree}`, { path });
    }
    return t;
  });
  return { degree, knots };
}
