import type { AutoMLPipeline } from '../automl/pipeline.ts';
import type { AutoMLResult } from '../automl/types.ts';
import { DataError, MlsweepError, ValidationError } from '../core/errors.ts';
import type { Table } from '../data/table.ts';
import { isNumericColumn } from '../data/table.ts';
import { summarizeTrials } from '../sweep/summary.ts';
import { explanationInput, trainingExplanationInput } from './explain-input.ts';
import { classificationQuality } from './quality.ts';
import type { AutomlReportSection, ReportInput } from './types.ts';

/**
 * What a report needs of an AutoML result: everything but the fitted pipeline, which only
 * the quality pictures on evaluation rows use (a result read back from `--json` has none).
 */
export type AutoMLReportSource = Omit<AutoMLResult, 'pipeline' | 'partial' | 'notices'> & {
  readonly pipeline?: AutoMLPipeline;
  readonly partial?: boolean;
};

/** More inputs of an AutoML report. */
export interface AutoMLReportOptions {
  /**
   * The training rows: without evaluation rows, the input columns' permutation importance
   * is then measured on a held-out fold of them (the pipeline refitted on the rest, one
   * more fit) and contributions are shown for their first rows.
   */
  readonly training?: Table;
}

/**
 * What a report shows of an AutoML run: its trials as a sweep, the leaderboard, the best
 * model's feature importances, and, given evaluation rows with their target (a test
 * set), the best pipeline's quality pictures on them, the permutation importance of its
 * input columns with intervals, and the contributions of a sample of rows (without
 * evaluation rows, on a held-out fold of `options.training` when given).
 *
 * @example
 * const result = await automl({ task: 'classification', trainPath: 'train.csv', target: 'y' });
 * writeFileSync('report.html', renderReport(automlReportInput(result, await readCsv('test.csv'))));
 */
export function automlReportInput(
  result: AutoMLReportSource,
  evaluation?: Table,
  title?: string,
  options: AutoMLReportOptions = {},
): ReportInput {
  const objective = { goal: result.goal, primaryMetric: result.primaryMetric };
  const trials = [...result.trials].sort((a, b) => a.id - b.id);
  const startedAt = trials[0]?.startedAt ?? new Date().toISOString();
  const endedAt = new Date(Date.parse(startedAt) + result.durationSeconds * 1000).toISOString();
  const automl: AutomlReportSection = {
    task: result.task,
    primaryMetric: result.primaryMetric,
    leaderboard: result.leaderboard.map((e) => ({
      rank: e.rank,
      model: e.model,
      score: e.score,
      params: e.params,
      fitSeconds: e.fitSeconds,
      predictSeconds: e.predictSeconds,
    })),
    featureImportances: result.featureImportances,
    ...(evaluation ? quality(result, evaluation) : {}),
    // the evaluation rows are held out: permutation importance and contributions on them;
    // without them, a fold of the training rows is held out and the pipeline refitted
    ...(result.pipeline && evaluation ? explanationInput(result.pipeline, evaluation) : {}),
    ...(result.pipeline && !evaluation && options.training
      ? trainingExplanation(result.pipeline, options.training)
      : {}),
  };
  const completed = trials.filter((t) => t.status === 'completed').length;
  return {
    title:
      title ??
      `AutoML ${result.task}: ${result.best.model} (${result.primaryMetric} ${result.best.score.toPrecision(4)})${result.partial ? ' - partial' : ''}`,
    ...(result.partial
      ? {
          notice: `Partial result: the search was ${result.stopReason === 'interrupted' ? 'interrupted' : 'stopped'} after ${completed} completed trials. The model is the best pipeline found until then, refitted on all rows; ensembling was skipped.`,
        }
      : {}),
    sweep: {
      objective,
      sampler: 'cost-aware AutoML',
      stopReason:
        result.stopReason === 'budget' ||
        result.stopReason === 'exit_score' ||
        result.stopReason === 'early_termination'
          ? 'cancelled'
          : result.stopReason,
      message: `AutoML stopped: ${result.stopReason.replace(/_/g, ' ')}; validation: ${result.validation}`,
      trials,
      ...summarizeTrials(trials, objective.goal),
      startedAt,
      endedAt,
      durationMs: result.durationSeconds * 1000,
    },
    automl,
  };
}

/**
 * The explanations on a fold of the training rows; rows the report cannot use (a class
 * the pipeline never saw, too few labelled rows) leave the sections out rather than fail
 * the report of a finished search.
 */
function trainingExplanation(pipeline: AutoMLPipeline, training: Table): Partial<AutomlReportSection> {
  try {
    return trainingExplanationInput(pipeline, training);
  } catch (error) {
    if (error instanceof MlsweepError) return {};
    throw error;
  }
}

function quality(result: AutoMLReportSource, evaluation: Table): Partial<AutomlReportSection> {
  const { pipeline } = result;
  if (pipeline === undefined) {
    throw new ValidationError('evaluation rows need the fitted pipeline: this result has none', {
      path: 'evaluation',
    });
  }
  if (!evaluation.has(pipeline.target)) {
    throw new DataError(`the evaluation rows have no target column '${pipeline.target}'`, 'E_DATA_COLUMN');
  }
  // rows without a target say nothing about quality
  const values = evaluation.get(pipeline.target).values as ArrayLike<number | string | null>;
  const labelled = Array.from(values, (v, i) => (v === null || Number.isNaN(v) ? -1 : i)).filter(
    (i) => i >= 0,
  );
  const table = evaluation.take(labelled);
  const target = table.get(pipeline.target);
  if (pipeline.task === 'regression') {
    if (!isNumericColumn(target)) {
      throw new DataError(
        `the target column '${pipeline.target}' of the evaluation rows is not numeric`,
        'E_DATA_COLUMN',
      );
    }
    return {
      actual: Array.from(target.values),
      predicted: Array.from(pipeline.predict(table) as Float64Array),
    };
  }
  const yTrue = Array.from(target.values as ArrayLike<string | number | null>, (v) => String(v));
  const yPred = pipeline.predict(table) as string[];
  return classificationQuality(yTrue, yPred, pipeline.predictProba(table), pipeline.classes);
}
