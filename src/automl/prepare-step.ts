import { ValidationError } from '../core/errors.ts';
import type { Goal } from '../core/goal.ts';
import type { Task } from '../core/trial.ts';
import type { FeaturizerOptions } from '../data/featurizer.ts';
import type { Split } from '../data/splits.ts';
import { isNumericColumn, type Table } from '../data/table.ts';
import {
  type BuildContext,
  type Candidate,
  forProbabilityMetric,
  selectCandidates,
  withinSizeLimits,
} from './candidates.ts';
import { automlFeaturization } from './featurization.ts';
import { type Fold, MIN_ROWS_FOR_INNER, MIN_ROWS_FOR_INNER_PROBABILITIES, prepareFolds } from './folds.ts';
import { loadTrainingTable, prepareData, resolveSplits, resolveTask } from './prepare.ts';
import { DEFAULT_PRIMARY_METRIC, type EncodedTarget, metricGoal, scoresProbabilities } from './scoring.ts';
import type { AutoMLOptions } from './types.ts';

/** Everything the search, combine and refit steps work from, checked and prepared. */
export interface PreparedRun {
  readonly options: AutoMLOptions;
  readonly task: Task;
  readonly metric: string;
  readonly goal: Goal;
  readonly candidates: readonly Candidate[];
  /** The feature columns of the rows with a target (a group column and ignored columns left out, column purposes applied). */
  readonly features: Table;
  /** The Featurizer's options (from `featurization`), for the folds and the final fit alike. */
  readonly featurizerOptions: FeaturizerOptions;
  readonly target: EncodedTarget;
  /** Whether classes are imbalanced (then rows are weighted to balance them). */
  readonly imbalanced: boolean;
  readonly splits: readonly Split[];
  /** The splits, featurized within each. */
  readonly folds: readonly Fold[];
  /** The validation in words. */
  readonly validation: string;
  readonly build: BuildContext;
  /** Notices so far; the later steps add theirs. */
  readonly notices: string[];
}

function checkTask(task: unknown): void {
  if (task !== undefined && task !== 'classification' && task !== 'regression') {
    throw new ValidationError(`task must be 'classification' or 'regression', got ${JSON.stringify(task)}`, {
      path: 'task',
    });
  }
}

/** The metric, its goal and the candidate families of a task, each validated. */
function taskSettings(task: Task, o: AutoMLOptions) {
  const metric = o.primaryMetric ?? DEFAULT_PRIMARY_METRIC[task];
  return {
    metric,
    goal: metricGoal(task, metric),
    candidates: selectCandidates(task, o.allowedModels, o.blockedModels),
  };
}

/** The group column of grouped validation, taken out of the features. */
function takeGroups(
  features: Table,
  validation: AutoMLOptions['validation'],
): { features: Table; groups?: Array<string | number> } {
  if (typeof validation !== 'object' || validation.type !== 'group') return { features };
  const g = features.get(validation.column);
  return {
    features: features.drop([validation.column]),
    groups: Array.from(g.values as ArrayLike<string | number | null>, (v) => v ?? ''),
  };
}

/**
 * AutoML's first step: everything is checked before the search, options first (when the
 * task is given), then the data, the target and the task it implies; then the target is
 * encoded, the validation splits chosen (`auto` by size and the budget's time) and every
 * split featurized.
 *
 * @example
 * const prepared = await prepareStep({ trainPath: 'datasets/iris.csv', target: 'target' });
 * prepared.task; // 'classification' (inferred, with a notice)
 */
export async function prepareStep(options: AutoMLOptions): Promise<PreparedRun> {
  checkTask(options.task);
  const given = options.task !== undefined ? taskSettings(options.task, options) : undefined;
  const table = await loadTrainingTable(options);
  const resolved = resolveTask(table, options.target, options.task);
  const task = resolved.task;
  const settings = given ?? taskSettings(task, options);
  const { metric, goal } = settings;
  const seed = options.seed ?? 0;
  const validation = options.validation ?? 'auto';
  const data = prepareData(table, options.target, task);
  const grouped = takeGroups(data.features, validation);
  const groups = grouped.groups;
  const featurization = automlFeaturization(options.featurization, grouped.features);
  const features = featurization.features;
  const limited = withinSizeLimits(settings.candidates, {
    rows: features.nRows,
    numericColumns: features.columns.filter(isNumericColumn).length,
  });
  const calibrated = forProbabilityMetric(limited.candidates, metric, options.allowedModels !== undefined);
  const candidates = calibrated.candidates;
  const notices = [
    ...table.notices,
    ...resolved.notices,
    ...data.notices,
    ...featurization.notices,
    ...limited.notices,
    ...calibrated.notices,
  ];
  const { splits, description } = resolveSplits(validation, { ...data, features }, seed, groups);
  notices.push(`Validation: ${description}.`);
  const folds = prepareFolds(
    features,
    data.target,
    splits,
    featurization.options,
    data.imbalanced,
    seed,
    scoresProbabilities(metric) ? MIN_ROWS_FOR_INNER_PROBABILITIES : MIN_ROWS_FOR_INNER,
  );
  return {
    options,
    task,
    metric,
    goal,
    candidates,
    features,
    featurizerOptions: featurization.options,
    target: data.target,
    imbalanced: data.imbalanced,
    splits,
    folds,
    validation: description,
    build: { task, seed, ...(options.backend !== undefined ? { backend: options.backend } : {}) },
    notices,
  };
}
