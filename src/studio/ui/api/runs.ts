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

/** What a runs request asks for: which runs, how ordered. */
interface RunsQuery {
  readonly experiments: number[];
  readonly filter: string | undefined;
  readonly orderBy: string[];
  readonly view: ViewType;
}

/**
 * Mounts the runs search, `GET /studio/api/runs?experiment=1,2&filter=...&orderBy=metrics.acc DESC&view=active&limit=&offset=`
 * (without `experiment`: every experiment's runs; `total=false` leaves the count out, for
 * a page that asks `GET /studio/api/runs/count` with the same query after drawing the rows:
 * a filter over 100,000 runs is counted by visiting them all, while the first page of
 * matches, newest first, stops early).
 *
 * @example
 * registerRunsApi(scope, ctx); // GET /studio/api/runs?experiment=1&filter=metrics.acc%20%3E%200.9
 */
export function registerRunsApi(app: FastifyInstance, ctx: StudioContext): void {
  const { store } = ctx;
  const keys = keyCache(store);
  app.get('/studio/api/runs', async (request) => {
    const query = request.query as Record<string, unknown>;
    const { limit, offset } = pageQuery(query);
    const runsQuery = readRunsQuery(store, query);
    const withTotal = queryString(query, 'total') !== 'false';
    return store.read(() => {
      const runs = store.searchRuns({
        ...(runsQuery.experiments.length > 0 ? { experiments: runsQuery.experiments } : {}),
        ...(runsQuery.filter !== undefined ? { filter: runsQuery.filter } : {}),
        orderBy: runsQuery.orderBy,
        view: runsQuery.view,
        maxResults: limit + 1,
        offset,
      });
      const next = runs.length > limit ? String(offset + limit) : undefined;
      return {
        items: runs.slice(0, limit).map(runSummary),
        ...(withTotal
          ? { total: countRuns(store, runsQuery.experiments, runsQuery.filter, runsQuery.view) }
          : {}),
        ...(next !== undefined ? { nextPageToken: next } : {}),
        keys: keys(runsQuery.experiments),
      };
    });
  });
  app.get('/studio/api/runs/count', async (request) => {
    const runsQuery = readRunsQuery(store, request.query as Record<string, unknown>);
    return { total: countRuns(store, runsQuery.experiments, runsQuery.filter, runsQuery.view) };
  });
}

function readRunsQuery(store: SqliteStore, query: Record<string, unknown>): RunsQuery {
  const order = queryString(query, 'orderBy');
  return {
    experiments: queryList(query, 'experiment').map((ref) => store.experiment(ref).id),
    filter: queryString(query, 'filter'),
    orderBy: order === undefined ? [] : [order],
    view: viewOf(queryString(query, 'view')),
  };
}

/** How long the column keys of an experiment are reused while its runs do not change. */
const KEYS_TTL_MS = 10_000;

/**
 * runKeys, remembered per set of experiments until a run or metric point is added (the
 * last rowids move) or KEYS_TTL_MS pass (a param logged late), so paging and filtering
 * do not read them again each time.
 */
function keyCache(store: SqliteStore): (experiments: readonly number[]) => ReturnType<typeof runKeys> {
  const cache = new Map<string, { stamp: string; at: number; keys: ReturnType<typeof runKeys> }>();
  return (experiments) => {
    const id = experiments.join(',');
    const stamp = `${store.sql('SELECT max(rowid) AS keyed FROM runs').pluck().get()}:${store.sql('SELECT max(rowid) AS keyed FROM metrics').pluck().get()}`;
    const hit = cache.get(id);
    if (hit !== undefined && hit.stamp === stamp && Date.now() - hit.at < KEYS_TTL_MS) return hit.keys;
    const keys = runKeys(store, experiments);
    if (cache.size > 100) cache.clear();
    cache.set(id, { stamp, at: Date.now(), keys });
    return keys;
  };
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
