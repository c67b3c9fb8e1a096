/**
 * `GET /studio/api/sweeps` and `GET /studio/api/sweeps/:id`: the store's sweeps and
 * ask/tell studies, newest first, and one sweep's page (trials, best-so-far history,
 * early-termination decisions, Pareto front). Pages follow new trials on the `sweeps` topic.
 */
import type { FastifyInstance } from 'fastify';
import { SqliteSweepStore } from '../../../store/sqlite-sweep-store.ts';
import { trialRunIds } from '../../../store/sweep-overview.ts';
import type { StudioContext } from '../context.ts';
import { pageOfList } from './page-list.ts';
import { queryString } from './query.ts';
import { summarizeSweep, sweepDetail } from './sweep-view.ts';

/**
 * Mounts the sweep routes: the list takes `?kind=sweep|study`, `?status=`, `limit`, `offset`.
 *
 * @example
 * registerSweepsApi(scope, ctx); // GET /studio/api/sweeps?kind=study
 */
export function registerSweepsApi(app: FastifyInstance, ctx: StudioContext): void {
  app.get('/studio/api/sweeps', async (request) => {
    const query = request.query as Record<string, unknown>;
    const kind = queryString(query, 'kind');
    const status = queryString(query, 'status');
    const all = SqliteSweepStore.list(ctx.store)
      .reverse()
      .map((record) => summarizeSweep(ctx.store, record))
      .filter(
        (s) => (kind === undefined || s.kind === kind) && (status === undefined || s.status === status),
      );
    return pageOfList(all, query);
  });

  app.get('/studio/api/sweeps/:id', async (request) => {
    const { id } = request.params as { id: string };
    const reader = SqliteSweepStore.open(ctx.store, id);
    const [record, trials] = ctx.store.read(() => [reader.sweep(), reader.trials()] as const);
    return sweepDetail(record, trials, trialRunIds(ctx.store, reader.sweepId));
  });
}
