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
