/**
 * The inputs of the histogram tree grower, shared by the TypeScript grower (js/grow.ts) and
 * the C++ one (native/src/tree_grow.cc), which follow the same rules step by step.
 *
 * Statistics: in gradient mode every row carries a gradient g and a hessian h, a leaf's
 * value is -T(G)/(H + lambdaL2) and a side's score T(G)^2/(H + lambdaL2), with T the
 * L1 soft threshold (squared-error trees use g = -w*y, h = w: the leaf is the weighted
 * mean and the gain the weighted variance reduction). In class modes every row carries
 * a class and a weight; the score of a side is sum_k w_k^2 / W (gini) or
 * sum_k w_k ln w_k - W ln W (entropy), and a leaf holds the class proportions.
 * A split's gain is score(left) + score(right) - score(node).
 */
export const MODE_GRADIENT = 0;
export const MODE_GINI = 1;
export const MODE_ENTROPY = 2;
/**
 * Absolute error (scikit-learn's criterion): rows carry a target (in `grad`) and a weight
 * (in `hess`); a side's cost is sum w * |y - weighted median|, a split's gain the parent's
 * cost minus both children's, and a leaf holds the weighted median (js/median-split.ts).
 */
export const MODE_ABSOLUTE = 3;

export interface GrowParams {
  mode: number;
  /** Classes (class modes); 1 in gradient mode. */
  nClasses: number;
  /** Deepest level a node may be split at; 0: unlimited. */
  maxDepth: number;
  /** Most leaves, grown best-first; 0: unlimited, grown depth-first. */
  maxLeaves: number;
  minSamplesSplit: number;
  /** Rows (counted without weights) each child must keep. */
  minSamplesLeaf: number;
  /** Sum of hessians (gradient) or weights (class) each child must keep. */
  minChildWeight: number;
  /** A split needs at least this gain (criterion units, see above). */
  minGain: number;
  lambdaL1: number;
  lambdaL2: number;
  /**
   * Non-constant features examined per node, drawn at random (as scikit-learn's
   * max_features); >= the active feature count examines all of them, in order.
   */
  maxFeatures: number;
  /** Extra-trees splits: one random threshold (or category subset) per feature. */
  randomSplits: boolean;
  /** Seed of the node-level draws (mulberry32). */
  seed: number;
}

/** The binned data and per-row statistics a tree is grown on. */
export interface GrowData {
  /** Column-major bins, nRows x nCols (from binFeatures). */
  bins: Uint8Array;
  nRows: number;
  nCols: number;
  /** Value bins per column (missing not counted). */
  nBins: Int32Array;
  categorical: Uint8Array;
  /** Gradient mode: gradients per row. Absolute mode: targets. Class modes: unused (may be empty). */
  grad: Float64Array;
  /** Gradient mode: hessians per row. Class and absolute modes: row weights. */
  hess: Float64Array;
  /** Class modes: class index per row. Gradient mode: unused (may be empty). */
  label: Int32Array;
  /** The rows the tree is grown on, ascending. */
  rows: Int32Array;
  /** The features the tree may split on, ascending. */
  features: Int32Array;
  /**
   * The columns' value edges (BinEdges.edges: nCols x MAX_VALUE_BINS, numeric columns' upper
   * bin edges), for extra trees' thresholds drawn in value space (randomThresholdBin);
   * without them those are drawn over bins.
   */
  edges?: Float64Array;
}

/**
 * What a forest is grown from. The draws (js/forest.ts and native/src/tree_forest.cc make them):
 * tree seeds are the first nTrees draws of mulberry32(seed); tree t draws, from
 * mulberry32(seed_t), `bootstrapSamples` rows with replacement (floor(u * nRows)), each
 * row's weight multiplied by its draw count, then one more number: the seed of the
 * tree's node-level draws. Squared-error trees get g = -w*y, h = w; absolute-error trees
 * g = y, h = w.
 */
export interface ForestInput {
  /** Binned data; grad, hess, rows are set per tree. */
  data: Omit<GrowData, 'grad' | 'hess' | 'rows'>;
  /** Regression targets (gradient and absolute modes). */
  target: Float64Array;
  /** Base weight per row: sample weight times class weight. */
  weight: Float64Array;
  params: GrowParams;
  nTrees: number;
  seed: number;
  /** Rows drawn per tree with replacement; 0 grows every tree on all rows. */
  bootstrapSamples: number;
  /**
   * Class modes with a draw: each tree's weights are also multiplied by its draw's balanced
   * class weights, drawn / (classes drawn * draws of the class) (scikit-learn's
   * balanced_subsample).
   */
  balancedSubsample: boolean;
}

/** Out-of-bag sums (nRows x nOut) and counts, filled when bootstrapping. */
export interface OobBuffers {
  sum: Float64Array;
  count: Float64Array;
}

/**
 * GrowParams as the Float64Array the addon reads (unpackGrowParams in tree_grow.cc).
 *
 * @example
 * packGrowParams(params).length; // 13
 */
export function packGrowParams(p: GrowParams): Float64Array {
  return Float64Array.of(
    p.mode,
    p.nClasses,
    p.maxDepth,
    p.maxLeaves,
    p.minSamplesSplit,
    p.minSamplesLeaf,
    p.minChildWeight,
    p.minGain,
    p.lambdaL1,
    p.lambdaL2,
    p.maxFeatures,
    p.randomSplits ? 1 : 0,
    p.seed,
  );
}
