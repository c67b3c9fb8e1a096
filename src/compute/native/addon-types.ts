import type { AddTreeScoresArgs } from '../kernels/boosting/contract.ts';
import type {
  CoordinateDescentArgs,
  LinearScoresArgs,
  LogisticObjectiveArgs,
  TransposeProductArgs,
} from '../kernels/dense/args.ts';
import type { KnnSearchArgs } from '../kernels/knn/args.ts';
import type { PredictTreesArgs } from '../kernels/trees/contract.ts';
import type { TreeArrays } from '../kernels/trees/tree-arrays.ts';

/** A kernel's argument list (as its family declares it: args.ts, trees/contract.ts), then the threads. */
type Threaded<Args extends unknown[]> = [...Args, nThreads: number];

/**
 * The functions the C++ addon exports, each typed once: native/src/addon.cc (binning),
 * addon_linear.cc (dense algebra, k-NN), addon_trees.cc (trees). The dense, k-NN and
 * predictTrees functions take the argument lists of their kernels' contracts; binning and
 * growing take the fields of their requests, flattened below. Matrices are flat typed
 * arrays, passed without copying; `nThreads` 0 means every core.
 */
export interface NativeAddon {
  /** Fits the bin edges (when `fit`) and bins the matrix into `out` (when not null). */
  binSync(...args: AddonBinningArgs): void;
  /** As binSync, on a libuv worker thread. */
  binAsync(...args: AddonBinningArgs): Promise<void>;
  info(): { threads: number; napiVersion: number; compiler: string };

  /** Σ w·logloss for theta, its gradient written into `grad`. */
  logisticObjective(...args: Threaded<LogisticObjectiveArgs>): number;
  logisticObjectiveAsync(...args: Threaded<LogisticObjectiveArgs>): Promise<number>;
  /** out (n x K, column-major) = X · coefᵀ + intercept. */
  linearScores(...args: Threaded<LinearScoresArgs>): void;
  /** out (K x p, row-major) = Rᵀ · X. */
  transposeProduct(...args: Threaded<TransposeProductArgs>): void;
  /** Elastic-net coordinate descent on w in place (one thread): [iterations, dual gap]. */
  enetCoordinateDescent(...args: CoordinateDescentArgs): [number, number];
  enetCoordinateDescentAsync(...args: CoordinateDescentArgs): Promise<[number, number]>;
  knnSearch(...args: Threaded<KnnSearchArgs>): void;

  /**
   * Binary log loss gradients and hessians into g, h (Math.exp's exp, bit for bit); with
   * `exp` given, fills it with exp(F[i]) instead (tests).
   */
  logLossGradients(
    y: Float64Array,
    F: Float64Array,
    w: Float64Array,
    g: Float64Array,
    h: Float64Array,
    exp?: Float64Array | null,
  ): void;
  /** Adds a one-output tree's scaled leaf values to one column of the scores. */
  addTreeScores(...args: AddTreeScoresArgs): void;
  /** Rows per bin value of each column of a column-major bin matrix (nCols x 256). */
  countBins(bins: Uint8Array, nRows: number, nCols: number): Float64Array;
  growTree(...args: AddonGrowTreeArgs): TreeArrays;
  growTreeAsync(...args: AddonGrowTreeArgs): Promise<TreeArrays>;
  growForest(...args: AddonGrowForestArgs): TreeArrays[];
  growForestAsync(...args: AddonGrowForestArgs): Promise<TreeArrays[]>;
  /** Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major). */
  predictTrees(...args: PredictTreesArgs): void;
  /**
   * Reads and checks a forest once, for predictPrepared. The handle is valid only while the
   * `trees` array it came from is alive and unchanged (it holds no reference to it).
   */
  prepareTrees(trees: readonly TreeArrays[], nCols: number): PreparedForestHandle;
  /** predictTrees with a prepared forest: no per-call reading or checking of the nodes. */
  predictPrepared(
    forest: PreparedForestHandle,
    bins: Uint8Array,
    nRows: number,
    nCols: number,
    scales: Float64Array,
    out: Float64Array,
    nThreads: number,
  ): void;
}

/** An opaque native handle to a forest read by prepareTrees. */
export type PreparedForestHandle = { readonly __preparedForest: unique symbol };

/**
 * Every function of {@link NativeAddon}, listed once more for the loader to check that a
 * built addon has them all (an addon built from older sources may not); the type makes the
 * list complete.
 */
export const NATIVE_FUNCTIONS: Readonly<Record<keyof NativeAddon, true>> = {
  binSync: true,
  binAsync: true,
  info: true,
  logisticObjective: true,
  logisticObjectiveAsync: true,
  linearScores: true,
  transposeProduct: true,
  enetCoordinateDescent: true,
  enetCoordinateDescentAsync: true,
  knnSearch: true,
  logLossGradients: true,
  addTreeScores: true,
  countBins: true,
  growTree: true,
  growTreeAsync: true,
  growForest: true,
  growForestAsync: true,
  predictTrees: true,
  prepareTrees: true,
  predictPrepared: true,
};

export type AddonBinningArgs = [
  data: Float64Array,
  nRows: number,
  nCols: number,
  maxBins: number,
  sampleSize: number,
  seed: number,
  nThreads: number,
  categorical: Uint8Array,
  nBins: Int32Array,
  otherBin: Int32Array,
  edges: Float64Array,
  /** null: fit the edges only. */
  out: Uint8Array | null,
  /** false: bin with the given edges. */
  fit: boolean,
];

export type AddonGrowTreeArgs = [
  bins: Uint8Array,
  nRows: number,
  nCols: number,
  nBins: Int32Array,
  categorical: Uint8Array,
  grad: Float64Array,
  hess: Float64Array,
  label: Int32Array,
  rows: Int32Array,
  features: Int32Array,
  /** packGrowParams() of compute/kernels/trees/grow-params.ts */
  params: Float64Array,
  nThreads: number,
  leafOfRow: Int32Array | null,
  /** countBins of the bins, for a gradient tree on every row (its root skips counting), or null. */
  binCounts: Float64Array | null,
  /** GrowData.edges (extra trees draw their thresholds in value space), or null. */
  edges: Float64Array | null,
];

export type AddonGrowForestArgs = [
  bins: Uint8Array,
  nRows: number,
  nCols: number,
  nBins: Int32Array,
  categorical: Uint8Array,
  target: Float64Array,
  weight: Float64Array,
  label: Int32Array,
  features: Int32Array,
  params: Float64Array,
  nThreads: number,
  nTrees: number,
  seed: number,
  bootstrapSamples: number,
  oobSum: Float64Array | null,
  oobCount: Float64Array | null,
  balancedSubsample: boolean,
  /** GrowData.edges, or null. */
  edges: Float64Array | null,
];
