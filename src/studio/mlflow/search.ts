/**
 * MLflow's runs/search: runs of the given experiments matching a filter in MLflow's
 * syntax (src/tracking/filter.ts: `metrics.acc > 0.9`, `params.x = '5'`, quoted keys
 * with dots, `attributes.status`, `tags.\`mlflow.runName\``), in a view (active, deleted,
 * all), ordered, paged by opaque tokens.
 */
import type { FastifyInstance } from 'fastify';
import type { MlflowContext } from './context.ts';
import { runJson } from './convert.ts';
import { viewType } from './experiments.ts';
import { findExperimentById } from './lookup.ts';
import { fieldsOf, maxResults, optionalString, pageOffset, pageToken, stringList } from './request.ts';

/** Most runs one page of runs/search may ask for. */
export const MAX_SEARCH_RUNS = 50_000;

/**
 * Mounts `runs/search` under `prefix`. An experiment id that does not exist matches no
 * runs, as in MLflow; no experiment ids at all match none.
 *
 * @example
 * registerRunSearchRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerRunSearchRoutes(app: FastifyInstance, prefix: string, context: MlflowContext): void {
  const { store } = context;
  app.post(`${prefix}/runs/search`, async (request) => {
    const fields = fieldsOf(request);
    const limit = maxResults(fields, 1000, MAX_SEARCH_RUNS);
    const offset = pageOffset(fields);
    const view = viewType(fields, 'run_view_type');
    const orderBy = stringList(fields, 'order_by');
    const filter = optionalString(fields, 'filter');
    const experiments = stringList(fields, 'experiment_ids')
      .map((id) => findExperimentById(store, id)?.id)
      .filter((id): id is number => id !== undefined);
    if (experiments.length === 0) return { runs: [] };
    const runs = store.searchRuns({
      experiments,
      ...(filter !== undefined ? { filter } : {}),
      orderBy,
      view,
      maxResults: limit + 1,
      offset,
    });
    const next = pageToken(offset, limit, runs.length > limit);
    return {
      runs: runs.slice(0, limit).map((run) => runJson(store, run)),
      ...(next === undefined ? {} : { next_page_token: next }),
    };
  });
}
