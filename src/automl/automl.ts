import { Featurizer } from '../data/featurizer.ts';
import { applyStandardScaling, fitStandardScaling } from '../data/scale.ts';
import { ValidationError } from '../core/errors.ts';
import type { Estimator } from '../models/types.ts';
import { sweep } from '../sweep/engine.ts';
import type { StopReason, TrialResult } from '../sweep/types.ts';
import { type BuildContext, selectCandidates, type Task } from './candidates.ts';
import { type Combination, chooseCombination, ensemblePool } from './combine.ts';
import { CostAwareSampler } from './cost-sampler.ts';
import { evaluateTrial } from './evaluate.ts';
import { balancedWeights, featurizerTarget, prepareFolds } from './folds.ts';
import { AutoMLPipeline, type PipelineMember, type PipelineProvenance } from './pipeline.ts';
import { loadTrainingTable, prepareData, resolveSplits, resolveTask } from './prepare.ts';
import {
  DEFAULT_PRIMARY_METRIC,
  type EncodedTarget,
  metricGoal,
  primaryScore,
  scorePredictions,
} from './scoring.ts';
import { automlSpace, modelParams } from './search-space.ts';
import { fitStacker } from './stacking.ts';
import type { TrialRecord } from './trial-record.ts';
import type { AutoMLOptions, AutoMLResult, LeaderboardEntry } from './types.ts';

/** Trials without improvement after which Azure's early termination stops the job. */
const NO_IMPROVEMENT_TRIALS = 20;
/** Out-of-fold predictions kept for ensembling (the best trials). */
const KEEP_OOF = 12;
/**
 * Part of the budget kept free beyond the estimated refits: a running fit that cannot be
 * interrupted, stacking's own validation, writing. 8% of the budget, 2 to 30 seconds.
 */
function safetySeconds(budgetSeconds: number): number {
  return Math.min(30, Math.max(2, 0.08 * budgetSeconds));
}
/** Models ensembling draws on. */
const POOL_SIZE = 10;

function validateLimits(o: AutoMLOptions): void {
  const l = o.limits ?? {};
  const positive = (v: number | undefined, path: string, integer = false) => {
    if (v !== undefined && (!(v > 0) || (integer && !Number.isInteger(v)))) {
      throw new ValidationError(`${path} must be a positive ${integer ? 'integer' : 'number'}, got ${v}`, {
        path,
      });
    }
  };
  positive(l.timeoutMinutes, 'limits.timeoutMinutes');
  positive(l.trialTimeoutMinutes, 'limits.trialTimeoutMinutes');
  positive(l.maxTrials, 'limits.maxTrials', true);
  positive(l.maxConcurrentTrials, 'limits.maxConcurrentTrials', true);
  if (o.task !== undefined && o.task !== 'classification' && o.task !== 'regression') {
    throw new ValidationError(
      `task must be 'classification' or 'regression', got ${JSON.stringify(o.task)}`,
      {
        path: 'task',
      },
    );
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

/**
 * AutoML: finds and fits the best pipeline for a table and a target within the limits,
 * with Azure AutoML's options and defaults. Every candidate model family is searched as
 * one conditional space by the sweep engine with a cost-aware sampler (cheap
 * configurations first, as FLAML); candidates are validated by cross-validation or a
 * holdout with featurization fitted inside each fold; boosting stops early on its
 * rounds; classes under 20% of the largest are balanced by weights; the best models are
 * blended by ensemble selection when that validates better; the winner is refitted on
 * all rows. The time limit covers everything, final fit included.
 *
 * @example
 * const result = await automl({
 *   task: 'classification', trainPath: 'datasets/breast_cancer.csv', target: 'target',
 *   primaryMetric: 'AUC_weighted', limits: { timeoutMinutes: 1 },
 * });
 * result.leaderboard[0]; result.pipeline.save('model.json');
 */
export async function automl(options: AutoMLOptions): Promise<AutoMLResult> {
  const t0 = performance.now();
  validateLimits(options);
  const limits = options.limits ?? {};
  const budgetSeconds = (limits.timeoutMinutes ?? 360) * 60;
  const budgetEnd = t0 + budgetSeconds * 1000;
  const safety = safetySeconds(budgetSeconds);
  const seed = options.seed ?? 0;
  // Everything is checked before the search: options first (when the task is given),
  // then the data, the target and the task it implies.
  const given = options.task !== undefined ? taskSettings(options.task, options) : undefined;
  const table = await loadTrainingTable(options);
  const resolved = resolveTask(table, options.target, options.task);
  const task = resolved.task;
  const { metric, goal, candidates } = given ?? taskSettings(task, options);
  const validation = options.validation ?? 'auto';
  const groupColumn =
    typeof validation === 'object' && validation.type === 'group' ? validation.column : undefined;
  const prepared = prepareData(table, options.target, task);
  let groups: Array<string | number> | undefined;
  let features = prepared.features;
  if (groupColumn !== undefined) {
    const g = features.get(groupColumn);
    groups = Array.from(g.values as ArrayLike<string | number | null>, (v) => v ?? '');
    features = features.drop([groupColumn]);
  }
  const { target } = prepared;
  const notices = [...table.notices, ...resolved.notices, ...prepared.notices];
  const { splits, description } = resolveSplits(
    validation,
    { ...prepared, features },
    budgetSeconds,
    seed,
    groups,
  );
  notices.push(`Validation: ${description}.`);
  const folds = prepareFolds(
    features,
    target,
    splits,
    options.featurization ?? {},
    prepared.imbalanced,
    seed,
  );
  const build: BuildContext = {
    task,
    seed,
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
  };
  const nRows = features.nRows;
  const meanTrainRows = splits.reduce((a, s) => a + s.train.length, 0) / splits.length;

  const records = new Map<number, TrialRecord>();
  const better = (a: number, b: number) => (goal === 'maximize' ? a > b : a < b);
  const byScore = (a: TrialRecord, b: TrialRecord) =>
    better(a.score, b.score) ? -1 : better(b.score, a.score) ? 1 : a.id - b.id;
  let best: TrialRecord | undefined;
  let sinceImprovement = 0;
  let completed = 0;
  let ownStop: AutoMLResult['stopReason'] | undefined;
  const controller = new AbortController();
  // The caller's signal interrupts the search unless it had already ended by a limit of its own.
  let interrupted = false;
  const interrupt = () => {
    interrupted ||= !controller.signal.aborted;
    controller.abort();
  };
  if (options.signal?.aborted) interrupt();
  else options.signal?.addEventListener('abort', interrupt, { once: true });

  /** Seconds the final fit of a trial's configuration on all rows is expected to take. */
  const finalFitSeconds = (r: TrialRecord) =>
    (r.evaluation.fitSeconds / splits.length) * (nRows / Math.max(1, meanTrainRows)) * 1.3;
  // Time kept for after the search: refitting the models an ensemble or a stack would draw
  // on (each family's best and the best others), capped at a third of the budget.
  const reserve = () => {
    const ranked = [...records.values()].filter((r) => r.oof !== undefined).sort(byScore);
    const seconds = ensemblePool(ranked, POOL_SIZE).reduce((a, r) => a + finalFitSeconds(r), 0);
    return Math.min(seconds * 1.1, budgetSeconds / 3) + safety;
  };
  const secondsLeft = () => (budgetEnd - performance.now()) / 1000 - reserve();

  const sampler = new CostAwareSampler(automlSpace(candidates, task), candidates, {
    seed,
    costOf: (id) => {
      const r = records.get(id);
      return r ? r.evaluation.fitSeconds + r.evaluation.predictSeconds : undefined;
    },
    timeLeft: secondsLeft,
  });

  const trialTimeoutMs =
    limits.trialTimeoutMinutes !== undefined ? limits.trialTimeoutMinutes * 60_000 : Infinity;
  const sweepResult = await sweep({
    sampler,
    objective: { goal, primaryMetric: metric },
    limits: {
      maxTotalTrials: limits.maxTrials ?? 1000,
      maxConcurrentTrials: limits.maxConcurrentTrials ?? 1,
      timeout: Math.max(1, (budgetEnd - performance.now()) / 1000 - safety),
      ...(limits.trialTimeoutMinutes !== undefined ? { trialTimeout: limits.trialTimeoutMinutes * 60 } : {}),
    },
    failFast: false,
    signal: controller.signal,
    ...(options.tracking ? { store: options.tracking } : {}),
    trial: async (params, ctx) => {
      const { name, params: hp } = modelParams(params);
      const candidate = candidates.find((c) => c.name === name)!;
      const deadline = Math.min(performance.now() + trialTimeoutMs, budgetEnd - reserve() * 1000);
      const evaluation = await evaluateTrial(candidate, hp, folds, target, build, {
        deadline,
        signal: ctx.signal,
      });
      const score = primaryScore(target, evaluation.oof, metric, evaluation.rows);
      if (Number.isNaN(score))
        throw new ValidationError(`${metric} is undefined for this model's predictions`);
      const { oof, ...timings } = evaluation;
      const metrics = scorePredictions(target, oof, evaluation.rows);
      records.set(ctx.trialId, {
        id: ctx.trialId,
        candidate,
        params: hp,
        evaluation: timings,
        score,
        metrics,
        oof,
      });
      ctx.report('fit_seconds', evaluation.fitSeconds);
      return { [metric]: score };
    },
    onEvent: (event) => {
      if (event.type !== 'trial_ended') return;
      const r = records.get(event.trial.id);
      if (event.trial.status === 'completed' && r) {
        completed++;
        if (!best || better(r.score, best.score)) {
          best = r;
          sinceImprovement = 0;
        } else sinceImprovement++;
        pruneOof(records, byScore);
      }
      if (limits.exitScore !== undefined && best && !better(limits.exitScore, best.score)) {
        ownStop ??= 'exit_score';
      } else if (
        (limits.enableEarlyTermination ?? true) &&
        completed >= candidates.length + NO_IMPROVEMENT_TRIALS &&
        sinceImprovement >= NO_IMPROVEMENT_TRIALS
      ) {
        ownStop ??= 'early_termination';
      } else if (best && secondsLeft() <= 0) {
        ownStop ??= 'budget';
      }
      if (ownStop) controller.abort();
      options.onProgress?.({
        trial: {
          id: event.trial.id,
          model: String(event.trial.params['model.name']),
          status: event.trial.status,
          ...(r && event.trial.status === 'completed' ? { score: r.score } : {}),
        },
        trials: event.trial.id + 1,
        completed,
        bestScore: best?.score,
        bestModel: best?.candidate.name,
        elapsedSeconds: (performance.now() - t0) / 1000,
        secondsLeft: Math.max(0, (budgetEnd - performance.now()) / 1000),
      });
    },
  });
  options.signal?.removeEventListener('abort', interrupt);
  if (!best) {
    if (interrupted) throw options.signal!.reason;
    const errors = sweepResult.trials.map((t) => t.error).filter((e) => e !== undefined);
    throw new ValidationError(
      `no trial completed within the limits (${sweepResult.message})${errors.length ? `; first error: ${errors[0]}` : ''}`,
      { path: 'limits' },
    );
  }
  const ranked = [...records.values()]
    .filter((r) => sweepResult.trials[r.id]?.status === 'completed')
    .sort(byScore);
  let leaderboard: LeaderboardEntry[] = ranked.map((r, i) => entry(r, i + 1));

  // Ensemble selection and stacking, kept only when they validate better and their refit fits in time.
  // An interrupted search skips them: the user asked to stop, and they would refit several
  // models; the best single pipeline is refitted on all rows (about as long as one of its
  // trial's folds took, as the fold models are not kept).
  const ens = options.ensemble ?? true;
  if (interrupted && ens !== false) {
    notices.push(
      'Interrupted: the search stopped early; ensemble selection and stacking were skipped, the best single pipeline found was refitted on all rows.',
    );
  }
  const combination =
    ens === false || interrupted
      ? { kind: 'single' as const, members: [{ record: best, weight: 1 }], score: best.score }
      : await chooseCombination(
          ranked,
          target,
          {
            metric,
            goal,
            iterations: typeof ens === 'object' ? (ens.iterations ?? 25) : 25,
            poolSize: typeof ens === 'object' ? (ens.candidates ?? POOL_SIZE) : POOL_SIZE,
            build,
            refitSeconds: finalFitSeconds,
            secondsLeft: () => (budgetEnd - performance.now()) / 1000 - safety,
          },
          notices,
        );
  let chosenEntry = leaderboard[0]!;
  if (combination.entry) {
    leaderboard = [combination.entry, ...leaderboard].map((e, i) => ({ ...e, rank: i + 1 }));
    chosenEntry = leaderboard[0]!;
  }

  const stopReason: AutoMLResult['stopReason'] = interrupted
    ? 'interrupted'
    : (ownStop ?? (sweepResult.stopReason as StopReason));
  const pipeline = await fitPipeline(
    features,
    target,
    combination,
    build,
    prepared.imbalanced,
    options,
    metric,
    { stopReason, partial: interrupted },
  );
  return {
    task,
    primaryMetric: metric,
    goal,
    pipeline,
    leaderboard,
    best: chosenEntry,
    featureImportances: pipeline.featureImportances(),
    trials: sweepResult.trials as TrialResult[],
    stopReason,
    partial: interrupted,
    notices,
    validation: description,
    durationSeconds: (performance.now() - t0) / 1000,
  };
}

/** Drops the out-of-fold predictions of all but the best trials and each family's best, so memory stays bounded. */
function pruneOof(
  records: Map<number, TrialRecord>,
  byScore: (a: TrialRecord, b: TrialRecord) => number,
): void {
  const withOof = [...records.values()].filter((r) => r.oof !== undefined);
  if (withOof.length <= KEEP_OOF) return;
  withOof.sort(byScore);
  const familyBest = new Set<string>();
  withOof.forEach((r, i) => {
    const first = !familyBest.has(r.candidate.name);
    familyBest.add(r.candidate.name);
    if (i >= KEEP_OOF && !first) r.oof = undefined;
  });
}

function entry(r: TrialRecord, rank: number): LeaderboardEntry {
  return {
    rank,
    trialId: r.id,
    model: r.candidate.name,
    params: r.params,
    score: r.score,
    metrics: r.metrics,
    fitSeconds: r.evaluation.fitSeconds,
    predictSeconds: r.evaluation.predictSeconds,
  };
}

/** Refits the featurizer and the chosen model(s) on every row. */
async function fitPipeline(
  features: import('../data/table.ts').Table,
  target: EncodedTarget,
  combination: Combination,
  build: BuildContext,
  balance: boolean,
  options: AutoMLOptions,
  metric: string,
  provenance: PipelineProvenance,
): Promise<AutoMLPipeline> {
  const chosen = combination.members;
  const featurizer = new Featurizer({ ...(options.featurization ?? {}), seed: build.seed });
  const X = featurizer.fitTransform(features, featurizerTarget(target));
  const needsScaling = chosen.some((c) => c.record.candidate.needsScaling);
  const scaling = needsScaling ? fitStandardScaling(X) : undefined;
  const Xs = scaling ? applyStandardScaling(X, scaling) : undefined;
  const y = target.task === 'classification' ? target.codes : target.values;
  const weight =
    balance && target.task === 'classification'
      ? balancedWeights(target.codes, target.classes.length)
      : undefined;
  const members: PipelineMember[] = [];
  for (const { record, weight: w } of chosen) {
    const rounds = record.evaluation.bestRounds;
    const params =
      rounds.length > 0
        ? {
            ...record.params,
            nEstimators: Math.max(1, Math.round((1.1 * rounds.reduce((a, b) => a + b, 0)) / rounds.length)),
          }
        : record.params;
    const estimator: Estimator = record.candidate.create(params, build);
    await estimator.fitAsync(
      record.candidate.needsScaling ? Xs! : X,
      y,
      weight ? { sampleWeight: weight } : {},
    );
    members.push({
      name: record.candidate.name,
      weight: w,
      scaled: record.candidate.needsScaling,
      estimator,
    });
  }
  const stacker =
    combination.kind === 'stack'
      ? await fitStacker(
          chosen.map((c) => c.record.oof!),
          target,
          chosen[0]!.record.evaluation.rows,
          build,
        )
      : undefined;
  return new AutoMLPipeline({
    ...(stacker ? { stacker } : {}),
    task: target.task,
    target: options.target,
    ...(target.task === 'classification' ? { classes: target.classes } : {}),
    featurizer,
    ...(scaling ? { scaling } : {}),
    members,
    primaryMetric: metric,
    validationScore: combination.score,
    provenance,
  });
}
