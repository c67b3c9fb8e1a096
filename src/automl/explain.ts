import { sampleIndices } from '../compute/rng.ts';
import { ValidationError } from '../core/errors.ts';
import { planFeatureNames } from '../data/featurize/plan.ts';
import { applyStandardScaling } from '../data/scale.ts';
import { type Column, isNumericColumn, Table } from '../data/table.ts';
import { GradientBoostingClassifier } from '../models/boosting/gradient-boosting.ts';
import { type SamplingOptions, samplingShapley } from '../models/explain/sampling.ts';
import { isTreeEstimator, treeShap } from '../models/explain/tree-explainer.ts';
import type { Contributions, ExplainedOutput } from '../models/explain/types.ts';
import type { Classifier } from '../models/types.ts';
import type { AutoMLPipeline } from './pipeline.ts';

/** Per-row contributions of a pipeline's input columns (before featurization) to its outputs. */
export interface PipelineExplanation {
  /** The input columns, in the pipeline's input order: `contributions` has one value per column. */
  readonly columns: readonly string[];
  /** The outputs: the classes (classification, one output per class) or the target. */
  readonly outputs: readonly string[];
  readonly contributions: Contributions;
}

/** Options of {@link explainPipeline}. */
export interface PipelineExplainOptions extends SamplingOptions {
  /**
   * Reference rows with the input columns (the training rows or a sample of them), for
   * the model-agnostic method; pipelines of tree models do not need them.
   */
  readonly background?: Table;
  /** Background rows used at most, drawn by `seed` (default 20). */
  readonly backgroundSize?: number;
  /** `auto` (default): TreeSHAP where it is exact for the pipeline's output, sampling otherwise. */
  readonly method?: 'auto' | 'tree' | 'sampling';
}

/** The input column of every output feature of the featurizer (index into `inputs`). */
function featureColumns(pipeline: AutoMLPipeline): Int32Array {
  const index = new Map(pipeline.featurizer.inputs.map((c, i) => [c.name, i]));
  return Int32Array.from(
    pipeline.featurizer.plans.flatMap((p) => planFeatureNames(p).map(() => index.get(p.column)!)),
  );
}

/**
 * The method {@link explainPipeline} uses by default for a pipeline: `tree` (exact
 * TreeSHAP, no background needed) when there is no stacker, no temperature, only tree members, and
 * outputs additive over the blend (regression values; forest or tree probabilities) or
 * one gradient boosting classifier alone (explained in its margin); `sampling` otherwise.
 *
 * @example
 * pipelineExplainMethod(pipeline); // 'tree'
 */
export function pipelineExplainMethod(pipeline: AutoMLPipeline): 'tree' | 'sampling' {
  return treeExplainable(pipeline) ? 'tree' : 'sampling';
}

function treeExplainable(pipeline: AutoMLPipeline): boolean {
  // a temperature is not additive over the members' trees: their blend is, the tempered one not
  if (pipeline.stacker || pipeline.temperature !== 1) return false;
  const { members } = pipeline;
  if (!members.every((m) => isTreeEstimator(m.estimator))) return false;
  if (pipeline.task === 'regression') return true;
  const k = pipeline.classes.length;
  if (!members.every((m) => (m.estimator as Classifier).classes.length === k)) return false;
  const margins = members.filter((m) => m.estimator instanceof GradientBoostingClassifier);
  return margins.length === 0 || members.length === 1;
}

/** TreeSHAP of every member on its features, blended by weight, summed per input column. */
function treeExplanation(pipeline: AutoMLPipeline, table: Table): Contributions {
  const columns = featureColumns(pipeline);
  const nCols = pipeline.featurizer.inputs.length;
  const plain = pipeline.featurizer.transform(table);
  const scaled = pipeline.scaling ? applyStandardScaling(plain, pipeline.scaling) : undefined;
  const nOut = pipeline.task === 'classification' ? pipeline.classes.length : 1;
  const values = new Float64Array(table.nRows * nOut * nCols);
  const expectedValue = new Float64Array(nOut);
  let output: ExplainedOutput = pipeline.task === 'classification' ? 'probability' : 'value';
  const methods = new Set<string>();
  for (const member of pipeline.members) {
    const shap = treeShap(member.estimator, member.scaled ? scaled! : plain);
    methods.add(shap.method.replace(/ over \d+ trees/, ''));
    // a binary margin is the log-odds of the second class; the first class's is its negative
    const binaryMargin = shap.output === 'margin' && shap.nOut === 1 && nOut === 2;
    if (shap.output === 'margin') output = 'margin';
    for (let k = 0; k < nOut; k++) {
      const from = binaryMargin ? 0 : k;
      const sign = binaryMargin && k === 0 ? -1 : 1;
      expectedValue[k]! += member.weight * sign * shap.expectedValue[from]!;
      for (let r = 0; r < table.nRows; r++) {
        const src = (r * shap.nOut + from) * shap.nFeatures;
        const dst = (r * nOut + k) * nCols;
        for (let f = 0; f < shap.nFeatures; f++)
          values[dst + columns[f]!]! += member.weight * sign * shap.values[src + f]!;
      }
    }
  }
  return {
    nRows: table.nRows,
    nFeatures: nCols,
    nOut,
    values,
    expectedValue,
    output,
    method: `${[...methods].join('; ')}, features summed per input column`,
  };
}

/** A table of `count` hybrid rows: column c from row `row` of `table` where the mask says, else from the background. */
function hybridTable(
  table: Table,
  background: Table,
  row: number,
  bg: Int32Array,
  masks: Uint8Array,
  count: number,
): Table {
  const m = table.columns.length;
  const columns: Column[] = table.columns.map((col, c) => {
    const other = background.columns[c]!;
    if (isNumericColumn(col)) {
      const values = new Float64Array(count);
      const x = col.values[row]!;
      const b = other.values as Float64Array;
      for (let i = 0; i < count; i++) values[i] = masks[i * m + c] ? x : b[bg[i]!]!;
      return { name: col.name, kind: col.kind, values };
    }
    const values = new Array<string | null>(count);
    const x = col.values[row]!;
    const b = other.values as ReadonlyArray<string | null>;
    for (let i = 0; i < count; i++) values[i] = masks[i * m + c] ? x : b[bg[i]!]!;
    return { name: col.name, kind: col.kind, values };
  });
  return new Table(columns);
}

/** Permutation-sampling Shapley values of the whole pipeline (featurizer included) over its input columns. */
function samplingExplanation(
  pipeline: AutoMLPipeline,
  table: Table,
  background: Table,
  options: PipelineExplainOptions,
): Contributions {
  const names = pipeline.featurizer.inputs.map((c) => c.name);
  const rows = table.select(names);
  let bg = background.select(names);
  const size = options.backgroundSize ?? 20;
  if (bg.nRows > size)
    bg = bg.take(Array.from(sampleIndices(bg.nRows, size, options.seed ?? 0)).sort((a, b) => a - b));
  const nOut = pipeline.task === 'classification' ? pipeline.classes.length : 1;
  const { values, expectedValue } = samplingShapley(
    {
      nRows: rows.nRows,
      nPlayers: names.length,
      nOut,
      nBackground: bg.nRows,
      evaluate: (row, bgRows, masks, count) =>
        pipeline.predictRaw(hybridTable(rows, bg, row, bgRows, masks, count)),
    },
    options,
  );
  const perBackground = Math.max(2, 2 * Math.ceil((options.permutationsPerBackground ?? 4) / 2));
  return {
    nRows: rows.nRows,
    nFeatures: names.length,
    nOut,
    values,
    expectedValue,
    output: pipeline.task === 'classification' ? 'probability' : 'value',
    method: `permutation-sampling Shapley values of the whole pipeline over its input columns (${perBackground} antithetic permutations x ${bg.nRows} background rows, seed ${options.seed ?? 0})`,
  };
}

/**
 * Per-row contributions of a fitted AutoML pipeline's input columns (the columns of the
 * data, before featurization) to its outputs, by the best method available:
 * - a pipeline of tree models (a forest, tree or boosting regressor; forest and tree
 *   classifiers, blended or not; a single boosting classifier): exact TreeSHAP of each
 *   member, blended by weight, the contributions of the features made from one column
 *   summed into that column. Outputs: values, class probabilities, or for a boosting
 *   classifier its margins (binary: the log-odds of each class, the first the negative of
 *   the second).
 * - any other pipeline (linear, k-NN, naive Bayes members, stacking, mixed blends):
 *   permutation-sampling Shapley values of the whole pipeline, a column left out taking
 *   the values of a background row, needing `background`.
 * In both, each row's contributions plus `expectedValue` equal the explained output
 * (`predictRaw`, or the margin) to floating-point rounding.
 *
 * @example
 * const e = explainPipeline(pipeline, table, { background: trainTable, seed: 0 });
 * e.columns[topContributions(contributionRow(e.contributions, 0, 1), 1)[0].index]; // the column that moved row 0 most
 */
export function explainPipeline(
  pipeline: AutoMLPipeline,
  table: Table,
  options: PipelineExplainOptions = {},
): PipelineExplanation {
  const method = options.method ?? 'auto';
  const tree = treeExplainable(pipeline);
  if (method === 'tree' && !tree) {
    throw new ValidationError(
      'TreeSHAP explains pipelines of tree models only (no stacking, no temperature; one boosting classifier at most, alone); use method auto or sampling',
      { path: 'method' },
    );
  }
  const columns = pipeline.featurizer.inputs.map((c) => c.name);
  const outputs = pipeline.task === 'classification' ? [...pipeline.classes] : [pipeline.target];
  if (tree && method !== 'sampling') {
    for (const name of columns) table.get(name); // a lacking column: a DataError naming it
    return { columns, outputs, contributions: treeExplanation(pipeline, table) };
  }
  if (!options.background) {
    throw new ValidationError(
      `explaining this pipeline (${pipeline.members.map((m) => m.name).join(', ')}${pipeline.stacker ? ', stacked' : ''}) needs background rows: the training data or a sample of it`,
      { path: 'background' },
    );
  }
  return {
    columns,
    outputs,
    contributions: samplingExplanation(pipeline, table, options.background, options),
  };
}
