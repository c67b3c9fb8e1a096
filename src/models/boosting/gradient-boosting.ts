import type { BackendName } from '../../compute/backend.ts';
import { nextTurn } from '../../compute/event-loop.ts';
import type { BinEdges } from '../../compute/kernels/binning/edges.ts';
import { applyBins } from '../../compute/kernels/binning/index.ts';
import { addTreeScores } from '../../compute/kernels/boosting/index.ts';
import type { GrowData, GrowParams } from '../../compute/kernels/trees/grow-params.ts';
import { MODE_GRADIENT } from '../../compute/kernels/trees/grow-params.ts';
import { type GrowResult, growTree, growTreeAsync, predictTrees } from '../../compute/kernels/trees/index.ts';
import { setLeafMedians } from '../../compute/kernels/trees/leaf-median.ts';
import type { TreeArrays } from '../../compute/kernels/trees/tree-arrays.ts';
import { mulberry32, sampleIndices } from '../../compute/rng.ts';
import { ValidationError } from '../../core/errors.ts';
import { applyClassWeight, argmaxLabels, type ClassWeight, parseClassWeight, probaRows } from '../classes.ts';
import { observeFit, observeFitAsync } from '../fit-listeners.ts';
import {
  assertFitted,
  checkTrainingShape,
  encodeClasses,
  encodeWith,
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
import {
  absoluteError,
  type BoostingLoss,
  binaryLogLoss,
  huberLoss,
  softmaxLoss,
  softmaxRow,
  squaredError,
} from './losses.ts';

/** Hyperparameters of histogram gradient boosting (LightGBM's names, camelCase). */
export interface GradientBoostingParams extends TreeCommonParams {
  /** Boosting rounds (default 100). */
  nEstimators?: number;
  learningRate?: number;
  /** Most leaves per tree, grown best-first (default 31). */
  numLeaves?: number;
  /** Deepest level of a tree; null: limited by numLeaves only. */
  maxDepth?: number | null;
  /** Rows each leaf must keep (default 20). */
  minChildSamples?: number;
  /** Sum of hessians each leaf must keep (default 1e-3). */
  minChildWeight?: number;
  /** Gain a split needs (default 0). */
  minSplitGain?: number;
  /** L1 regularization of leaf values. */
  regAlpha?: number;
  /** L2 regularization of leaf values. */
  regLambda?: number;
  /** Fraction of rows drawn (without replacement) for each round. */
  subsample?: number;
  /** Fraction of features drawn for each tree. */
  colsampleBytree?: number;
  /** Stop when the loss on fit's evalSet has not improved for this many rounds; keeps the best round. */
  earlyStoppingRounds?: number | null;
}

/** Hyperparameters of GradientBoostingRegressor: the shared ones plus its loss. */
export interface GradientBoostingRegressorParams extends GradientBoostingParams {
  loss?: 'squared_error' | 'absolute_error' | 'huber';
  /** Threshold of the huber loss (default 1). */
  huberDelta?: number;
}

/** Hyperparameters of GradientBoostingClassifier: the shared ones plus its loss and class weights. */
export interface GradientBoostingClassifierParams extends GradientBoostingParams {
  /** Binary log loss for two classes, softmax for more. */
  loss?: 'log_loss';
  /**
   * Weights of the classes, multiplying the sample weights of the training rows:
   * `balanced` (n / (nClasses * count)) or a map from label to weight; null: none.
   */
  classWeight?: ClassWeight;
}

interface BoostConfig {
  nEstimators: number;
  learningRate: number;
  numLeaves: number;
  maxDepth: number | null;
  minChildSamples: number;
  minChildWeight: number;
  minSplitGain: number;
  regAlpha: number;
  regLambda: number;
  subsample: number;
  colsampleBytree: number;
  earlyStoppingRounds: number | null;
  loss: string;
  huberDelta: number;
  classWeight: ClassWeight;
}

function readConfig(r: ParamReader, classification: boolean, name: string): BoostConfig {
  return {
    nEstimators: r.int('nEstimators', 100, 1),
    learningRate: r.number('learningRate', 0.1, 0, Number.POSITIVE_INFINITY, true),
    numLeaves: r.int('numLeaves', 31, 2),
    maxDepth: r.intOrNull('maxDepth', null, 1),
    minChildSamples: r.int('minChildSamples', 20, 1),
    minChildWeight: r.number('minChildWeight', 1e-3, 0),
    minSplitGain: r.number('minSplitGain', 0, 0),
    regAlpha: r.number('regAlpha', 0, 0),
    regLambda: r.number('regLambda', 0, 0),
    subsample: r.number('subsample', 1, 0, 1, true),
    colsampleBytree: r.number('colsampleBytree', 1, 0, 1, true),
    earlyStoppingRounds: r.intOrNull('earlyStoppingRounds', null, 1),
    loss: classification
      ? r.oneOf('loss', 'log_loss', ['log_loss'])
      : r.oneOf('loss', 'squared_error', ['squared_error', 'absolute_error', 'huber']),
    huberDelta: classification ? 1 : r.number('huberDelta', 1, 0, Number.POSITIVE_INFINITY, true),
    classWeight: classification ? parseClassWeight(r.raw('classWeight'), name) : null,
  };
}

/** What boosting learned beyond the trees. */
interface BoostState {
  init: Float64Array;
  nOut: number;
  bestIteration: number;
  trainLoss: number[];
  validLoss: number[];
}

/** One boosting run: the data, scores, and the step that grows the next round's trees. */
class BoostingRun {
  readonly trees: TreeArrays[] = [];
  readonly trainLoss: number[] = [];
  readonly validLoss: number[] = [];
  readonly F: Float64Array;
  readonly init: Float64Array;
  private readonly g: Float64Array;
  private readonly h: Float64Array;
  private readonly base: Omit<GrowData, 'grad' | 'hess' | 'rows' | 'label' | 'features'>;
  private readonly allRows: Int32Array;
  private readonly next: () => number;
  private readonly evalF: Float64Array | null;
  /** Where the loss's gradient kernels and the score updates run (every backend gives the same values). */
  private readonly backend: BackendName;
  /** Each output's leaf of every row, refilled by every round's tree (read in endRound). */
  private readonly leaves: Int32Array[];
  private bestLoss = Number.POSITIVE_INFINITY;
  bestIteration = -1;
  stopped = false;

  constructor(
    readonly cfg: BoostConfig,
    readonly loss: BoostingLoss,
    binned: Omit<GrowData, 'grad' | 'hess' | 'rows' | 'label' | 'features'>,
    readonly y: Float64Array,
    readonly w: Float64Array,
    seed: number,
    private readonly evalData: { bins: Uint8Array; nRows: number; y: Float64Array; w: Float64Array } | null,
    private readonly onIteration: FitOptions['onIteration'],
    backend: BackendName,
  ) {
    const n = binned.nRows;
    this.backend = backend;
    const k = loss.nOut;
    this.base = binned;
    this.init = loss.init(y, w);
    this.F = new Float64Array(n * k);
    for (let r = 0; r < n; r++) for (let j = 0; j < k; j++) this.F[r * k + j] = this.init[j]!;
    this.g = new Float64Array(n);
    this.h = new Float64Array(n);
    this.leaves = Array.from({ length: k }, () => new Int32Array(n));
    const used: number[] = [];
    for (let r = 0; r < n; r++) if (w[r]! > 0) used.push(r);
    this.allRows = Int32Array.from(used);
    this.next = mulberry32(seed);
    this.evalF = evalData ? new Float64Array(evalData.nRows * k) : null;
    if (this.evalF)
      for (let r = 0; r < evalData!.nRows; r++)
        for (let j = 0; j < k; j++) this.evalF[r * k + j] = this.init[j]!;
  }

  /** The draws of one round: its rows and features. */
  roundSample(): { rows: Int32Array; features: Int32Array } {
    const rowSeed = this.next();
    const colSeed = this.next();
    const nCols = this.base.nCols;
    let rows = this.allRows;
    if (this.cfg.subsample < 1) {
      const k = Math.max(1, Math.round(this.cfg.subsample * rows.length));
      const picked = sampleIndices(rows.length, k, rowSeed).sort();
      rows = Int32Array.from(picked, (i) => this.allRows[i]!);
    }
    let features: Int32Array = Int32Array.from({ length: nCols }, (_, f) => f);
    if (this.cfg.colsampleBytree < 1) {
      const k = Math.max(1, Math.round(this.cfg.colsampleBytree * nCols));
      features = sampleIndices(nCols, k, colSeed).sort();
    }
    return { rows, features };
  }

  /**
   * The grow inputs for output k of this round (gradients computed from the scores now),
   * and the array its tree writes each row's leaf into.
   */
  treeInput(
    k: number,
    sample: { rows: Int32Array; features: Int32Array },
  ): { data: GrowData; params: GrowParams; leaves: Int32Array } {
    this.loss.gradients(this.y, this.F, this.w, k, this.g, this.h, this.backend);
    const c = this.cfg;
    return {
      data: {
        ...this.base,
        grad: this.g,
        hess: this.h,
        label: new Int32Array(0),
        rows: sample.rows,
        features: sample.features,
      },
      params: {
        mode: MODE_GRADIENT,
        nClasses: 1,
        maxDepth: c.maxDepth ?? 0,
        maxLeaves: c.numLeaves,
        minSamplesSplit: 2,
        minSamplesLeaf: c.minChildSamples,
        minChildWeight: c.minChildWeight,
        minGain: c.minSplitGain,
        lambdaL1: c.regAlpha,
        lambdaL2: c.regLambda,
        maxFeatures: sample.features.length,
        randomSplits: false,
        seed: 0,
      },
      leaves: this.leaves[k]!,
    };
  }

  /**
   * Takes the tree grown for output k; the scores of all outputs are updated together in
   * endRound, so that every class's gradients in a round come from the same scores.
   */
  accept(result: GrowResult): void {
    const { tree, leafOfRow } = result;
    if (this.loss.medianLeaves) {
      const residual = new Float64Array(this.y.length);
      for (let r = 0; r < residual.length; r++) residual[r] = this.y[r]! - this.F[r]!;
      setLeafMedians(tree, leafOfRow!, residual, this.w);
    }
    this.pending.push(result);
  }

  private pending: GrowResult[] = [];

  /** Applies the round's trees to the scores, reports, and decides whether to go on. */
  endRound(iteration: number): boolean {
    const k = this.loss.nOut;
    const lr = this.cfg.learningRate;
    const { bins, nRows, nCols } = this.base;
    for (let j = 0; j < k; j++) {
      const { tree, leafOfRow } = this.pending[j]!;
      addTreeScores(this.backend, tree, leafOfRow, bins, nRows, nCols, lr, this.F, k, j);
      if (this.evalF) {
        const e = this.evalData!;
        addTreeScores(this.backend, tree, null, e.bins, e.nRows, nCols, lr, this.evalF, k, j);
      }
      this.trees.push(tree);
    }
    this.pending = [];
    // the training loss costs a pass over every row: only computed for a listener
    const trainLoss = this.onIteration ? this.loss.loss(this.y, this.F, this.w) : Number.NaN;
    if (this.onIteration) this.trainLoss.push(trainLoss);
    let validLoss: number | undefined;
    if (this.evalF) {
      validLoss = this.loss.loss(this.evalData!.y, this.evalF, this.evalData!.w);
      this.validLoss.push(validLoss);
      if (validLoss < this.bestLoss) {
        this.bestLoss = validLoss;
        this.bestIteration = iteration;
      }
    } else this.bestIteration = iteration;
    const info =
      validLoss === undefined
        ? { iteration, metric: this.loss.metric, trainLoss }
        : { iteration, metric: this.loss.metric, trainLoss, validLoss };
    if (this.onIteration?.(info) === false) return false;
    const patience = this.cfg.earlyStoppingRounds;
    if (patience !== null && iteration - this.bestIteration >= patience) return false;
    return true;
  }

  /** The trees up to the best round (all of them without early stopping). */
  keptTrees(): TreeArrays[] {
    const keep =
      this.cfg.earlyStoppingRounds !== null ? this.bestIteration + 1 : this.trees.length / this.loss.nOut;
    return this.trees.slice(0, keep * this.loss.nOut);
  }
}

/**
 * Histogram gradient boosting (LightGBM's method): bin once, grow each round's trees
 * leaf-wise on gradient histograms with sibling subtraction, missing values to the
 * better side, categorical features split by category.
 */
abstract class GradientBoostingModel extends TreeModel<BoostConfig> {
  protected boost: BoostState | undefined;

  protected constructor(name: string, classification: boolean, params: object) {
    super(
      name,
      params,
      (r) => readConfig(r, classification, name),
      ({ huberDelta, classWeight, ...rest }) =>
        classification ? { ...rest, classWeight } : { ...rest, huberDelta },
    );
  }

  /** Rounds kept (the best round + 1 with early stopping). */
  get nIterations(): number {
    const b = assertFitted(this.boost, this.name);
    return this.trees.length / b.nOut;
  }

  /**
   * The starting raw score of each output before the first tree (one for regression and
   * binary log loss, one per class for softmax): where explanations in margin space start.
   */
  get baseScores(): Float64Array {
    return Float64Array.from(assertFitted(this.boost, this.name).init);
  }

  /** The 0-based best round on the evaluation set (the last round without one). */
  get bestIteration(): number {
    return assertFitted(this.boost, this.name).bestIteration;
  }

  /**
   * Losses after each round: on the evaluation set when fit had one, on the training
   * rows when fit had an onIteration callback (they cost a pass over the rows).
   */
  get evalHistory(): { metric: string; train: number[]; valid: number[] } {
    const b = assertFitted(this.boost, this.name);
    return { metric: this.lossFor(b.nOut).metric, train: [...b.trainLoss], valid: [...b.validLoss] };
  }

  protected abstract lossFor(nOut: number): BoostingLoss;

  protected startRun(
    X: FeatureInput,
    y: Float64Array,
    options: FitOptions,
    loss: BoostingLoss,
    evalY: (y: LabelInput) => Float64Array,
    reweight: (w: Float64Array) => Float64Array = (w) => w,
  ): { run: BoostingRun; edges: BinEdges; backend: BackendName } {
    const m = toFeatureMatrix(X);
    checkTrainingShape(m, y.length);
    const w = reweight(sampleWeights(options.sampleWeight, m.nRows));
    if (this.config.earlyStoppingRounds !== null && !options.evalSet) {
      throw new ValidationError(`${this.name}: earlyStoppingRounds needs fit's evalSet option`, {
        path: 'earlyStoppingRounds',
      });
    }
    const binned = this.binTraining(m);
    let evalData = null;
    if (options.evalSet) {
      const Xe = toFeatureMatrix(options.evalSet.X, m.nCols, 'evalSet.X');
      const ye = evalY(options.evalSet.y);
      checkTrainingShape(Xe, ye.length, 'evalSet.y');
      const bins = applyBins(Xe, binned.edges, { backend: this.binningBackend(), nThreads: this.threads() });
      evalData = { bins, nRows: Xe.nRows, y: ye, w: new Float64Array(Xe.nRows).fill(1) };
    }
    const { features: _f, ...base } = this.growData(binned);
    const run = new BoostingRun(
      this.config,
      loss,
      base,
      y,
      w,
      this.compute.seed,
      evalData,
      options.onIteration,
      this.backend(),
    );
    return { run, edges: binned.edges, backend: this.backend() };
  }

  protected runSync(job: { run: BoostingRun; edges: BinEdges; backend: BackendName }): void {
    const { run, backend } = job;
    for (let it = 0; it < this.config.nEstimators; it++) {
      const sample = run.roundSample();
      for (let k = 0; k < run.loss.nOut; k++) {
        const { data, params, leaves } = run.treeInput(k, sample);
        run.accept(growTree(backend, data, params, this.threads(), leaves));
      }
      if (!run.endRound(it)) break;
    }
    this.finishRun(job);
  }

  protected async runAsync(job: { run: BoostingRun; edges: BinEdges; backend: BackendName }): Promise<void> {
    const { run, backend } = job;
    for (let it = 0; it < this.config.nEstimators; it++) {
      const sample = run.roundSample();
      for (let k = 0; k < run.loss.nOut; k++) {
        const { data, params, leaves } = run.treeInput(k, sample);
        run.accept(await growTreeAsync(backend, data, params, this.threads(), leaves));
      }
      if (!run.endRound(it)) break;
      // the js backend computes on this thread: let other work in between rounds
      if (backend === 'js') await nextTurn();
    }
    this.finishRun(job);
  }

  private finishRun(job: { run: BoostingRun; edges: BinEdges }): void {
    const { run, edges } = job;
    const trees = run.keptTrees();
    this.state = {
      nFeatures: edges.nCols,
      edges,
      trees,
      importances: treeImportances(trees, edges.nCols, false),
    };
    this.boost = {
      init: run.init,
      nOut: run.loss.nOut,
      bestIteration: run.bestIteration,
      trainLoss: run.trainLoss,
      validLoss: run.validLoss,
    };
  }

  /** Empty model for a single class: no trees, the one class always. */
  protected fitConstant(X: FeatureInput, n: number, options: FitOptions): void {
    const m = toFeatureMatrix(X);
    checkTrainingShape(m, n);
    sampleWeights(options.sampleWeight, m.nRows);
    const binned = this.binTraining(m);
    this.state = {
      nFeatures: m.nCols,
      edges: binned.edges,
      trees: [],
      importances: new Float64Array(m.nCols),
    };
    this.boost = { init: new Float64Array(1), nOut: 1, bestIteration: -1, trainLoss: [], validLoss: [] };
  }

  /** Raw scores (nRows x nOut, row-major). */
  protected scores(X: FeatureInput): Float64Array {
    const b = assertFitted(this.boost, this.name);
    const state = assertFitted(this.state, this.name);
    const k = b.nOut;
    if (k === 1)
      return this.rawPredict(
        X,
        1,
        b.init,
        new Float64Array(state.trees.length).fill(this.config.learningRate),
      );
    const { bins, nRows } = this.binsFor(X);
    const out = new Float64Array(nRows * k);
    const column = new Float64Array(nRows);
    for (let j = 0; j < k; j++) {
      const trees = state.trees.filter((_, t) => t % k === j);
      column.fill(b.init[j]!);
      predictTrees(
        this.backend(),
        bins,
        nRows,
        state.nFeatures,
        trees,
        new Float64Array(trees.length).fill(this.config.learningRate),
        column,
        this.threads(),
      );
      for (let r = 0; r < nRows; r++) out[r * k + j] = column[r]!;
    }
    return out;
  }

  protected serializeBoost(extra: Record<string, unknown>): SerializedEstimator {
    const b = assertFitted(this.boost, this.name);
    return this.serialize({
      ...extra,
      init: Array.from(b.init),
      nOut: b.nOut,
      bestIteration: b.bestIteration,
      trainLoss: b.trainLoss,
      validLoss: b.validLoss,
    });
  }

  protected restoreBoost(json: SerializedEstimator): Record<string, unknown> {
    const s = this.restore(json);
    const nOut = s.nOut;
    if (typeof nOut !== 'number' || !Number.isInteger(nOut) || nOut < 1 || this.trees.length % nOut !== 0) {
      throw new ValidationError('state.nOut must divide the number of trees', { path: 'state.nOut' });
    }
    const init = Float64Array.from(s.init as number[]);
    if (init.length !== nOut)
      throw new ValidationError('state.init must hold nOut scores', { path: 'state.init' });
    this.boost = {
      init,
      nOut,
      bestIteration: s.bestIteration as number,
      trainLoss: (s.trainLoss as number[]) ?? [],
      validLoss: (s.validLoss as number[]) ?? [],
    };
    return s;
  }
}

/**
 * Gradient boosting for classification: binary log loss (one tree per round) or softmax
 * (one tree per class per round).
 *
 * @example
 * const gb = new GradientBoostingClassifier({ nEstimators: 200, learningRate: 0.05, earlyStoppingRounds: 20 });
 * gb.fit(X, y, { evalSet: { X: Xval, y: yval }, onIteration: (i) => report(i.validLoss) });
 * gb.predictProba(Xtest);
 */
export class GradientBoostingClassifier extends GradientBoostingModel implements Classifier {
  readonly estimatorType = 'classifier' as const;
  private fittedClasses: Label[] | undefined;

  constructor(params: GradientBoostingClassifierParams = {}) {
    super('GradientBoostingClassifier', true, params);
  }

  get classes(): Label[] {
    return [...assertFitted(this.fittedClasses, this.name)];
  }

  protected lossFor(nOut: number): BoostingLoss {
    return nOut === 1 ? binaryLogLoss : softmaxLoss(nOut);
  }

  private job(X: FeatureInput, y: LabelInput, options: FitOptions) {
    const { classes, codes } = encodeClasses(y);
    this.fittedClasses = classes;
    if (classes.length < 2) return null;
    const loss = this.lossFor(classes.length === 2 ? 1 : classes.length);
    return this.startRun(
      X,
      Float64Array.from(codes),
      options,
      loss,
      (ye) => Float64Array.from(encodeWith(classes, ye, 'evalSet.y')),
      (w) => applyClassWeight(w, codes, classes, this.config.classWeight),
    );
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      const job = this.job(X, y, options);
      if (job) this.runSync(job);
      else this.fitConstant(X, y.length, options);
      return this;
    });
  }

  async fitAsync(X: FeatureInput, y: LabelInput, options: FitOptions = {}): Promise<this> {
    return observeFitAsync(this, X, y, options, async () => {
      const job = this.job(X, y, options);
      if (job) await this.runAsync(job);
      else this.fitConstant(X, y.length, options);
      return this;
    });
  }

  private proba(X: FeatureInput): Float64Array {
    const classes = this.classes;
    const k = classes.length;
    if (k === 1) return new Float64Array(toFeatureMatrix(X, this.nFeatures).nRows).fill(1);
    const s = this.scores(X);
    if (k === 2) {
      const p = new Float64Array(s.length * 2);
      for (let r = 0; r < s.length; r++) {
        const p1 = 1 / (1 + Math.exp(-s[r]!));
        p[2 * r] = 1 - p1;
        p[2 * r + 1] = p1;
      }
      return p;
    }
    const p = new Float64Array(s.length);
    const row = new Float64Array(k);
    for (let r = 0; r < s.length / k; r++) {
      softmaxRow(s, r * k, k, row);
      p.set(row, r * k);
    }
    return p;
  }

  predictProba(X: FeatureInput): number[][] {
    return probaRows(this.proba(X), this.classes.length);
  }

  predict(X: FeatureInput): Label[] {
    return argmaxLabels(this.proba(X), this.classes);
  }

  toJSON(): SerializedEstimator {
    return this.serializeBoost({ classes: this.classes });
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): GradientBoostingClassifier {
    const model = new GradientBoostingClassifier(json.params as GradientBoostingClassifierParams);
    const s = model.restoreBoost(json);
    if (!Array.isArray(s.classes) || s.classes.length < 1) {
      throw new ValidationError('state.classes must be a non-empty array', { path: 'state.classes' });
    }
    model.fittedClasses = s.classes as Label[];
    return model;
  }
}

/**
 * Gradient boosting for regression: squared error, absolute error (median leaves) or Huber.
 *
 * @example
 * const gb = new GradientBoostingRegressor({ loss: 'huber', huberDelta: 2 }).fit(X, y);
 * gb.predict(Xtest); // Float64Array
 */
export class GradientBoostingRegressor extends GradientBoostingModel implements Regressor {
  readonly estimatorType = 'regressor' as const;

  constructor(params: GradientBoostingRegressorParams = {}) {
    super('GradientBoostingRegressor', false, params);
  }

  protected lossFor(): BoostingLoss {
    const c = this.config;
    return c.loss === 'absolute_error'
      ? absoluteError
      : c.loss === 'huber'
        ? huberLoss(c.huberDelta)
        : squaredError;
  }

  private job(X: FeatureInput, y: LabelInput, options: FitOptions) {
    return this.startRun(X, regressionTarget(y), options, this.lossFor(), (ye) =>
      regressionTarget(ye, 'evalSet.y'),
    );
  }

  fit(X: FeatureInput, y: LabelInput, options: FitOptions = {}): this {
    return observeFit(this, X, y, options, () => {
      this.runSync(this.job(X, y, options));
      return this;
    });
  }

  async fitAsync(X: FeatureInput, y: LabelInput, options: FitOptions = {}): Promise<this> {
    return observeFitAsync(this, X, y, options, async () => {
      await this.runAsync(this.job(X, y, options));
      return this;
    });
  }

  predict(X: FeatureInput): Float64Array {
    return this.scores(X);
  }

  toJSON(): SerializedEstimator {
    return this.serializeBoost({});
  }

  /** Rebuilds a fitted model from {@link toJSON}'s output. */
  static fromJSON(json: SerializedEstimator): GradientBoostingRegressor {
    const model = new GradientBoostingRegressor(json.params as GradientBoostingRegressorParams);
    model.restoreBoost(json);
    return model;
  }
}
