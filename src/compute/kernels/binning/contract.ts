import type { ColumnMatrix } from '../../matrix.ts';
import type { BinEdges } from './edges.ts';

/** What a binning fit is asked for, checked by binFeatures (see edges.ts for the rules). */
export interface BinSettings {
  /** Value bins per column, 2..255. */
  maxBins: number;
  /** 1 where column c is categorical. */
  categorical: Uint8Array;
  /** Rows the edges are found on; more rows are sampled. */
  sampleSize: number;
  /** Seed of the row sample. */
  seed: number;
  /** Threads of the native backend. */
  nThreads: number;
}

/**
 * What every backend of the binning kernel implements: the same bins from the same
 * inputs (the rules are in edges.ts).
 */
export interface BinningImplementation {
  /** Fits `edges` (allocated, empty) on a sample of X's rows, then maps X to `bins`. */
  fitAndBin(X: ColumnMatrix, s: BinSettings, edges: BinEdges, bins: Uint8Array): void;
  /** As fitAndBin, off the event loop; backends without it run fitAndBin inline. */
  fitAndBinAsync?(X: ColumnMatrix, s: BinSettings, edges: BinEdges, bins: Uint8Array): Promise<void>;
  /** Maps X to `bins` (column-major) with edges fitted earlier. */
  applyBins(X: ColumnMatrix, edges: BinEdges, bins: Uint8Array, nThreads: number): void;
}
