/**
 * `GET /studio/api/audit`: the store's audit log, newest first (who, when, what), paged.
 */
import type { FastifyInstance } from 'fastify';
import { listAudit } from '../../../tracking/audit-log.ts';
import type { StudioContext } from '../context.ts';
import { pageQuery, queryString } from './query.ts';

/**
 * Mounts the audit log: `?limit=&offset=&action=` (an action prefix such as `model.`).
 *
 * @example
 * registerAuditApi(scope, ctx); // GET /studio/api/audit?limit=50
 */
export function registerAuditApi(app: FastifyInstance, ctx: StudioContext): void {
  app.get('/studio/api/audit', async (request) => {
    const query = request.query as Record<string, unknown>;
    const { limit, offset } = pageQuery(query);
    const action = queryString(query, 'action');
    const page = listAudit(ctx.store, { limit, offset, ...(action !== undefined ? { action } : {}) });
    const next = offset + page.items.length < page.total ? String(offset + limit) : undefined;
    return { items: page.items, total: page.total, ...(next !== undefined ? { nextPageToken: next } : {}) };
  });
}
