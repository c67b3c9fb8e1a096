/**
 * The shared vocabulary of the binning kernels: what a fitted binning looks like and
 * the rules every backend follows, so that the `js` and `native` backends give
 * identical bins.
 *
 * Rules (the C++ in native/src/binning.cc follows them line for line):
 * - Bin 255 ({@link MISSING_BIN}) holds missing values (NaN); value bins are 0..nBins-1,
 *   with nBins <= maxBins <= 255.
 * - Edges are found on a sample: all rows when nRows <= sampleSize, else `sampleSize`
 *   rows drawn by `sampleIndices(nRows, sampleSize, seed)`.
 * - Numeric column with d distinct sampled values: if d <= maxBins, one bin per value,
 *   edges at the midpoints between consecutive values. Otherwise edges at the
 *   quantiles k/maxBins (k = 1..maxBins-1) by numpy's `midpoint` rule, repeated edges
 *   dropped. A value v goes to the number of edges strictly below it: v <= edge[i]
 *   lands in bin i or lower, as in scikit-learn's HistGradientBoosting.
 * - Categorical column: one bin per distinct category value in ascending order. With
 *   more than maxBins categories, the maxBins-1 most frequent (ties: smaller value)
 *   keep their own bins and all others share the last bin (`otherBin`). A category
 *   never seen while fitting goes to `otherBin`, or to the missing bin when there is none.
 */
export const MISSING_BIN = 255;

/** The most value bins a column can have (the 256th byte value is the missing bin). */
export const MAX_VALUE_BINS = 255;

/** Rows used to find quantile edges by default, as in LightGBM (bin_construct_sample_cnt). */
export const DEFAULT_BIN_SAMPLE_SIZE = 200_000;

/** A fitted binning of every column of a matrix, in flat typed arrays (native-friendly). */
export interface BinEdges {
  readonly nCols: number;
  /** 1 where column c is categorical. */
  readonly categorical: Uint8Array;
  /** Number of value bins of column c (the missing bin not counted); 0 for an all-missing column. */
  readonly nBins: Int32Array;
  /** Categorical columns: the bin shared by rare and unseen categories, or -1. Numeric: -1. */
  readonly otherBin: Int32Array;
  /**
   * nCols x 255 values, row c at offset c * 255. Numeric: the nBins-1 upper edges.
   * Categorical: the category value of each own bin (nBins, or nBins-1 with an otherBin).
   */
  readonly edges: Float64Array;
}

/** Allocates an empty BinEdges for `nCols` columns, the buffers every kernel fills. */
export function allocateBinEdges(nCols: number, categorical: Uint8Array): BinEdges {
  return {
    nCols,
    categorical,
    nBins: new Int32Array(nCols),
    otherBin: new Int32Array(nCols).fill(-1),
    edges: new Float64Array(nCols * MAX_VALUE_BINS),
  };
}

/** The used part of column c's edges (numeric thresholds or category values). */
export function columnEdges(binning: BinEdges, c: number): Float64Array {
  const nBins = binning.nBins[c]!;
  const used = binning.categorical[c] ? nBins - (binning.otherBin[c]! >= 0 ? 1 : 0) : Math.max(nBins - 1, 0);
  return binning.edges.subarray(c * MAX_VALUE_BINS, c * MAX_VALUE_BINS + used);
}

/**
 * The numeric split point between two consecutive sorted values a < b: a value t with
 * a <= t < b, halfway where the arithmetic allows. Infinite ends get the largest finite
 * magnitude so that both infinities still land in their own bins.
 */
export function midpoint(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b === Number.POSITIVE_INFINITY ? 0 : -Number.MAX_VALUE;
  if (b === Number.POSITIVE_INFINITY) return Number.MAX_VALUE;
  let t = a + (b - a) * 0.5;
  if (!Number.isFinite(t)) t = a * 0.5 + b * 0.5;
  return t >= b ? a : t;
}
