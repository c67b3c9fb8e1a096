import { Cron } from 'croner';
import { ValidationError } from '../../core/errors.ts';
import { localDayNumber, localParts } from './time-zone.ts';
import type { CronTrigger, RecurrenceTrigger, TimeTrigger } from './types.ts';

/** Iterations of croner before giving up on finding a time that meets an interval filter. */
const MAX_STEPS = 100_000;

/**
 * The croner pattern of a day, week or month recurrence: the schedule's minutes and hours
 * (default: start_time's, in its time zone), its week days or month days.
 */
function recurrencePattern(trigger: RecurrenceTrigger, start: number): string {
  const at = localParts(start, trigger.timeZone);
  const list = (values: readonly number[] | undefined, fallback: number) =>
    [...new Set(values && values.length > 0 ? values : [fallback])].sort((a, b) => a - b).join(',');
  const minutes = list(trigger.schedule?.minutes, at.minute);
  const hours = list(trigger.schedule?.hours, at.hour);
  if (trigger.frequency === 'day') return `${minutes} ${hours} * * *`;
  if (trigger.frequency === 'week')
    return `${minutes} ${hours} * * ${list(trigger.schedule?.weekDays, at.weekDay)}`;
  return `${minutes} ${hours} ${list(trigger.schedule?.monthDays, at.day)} * *`;
}

/** True when `tick` falls in a period that is a whole number of intervals after start's. */
function onInterval(trigger: RecurrenceTrigger, start: number, tick: number): boolean {
  if (trigger.interval === 1) return true;
  const zone = trigger.timeZone;
  let periods: number;
  if (trigger.frequency === 'day') periods = localDayNumber(tick, zone) - localDayNumber(start, zone);
  else if (trigger.frequency === 'week') {
    // weeks start on Sunday, as cron's day-of-week numbers do
    const sunday = (ms: number) => localDayNumber(ms, zone) - localParts(ms, zone).weekDay;
    periods = Math.round((sunday(tick) - sunday(start)) / 7);
  } else {
    const a = localParts(start, zone);
    const b = localParts(tick, zone);
    periods = b.year * 12 + b.month - (a.year * 12 + a.month);
  }
  return periods >= 0 && periods % trigger.interval === 0;
}

/**
 * Checks a cron expression with croner (5 fields, or 6 with seconds); a clear error otherwise.
 *
 * @example
 * checkCronExpression('0 4 * * MON-FRI');
 */
export function checkCronExpression(expression: string, zone = 'UTC'): void {
  try {
    new Cron(expression, { timezone: zone, paused: true, mode: '5-or-6-parts' });
  } catch (error) {
    throw new ValidationError(
      `trigger.expression ${JSON.stringify(expression)}: ${(error as Error).message}`,
      {
        path: 'trigger.expression',
      },
    );
  }
}

/**
 * The fire times of a time trigger strictly after `after`, at most `count` of them and
 * none after `until` (inclusive) or the trigger's end_time: computed by croner in the
 * trigger's time zone (DST and month lengths as croner handles them: a time skipped by a
 * DST change fires at the first valid time after it, a time that occurs twice fires once;
 * a day of the month a month lacks is skipped). Minute and hour recurrences count whole
 * intervals from start_time. `createdAt` stands for start_time when it is absent.
 *
 * @example
 * fireTimes({ type: 'cron', expression: '0 4 * * *', timeZone: 'Europe/Berlin' }, { after: Date.now(), count: 5, createdAt: Date.now() });
 */
export function fireTimes(
  trigger: TimeTrigger,
  options: {
    readonly after: number;
    readonly count?: number;
    readonly until?: number;
    readonly createdAt: number;
  },
): number[] {
  const count = options.count ?? Number.POSITIVE_INFINITY;
  const start = trigger.startTime ?? options.createdAt;
  const end = Math.min(
    trigger.endTime ?? Number.POSITIVE_INFINITY,
    options.until ?? Number.POSITIVE_INFINITY,
  );
  const out: number[] = [];
  if (count <= 0) return out;
  if (trigger.type === 'recurrence' && (trigger.frequency === 'minute' || trigger.frequency === 'hour')) {
    const step = trigger.interval * (trigger.frequency === 'minute' ? 60_000 : 3_600_000);
    let k = Math.max(0, Math.floor((options.after - start) / step) + 1);
    for (let t = start + k * step; t <= end && out.length < count; t = start + ++k * step) out.push(t);
    return out;
  }
  const pattern = trigger.type === 'cron' ? trigger.expression : recurrencePattern(trigger, start);
  const cron = new Cron(pattern, {
    timezone: trigger.timeZone,
    paused: true,
    mode: '5-or-6-parts',
    // a listed hour (4,16) fires once on a DST fall-back day, as a single one does
    ...(trigger.type === 'recurrence' ? { fixedTimeRule: 'no-wildcard' as const } : {}),
  });
  // croner's nextRun is strictly after the date given; start_time itself may fire
  let from = new Date(Math.max(options.after, start - 1));
  for (let i = 0; i < MAX_STEPS && out.length < count; i++) {
    const next = cron.nextRun(from);
    if (next === null) break;
    const t = next.getTime();
    if (t > end) break;
    if (trigger.type === 'cron' || onInterval(trigger as RecurrenceTrigger, start, t)) out.push(t);
    from = next;
  }
  return out;
}

/**
 * The trigger types with fire times.
 *
 * @example
 * isTimeTrigger(spec.trigger); // false for data_change
 */
export function isTimeTrigger(trigger: {
  readonly type: string;
}): trigger is CronTrigger | RecurrenceTrigger {
  return trigger.type === 'cron' || trigger.type === 'recurrence';
}
