import type { TreeArrays } from '../kernels/trees/tree-arrays.ts';

/**
 * The functions the C++ addon exports, each typed once: native/src/addon.cc (binning),
 * addon_linear.cc (dense algebra, k-NN), addon_trees.cc (trees). Matrices are flat typed
 * arrays, passed without copying; `nThreads` 0 means every core.
 */
export interface NativeAddon {
  /** Fits the bin edges (when `fit`) and bins the matrix into `out` (when not null). */
  binSync(...args: BinningArgs): void;
  /** As binSync, on a libuv worker thread. */
  binAsync(...args: BinningArgs): Promise<void>;
  info(): { threads: number; napiVersion: number; compiler: string };

  /** Σ w·logloss for theta, its gradient written into `grad`. */
  logisticObjective(...args: LogisticObjectiveArgs): number;
  logisticObjectiveAsync(...args: LogisticObjectiveArgs): Promise<number>;
  /** out (n x K, column-major) = X · coefᵀ + intercept. */
  linearScores(...args: LinearScoresArgs): void;
  /** out (K x p, row-major) = Rᵀ · X. */
  transposeProduct(...args: TransposeProductArgs): void;
  /** Elastic-net coordinate descent on w in place: [iterations, dual gap]. */
  enetCoordinateDescent(...args: CoordinateDescentArgs): [number, number];
  enetCoordinateDescentAsync(...args: CoordinateDescentArgs): Promise<[number, number]>;
  knnSearch(...args: KnnSearchArgs): void;

  growTree(...args: GrowTreeArgs): TreeArrays;
  growTreeAsync(...args: GrowTreeArgs): Promise<TreeArrays>;
  growForest(...args: GrowForestArgs): TreeArrays[];
  growForestAsync(...args: GrowForestArgs): Promise<TreeArrays[]>;
  /** Adds scales[t] times tree t's leaf values to `out` (nRows x nOut, row-major). */
  predictTrees(...args: PredictTreesArgs): void;
}

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
  growTree: true,
  growTreeAsync: true,
  growForest: true,
  growForestAsync: true,
  predictTrees: true,
};

export type BinningArgs = [
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

export type LogisticObjectiveArgs = [
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  y: Int32Array,
  w: Float64Array,
  theta: Float64Array,
  grad: Float64Array,
  nThreads: number,
];

export type LinearScoresArgs = [
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  theta: Float64Array,
  out: Float64Array,
  nThreads: number,
];

export type TransposeProductArgs = [
  X: Float64Array,
  n: number,
  p: number,
  K: number,
  R: Float64Array,
  out: Float64Array,
  nThreads: number,
];

export type CoordinateDescentArgs = [
  X: Float64Array,
  n: number,
  p: number,
  y: Float64Array,
  w: Float64Array,
  alpha: number,
  beta: number,
  maxIter: number,
  tol: number,
];

export type KnnSearchArgs = [
  X: Float64Array,
  nTrain: number,
  Q: Float64Array,
  nQuery: number,
  p: number,
  k: number,
  metric: number,
  outIndex: Int32Array,
  outDist: Float64Array,
  nThreads: number,
];

export type GrowTreeArgs = [
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
];

export type GrowForestArgs = [
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
];

export type PredictTreesArgs = [
  bins: Uint8Array,
  nRows: number,
  nCols: number,
  trees: readonly TreeArrays[],
  scales: Float64Array,
  out: Float64Array,
  nThreads: number,
];
