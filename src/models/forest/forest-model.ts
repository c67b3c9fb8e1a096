import type { BackendName } from '../../compute/backend.ts';
import type { BinEdges } from '../../compute/kernels/binning/edges.ts';
import {
  type GrowParams,
  MODE_ABSOLUTE,
  MODE_ENTROPY,
  MODE_GINI,
  MODE_GRADIENT,
} from '../../compute/kernels/trees/grow-params.ts';
import {
  type ForestInput,
  growForest,
  growForestAsync,
  type OobBuffers,
} from '../../compute/kernels/trees/index.ts';
import type { TreeArrays } from '../../compute/kernels/trees/tree-arrays.ts';
import { ValidationError } from '../../core/errors.ts';
import {
  applyClassWeight,
  argmaxLabels,
  type ClassWeight,
  type ForestClassWeight,
  parseClassWeight,
  probaRows,
} from '../classes.ts';
import { observeFit, observeFitAsync } from '../fit-listeners.ts';
import {
  assertFitted,
  checkTrainingShape,
  encodeClasses,
  regressionTarget,
  sampleWeights,
  toFeatureMatrix,
} from '../input.ts';
import type { ParamReader } from '../params.ts';
import { type TreeCommonParams, TreeModel, treeImportances } from '../tree/tree-model.ts';
import type {
  Classifier,
  FeatureInput,
  FitOptions,
  Label,
  LabelInput,
  Regressor,
  SerializedEstimator,
} from '../types.ts';

/** How many features a split examines: all (null), a count, a fraction, `sqrt` or `log2` of them. */
export type MaxFeatures = number | 'sqrt' | 'log2' | null;

/** Parameters of a single decision tree (scikit-learn's names, camelCase). */
export interface DecisionTreeParams extends TreeCommonParams {
  /** Deepest level; null: until leaves are pure or too small. */
  maxDepth?: number | null;
  minSamplesSplit?: number;
  minSamplesLeaf?: number;
  /** Features examined per split: null (all), a count >= 1, a fraction in (0, 1), `sqrt`, `log2`. */
  maxFeatures?: MaxFeatures;
  /** Most leaves, grown best-first; null: no limit. */
  maxLeafNodes?: number | null;
  /** A split must decrease the weighted impurity by this much (scikit-learn's definition). */
  minImpurityDecrease?: number;
}

/** Parameters of the forests (random forests, extra trees). */
export interface ForestParams extends DecisionTreeParams {
  nEstimators?: number;
  /** Draw each tree's rows with replacement. */
  bootstrap?: boolean;
  /** Rows drawn per tree: null (all), a count >= 1 or a fraction in (0, 1). */
  maxSamples?: number | null;
  /** Compute the out-of-bag score (needs bootstrap). */
  oobScore?: boolean;
}

export interface ClassifierCriterion {
  criterion?: 'gini' | 'entropy';
  /** `balanced` (n / (nClasses * count)) or a map from label to weight. */
  classWeight?: ClassWeight;
}

/** A forest classifier's criterion: class weights may also be balanced per bootstrap draw. */
export interface ForestClassifierCriterion extends Omit<ClassifierCriterion, 'classWeight'> {
  /**
   * As the tree's, or `balanced_subsample`: balanced on each tree's bootstrap draw
   * (drawn count / (classes drawn * draws of the class)); `balanced` without bootstrap.
   */
  classWeight?: ForestClassWeight;
}

export interface RegressorCriterion {
  /**
   * `squared_error` (mean leaves) or `absolute_error` (scikit-learn's exact criterion on the
   * bins: splits that most reduce the weighted absolute deviation from each side's median,
   * median leaves; O(n log n) per feature and node, so slower than squared error).
   */
  criterion?: 'squared_error' | 'absolute_error';
}

/** Which kind of tree ensemble a class is. */
export interface ForestKind {
  ensemble: boolean;
  bootstrap: boolean;
  randomSplits: boolean;
  classification: boolean;
}

/**
 * The tree families, each a classifier and a regressor: one tree or an ensemble, whether
 * bootstrap is on by default, and whether a split takes a random threshold per feature.
 */
const FAMILIES = {
  DecisionTree: { ensemble: false, bootstrap: false, randomSplits: false },
  RandomForest: { ensemble: true, bootstrap: true, randomSplits: false },
  ExtraTrees: { ensemble: true, bootstrap: false, randomSplits: true },
} as const;

/** A tree family's name, the prefix of its two classes' names. */
export type TreeFamily = keyof typeof FAMILIES;

/** The hyperparameters of each family's classifier and regressor (ensembles have more). */
interface FamilyParams {
  DecisionTree: {
    classifier: DecisionTreeParams & ClassifierCriterion;
    regressor: DecisionTreeParams & RegressorCriterion;
  };
  RandomForest: {
    classifier: ForestParams & ForestClassifierCriterion;
    regressor: ForestParams & RegressorCriterion;
  };
  ExtraTrees: {
    classifier: ForestParams & ForestClassifierCriterion;
    regressor: ForestParams & RegressorCriterion;
  };
}

interface ForestConfig {
  criterion: string;
  maxDepth: number | null;
  minSamplesSplit: number;
  minSamplesLeaf: number;
  maxFeatures: MaxFeatures;
  maxLeafNodes: number | null;
  minImpurityDecrease: number;
  nEstimators: number;
  bootstrap: boolean;
  maxSamples: number | null;
  oobScore: boolean;
  classWeight: ForestClassWeight;
}

function readMaxFeatures(r: ParamReader, fallback: MaxFeatures): MaxFeatures {
  const v = r.raw('maxFeatures');
  if (v === undefined) return fallback;
  if (v === null || v === 'sqrt' || v === 'log2') return v;
  if (typeof v === 'number' && ((Number.isInteger(v) && v >= 1) || (v > 0 && v < 1))) return v;
  return r.fail('maxFeatures', "null, 'sqrt', 'log2', an integer >= 1 or a fraction in (0, 1)", v);
}

function readMaxSamples(r: ParamReader): number | null {
  const v = r.raw('maxSamples');
  if (v === undefined || v === null) return null;
  if (typeof v === 'number' && ((Number.isInteger(v) && v >= 1) || (v > 0 && v < 1))) return v;
  return r.fail('maxSamples', 'null, an integer >= 1 or a fraction in (0, 1)', v);
}

function readConfig(r: ParamReader, kind: ForestKind, name: string): ForestConfig {
  const criterion = kind.classification
    ? r.oneOf('criterion', 'gini', ['gini', 'entropy'])
    : r.oneOf('criterion', 'squared_error', ['squared_error', 'absolute_error']);
  const c: ForestConfig = {
    criterion,
    maxDepth: r.intOrNull('maxDepth', null, 1),
    minSamplesSplit: r.int('minSamplesSplit', 2, 2),
    minSamplesLeaf: r.int('minSamplesLeaf', 1, 1),
    maxFeatures: readMaxFeatures(r, kind.ensemble && kind.classification ? 'sqrt' : null),
    maxLeafNodes: r.intOrNull('maxLeafNodes', null, 2),
    minImpurityDecrease: r.number('minImpurityDecrease', 0, 0),
    nEstimators: kind.ensemble ? r.int('nEstimators', 100, 1) : 1,
    bootstrap: kind.ensemble ? r.bool('bootstrap', kind.bootstrap) : false,
    maxSamples: kind.ensemble ? readMaxSamples(r) : null,
    oobScore: kind.ensemble ? r.bool('oobScore', false) : false,
    classWeight: !kind.classification
      ? null
      : kind.ensemble
        ? parseClassWeight(r.raw('classWeight'), name, true)
        : parseClassWeight(r.raw('classWeight'), name),
  };
  if (c.oobScore && !c.bootstrap) {
    throw new ValidationError(
      `${name}: oobScore needs bootstrap: true (out-of-bag rows exist only with bootstrap)`,
      {
        path: 'oobScore',
      },
    );
  }
  if (c.maxSamples !== null && !c.bootstrap) {
    throw new ValidationError(`${name}: maxSamples needs bootstrap: true`, { path: 'maxSamples' });
  }
  return c;
}

function configParams(c: ForestConfig, kind: ForestKind): Record<string, unknown> {
  const p: Record<string, unknown> = {
    criterion: c.criterion,
    maxDepth: c.maxDepth,
    minSamplesSplit: c.minSamplesSplit,
    minSamplesLeaf: c.minSamplesLeaf,
    maxFeatures: c.maxFeatures,
    maxLeafNodes: c.maxLeafNodes,
    minImpurityDecrease: c.minImpurityDecrease,
  };
  if (kind.ensemble)
    Object.assign(p, {
      nEstimators: c.nEstimators,
      bootstrap: c.bootstrap,
      maxSamples: c.maxSamples,
      oobScore: c.oobScore,
    });
  if (kind.classification) p.classWeight = c.classWeight;
  return p;
}

/**
 * Resolves maxFeatures to a count of features for data with `nFeatures` columns.
 *
 * @example
 * resolveMaxFeatures('sqrt', 20, 'RandomForestClassifier'); // 4
 */
export function resolveMaxFeatures(m: MaxFeatures, nFeatures: number, owner: string): number {
  if (m === null) return nFeatures;
  if (m === 'sqrt') return Math.max(1, Math.floor(Math.sqrt(nFeatures)));
  if (m === 'log2') return Math.max(1, Math.floor(Math.log2(nFeatures)));
  if (m < 1) return Math.max(1, Math.floor(m * nFeatures));
  if (m > nFeatures) {
    throw new ValidationError(`${owner}: maxFeatures is ${m}, but X has only ${nFeatures} features`, {
      path: 'maxFeatures',
    });
  }
  return m;
}

interface FitJob {
  backend: BackendName;
  input: ForestInput;
  oob: OobBuffers | null;
  codes: Int32Array;
  target: Float64Array;
  weight: Float64Array;
  edges: BinEdges;
}

/**
 * Decision trees, random forests and extra trees: one implementation, the class decides
 * the ensemble size, bootstrap, features per split and split kind.
 */
abstract class ForestModel extends TreeModel<ForestConfig> {
  protected readonly kind: ForestKind;
  protected oob: number | undefined;

  protected constructor(name: string, kind: ForestKind, params: object) {
    super(
      name,
      params,
      (r) => readConfig(r, kind, name),
      (c) => configParams(c, kind),
    );
    this.kind = kind;
  }

  /** The out-of-bag score (accuracy or R^2), when fitted with oobScore: true. */
  get oobScore(): number | undefined {
    assertFitted(this.state, this.name);
    return this.oob;
  }

  protected prepare(
    X: FeatureInput,
    options: FitOptions,
    classes: Label[] | null,
    codes: Int32Array,
    target: Float64Array,
  ): FitJob {
    const m = toFeatureMatrix(X);
    checkTrainingShape(m, classes ? codes.length : target.length);
    let weight = sampleWeights(options.sampleWeight, m.nRows);
    const binned = this.binTraining(m);
    const c = this.config;
    const n = m.nRows;
    const bootstrapSamples = !c.bootstrap
      ? 0
      : c.maxSamples === null
        ? n
        : c.maxSamples < 1
          ? Math.max(1, Math.round(c.maxSamples * n))
          : c.maxSamples;
    if (bootstrapSamples > n) {
      throw new ValidationError(`${this.name}: maxSamples is ${c.maxSamples}, but X has only ${n} rows`, {
        path: 'maxSamples',
      });
    }
    // balanced_subsample weighs each tree's draw (compute/kernels/trees/js/forest.ts); without a
    // draw it is balanced
    const balancedSubsample =
      classes !== null && c.classWeight === 'balanced_subsample' && bootstrapSamples > 0;
    if (classes) {
      const cw =
        c.classWeight === 'balanced_subsample' ? (balancedSubsample ? null : 'balanced') : c.classWeight;
      weight = applyClassWeight(weight, codes, classes, cw);
    }
    let totalWeight = 0;
    for (const w of weight) totalWeight += w;
    if (bootstrapSamples > 0) totalWeight *= bootstrapSamples / n;
    const mode = classes
      ? c.criterion === 'entropy'
        ? MODE_ENTROPY
        : MODE_GINI
      : c.criterion === 'absolute_error'
        ? MODE_ABSOLUTE
        : MODE_GRADIENT;
    const params: GrowParams = {
      mode,
      nClasses: classes ? classes.length : 1,
      maxDepth: c.maxDepth ?? 0,
      maxLeaves: c.maxLeafNodes ?? 0,
      minSamplesSplit: c.minSamplesSplit,
      minSamplesLeaf: c.minSamplesLeaf,
      minChildWeight: 0,
      minGain: c.minImpurityDecrease * totalWeight * (mode === MODE_ENTROPY ? Math.LN2 : 1),
      lambdaL1: 0,
      lambdaL2: 0,
      maxFeatures: resolveMaxFeatures(c.maxFeatures, m.nCols, this.name),
      randomSplits: this.kind.randomSplits,
      seed: 0,
    };
    const nOut = classes ? classes.length : 1;
    const oob = c.oobScore ? { sum: new Float64Array(n * nOut), count: new Float64Array(n) } : null;
    const input: ForestInput = {
      data: { ...this.growData(binned), label: codes },
      target,
      weight,
      params,
      nTrees: c.nEstimators,
      seed: this.compute.seed,
      bootstrapSamples,
      balancedSubsample,
    };
    return { backend: this.backend(), input, oob, codes, target, weight, edges: binned.edges };
  }

  protected finish(job: FitJob, trees: TreeArrays[]): void {
    const { input } = job;
    this.state = {
      nFeatures: input.data.nCols,
      edges: job.edges,
      trees,
      importances: treeImportances(trees, input.data.nCols),
    };
    this.oob = job.oob ? this.oobScoreOf(job) : undefined;
  }

  protected abstract oobScoreOf(job: FitJob): number;

  /** The classifier or regressor's encoding of y, then the common preparation. */
  protected abstract job(X: FeatureInput, y: LabelInput, options: FitOptions): FitJob;

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const job = this.job(X, y, options);
      this.finish(job, growForest(job.backend, job.input, this.threads(), job.oob));
      return this;
    });
  }

  async fitAsync(X: FeatureInput, y: LabelInput, options: FitOptions = {}): Promise<this> {
    return observeFitAsync(this, X, y, options, async () => {
      const job = this.job(X, y, options);
      this.finish(job, await growForestAsync(job.backend, job.input, this.threads(), job.oob));
      return this;
    });
  }

  protected averaged(X: FeatureInput, nOut: number): Float64Array {
    const trees = assertFitted(this.state, this.name).trees;
    return this.rawPredict(
      X,
      nOut,
      new Float64Array(nOut),
      new Float64Array(trees.length).fill(1 / trees.length),
    );
  }

  protected serializeForest(extra: Record<string, unknown>): SerializedEstimator {
    return this.serialize({ ...extra, oobScore: this.oob ?? null });
  }

  protected restoreForest(json: SerializedEstimator): Record<string, unknown> {
    const s = this.restore(json);
    this.oob = typeof s.oobScore === 'number' ? s.oobScore : undefined;
    return s;
  }

  /** Restores the state written by toJSON into this fresh model. */
  protected abstract load(json: SerializedEstimator): this;
}

/** The classifiers among the tree models: labels, probabilities, class weights. */
export abstract class ForestClassifier extends ForestModel implements Classifier {
  readonly estimatorType = 'classifier' as const;
  private fittedClasses: Label[] | undefined;

  get classes(): Label[] {
    return [...assertFitted(this.fittedClasses, this.name)];
  }

  protected job(X: FeatureInput, y: LabelInput, options: FitOptions): FitJob {
    const { classes, codes } = encodeClasses(y);
    this.fittedClasses = classes;
    return this.prepare(X, options, classes, codes, new Float64Array(0));
  }

  predictProba(X: FeatureInput): number[][] {
    const k = this.classes.length;
    return probaRows(this.averaged(X, k), k);
  }

  predict(X: FeatureInput): Label[] {
    const classes = this.classes;
    return argmaxLabels(this.averaged(X, classes.length), classes);
  }

  protected oobScoreOf(job: FitJob): number {
    const { sum, count } = job.oob!;
    const k = this.fittedClasses!.length;
    let correct = 0;
    let seen = 0;
    for (let r = 0; r < count.length; r++) {
      if (!(count[r]! > 0)) continue;
      let best = 0;
      for (let j = 1; j < k; j++) if (sum[r * k + j]! > sum[r * k + best]!) best = j;
      seen++;
      if (best === job.codes[r]) correct++;
    }
    return seen > 0 ? correct / seen : Number.NaN;
  }

  toJSON(): SerializedEstimator {
    return this.serializeForest({ classes: this.classes });
  }

  protected load(json: SerializedEstimator): this {
    const s = this.restoreForest(json);
    if (!Array.isArray(s.classes) || s.classes.length !== this.state!.trees[0]?.nOut) {
      throw new ValidationError('state.classes must list one label per tree output', {
        path: 'state.classes',
      });
    }
    this.fittedClasses = s.classes as Label[];
    return this;
  }
}

/** The regressors among the tree models. */
export abstract class ForestRegressor extends ForestModel implements Regressor {
  readonly estimatorType = 'regressor' as const;

  protected job(X: FeatureInput, y: LabelInput, options: FitOptions): FitJob {
    return this.prepare(X, options, null, new Int32Array(0), regressionTarget(y));
  }

  predict(X: FeatureInput): Float64Array {
    return this.averaged(X, 1);
  }

  protected oobScoreOf(job: FitJob): number {
    const { sum, count } = job.oob!;
    let mean = 0;
    let seen = 0;
    for (let r = 0; r < count.length; r++) {
      if (count[r]! > 0) {
        mean += job.target[r]!;
        seen++;
      }
    }
    mean /= seen;
    let ssRes = 0;
    let ssTot = 0;
    for (let r = 0; r < count.length; r++) {
      if (!(count[r]! > 0)) continue;
      const y = job.target[r]!;
      ssRes += (y - sum[r]! / count[r]!) ** 2;
      ssTot += (y - mean) ** 2;
    }
    return seen === 0 ? Number.NaN : ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  }

  toJSON(): SerializedEstimator {
    return this.serializeForest({});
  }

  protected load(json: SerializedEstimator): this {
    this.restoreForest(json);
    return this;
  }
}

/** A tree estimator class as {@link treeClassifier} and {@link treeRegressor} make it. */
export interface TreeEstimatorClass<P, M extends ForestModel> {
  new (params?: P): M;
  readonly prototype: M;
  /** Rebuilds a fitted model from its `toJSON()` output (works unbound too). */
  fromJSON(json: SerializedEstimator): M;
}

/**
 * The class `${family}Classifier` or `${family}Regressor`: a constructor taking the
 * hyperparameters, and fromJSON, on the shared classifier or regressor implementation.
 */
function treeEstimator<M extends ForestModel>(
  family: TreeFamily,
  classification: boolean,
): TreeEstimatorClass<object, M> {
  const name = `${family}${classification ? 'Classifier' : 'Regressor'}`;
  const kind: ForestKind = { ...FAMILIES[family], classification };
  // `class extends` takes one base type: the regressor's base is typed as the classifier's
  // here (what is used below, the constructor and load, is ForestModel's in both), and
  // treeClassifier and treeRegressor give each class its own type back
  const Base: typeof ForestClassifier = classification
    ? ForestClassifier
    : (ForestRegressor as unknown as typeof ForestClassifier);
  const Tree = class extends Base {
    constructor(params: object = {}) {
      super(name, kind, params);
    }

    static fromJSON(json: SerializedEstimator): ForestModel {
      return new Tree(json.params).load(json);
    }
  };
  Object.defineProperty(Tree, 'name', { value: name });
  return Tree as unknown as TreeEstimatorClass<object, M>;
}

/**
 * The classifier of a tree family.
 *
 * @example
 * const RandomForestClassifier = treeClassifier('RandomForest');
 */
export function treeClassifier<F extends TreeFamily>(
  family: F,
): TreeEstimatorClass<FamilyParams[F]['classifier'], ForestClassifier> {
  return treeEstimator(family, true);
}

/**
 * The regressor of a tree family.
 *
 * @example
 * const RandomForestRegressor = treeRegressor('RandomForest');
 */
export function treeRegressor<F extends TreeFamily>(
  family: F,
): TreeEstimatorClass<FamilyParams[F]['regressor'], ForestRegressor> {
  return treeEstimator(family, false);
}
