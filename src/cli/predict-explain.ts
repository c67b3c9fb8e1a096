import { explanationColumns } from '../automl/explain-columns.ts';
import type { AutoMLPipeline } from '../automl/pipeline.ts';
import type { ExtraColumns } from '../automl/score-table.ts';
import { ValidationError } from '../core/errors.ts';
import { readCsv, readCsvHeader } from '../data/read-csv.ts';
import { log } from './output.ts';

/** The explanation flags of `mlsweep predict`. */
export interface PredictExplainFlags {
  explain?: boolean;
  explainTop?: number;
  explainBackground?: string;
  delimiter?: string;
}

/** What the JSON summary of `predict --explain` says about the explanations. */
export interface ExplainSummary {
  method?: string;
  output?: string;
  top: number;
}

/**
 * Checks the explanation flags (usage errors before any work): `--explain-top` and
 * `--explain-background` need `--explain`.
 *
 * @example
 * checkExplainFlags({ explainTop: 3 }); // ValidationError: --explain-top needs --explain
 */
export function checkExplainFlags(o: PredictExplainFlags): void {
  if (o.explain) return;
  for (const [flag, value] of [
    ['--explain-top', o.explainTop],
    ['--explain-background', o.explainBackground],
  ] as const) {
    if (value !== undefined) throw new ValidationError(`${flag} needs --explain`, { path: flag });
  }
}

/**
 * The explanation columns of `predict --explain`, with the background read from
 * `--explain-background` (with the pipeline's column kinds) when given, and a summary the
 * first batch fills in (method, output explained) for the JSON document and stderr.
 *
 * @example
 * const { columns, summary } = await explainColumnsFor(pipeline, { explain: true, explainTop: 3 });
 */
export async function explainColumnsFor(
  pipeline: AutoMLPipeline,
  o: PredictExplainFlags,
): Promise<{ columns: ExtraColumns; summary: ExplainSummary }> {
  const csv = o.delimiter ? { delimiter: o.delimiter } : {};
  let background: Awaited<ReturnType<typeof readCsv>> | undefined;
  if (o.explainBackground !== undefined) {
    const { names } = await readCsvHeader(o.explainBackground, csv);
    const types = Object.fromEntries(
      Object.entries(pipeline.inputTypes()).filter(([n]) => names.includes(n)),
    );
    background = await readCsv(o.explainBackground, { ...csv, types });
  }
  const summary: ExplainSummary = { top: o.explainTop ?? 3 };
  const columns = explanationColumns(pipeline, {
    top: summary.top,
    ...(background ? { background } : {}),
    onFirst: (e) => {
      summary.method = e.contributions.method;
      summary.output = e.contributions.output;
      log(
        `explanations: ${e.contributions.method}; contributions to the ${e.contributions.output}${pipeline.task === 'classification' ? ' of the predicted class' : ''}`,
      );
    },
  });
  return { columns, summary };
}
