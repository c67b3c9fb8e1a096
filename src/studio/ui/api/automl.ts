/**
 * AutoML jobs in the studio, as `mlsweep automl --store` records them: the job's run
 * (tag `mlsweep.kind = automl`: task, primary metric and best model as params), its trials
 * as child runs (`automl-trial`: algorithm and hyperparameters as params, cross-validated
 * metrics and seconds as metrics), and the job's result document beside the model
 * (`model/result.json`: the leaderboard and the feature importances). Each part is shown
 * when recorded; an older job without trials or result shows its best model alone.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { metricGoal } from '../../../automl/scoring.ts';
import { better, type Goal, isGoal } from '../../../core/goal.ts';
import type { Task } from '../../../core/trial.ts';
import type { SqliteStore } from '../../../tracking/sqlite-store.ts';
import type { Run } from '../../../tracking/types.ts';
import type { StudioContext } from '../context.ts';
import { StudioApiError } from '../errors.ts';
import { pageOfList } from './page-list.ts';

/** The tag that marks an AutoML job's run, and its trials' runs. */
const KIND_TAG = 'mlsweep.kind';

/** One row of a job's leaderboard. */
export interface LeaderboardRow {
  readonly rank: number;
  readonly trialId?: number;
  /** The trial's run, for `#/runs/<id>`. */
  readonly runId?: string;
  readonly learner: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** The primary metric, cross-validated. */
  readonly score?: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly durationSeconds?: number;
  readonly status: string;
  readonly best: boolean;
}

/** The parts of `result.json` the studio reads. */
interface ResultDocument {
  readonly goal?: unknown;
  readonly leaderboard?: ReadonlyArray<{
    rank: number;
    trialId?: number;
    model: string;
    params: Record<string, unknown>;
    score: number;
    metrics?: Record<string, number>;
    fitSeconds?: number;
    predictSeconds?: number;
  }>;
  readonly featureImportances?: ReadonlyArray<{ feature: string; importance: number }>;
  readonly notices?: readonly string[];
}

function jobLine(run: Run): Record<string, unknown> {
  const metric = run.params['primary_metric'];
  return {
    runId: run.id,
    name: run.name,
    experimentId: run.experimentId,
    status: run.status,
    task: run.params['task'] ?? null,
    primaryMetric: metric ?? null,
    bestModel: run.params['best_model'] ?? null,
    validation: run.params['validation'] ?? null,
    score: metric !== undefined ? (run.metrics[metric] ?? null) : null,
    partial: run.tags['mlsweep.partial'] === 'true',
    startTime: run.startTime,
    endTime: run.endTime ?? null,
  };
}

/** The job's result document, when it was logged beside the model. */
function readResult(run: Run): ResultDocument | undefined {
  const file = join(run.artifactDir, 'model', 'result.json');
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ResultDocument;
  } catch {
    return undefined;
  }
}

function goalOf(run: Run, result: ResultDocument | undefined): Goal {
  if (isGoal(result?.goal)) return result.goal;
  try {
    return metricGoal(run.params['task'] as Task, run.params['primary_metric'] ?? '');
  } catch {
    return 'maximize';
  }
}

/** The leaderboard from the trials' child runs, best first by the primary metric. */
function trialRows(store: SqliteStore, job: Run, metric: string, goal: Goal): LeaderboardRow[] {
  const trials = store.childRuns(job.id).filter((r) => r.tags[KIND_TAG] === 'automl-trial');
  const rows = trials.map((r) => {
    const { algorithm, ...params } = r.params;
    const trialId = Number(r.tags['mlsweep.automl.trial']);
    const score = r.metrics[metric];
    return {
      ...(Number.isSafeInteger(trialId) ? { trialId } : {}),
      runId: r.id,
      learner: algorithm ?? r.tags['mlsweep.automl.algorithm'] ?? r.name,
      params,
      ...(score !== undefined ? { score } : {}),
      metrics: r.metrics,
      ...(r.metrics['duration_seconds'] !== undefined
        ? { durationSeconds: r.metrics['duration_seconds'] }
        : {}),
      status: r.status,
      best: r.tags['mlsweep.automl.best'] === 'true',
    };
  });
  const ranked = rows.sort((a, b) => {
    if (a.score === undefined || b.score === undefined) return a.score === undefined ? 1 : -1;
    return better(goal, a.score, b.score) ? -1 : better(goal, b.score, a.score) ? 1 : 0;
  });
  return ranked.map((row, i) => ({ rank: i + 1, ...row }));
}

/** The leaderboard from the result document. */
function resultRows(result: ResultDocument, bestModel: string | undefined): LeaderboardRow[] {
  return (result.leaderboard ?? []).map((e, i) => ({
    rank: e.rank,
    ...(e.trialId !== undefined ? { trialId: e.trialId } : {}),
    learner: e.model,
    params: e.params,
    score: e.score,
    metrics: e.metrics ?? {},
    ...(e.fitSeconds !== undefined ? { durationSeconds: e.fitSeconds + (e.predictSeconds ?? 0) } : {}),
    status: 'FINISHED',
    best: i === 0 && e.model === bestModel,
  }));
}

/**
 * Mounts `GET /studio/api/automl` (the jobs, newest first) and `GET /studio/api/automl/:id`
 * (one job: leaderboard, best model, feature importances, test metrics).
 *
 * @example
 * registerAutomlApi(scope, ctx);
 */
export function registerAutomlApi(app: FastifyInstance, ctx: StudioContext): void {
  app.get('/studio/api/automl', async (request) =>
    pageOfList(
      ctx.store.searchRuns({ filter: `tags."${KIND_TAG}" = 'automl'`, maxResults: 5000 }).map(jobLine),
      request.query as Record<string, unknown>,
    ),
  );

  app.get('/studio/api/automl/:id', async (request) => {
    const { id } = request.params as { id: string };
    const run = ctx.store.run(id);
    if (run.tags[KIND_TAG] !== 'automl') {
      throw new StudioApiError(
        404,
        'NOT_FOUND',
        `run ${run.id} is not an AutoML job (it has no tag ${KIND_TAG}=automl)`,
      );
    }
    const result = readResult(run);
    const goal = goalOf(run, result);
    const metric = run.params['primary_metric'] ?? '';
    const fromTrials = trialRows(ctx.store, run, metric, goal);
    const leaderboard =
      fromTrials.length > 0
        ? fromTrials
        : result !== undefined
          ? resultRows(result, run.params['best_model'])
          : [];
    const best =
      leaderboard.find((r) => r.best) ??
      ({
        rank: 1,
        learner: run.params['best_model'] ?? 'unknown',
        params: {},
        ...(run.metrics[metric] !== undefined ? { score: run.metrics[metric] } : {}),
        metrics: {},
        status: run.status,
        best: true,
      } satisfies LeaderboardRow);
    const testMetrics = Object.fromEntries(
      Object.entries(run.metrics)
        .filter(([k]) => k.startsWith('test_'))
        .map(([k, v]) => [k.slice('test_'.length), v]),
    );
    return {
      job: jobLine(run),
      goal,
      leaderboard,
      leaderboardFrom: fromTrials.length > 0 ? 'trials' : result !== undefined ? 'result' : 'none',
      best,
      featureImportances: result?.featureImportances ?? [],
      notices: result?.notices ?? [],
      testMetrics,
    };
  });
}
