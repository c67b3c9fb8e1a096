import { TrialError, ValidationError } from '../core/errors.ts';
import { better } from '../core/goal.ts';
import { DEFAULT_AUTOML_CONCURRENT_TRIALS } from '../core/limits.ts';
import { sweep } from '../sweep/engine.ts';
import type { TrialResult } from '../sweep/types.ts';
import type { Budget, OwnStop } from './budget.ts';
import type { Candidate } from './candidates.ts';
import { ensemblePool, POOL_SIZE } from './combine.ts';
import { CostAwareSampler } from './cost-sampler.ts';
import { trialWork } from './counted-work.ts';
import { evaluateTrial, type TrialLimits } from './evaluate.ts';
import { FoldPruner } from './fold-pruning.ts';
import type { PreparedRun } from './prepare-step.ts';
import { refitSeconds } from './refit-cost.ts';
import { primaryScore, scorePredictions, scoresProbabilities } from './scoring.ts';
import { automlSpace, modelParams } from './search-space.ts';
import { NO_IMPROVEMENT_TRIALS, searchStalled } from './stall-rule.ts';
import { byScore, leaderboardEntry, pruneOof, type TrialRecord } from './trial-record.ts';
import type { AutoMLResult, LeaderboardEntry } from './types.ts';

/** What the search found, for the combine and refit steps. */
export interface SearchOutcome {
  readonly prepared: PreparedRun;
  /** The completed trials, best first. */
  readonly ranked: readonly TrialRecord[];
  /** The first trial to reach the best score. */
  readonly best: TrialRecord;
  /** The completed trials' rows, best first. */
  readonly leaderboard: readonly LeaderboardEntry[];
  /** Every trial of the sweep, in any status. */
  readonly trials: readonly TrialResult[];
  readonly stopReason: AutoMLResult['stopReason'];
}

/** Evaluates one configuration on the prepared folds and scores it: a completed trial's record. */
async function evaluateConfig(
  prepared: PreparedRun,
  id: number,
  candidate: Candidate,
  params: TrialRecord['params'],
  limits: TrialLimits,
): Promise<TrialRecord> {
  const { folds, target, build, metric } = prepared;
  const evaluation = await evaluateTrial(candidate, params, folds, target, build, limits);
  const score = primaryScore(target, evaluation.oof, metric, evaluation.rows);
  if (Number.isNaN(score)) throw new ValidationError(`${metric} is undefined for this model's predictions`);
  const { oof, ...timings } = evaluation;
  const metrics = scorePredictions(target, oof, evaluation.rows);
  return { id, candidate, params, evaluation: timings, score, metrics, oof };
}

/**
 * AutoML's search step: every candidate family is searched as one conditional space by
 * the sweep engine with a cost-aware sampler (cheap configurations first, as FLAML), each
 * trial validated on the prepared folds. The search stops at the budget's limits, at the
 * exit score, when it has stalled for as long as it could still run (early termination,
 * see `searchStalled`), when the time left is what the refits after it need, or when the
 * caller interrupts. With a trial limit and no time limit its choices go by counted work
 * (see `trialWork`), so a seeded run with one trial at a time repeats exactly.
 *
 * @example
 * const search = await searchStep(prepared, budget);
 * search.leaderboard[0]; // the best trial
 */
export async function searchStep(prepared: PreparedRun, budget: Budget): Promise<SearchOutcome> {
  const { options, candidates, task, metric, goal, build } = prepared;
  const limits = options.limits ?? {};
  const records = new Map<number, TrialRecord>();
  const order = byScore(goal);
  let best: TrialRecord | undefined;
  let sinceImprovement = 0;
  let ended = 0;
  let bestAt = 0;
  const refitOf = refitSeconds(prepared);
  // Time kept for after the search: refitting the models an ensemble or a stack would draw
  // on (each family's best and the best others), capped at a third of the budget.
  const reserve = () => {
    const ranked = [...records.values()].filter((r) => r.oof !== undefined).sort(order);
    const seconds = ensemblePool(ranked, POOL_SIZE).reduce((a, r) => a + refitOf(r), 0);
    return Math.min(seconds * 1.1, budget.timeoutSeconds / 3) + budget.safetySeconds;
  };
  const searchStart = budget.elapsedSeconds();
  const pruner = new FoldPruner(
    prepared,
    () => ({
      secondsLeft: budget.secondsLeft() - reserve(),
      trialsLeft: budget.maxTrials - ended,
      secondsPerTrial: (budget.elapsedSeconds() - searchStart) / Math.max(1, ended),
    }),
    budget.countedWork,
  );
  const space = automlSpace(candidates, task, scoresProbabilities(metric));
  const sampler = new CostAwareSampler(space, candidates, {
    seed: build.seed,
    // with a trial limit and no time limit, families are compared by counted work, which
    // repeats from run to run, rather than by measured seconds, which do not
    costOf: (id) => {
      const r = records.get(id);
      if (!r) return pruner.prunedCost(id);
      return budget.countedWork
        ? trialWork(r.candidate, r.params, prepared.folds, r.evaluation.bestRounds)
        : r.evaluation.fitSeconds + r.evaluation.predictSeconds;
    },
    pruned: (id) => pruner.prunedCost(id) !== undefined,
    timeLeft: () => (budget.countedWork ? Number.POSITIVE_INFINITY : budget.secondsLeft() - reserve()),
  });
  const trialMs = budget.trialTimeoutSeconds !== undefined ? budget.trialTimeoutSeconds * 1000 : Infinity;

  /** Why the search stops after the trial that just ended, if it does. */
  const stopRule = (): OwnStop | undefined => {
    if (limits.exitScore !== undefined && best && !better(goal, limits.exitScore, best.score))
      return 'exit_score';
    if (
      (limits.enableEarlyTermination ?? true) &&
      budget.trials >= candidates.length + NO_IMPROVEMENT_TRIALS &&
      searchStalled({
        sinceImprovement,
        trialsLeft: budget.maxTrials - ended,
        ...(budget.countedWork
          ? {}
          : {
              secondsSinceImprovement: budget.elapsedSeconds() - bestAt,
              secondsLeft: budget.secondsLeft() - reserve(),
            }),
      })
    ) {
      return 'early_termination';
    }
    return best && budget.exhausted(reserve()) ? 'budget' : undefined;
  };
  const onTrialEnded = (trial: TrialResult) => {
    const r = records.get(trial.id);
    const completed = trial.status === 'completed' && r !== undefined;
    ended++;
    if (completed) {
      budget.countCompletedTrial();
      if (!best || better(goal, r.score, best.score)) {
        best = r;
        sinceImprovement = 0;
        bestAt = budget.elapsedSeconds();
      } else sinceImprovement++;
      pruneOof(records, order);
    }
    const stop = stopRule();
    if (stop) budget.stop(stop);
    options.onProgress?.({
      trial: {
        id: trial.id,
        model: String(trial.params['model.name']),
        status: pruner.prunedCost(trial.id) !== undefined ? 'pruned' : trial.status,
        ...(completed ? { score: r.score } : {}),
      },
      trials: trial.id + 1,
      completed: budget.trials,
      bestScore: best?.score,
      bestModel: best?.candidate.name,
      elapsedSeconds: budget.elapsedSeconds(),
      secondsLeft: Math.max(0, budget.secondsLeft()),
    });
  };

  const unwatch = budget.watchInterrupts();
  const swept = await sweep({
    sampler,
    objective: { goal, primaryMetric: metric },
    limits: {
      maxTotalTrials: budget.maxTrials,
      maxConcurrentTrials: limits.maxConcurrentTrials ?? DEFAULT_AUTOML_CONCURRENT_TRIALS,
      timeout: Math.max(1, budget.secondsLeft() - budget.safetySeconds),
      ...(budget.trialTimeoutSeconds !== undefined ? { trialTimeout: budget.trialTimeoutSeconds } : {}),
    },
    failFast: false,
    signal: budget.signal,
    ...(options.tracking ? { store: options.tracking } : {}),
    trial: async (params, ctx) => {
      const { name, params: hp } = modelParams(params);
      const candidate = candidates.find((c) => c.name === name)!;
      const started = budget.now();
      const deadline = Math.min(started + trialMs, budget.endsAt - reserve() * 1000);
      const record = await evaluateConfig(prepared, ctx.trialId, candidate, hp, {
        deadline,
        signal: ctx.signal,
        now: () => budget.now(),
        prune: (oof) => pruner.check(oof, candidate.name),
      }).catch((error: unknown) => {
        if (error instanceof TrialError && error.code === 'E_TRIAL_PRUNED')
          pruner.pruned(ctx.trialId, (budget.now() - started) / 1000);
        throw error;
      });
      pruner.completed(record.oof!, candidate.name);
      records.set(ctx.trialId, record);
      ctx.report('fit_seconds', record.evaluation.fitSeconds);
      return { [metric]: record.score };
    },
    onEvent: (event) => {
      if (event.type === 'trial_ended') onTrialEnded(event.trial);
    },
  }).finally(unwatch);
  if (!best) {
    budget.throwIfInterrupted();
    const errors = swept.trials.map((t) => t.error).filter((e) => e !== undefined);
    throw new ValidationError(
      `no trial completed within the limits (${swept.message})${errors.length ? `; first error: ${errors[0]}` : ''}`,
      { path: 'limits' },
    );
  }
  const ranked = [...records.values()].filter((r) => swept.trials[r.id]?.status === 'completed').sort(order);
  return {
    prepared,
    ranked,
    best,
    leaderboard: ranked.map((r, i) => leaderboardEntry(r, i + 1)),
    trials: swept.trials as TrialResult[],
    stopReason: budget.stopReason ?? swept.stopReason,
  };
}
