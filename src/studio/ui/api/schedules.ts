/**
 * Schedules in the studio: each with its trigger in words, whether it is enabled, its last
 * fire and its next five fire times (the function `mlsweep schedule show` uses), its recent
 * fires, and enable/disable, which a person confirms in the page and the audit log records.
 */
import type { FastifyInstance } from 'fastify';
import {
  describeTrigger,
  nextTimes,
  type ScheduleRecord,
  ScheduleStore,
} from '../../../pipeline/schedules/index.ts';
import type { StudioContext } from '../context.ts';
import { StudioApiError } from '../errors.ts';
import { pageOfList } from './page-list.ts';

/** How many fire times ahead a schedule shows. */
const NEXT_FIRES = 5;

/**
 * A schedule as the studio shows it, its next fire times counted from `now`.
 *
 * @example
 * scheduleView(record, Date.now()).nextFireTimes.length; // 5 for an enabled time trigger
 */
export function scheduleView(s: ScheduleRecord, now: number): Record<string, unknown> {
  const job = s.spec.createJob;
  return {
    name: s.name,
    displayName: s.spec.displayName ?? s.name,
    description: s.spec.description,
    enabled: s.enabled,
    trigger: s.spec.trigger,
    triggerText: describeTrigger(s.spec.trigger),
    job: job.kind === 'file' ? job.path : job.ref,
    lastFiredAt: s.lastFiredAt ?? null,
    nextFireTimes: nextTimes(s, now, NEXT_FIRES).map((t) => new Date(t).toISOString()),
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/**
 * Mounts `GET /studio/api/schedules`, `GET /studio/api/schedules/:name` (with its last
 * fires) and `PUT /studio/api/schedules/:name/enabled` (body `{enabled: boolean}`).
 *
 * @example
 * registerSchedulesApi(scope, ctx);
 */
export function registerSchedulesApi(app: FastifyInstance, ctx: StudioContext): void {
  const schedules = new ScheduleStore(ctx.store);

  app.get('/studio/api/schedules', async (request) => {
    const now = Date.now();
    return pageOfList(
      schedules.list().map((s) => scheduleView(s, now)),
      request.query as Record<string, unknown>,
    );
  });

  app.get('/studio/api/schedules/:name', async (request) => {
    const { name } = request.params as { name: string };
    return ctx.store.read(() => ({
      ...scheduleView(schedules.get(name), Date.now()),
      fires: schedules.fires(name, 20),
    }));
  });

  app.put('/studio/api/schedules/:name/enabled', async (request) => {
    const { name } = request.params as { name: string };
    const enabled = (request.body as Record<string, unknown> | undefined)?.['enabled'];
    if (typeof enabled !== 'boolean') {
      throw new StudioApiError(400, 'INVALID_VALUE', 'the body needs "enabled" as true or false');
    }
    const record = ctx.store.write(() => {
      const from = schedules.get(name).enabled;
      const after = schedules.setEnabled(name, enabled, Date.now());
      ctx.audit(request, enabled ? 'schedule.enable' : 'schedule.disable', name, { from, to: enabled });
      return after;
    });
    ctx.events.publish('schedules', { name });
    return scheduleView(record, Date.now());
  });
}
