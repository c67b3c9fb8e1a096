import { ValidationError } from '../core/errors.ts';
import { isNumericColumn, type Table } from '../data/table.ts';
import { contributionRow, topContributions } from '../models/explain/types.ts';
import { explainPipeline, type PipelineExplanation, pipelineExplainMethod } from './explain.ts';
import type { AutoMLPipeline } from './pipeline.ts';
import type { ExtraColumns } from './score-table.ts';

/** Options of {@link explanationColumns}. */
export interface ExplanationColumnsOptions {
  /** Contributions written per row, largest magnitude first (default 3). */
  readonly top?: number;
  /**
   * Reference rows for pipelines that are not all trees (the training data or a sample);
   * absent: the first batch of the scored rows serves (a sample of `backgroundSize`).
   */
  readonly background?: Table;
  readonly backgroundSize?: number;
  readonly seed?: number;
  /** Called once, with the first batch's explanation, e.g. to say which method was used. */
  readonly onFirst?: (explanation: PipelineExplanation) => void;
}

/**
 * The header of the explanation columns for the top `k` contributions:
 * `explain_expected_value`, then `explain_<i>_column`, `explain_<i>_value`,
 * `explain_<i>_contribution` for i = 1..k.
 *
 * @example
 * explanationHeader(1); // ['explain_expected_value', 'explain_1_column', 'explain_1_value', 'explain_1_contribution']
 */
export function explanationHeader(k: number): string[] {
  const header = ['explain_expected_value'];
  for (let i = 1; i <= k; i++)
    header.push(`explain_${i}_column`, `explain_${i}_value`, `explain_${i}_contribution`);
  return header;
}

/** A cell of an input column as written beside its contribution: numbers as read, dates in ISO 8601, missing empty. */
function cellOf(table: Table, name: string, row: number): string | number {
  const col = table.get(name);
  const v = col.values[row];
  if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) return '';
  if (col.kind === 'datetime') return new Date(v as number).toISOString();
  return isNumericColumn(col) ? (v as number) : (v as string);
}

/**
 * The explanation columns `mlsweep predict --explain` appends to each row: for the row's
 * explained output (regression: the value; classification: the predicted class, its
 * probability or, for a boosting classifier, its margin), the expected value, then the
 * `top` input columns with the largest contributions by magnitude: the column's name, its
 * value in the row, and its contribution (fewer when fewer columns contribute: the rest
 * of the cells stay empty). The expected value plus all contributions of a row (not only
 * the top ones) is the explained output. Tree pipelines use exact TreeSHAP; others
 * permutation sampling against `background` (see explainPipeline).
 *
 * @example
 * await predictCsv(pipeline, 'new.csv', 'out.csv', { extraColumns: explanationColumns(pipeline, { top: 3 }) });
 */
export function explanationColumns(
  pipeline: AutoMLPipeline,
  options: ExplanationColumnsOptions = {},
): ExtraColumns {
  const top = options.top ?? 3;
  if (!Number.isInteger(top) || top < 1) {
    throw new ValidationError(`the number of contributions per row must be an integer >= 1, got ${top}`, {
      path: 'top',
    });
  }
  let background = options.background;
  let first = true;
  return {
    header: explanationHeader(top),
    cells(table, raw) {
      if (background === undefined && pipelineExplainMethod(pipeline) === 'sampling') background = table;
      const e = explainPipeline(pipeline, table, {
        ...(background ? { background } : {}),
        ...(options.backgroundSize !== undefined ? { backgroundSize: options.backgroundSize } : {}),
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
      });
      if (first) {
        first = false;
        options.onFirst?.(e);
      }
      const c = e.contributions;
      const k = pipeline.classes.length;
      return Array.from({ length: table.nRows }, (_, r) => {
        let out = 0;
        if (pipeline.task === 'classification')
          for (let j = 1; j < k; j++) if (raw[r * k + j]! > raw[r * k + out]!) out = j;
        const cells: Array<string | number> = [c.expectedValue[out]!];
        const best = topContributions(contributionRow(c, r, out), top);
        for (let i = 0; i < top; i++) {
          const t = best[i];
          if (t === undefined) cells.push('', '', '');
          else cells.push(e.columns[t.index]!, cellOf(table, e.columns[t.index]!, r), t.contribution);
        }
        return cells;
      });
    },
  };
}
