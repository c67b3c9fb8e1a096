/**
 * `GET /studio/api/experiments`: the store's experiments with their run counts and last
 * activity, newest activity first.
 */
import type { FastifyInstance } from 'fastify';
import type { StudioContext } from '../context.ts';
import { pageQuery, queryString } from './query.ts';

/**
 * Mounts the experiment list: `?view=active|deleted|all&limit=&offset=`.
 *
 * @example
 * registerExperimentsApi(scope, ctx); // GET /studio/api/experiments
 */
export function registerExperimentsApi(app: FastifyInstance, ctx: StudioContext): void {
  app.get('/studio/api/experiments', async (request) => {
    const query = request.query as Record<string, unknown>;
    const { limit, offset } = pageQuery(query, 200);
    const view = queryString(query, 'view') ?? 'active';
    const all = ctx.store
      .listExperiments()
      .filter((e) => view === 'all' || (e.lifecycleStage ?? 'active') === view)
      .map((e) => ({
        id: e.id,
        name: e.name,
        createdAt: e.createdAt,
        runCount: e.runCount,
        lastRunAt: e.lastRunAt ?? null,
        lifecycleStage: e.lifecycleStage ?? 'active',
        tags: e.tags,
      }))
      .sort((a, b) => (b.lastRunAt ?? b.createdAt) - (a.lastRunAt ?? a.createdAt) || a.id - b.id);
    const items = all.slice(offset, offset + limit);
    const next = offset + items.length < all.length ? String(offset + limit) : undefined;
    return { items, total: all.length, ...(next !== undefined ? { nextPageToken: next } : {}) };
  });
}
