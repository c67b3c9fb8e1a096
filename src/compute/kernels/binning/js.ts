import type { ColumnMatrix } from '../../matrix.ts';
import { sampleIndices } from '../../rng.ts';
import type { BinSettings } from './contract.ts';
import { type BinEdges, MAX_VALUE_BINS, MISSING_BIN, midpoint } from './edges.ts';

/** Fits `edges` on a sample of X's rows (all of them up to sampleSize) and maps X to `bins`. */
export function fitAndBin(X: ColumnMatrix, s: BinSettings, edges: BinEdges, bins: Uint8Array): void {
  const rows = X.nRows > s.sampleSize ? sampleIndices(X.nRows, s.sampleSize, s.seed) : null;
  fitBinEdges(X, rows, s.maxBins, edges);
  applyBins(X, edges, bins);
}

/** Fills `out` (already allocated) with the edges of every column, from the sampled rows. */
export function fitBinEdges(X: ColumnMatrix, rows: Int32Array | null, maxBins: number, out: BinEdges): void {
  const n = rows ? rows.length : X.nRows;
  const values = new Float64Array(n);
  for (let c = 0; c < X.nCols; c++) {
    const offset = c * X.nRows;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = X.data[offset + (rows ? rows[i]! : i)]!;
      if (!Number.isNaN(v)) values[m++] = v;
    }
    const sorted = sortValues(values.subarray(0, m));
    if (out.categorical[c]) fitCategorical(sorted, maxBins, out, c);
    else fitNumeric(sorted, maxBins, out, c);
  }
}

/**
 * Sorts doubles (no NaN) ascending in place, -0 before +0, as `Float64Array.prototype.sort`
 * does, and returns them: a stable radix sort on the high 32 bits of each value's
 * order-preserving key (sign, exponent, 20 bits of mantissa) in three passes of 11, 11
 * and 10 bits, then the runs of values that share those bits sorted on their own. Values of
 * a continuous feature rarely share them; where such runs hold over an eighth of the values
 * (values packed within a millionth of each other) the built-in sort does all of it. About
 * 4x faster than the built-in sort at 100,000 values; the same result as native binning's
 * radix sort (native/src/binning.cc), which takes the same first step.
 *
 * @example
 * sortValues(Float64Array.of(2, -0, 0, -1)); // Float64Array [-1, -0, 0, 2]
 */
export function sortValues(values: Float64Array): Float64Array {
  const n = values.length;
  if (n < 256) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  let keys = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1]!;
    // little-endian: the high word second; negative values reverse their order
    keys[i] = hi & 0x80000000 ? ~hi >>> 0 : (hi | 0x80000000) >>> 0;
  }
  let vals: Float64Array<ArrayBufferLike> = values;
  let keyBuffer = new Uint32Array(n);
  let valBuffer: Float64Array<ArrayBufferLike> = new Float64Array(n);
  const counts = new Uint32Array(2048);
  for (const [shift, bits] of [
    [0, 11],
    [11, 11],
    [22, 10],
  ] as const) {
    const mask = (1 << bits) - 1;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & mask]!++;
    if (counts[(keys[0]! >>> shift) & mask] === n) continue; // every key shares this digit
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = keys[i]!;
      const at = counts[(k >>> shift) & mask]!++;
      keyBuffer[at] = k;
      valBuffer[at] = vals[i]!;
    }
    [keys, keyBuffer] = [keyBuffer, keys];
    [vals, valBuffer] = [valBuffer, vals];
  }
  // runs of equal high keys whose values differ: sorted on their own, or all by the built-in sort
  let unsorted = 0;
  for (let i = 0; i < n; ) {
    let j = i + 1;
    let differ = false;
    while (j < n && keys[j] === keys[i]) {
      differ ||= !Object.is(vals[j], vals[i]);
      j++;
    }
    if (differ) unsorted += j - i;
    i = j;
  }
  if (unsorted * 8 > n) return values.sort();
  if (unsorted > 0) {
    for (let i = 0; i < n; ) {
      let j = i + 1;
      while (j < n && keys[j] === keys[i]) j++;
      if (j - i > 1) vals.subarray(i, j).sort();
      i = j;
    }
  }
  if (vals !== values) values.set(vals);
  return values;
}

function fitNumeric(sorted: Float64Array, maxBins: number, out: BinEdges, c: number): void {
  const m = sorted.length;
  const base = c * MAX_VALUE_BINS;
  if (m === 0) {
    out.nBins[c] = 0;
    return;
  }
  let distinct = 1;
  for (let i = 1; i < m; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
  let nEdges = 0;
  if (distinct <= maxBins) {
    for (let i = 1; i < m; i++) {
      if (sorted[i] !== sorted[i - 1]) out.edges[base + nEdges++] = midpoint(sorted[i - 1]!, sorted[i]!);
    }
  } else {
    for (let k = 1; k < maxBins; k++) {
      // position k*(m-1)/maxBins, in integers so that every backend rounds alike
      const scaled = k * (m - 1);
      const lo = Math.floor(scaled / maxBins);
      const exact = scaled % maxBins === 0;
      const a = sorted[lo]!;
      const edge = exact ? a : quantileMid(a, sorted[lo + 1]!);
      if (nEdges === 0 || edge > out.edges[base + nEdges - 1]!) out.edges[base + nEdges++] = edge;
    }
  }
  out.nBins[c] = nEdges + 1;
}

/** numpy's `midpoint` percentile rule: the mean of the two neighbouring order statistics. */
function quantileMid(a: number, b: number): number {
  return a === b ? a : midpoint(a, b);
}

function fitCategorical(sorted: Float64Array, maxBins: number, out: BinEdges, c: number): void {
  const base = c * MAX_VALUE_BINS;
  const cats: number[] = [];
  const counts: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || sorted[i] !== sorted[i - 1]) {
      cats.push(sorted[i]!);
      counts.push(1);
    } else counts[counts.length - 1]!++;
  }
  if (cats.length <= maxBins) {
    for (let i = 0; i < cats.length; i++) out.edges[base + i] = cats[i]!;
    out.nBins[c] = cats.length;
    out.otherBin[c] = -1;
    return;
  }
  const keep = cats
    .map((_, i) => i)
    .sort((i, j) => counts[j]! - counts[i]! || cats[i]! - cats[j]!)
    .slice(0, maxBins - 1)
    .sort((i, j) => cats[i]! - cats[j]!);
  for (let i = 0; i < keep.length; i++) out.edges[base + i] = cats[keep[i]!]!;
  out.nBins[c] = maxBins;
  out.otherBin[c] = maxBins - 1;
}

/** Maps every value of X to its bin, into `out` (column-major, nRows x nCols). */
export function applyBins(X: ColumnMatrix, binning: BinEdges, out: Uint8Array): void {
  const padded = new Float64Array(256);
  for (let c = 0; c < X.nCols; c++) {
    const column = X.data.subarray(c * X.nRows, (c + 1) * X.nRows);
    const target = out.subarray(c * X.nRows, (c + 1) * X.nRows);
    if (binning.categorical[c]) applyCategorical(column, binning, c, target);
    else {
      const nEdges = Math.max(binning.nBins[c]! - 1, 0);
      const base = c * MAX_VALUE_BINS;
      padded.fill(Number.POSITIVE_INFINITY);
      padded.set(binning.edges.subarray(base, base + nEdges));
      applyNumeric(column, padded, target);
    }
  }
}

/**
 * Numeric column: a lower bound over the edges padded with +Infinity to 256, unrolled
 * so every value takes the same 8 steps; with no data-dependent loop exit the JIT
 * keeps it free of hard-to-predict branches.
 */
function applyNumeric(column: Float64Array, padded: Float64Array, out: Uint8Array): void {
  for (let r = 0; r < column.length; r++) {
    const v = column[r]!;
    let pos = 0;
    pos += +(padded[pos + 127]! < v) << 7;
    pos += +(padded[pos + 63]! < v) << 6;
    pos += +(padded[pos + 31]! < v) << 5;
    pos += +(padded[pos + 15]! < v) << 4;
    pos += +(padded[pos + 7]! < v) << 3;
    pos += +(padded[pos + 3]! < v) << 2;
    pos += +(padded[pos + 1]! < v) << 1;
    pos += +(padded[pos]! < v);
    out[r] = Number.isNaN(v) ? MISSING_BIN : pos;
  }
}

/** Categorical column: exact match on the sorted category values, else the other bin. */
function applyCategorical(column: Float64Array, binning: BinEdges, c: number, out: Uint8Array): void {
  const other = binning.otherBin[c]!;
  const nEdges = binning.nBins[c]! - (other >= 0 ? 1 : 0);
  const edges = binning.edges.subarray(c * MAX_VALUE_BINS, c * MAX_VALUE_BINS + nEdges);
  const unseen = other >= 0 ? other : MISSING_BIN;
  for (let r = 0; r < column.length; r++) {
    const v = column[r]!;
    if (Number.isNaN(v)) {
      out[r] = MISSING_BIN;
      continue;
    }
    let lo = 0;
    let hi = nEdges;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (edges[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    out[r] = lo < nEdges && edges[lo] === v ? lo : unseen;
  }
}
