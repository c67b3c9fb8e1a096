import type { ColumnMatrix } from '../compute/matrix.ts';
import { mulberry32, UINT32_RANGE } from '../compute/rng.ts';
import { DataError, NotFittedError, ShapeError, ValidationError } from '../core/errors.ts';
import { checkInteger } from '../core/limits.ts';
import { asStrings, encodeColumn, type TargetOverride } from './featurize/encode.ts';
import {
  type FeaturizerOptions,
  fitColumnPlan,
  type ResolvedFeaturizerOptions,
  resolveOptions,
  targetRows,
} from './featurize/fit.ts';
import {
  type ColumnPlan,
  type FeaturizerTarget,
  type InputColumn,
  planFeatureNames,
  planFeatures,
  type TargetPlan,
} from './featurize/plan.ts';
import { smoothedMeans } from './featurize/stats.ts';
import { applyStandardScaling, fitStandardScaling, type StandardScaling } from './scale.ts';
import type { Table } from './table.ts';

export type { ColumnPlan, FeaturizerOptions, FeaturizerTarget, InputColumn };

/** The JSON form of a fitted Featurizer. */
export interface SerializedFeaturizer {
  readonly type: 'Featurizer';
  readonly version: 1;
  readonly options: ResolvedFeaturizerOptions;
  readonly inputs: readonly InputColumn[];
  readonly plans: readonly ColumnPlan[];
  readonly scaling: StandardScaling | undefined;
}

interface FittedState {
  inputs: InputColumn[];
  plans: ColumnPlan[];
  featureNames: string[];
  scaling: StandardScaling | undefined;
}

/**
 * Turns a Table into the numeric ColumnMatrix estimators learn from, with every
 * statistic learned from the training table only: median (numbers, dates) or
 * most-frequent (categories) imputation plus `__missing` indicators, one-hot encoding
 * of low-cardinality categories, frequency or cross-fitted target encoding of the others,
 * calendar parts of dates, optional standard scaling; ID-like text and constant columns
 * are dropped. Unseen categories at transform time encode as all-zero one-hot, zero
 * frequency or the target prior. Columns are matched by name, so their order may differ.
 *
 * @example
 * const f = new Featurizer({ scale: true });
 * const Xtrain = f.fitTransform(train, { task: 'regression', values: yTrain });
 * const Xtest = f.transform(test); // same features, statistics of train only
 * f.featureNames; // ['age', 'age__missing', 'city=Paris', ...]
 */
export class Featurizer {
  readonly options: ResolvedFeaturizerOptions;
  private state: FittedState | undefined;

  constructor(options: FeaturizerOptions = {}) {
    this.options = resolveOptions(options);
    const { maxOneHotLevels, targetEncodingFolds, smoothing } = this.options;
    if (!Number.isInteger(maxOneHotLevels) || maxOneHotLevels < 0) {
      throw new ValidationError(`maxOneHotLevels must be a non-negative integer, got ${maxOneHotLevels}`, {
        path: 'maxOneHotLevels',
      });
    }
    checkInteger(targetEncodingFolds, 'targetEncodingFolds', 2);
    if (!(smoothing >= 0)) {
      throw new ValidationError(`smoothing must be >= 0, got ${smoothing}`, { path: 'smoothing' });
    }
  }

  /** Whether fit has run. */
  get fitted(): boolean {
    return this.state !== undefined;
  }

  /** Output feature names, in matrix column order. */
  get featureNames(): string[] {
    return [...this.fitted_().featureNames];
  }

  /**
   * Per output column, whether it is a 0/1 indicator (a one-hot level or a missing flag):
   * standard scaling leaves those as they are (see fitStandardScaling).
   */
  get indicatorColumns(): boolean[] {
    return this.fitted_().plans.flatMap((p) => planFeatures(p).map((f) => f.indicator));
  }

  /**
   * Standard scaling fitted on rows of this featurizer's output (its training matrix, or
   * a fold's): every column centred and scaled but the indicators, which stay 0/1 (see
   * fitStandardScaling). The one way the AutoML steps scale, so none can forget the flags.
   *
   * @example
   * const X = featurizer.fitTransform(table);
   * const Xs = applyStandardScaling(X, featurizer.fitScaling(X));
   */
  fitScaling(X: ColumnMatrix): StandardScaling {
    return fitStandardScaling(X, this.indicatorColumns);
  }

  /** The input columns expected at transform time, with the kinds they had in training. */
  get inputs(): InputColumn[] {
    return [...this.fitted_().inputs];
  }

  /** The learned per-column plans. */
  get plans(): readonly ColumnPlan[] {
    return this.fitted_().plans;
  }

  /** Learns every statistic from `table` (the training rows) and `target` (for target encoding). */
  fit(table: Table, target?: FeaturizerTarget): this {
    this.fitTransform(table, target);
    return this;
  }

  /**
   * Fits on `table` and returns its matrix. Target-encoded columns of these training
   * rows are cross-fitted (each row encoded by statistics of the other folds), so a
   * model does not learn from its own targets leaking through the encoding.
   */
  fitTransform(table: Table, target?: FeaturizerTarget): ColumnMatrix {
    if (target) {
      const n = target.task === 'regression' ? target.values.length : target.codes.length;
      if (n !== table.nRows)
        throw new ShapeError(`the target has ${n} values, but the table has ${table.nRows} rows`);
    }
    const plans: ColumnPlan[] = [];
    for (const col of table.columns) {
      const plan = fitColumnPlan(col, target, this.options);
      if (plan) plans.push(plan);
    }
    const inputs = table.columns.map((c) => ({ name: c.name, kind: c.kind }));
    const featureNames = plans.flatMap(planFeatureNames);
    this.state = { inputs, plans, featureNames, scaling: undefined };
    const X = this.encode(table, target);
    if (!this.options.scale) return X;
    const scaling = this.fitScaling(X);
    this.state.scaling = scaling;
    return applyStandardScaling(X, scaling);
  }

  /**
   * The matrix of new rows with the training statistics. A column the training table had
   * and `table` lacks is a DataError naming it; extra columns are ignored.
   */
  transform(table: Table): ColumnMatrix {
    const state = this.fitted_();
    const X = this.encode(table, undefined);
    return state.scaling ? applyStandardScaling(X, state.scaling) : X;
  }

  private encode(table: Table, crossFitTarget: FeaturizerTarget | undefined): ColumnMatrix {
    const state = this.fitted_();
    const lacking = state.inputs.filter((c) => !table.has(c.name)).map((c) => c.name);
    if (lacking.length > 0) {
      throw new DataError(
        `the data lacks ${lacking.length === 1 ? 'the column' : 'the columns'} ${lacking.map((n) => `'${n}'`).join(', ')}, which the model was trained with`,
        'E_DATA_MISSING_COLUMN',
      );
    }
    const nRows = table.nRows;
    const nCols = state.featureNames.length;
    const data = new Float64Array(nRows * nCols);
    let offset = 0;
    for (const plan of state.plans) {
      const col = table.get(plan.column);
      const override =
        plan.type === 'target' && crossFitTarget ? this.crossFit(plan, col, crossFitTarget) : undefined;
      offset += encodeColumn(plan, col, data, offset, nRows, override);
    }
    return { data, nRows, nCols };
  }

  /** Out-of-fold target encodings of the training rows. */
  private crossFit(
    plan: TargetPlan,
    col: Table['columns'][number],
    target: FeaturizerTarget,
  ): TargetOverride {
    const cells = asStrings(col).map((v) => v ?? plan.fill);
    const n = cells.length;
    const k = Math.min(this.options.targetEncodingFolds, n);
    const next = mulberry32(this.options.seed);
    const fold = new Int32Array(n);
    for (let i = 0; i < n; i++) fold[i] = Math.floor((next() / UINT32_RANGE) * k);
    const rows = targetRows(target);
    const perFold = Array.from({ length: k }, (_, f) => {
      const train: number[] = [];
      for (let i = 0; i < n; i++) if (fold[i] !== f) train.push(i);
      return smoothedMeans(cells, rows, train, this.options.smoothing);
    });
    return (row, level) => {
      const f = perFold[fold[row]!]!;
      return f.encoding.get(level) ?? f.prior;
    };
  }

  private fitted_(): FittedState {
    if (!this.state) throw new NotFittedError('Featurizer');
    return this.state;
  }

  toJSON(): SerializedFeaturizer {
    const s = this.fitted_();
    return {
      type: 'Featurizer',
      version: 1,
      options: this.options,
      inputs: s.inputs,
      plans: s.plans,
      scaling: s.scaling,
    };
  }

  /**
   * Restores a fitted Featurizer from `toJSON()` output.
   *
   * @example
   * const g = Featurizer.fromJSON(JSON.parse(JSON.stringify(f)));
   */
  static fromJSON(json: SerializedFeaturizer): Featurizer {
    if (json?.type !== 'Featurizer' || json.version !== 1) {
      throw new ValidationError(
        `not a serialized Featurizer (type ${JSON.stringify(json?.type)}, version ${JSON.stringify(json?.version)})`,
        { path: 'featurizer' },
      );
    }
    const f = new Featurizer(json.options);
    f.state = {
      inputs: [...json.inputs],
      plans: [...json.plans],
      featureNames: json.plans.flatMap(planFeatureNames),
      scaling: json.scaling ?? undefined,
    };
    return f;
  }
}
