import { Cron } from 'croner';
import { ValidationError } from '../../core/errors.ts';

/**
 * Checks an IANA time zone name (`Europe/Berlin`, `UTC`); a clear error otherwise.
 *
 * @example
 * checkTimeZone('America/New_York'); // 'America/New_York'
 */
export function checkTimeZone(zone: string, path = 'trigger.time_zone'): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    throw new ValidationError(
      `${path}: unknown time zone ${JSON.stringify(zone)}: use an IANA name such as UTC, Europe/Berlin or America/New_York`,
      { path },
    );
  }
}

/**
 * The instant of an ISO 8601 date-time: as written when it has `Z` or an offset, else as
 * local time in `zone` (as Azure reads start_time and end_time), converted by croner.
 *
 * @example
 * instantOf('2026-03-29T02:30:00', 'Europe/Berlin'); // the first valid time after the DST gap
 */
export function instantOf(text: string, zone: string, path: string): number {
  const trimmed = text.trim();
  if (/(Z|[+-]\d\d:?\d\d)$/i.test(trimmed)) {
    const ms = Date.parse(trimmed);
    if (Number.isFinite(ms)) return ms;
  } else if (/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?)?$/.test(trimmed)) {
    const local = trimmed.length === 10 ? `${trimmed}T00:00:00` : trimmed;
    const next = new Cron(local, { timezone: zone, paused: true }).nextRun(new Date(0));
    if (next !== null) return next.getTime();
  }
  throw new ValidationError(
    `${path}: ${JSON.stringify(text)} is not an ISO 8601 date-time (2026-01-31T09:00:00)`,
    {
      path,
    },
  );
}

/** The calendar parts of an instant in a time zone. */
export interface LocalParts {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  /** 0 = Sunday. */
  readonly weekDay: number;
}

const formats = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/**
 * The local date and time of `ms` in `zone`.
 *
 * @example
 * localParts(Date.UTC(2026, 0, 1, 12), 'Europe/Berlin').hour; // 13
 */
export function localParts(ms: number, zone: string): LocalParts {
  let format = formats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formats.set(zone, format);
  }
  const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    weekDay: WEEKDAYS.indexOf(parts.weekday!),
  };
}

/**
 * The local calendar day of `ms` in `zone`, as a count of days (for "every n days").
 *
 * @example
 * localDayNumber(Date.UTC(2026, 0, 1, 23), 'Europe/Berlin') - localDayNumber(Date.UTC(2026, 0, 1, 12), 'Europe/Berlin'); // 1
 */
export function localDayNumber(ms: number, zone: string): number {
  const p = localParts(ms, zone);
  return Math.round(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000);
}
