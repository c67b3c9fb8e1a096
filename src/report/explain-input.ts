import { explainPipeline } from '../automl/explain.ts';
import { holdoutPermutationImportance } from '../automl/holdout-importance.ts';
import { type PermutationImportance, permutationImportance } from '../automl/permutation-importance.ts';
import type { AutoMLPipeline } from '../automl/pipeline.ts';
import { isNumericColumn, type Table } from '../data/table.ts';
import { contributionRow, topContributions } from '../models/explain/types.ts';
import type { ContributionSample, InputImportanceSection } from './types.ts';

/** Options of {@link explanationInput}. */
export interface ExplanationInputOptions {
  /** Shuffles per column of the permutation importance (default 5). */
  readonly repeats?: number;
  /** Rows whose contributions are shown (default 10, the first labelled ones). */
  readonly sampleRows?: number;
  /** Contributions shown per row (default 5). */
  readonly top?: number;
  readonly seed?: number;
}

/** The report's two explanation sections (each absent with too few labelled rows). */
export interface ExplanationParts {
  readonly inputImportance?: InputImportanceSection;
  readonly contributionSample?: ContributionSample;
}

/** A cell for people: numbers as numbers, dates in ISO 8601, missing empty. */
function shown(table: Table, column: string, row: number): string {
  const col = table.get(column);
  const v = col.values[row];
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
  if (col.kind === 'datetime') return new Date(v as number).toISOString();
  return isNumericColumn(col) ? String(v) : (v as string);
}

/** The labelled rows of a table (indices). */
function labelledIndices(pipeline: AutoMLPipeline, table: Table): number[] {
  const target = table.get(pipeline.target).values as ArrayLike<number | string | null>;
  return Array.from(target, (v, i) =>
    v === null || (typeof v === 'number' && Number.isNaN(v)) ? -1 : i,
  ).filter((i) => i >= 0);
}

function importanceSection(imp: PermutationImportance): InputImportanceSection {
  return {
    method: imp.method,
    metric: imp.metric,
    baseline: imp.baseline,
    confidence: imp.confidence,
    columns: imp.importances.map((c) => ({ column: c.column, mean: c.mean, low: c.low, high: c.high })),
  };
}

/** The top contributions of `rows` of `table`, Shapley sampling (when needed) against `background`. */
function contributionSample(
  pipeline: AutoMLPipeline,
  table: Table,
  rows: number[],
  background: Table,
  options: ExplanationInputOptions,
): ContributionSample {
  const sample = table.take(rows);
  const e = explainPipeline(pipeline, sample, { background, seed: options.seed ?? 0 });
  const raw = pipeline.predictRaw(sample);
  const labels = pipeline.labelsOf(raw);
  const k = pipeline.classes.length;
  return {
    method: e.contributions.method,
    output:
      pipeline.task === 'classification'
        ? `${e.contributions.output} of the predicted class`
        : e.contributions.output,
    rows: rows.map((row, r) => {
      let out = 0;
      if (pipeline.task === 'classification')
        for (let j = 1; j < k; j++) if (raw[r * k + j]! > raw[r * k + out]!) out = j;
      return {
        row: row + 1,
        prediction: labels[r]!,
        expectedValue: e.contributions.expectedValue[out]!,
        contributions: topContributions(contributionRow(e.contributions, r, out), options.top ?? 5).map(
          (c) => ({
            column: e.columns[c.index]!,
            value: shown(sample, e.columns[c.index]!, r),
            contribution: c.contribution,
          }),
        ),
      };
    }),
  };
}

/**
 * What a report shows of a pipeline's explanations on held-out labelled rows (a test
 * set): the permutation importance of its input columns with intervals, by its primary
 * metric, and the top contributions of the first rows (to the predicted class's
 * probability or margin, or the value), TreeSHAP for tree pipelines, else Shapley sampling
 * with the held-out rows as background.
 *
 * @example
 * const { inputImportance, contributionSample } = explanationInput(pipeline, testTable);
 */
export function explanationInput(
  pipeline: AutoMLPipeline,
  heldOut: Table,
  options: ExplanationInputOptions = {},
): ExplanationParts {
  return explanationParts(pipeline, heldOut, 2, options, (o) => permutationImportance(pipeline, heldOut, o));
}

/**
 * As {@link explanationInput} when only the training rows are at hand: the permutation
 * importance on a held-out 20% fold with the pipeline refitted on the rest (see
 * holdoutPermutationImportance), and the contributions of the first training rows with
 * the training rows as background. Needs at least 10 labelled rows (else nothing).
 *
 * @example
 * const parts = trainingExplanationInput(result.pipeline, trainTable);
 */
export function trainingExplanationInput(
  pipeline: AutoMLPipeline,
  training: Table,
  options: ExplanationInputOptions = {},
): ExplanationParts {
  return explanationParts(pipeline, training, 10, options, (o) =>
    holdoutPermutationImportance(pipeline, training, o),
  );
}

/**
 * Both sections from `rows` (at least `minimum` labelled ones, else none): the importance
 * `importance` measures, and the contributions of the first labelled rows with `rows` as
 * the background.
 */
function explanationParts(
  pipeline: AutoMLPipeline,
  rows: Table,
  minimum: number,
  options: ExplanationInputOptions,
  importance: (o: { repeats: number; seed: number }) => PermutationImportance,
): ExplanationParts {
  const labelled = labelledIndices(pipeline, rows);
  if (labelled.length < minimum) return {};
  const imp = importance({ repeats: options.repeats ?? 5, seed: options.seed ?? 0 });
  return {
    inputImportance: importanceSection(imp),
    contributionSample: contributionSample(
      pipeline,
      rows,
      labelled.slice(0, options.sampleRows ?? 10),
      rows,
      options,
    ),
  };
}
