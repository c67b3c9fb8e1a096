import type { ColumnMatrix } from '../../matrix.ts';
import type { AddonBinningArgs } from '../../native/addon-types.ts';
import { nativeAddon } from '../../native/load.ts';
import type { BinSettings } from './contract.ts';
import { type BinEdges, MAX_VALUE_BINS } from './edges.ts';

/** Fits `edges` on a sample of X's rows and maps X to `bins`, in C++ (native/src/binning.cc). */
export function fitAndBin(X: ColumnMatrix, s: BinSettings, edges: BinEdges, bins: Uint8Array): void {
  nativeAddon().binSync(...binningArgs(X, s, edges, bins, true));
}

/** As {@link fitAndBin}, on a libuv worker thread. */
export function fitAndBinAsync(
  X: ColumnMatrix,
  s: BinSettings,
  edges: BinEdges,
  bins: Uint8Array,
): Promise<void> {
  return nativeAddon().binAsync(...binningArgs(X, s, edges, bins, true));
}

/** Maps X to `bins` with edges fitted earlier. */
export function applyBins(X: ColumnMatrix, edges: BinEdges, bins: Uint8Array, nThreads: number): void {
  const s: BinSettings = {
    maxBins: MAX_VALUE_BINS,
    categorical: edges.categorical,
    sampleSize: X.nRows,
    seed: 0,
    nThreads,
  };
  nativeAddon().binSync(...binningArgs(X, s, edges, bins, false));
}

function binningArgs(
  X: ColumnMatrix,
  s: BinSettings,
  edges: BinEdges,
  bins: Uint8Array | null,
  fit: boolean,
): AddonBinningArgs {
  return [
    X.data,
    X.nRows,
    X.nCols,
    s.maxBins,
    s.sampleSize,
    s.seed,
    s.nThreads,
    edges.categorical,
    edges.nBins,
    edges.otherBin,
    edges.edges,
    bins,
    fit,
  ];
}
