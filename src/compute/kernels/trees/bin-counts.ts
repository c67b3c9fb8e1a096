/**
 * Rows per bin value of each column of a column-major bin matrix (nCols x 256: entry
 * c * 256 + b counts the rows whose bin in column c is b). A gradient tree grown on every
 * row takes its root's counts from here: the same in every round of a boosting fit.
 *
 * @example
 * countBins(Uint8Array.of(0, 2, 2), 3, 1).subarray(0, 3); // Float64Array [1, 0, 2]
 */
export function countBins(bins: Uint8Array, nRows: number, nCols: number): Float64Array {
  const out = new Float64Array(nCols * 256);
  for (let c = 0; c < nCols; c++) {
    const base = c * 256;
    const col = c * nRows;
    for (let r = 0; r < nRows; r++) out[base + bins[col + r]!]!++;
  }
  return out;
}

// Bin matrices are never changed once made (binFeatures makes a new one each time), so
// their counts are kept by the matrix, for as long as it lives.
const counted = new WeakMap<Uint8Array, Float64Array>();

/**
 * countBins of `bins`, counted once per matrix by `count` (a backend's own countBins).
 *
 * @example
 * binCountsOf(bins, nRows, nCols) === binCountsOf(bins, nRows, nCols); // true: counted once
 */
export function binCountsOf(
  bins: Uint8Array,
  nRows: number,
  nCols: number,
  count: (bins: Uint8Array, nRows: number, nCols: number) => Float64Array = countBins,
): Float64Array {
  let counts = counted.get(bins);
  if (counts === undefined || counts.length !== nCols * 256) {
    counts = count(bins, nRows, nCols);
    counted.set(bins, counts);
  }
  return counts;
}
