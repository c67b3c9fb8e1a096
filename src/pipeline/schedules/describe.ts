// A schedule as people read it: its trigger in one line and its next fire times, shared by
// `mlsweep schedule` and the studio.
import { fireTimes, isTimeTrigger } from './fire-times.ts';
import type { ScheduleRecord } from './store.ts';
import type { Trigger } from './types.ts';

/**
 * A trigger in one line: `cron 0 4 * * * (Europe/Berlin)`, `every 2 day at 4:00 (UTC)`, `data_change data/ every 60 s`
 * (what `mlsweep schedule` prints and the studio shows).
 *
 * @example
 * describeTrigger({ type: 'cron', expression: '0 4 * * *', timeZone: 'UTC' }); // 'cron 0 4 * * * (UTC)'
 */
export function describeTrigger(t: Trigger): string {
  if (t.type === 'cron') return `cron ${t.expression} (${t.timeZone})`;
  if (t.type === 'data_change') return `when ${t.path} changes (looked at every ${t.pollInterval} s)`;
  const s = t.schedule;
  const parts = [
    `every ${t.interval === 1 ? '' : `${t.interval} `}${t.frequency}${t.interval === 1 ? '' : 's'}`,
    ...(s?.hours ? [`hours ${s.hours.join(',')}`] : []),
    ...(s?.minutes ? [`minutes ${s.minutes.join(',')}`] : []),
    ...(s?.weekDays
      ? [`week days ${s.weekDays.map((d) => ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][d]).join(',')}`]
      : []),
    ...(s?.monthDays ? [`month days ${s.monthDays.join(',')}`] : []),
  ];
  return `${parts.join(', ')} (${t.timeZone})`;
}

/**
 * The next `count` fire times of a schedule from now (none for a data_change trigger or a
 * disabled schedule): what `schedule show` prints, and the studio shows.
 *
 * @example
 * nextTimes(record, Date.now(), 5).map((t) => new Date(t).toISOString());
 */
export function nextTimes(s: ScheduleRecord, now: number, count: number): number[] {
  if (!isTimeTrigger(s.spec.trigger) || !s.enabled) return [];
  return fireTimes(s.spec.trigger, {
    after: Math.max(now, s.lastTick ?? s.createdAt),
    count,
    createdAt: s.createdAt,
  });
}
