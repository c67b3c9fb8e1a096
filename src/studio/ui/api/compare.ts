/**
 * `GET /studio/api/compare?runs=a,b,c&metric=acc`: what the compare page draws for two or
 * more runs: each run's params and latest metrics, every metric's points by step (the
 * overlay), and, with enough runs, how much each parameter explains the chosen metric
 * (src/report/importance.ts's random forest).
 */
import type { FastifyInstance } from 'fastify';
import { MIN_TRIALS_FOR_IMPORTANCE, parameterImportance } from '../../../report/importance.ts';
import { paramScales } from '../../../report/param-scales.ts';
import type { TrialResult } from '../../../sweep/types.ts';
import type { StudioContext } from '../context.ts';
import { StudioApiError } from '../errors.ts';
import { queryList, queryString } from './query.ts';
import { type RunSummary, runSummary } from './runs.ts';

/** Most runs one comparison takes. */
export const MAX_COMPARE_RUNS = 100;

/**
 * Mounts the comparison route.
 *
 * @example
 * registerCompareApi(scope, ctx); // GET /studio/api/compare?runs=<id1>,<id2>
 */
export function registerCompareApi(app: FastifyInstance, ctx: StudioContext): void {
  const { store } = ctx;
  app.get('/studio/api/compare', async (request) => {
    const query = request.query as Record<string, unknown>;
    const ids = [...new Set(queryList(query, 'runs'))];
    if (ids.length < 2 || ids.length > MAX_COMPARE_RUNS) {
      throw new StudioApiError(
        400,
        'INVALID_VALUE',
        `runs must name 2 to ${MAX_COMPARE_RUNS} runs, got ${ids.length}`,
      );
    }
    const runs = store.read(() => ids.map((id) => runSummary(store.run(id))));
    const metricKeys = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].sort();
    const metric = queryString(query, 'metric') ?? metricKeys[0];
    const histories = store.read(() =>
      runs.map((run) => {
        const byKey: Record<string, Array<[number, number | null]>> = {};
        for (const point of store.allMetrics(run.id)) {
          (byKey[point.key] ??= []).push([point.step, Number.isFinite(point.value) ? point.value : null]);
        }
        for (const points of Object.values(byKey)) points.sort((a, b) => a[0] - b[0]);
        return { runId: run.id, metrics: byKey };
      }),
    );
    return {
      runs,
      metricKeys,
      paramKeys: [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort(),
      metric: metric ?? null,
      histories,
      importance: metric === undefined ? null : importanceOf(runs, metric),
    };
  });
}

/**
 * Parameter importance for `metric` over the runs (params that parse as numbers are
 * numbers), or a note saying why there is none.
 *
 * @example
 * importanceOf(runs, 'acc'); // { values: [{ name: 'lr', importance: 0.7 }, ...], method: '...' }
 */
export function importanceOf(
  runs: readonly RunSummary[],
  metric: string,
): { values: Array<{ name: string; importance: number }>; method: string } | { note: string } {
  const trials = runs
    .filter((r) => typeof r.metrics[metric] === 'number')
    .map(
      (r, i) =>
        ({
          id: i,
          status: 'completed',
          value: r.metrics[metric] as number,
          params: Object.fromEntries(
            Object.entries(r.params).map(([k, v]) => [
              k,
              v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v,
            ]),
          ),
        }) as unknown as TrialResult,
    );
  if (trials.length < MIN_TRIALS_FOR_IMPORTANCE) {
    return {
      note: `parameter importance needs at least ${MIN_TRIALS_FOR_IMPORTANCE} runs with ${metric}; ${trials.length} have it`,
    };
  }
  const result = parameterImportance(trials, paramScales(trials));
  if (result === undefined) return { note: 'no parameters to rank' };
  return {
    values: result.values.map((v) => ({ name: v.name, importance: v.importance })),
    method: result.method,
  };
}
