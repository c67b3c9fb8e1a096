/**
 * `GET /studio/api/runs`: runs of some experiments matching a filter in MLflow's language
 * (`metrics.acc > 0.9 and params.depth = '5'`), sorted by any column, one page at a time,
 * with the total and the param, metric and tag keys the column chooser offers. Filtering,
 * sorting and paging happen in the store (SQL), so 100,000 runs answer as fast as 100.
 */
import type { FastifyInstance } from 'fastify';
import { compileFilter } from '../../../tracking/filter.ts';
import type { SqliteStore } from '../../../tracking/sqlite-store.ts';
import type { Run, ViewType } from '../../../tracking/types.ts';
import type { StudioContext } from '../context.ts';
import { StudioApiError } from '../errors.ts';
import { pageQuery, queryList, queryString } from './query.ts';

/** How many of the newest runs the column chooser's keys are read from. */
const KEY_SAMPLE_RUNS = 2000;

/** One run as the runs table shows it. */
export interface RunSummary {
  readonly id: string;
  readonly name: string;
  readonly experimentId: number;
  readonly status: string;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly parentRunId: string | null;
  readonly params: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, number | null>>;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * A run as JSON (a non-finite metric becomes null: JSON has no NaN).
 *
 * @example
 * runSummary(store.run(id)).metrics.acc;
 */
export function runSummary(run: Run): RunSummary {
  return {
    id: run.id,
    name: run.name,
    experimentId: run.experimentId,
    status: run.status,
    startTime: run.startTime,
    endTime: run.endTime ?? null,
    parentRunId: run.parentRunId ?? null,
    params: run.params,
    metrics: Object.fromEntries(
      Object.entries(run.metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : null]),
    ),
    tags: run.tags,
  };
}

/**
 * Mounts the runs search: `?experiment=1,2&filter=...&orderBy=metrics.acc DESC&view=active&limit=&offset=`.
 * Without `experiment`: every experiment's runs.
 *
 * @example
 * registerRunsApi(scope, ctx); // GET /studio/api/runs?experiment=1&filter=metrics.acc%20%3E%200.9
 */
export function registerRunsApi(app: FastifyInstance, ctx: StudioContext): void {
  const { store } = ctx;
  app.get('/studio/api/runs', async (request) => {
    const query = request.query as Record<string, unknown>;
    const { limit, offset } = pageQuery(query);
    const experiments = queryList(query, 'experiment').map((ref) => store.experiment(ref).id);
    const filter = queryString(query, 'filter');
    const order = queryString(query, 'orderBy');
    const orderBy = order === undefined ? [] : [order];
    const view = viewOf(queryString(query, 'view'));
    return store.read(() => {
      const runs = store.searchRuns({
        ...(experiments.length > 0 ? { experiments } : {}),
        ...(filter !== undefined ? { filter } : {}),
        orderBy,
        view,
        maxResults: limit,
        offset,
      });
      const total = countRuns(store, experiments, filter, view);
      const next = offset + runs.length < total ? String(offset + limit) : undefined;
      return {
        items: runs.map(runSummary),
        total,
        ...(next !== undefined ? { nextPageToken: next } : {}),
        keys: runKeys(store, experiments),
      };
    });
  });
}

function viewOf(text: string | undefined): ViewType {
  if (text === undefined) return 'active';
  if (text === 'active' || text === 'deleted' || text === 'all') return text;
  throw new StudioApiError(
    400,
    'INVALID_VALUE',
    `view must be active, deleted or all, got ${JSON.stringify(text)}`,
  );
}

/**
 * How many runs match (the same WHERE as the store's searchRuns).
 *
 * @example
 * countRuns(store, [1], 'metrics.acc > 0.9', 'active'); // 12
 */
export function countRuns(
  store: SqliteStore,
  experiments: readonly number[],
  filter: string | undefined,
  view: ViewType,
): number {
  const where: string[] = [];
  const params: unknown[] = [];
  if (experiments.length > 0) {
    where.push(`r.experiment_id IN (${experiments.map(() => '?').join(', ')})`);
    params.push(...experiments);
  }
  if (view !== 'all') {
    where.push('r.lifecycle_stage = ?');
    params.push(view);
  }
  if (filter !== undefined && filter.trim() !== '') {
    const compiled = compileFilter(filter);
    where.push(compiled.sql);
    params.push(...compiled.params);
  }
  const sql = `SELECT count(*) AS matching FROM runs r ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
  return Number(
    store
      .sql(sql)
      .pluck()
      .get(...params),
  );
}

/**
 * The param, metric and tag keys of the newest runs of the experiments (what the column
 * chooser offers), each sorted.
 *
 * @example
 * runKeys(store, [1]); // { params: ['depth', 'lr'], metrics: ['acc'], tags: ['mlflow.runName'] }
 */
export function runKeys(
  store: SqliteStore,
  experiments: readonly number[],
): { params: string[]; metrics: string[]; tags: string[] } {
  const scope =
    experiments.length > 0 ? `WHERE experiment_id IN (${experiments.map(() => '?').join(', ')})` : '';
  const newest = `SELECT run_id FROM runs ${scope} ORDER BY start_time DESC LIMIT ${KEY_SAMPLE_RUNS}`;
  const keys = (table: string) =>
    store
      .sql(`SELECT DISTINCT key FROM ${table} WHERE run_id IN (${newest}) ORDER BY key`)
      .pluck()
      .all(...experiments) as string[];
  return { params: keys('params'), metrics: keys('latest_metrics'), tags: keys('tags') };
}
