import { type BackendName, defaultThreads } from '../../compute/backend.ts';
import type { BinEdges } from '../../compute/kernels/binning/edges.ts';
import { applyBins, type BinnedMatrix, binFeatures } from '../../compute/kernels/binning/index.ts';
import { selectBackend } from '../../compute/kernels/table.ts';
import type { GrowData } from '../../compute/kernels/trees/grow-params.ts';
import { predictTrees } from '../../compute/kernels/trees/index.ts';
import type { TreeArrays } from '../../compute/kernels/trees/tree-arrays.ts';
import type { ColumnMatrix } from '../../compute/matrix.ts';
import { ValidationError } from '../../core/errors.ts';
import { assertFitted, toFeatureMatrix } from '../input.ts';
import { type ComputeSettings, type ParamReader, readEstimatorParams } from '../params.ts';
import { edgesFromJSON, edgesToJSON, treeFromJSON, treeToJSON } from '../serialize.ts';
import type { ComputeParams, FeatureInput, SerializedEstimator } from '../types.ts';
import { withParams } from '../with-params.ts';

/** Parameters every tree learner shares. */
export interface TreeCommonParams extends ComputeParams {
  /** Seed of every random draw (bootstrap, features, binning sample). */
  seed?: number;
  /** Value bins per feature, 2..255 (default 255). */
  maxBins?: number;
  /** Indices of categorical features (values are category codes): split by category. */
  categoricalFeatures?: number[];
}

/** What every fitted tree model keeps: the bins it learned on and its trees. */
export interface TreeModelState {
  nFeatures: number;
  edges: BinEdges;
  trees: TreeArrays[];
  importances: Float64Array;
}

/**
 * The machinery shared by the tree estimators: parameter reading of the common part,
 * binning, backend choice, prediction through the trees, and JSON of the state.
 *
 * @example
 * class MyTrees extends TreeModel<MyConfig> { ... } // see ForestModel and GradientBoostingModel
 */
export abstract class TreeModel<C> {
  readonly params: Readonly<Record<string, unknown>>;
  /** The subclass's own hyperparameters, as its `read` returned them. */
  protected readonly config: C;
  /** backend, nThreads and seed. */
  protected readonly compute: ComputeSettings;
  protected readonly binning: { maxBins: number; categoricalFeatures: number[] };
  protected state: TreeModelState | undefined;

  /**
   * Reads the hyperparameters: the common ones, then the subclass's (`read`), which
   * `publish` lists as `params` shows them.
   */
  protected constructor(
    readonly name: string,
    given: object,
    read: (r: ParamReader) => C,
    publish: (config: C) => Record<string, unknown>,
  ) {
    const { params, compute, own } = readEstimatorParams(
      name,
      given,
      (r) => ({
        binning: {
          maxBins: r.int('maxBins', 255, 2, 255),
          categoricalFeatures: r.indices('categoricalFeatures'),
        },
        config: read(r),
      }),
      ({ binning, config }) => ({ ...publish(config), ...binning }),
    );
    this.params = params;
    this.config = own.config;
    this.compute = compute;
    this.binning = own.binning;
  }

  /** A new unfitted model of this class with `changes` over these hyperparameters (see withParams). */
  withParams(changes: Readonly<Record<string, unknown>>): this {
    return withParams(this, changes);
  }

  get nFeatures(): number {
    return assertFitted(this.state, this.name).nFeatures;
  }

  get featureImportances(): Float64Array {
    return Float64Array.from(assertFitted(this.state, this.name).importances);
  }

  /** The bin edges fit learned (do not modify): explanations bin new rows with them. */
  get binEdges(): BinEdges {
    return assertFitted(this.state, this.name).edges;
  }

  /** The trees, for inspection (do not modify). */
  get trees(): readonly TreeArrays[] {
    return assertFitted(this.state, this.name).trees;
  }

  protected backend(): BackendName {
    return selectBackend(this.compute.backend, 'trees');
  }

  protected threads(): number {
    return this.compute.nThreads ?? defaultThreads();
  }

  /** Bins the training matrix with this model's binning parameters. */
  protected binTraining(X: ColumnMatrix): BinnedMatrix {
    for (const c of this.binning.categoricalFeatures) {
      if (c >= X.nCols) {
        throw new ValidationError(
          `${this.name}: categoricalFeatures has column ${c}, but X has ${X.nCols} columns`,
          {
            path: 'categoricalFeatures',
          },
        );
      }
    }
    return binFeatures(X, {
      maxBins: this.binning.maxBins,
      categorical: this.binning.categoricalFeatures,
      seed: this.compute.seed,
      backend: this.binningBackend(),
      nThreads: this.threads(),
    });
  }

  protected binningBackend(): BackendName {
    return this.backend() === 'native' ? selectBackend('auto', 'binning') : 'js';
  }

  /** The grow data of a binned matrix, on every feature, statistics left for the caller. */
  protected growData(binned: BinnedMatrix): Omit<GrowData, 'grad' | 'hess' | 'rows' | 'label'> {
    const features = new Int32Array(binned.nCols);
    for (let f = 0; f < binned.nCols; f++) features[f] = f;
    return {
      bins: binned.bins,
      nRows: binned.nRows,
      nCols: binned.nCols,
      nBins: binned.edges.nBins,
      categorical: binned.edges.categorical,
      features,
      edges: binned.edges.edges,
    };
  }

  /** Bins X with the fitted edges. */
  protected binsFor(X: FeatureInput): { bins: Uint8Array; nRows: number } {
    const state = assertFitted(this.state, this.name);
    const m = toFeatureMatrix(X, state.nFeatures);
    if (m.nRows === 0) return { bins: new Uint8Array(0), nRows: 0 };
    return {
      bins: applyBins(m, state.edges, { backend: this.binningBackend(), nThreads: this.threads() }),
      nRows: m.nRows,
    };
  }

  /** sum_t scales[t] * tree_t(x) for every row, plus `base` (nOut values), row-major. */
  protected rawPredict(
    X: FeatureInput,
    nOut: number,
    base: ArrayLike<number>,
    scales: Float64Array,
  ): Float64Array {
    const state = assertFitted(this.state, this.name);
    const { bins, nRows } = this.binsFor(X);
    const out = new Float64Array(nRows * nOut);
    for (let r = 0; r < nRows; r++) for (let k = 0; k < nOut; k++) out[r * nOut + k] = base[k]!;
    predictTrees(this.backend(), bins, nRows, state.nFeatures, state.trees, scales, out, this.threads());
    return out;
  }

  /** The serialized form: the subclass adds its own state fields. */
  protected serialize(extra: Record<string, unknown>): SerializedEstimator {
    const state = assertFitted(this.state, this.name);
    return {
      type: this.name,
      version: 1,
      params: { ...this.params },
      state: {
        nFeatures: state.nFeatures,
        edges: edgesToJSON(state.edges),
        trees: state.trees.map(treeToJSON),
        importances: Array.from(state.importances),
        ...extra,
      },
    };
  }

  /** Restores the common state from JSON written by {@link serialize}. */
  protected restore(json: SerializedEstimator): Record<string, unknown> {
    if (json?.type !== this.name || json.version !== 1) {
      throw new ValidationError(
        `expected a version 1 ${this.name}, got ${json?.type} version ${json?.version}`,
        {
          path: 'type',
        },
      );
    }
    const s = json.state;
    const nFeatures = s.nFeatures;
    if (typeof nFeatures !== 'number' || !Number.isInteger(nFeatures) || nFeatures < 1) {
      throw new ValidationError('state.nFeatures must be a positive integer', { path: 'state.nFeatures' });
    }
    const trees = s.trees;
    if (!Array.isArray(trees))
      throw new ValidationError('state.trees must be an array', { path: 'state.trees' });
    const importances = Float64Array.from(s.importances as number[]);
    if (importances.length !== nFeatures) {
      throw new ValidationError('state.importances must have one value per feature', {
        path: 'state.importances',
      });
    }
    this.state = {
      nFeatures,
      edges: edgesFromJSON(s.edges, 'state.edges'),
      trees: trees.map((t, i) => treeFromJSON(t, nFeatures, `state.trees[${i}]`)),
      importances,
    };
    return s;
  }
}

/**
 * Gain importances of trees: each tree's normalized to sum 1, averaged, renormalized
 * (scikit-learn's rule for forests; for a single tree, its normalized gains).
 *
 * @example
 * treeImportances(trees, 4); // Float64Array of 4 values summing to 1
 */
export function treeImportances(
  trees: readonly TreeArrays[],
  nFeatures: number,
  perTree = true,
): Float64Array {
  const total = new Float64Array(nFeatures);
  const one = new Float64Array(nFeatures);
  for (const tree of trees) {
    one.fill(0);
    for (let i = 0; i < tree.nNodes; i++)
      if (tree.feature[i]! >= 0) one[tree.feature[i]!]! += Math.max(tree.gain[i]!, 0);
    const s = perTree ? one.reduce((a, b) => a + b, 0) : 1;
    if (s > 0) for (let f = 0; f < nFeatures; f++) total[f]! += one[f]! / s;
  }
  const s = total.reduce((a, b) => a + b, 0);
  if (s > 0) for (let f = 0; f < nFeatures; f++) total[f]! /= s;
  return total;
}
