import { dirname, resolve } from 'node:path';
import { ConfigError } from '../../core/errors.ts';
import { readYamlFile, type YamlFile } from '../../data/yaml-file.ts';
import { checkCronExpression } from './fire-times.ts';
import { checkTimeZone, instantOf } from './time-zone.ts';
import type { Frequency, ScheduledJob, ScheduleSpec, Trigger } from './types.ts';

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const FREQUENCIES: readonly Frequency[] = ['minute', 'hour', 'day', 'week', 'month'];
const WEEK_DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const TOP = new Set([
  '$schema',
  'name',
  'display_name',
  'description',
  'tags',
  'trigger',
  'create_job',
  'properties',
]);
const TRIGGER_KEYS: Record<string, readonly string[]> = {
  recurrence: ['type', 'frequency', 'interval', 'schedule', 'start_time', 'end_time', 'time_zone'],
  cron: ['type', 'expression', 'start_time', 'end_time', 'time_zone'],
  data_change: ['type', 'path', 'poll_interval', 'end_time', 'time_zone'],
};

/** A schedule read from YAML, with the keys a local run does not use. */
export interface ReadSchedule {
  readonly spec: ScheduleSpec;
  readonly ignored: readonly string[];
}

function integers(
  doc: YamlFile,
  path: (string | number)[],
  value: unknown,
  min: number,
  max: number,
): number[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v, i) => {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw doc.error([...path, i], `expected whole numbers from ${min} to ${max}, got ${JSON.stringify(v)}`);
    }
    return v;
  });
}

function readTrigger(doc: YamlFile, raw: unknown, baseDir: string): Trigger {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw doc.error(['trigger'], 'trigger must be a mapping with type recurrence, cron or data_change');
  }
  const t = raw as Record<string, unknown>;
  const type = String(t.type ?? '');
  const keys = TRIGGER_KEYS[type];
  if (keys === undefined) {
    throw doc.error(
      ['trigger', 'type'],
      `trigger.type must be recurrence, cron or data_change, got ${JSON.stringify(t.type)}`,
    );
  }
  for (const key of Object.keys(t)) {
    if (!keys.includes(key))
      throw doc.error(['trigger', key], `a ${type} trigger takes ${keys.join(', ')}, not ${key}`);
  }
  const timeZone = t.time_zone === undefined ? 'UTC' : String(t.time_zone);
  try {
    checkTimeZone(timeZone);
  } catch (error) {
    throw doc.error(['trigger', 'time_zone'], (error as Error).message);
  }
  const instant = (key: 'start_time' | 'end_time') => {
    if (t[key] === undefined) return undefined;
    const value = t[key] instanceof Date ? (t[key] as Date).toISOString() : String(t[key]);
    try {
      return instantOf(value, timeZone, `trigger.${key}`);
    } catch (error) {
      throw doc.error(['trigger', key], (error as Error).message);
    }
  };
  const startTime = instant('start_time');
  const endTime = instant('end_time');
  if (startTime !== undefined && endTime !== undefined && endTime < startTime) {
    throw doc.error(['trigger', 'end_time'], 'trigger.end_time is before start_time');
  }
  const times = {
    ...(startTime !== undefined ? { startTime } : {}),
    ...(endTime !== undefined ? { endTime } : {}),
  };
  if (type === 'cron') {
    if (typeof t.expression !== 'string')
      throw doc.error(['trigger'], 'a cron trigger needs expression (0 4 * * *)');
    try {
      checkCronExpression(t.expression, timeZone);
    } catch (error) {
      throw doc.error(['trigger', 'expression'], (error as Error).message);
    }
    return { type: 'cron', expression: t.expression, timeZone, ...times };
  }
  if (type === 'data_change') {
    if (typeof t.path !== 'string' || t.path === '') {
      throw doc.error(
        ['trigger'],
        'a data_change trigger needs path (a file, folder, glob or azureml:name@latest)',
      );
    }
    const poll = t.poll_interval ?? 60;
    if (typeof poll !== 'number' || !(poll > 0)) {
      throw doc.error(
        ['trigger', 'poll_interval'],
        `poll_interval is a number of seconds above 0, got ${JSON.stringify(poll)}`,
      );
    }
    const local = /^(azureml:|https?:|[a-z]+:\/\/)/.test(t.path) ? t.path : resolve(baseDir, t.path);
    return {
      type: 'data_change',
      path: local,
      pollInterval: poll,
      ...(endTime !== undefined ? { endTime } : {}),
    };
  }
  const frequency = String(t.frequency ?? '').toLowerCase() as Frequency;
  if (!FREQUENCIES.includes(frequency)) {
    throw doc.error(
      ['trigger', 'frequency'],
      `frequency must be ${FREQUENCIES.join(', ')}, got ${JSON.stringify(t.frequency)}`,
    );
  }
  const interval = t.interval ?? 1;
  if (typeof interval !== 'number' || !Number.isInteger(interval) || interval < 1) {
    throw doc.error(
      ['trigger', 'interval'],
      `interval is a whole number from 1, got ${JSON.stringify(interval)}`,
    );
  }
  let schedule: NonNullable<Extract<Trigger, { type: 'recurrence' }>['schedule']> | undefined;
  if (t.schedule !== undefined) {
    const s = t.schedule as Record<string, unknown>;
    if (s === null || typeof s !== 'object' || Array.isArray(s))
      throw doc.error(['trigger', 'schedule'], 'schedule is a mapping');
    if (frequency === 'minute' || frequency === 'hour') {
      throw doc.error(
        ['trigger', 'schedule'],
        `schedule goes with frequency day, week or month, not ${frequency}`,
      );
    }
    for (const key of Object.keys(s)) {
      if (!['hours', 'minutes', 'week_days', 'month_days'].includes(key)) {
        throw doc.error(
          ['trigger', 'schedule', key],
          `schedule takes hours, minutes, week_days, month_days, not ${key}`,
        );
      }
    }
    const weekDays =
      s.week_days === undefined
        ? undefined
        : (Array.isArray(s.week_days) ? s.week_days : [s.week_days]).map((d, i) => {
            const n = WEEK_DAYS.indexOf(String(d).toLowerCase());
            if (n < 0)
              throw doc.error(
                ['trigger', 'schedule', 'week_days', i],
                `unknown week day ${JSON.stringify(d)} (monday … sunday)`,
              );
            return n;
          });
    if (weekDays !== undefined && frequency !== 'week') {
      throw doc.error(['trigger', 'schedule', 'week_days'], 'week_days goes with frequency week');
    }
    if (s.month_days !== undefined && frequency !== 'month') {
      throw doc.error(['trigger', 'schedule', 'month_days'], 'month_days goes with frequency month');
    }
    schedule = {
      ...(s.hours !== undefined
        ? { hours: integers(doc, ['trigger', 'schedule', 'hours'], s.hours, 0, 23) }
        : {}),
      ...(s.minutes !== undefined
        ? { minutes: integers(doc, ['trigger', 'schedule', 'minutes'], s.minutes, 0, 59) }
        : {}),
      ...(weekDays !== undefined ? { weekDays } : {}),
      ...(s.month_days !== undefined
        ? { monthDays: integers(doc, ['trigger', 'schedule', 'month_days'], s.month_days, 1, 31) }
        : {}),
    };
  }
  return {
    type: 'recurrence',
    frequency,
    interval,
    timeZone,
    ...times,
    ...(schedule !== undefined ? { schedule } : {}),
  };
}

function readJob(doc: YamlFile, raw: unknown, baseDir: string, ignored: string[]): ScheduledJob {
  let ref = raw;
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const o = raw as Record<string, unknown>;
    ref = o.job;
    for (const key of Object.keys(o)) if (key !== 'job' && key !== 'type') ignored.push(`create_job.${key}`);
  }
  if (typeof ref !== 'string' || ref === '') {
    throw doc.error(
      ['create_job'],
      'create_job is a job file (a pipeline or sweep YAML), azureml:COMPONENT:VERSION, or {job: file}',
    );
  }
  if (ref.startsWith('azureml:')) return { kind: 'component', ref };
  return { kind: 'file', path: resolve(baseDir, ref) };
}

/**
 * Reads a schedule in Azure's shape: `name`, `trigger` (recurrence, cron, or the
 * data_change extension), `create_job`. Errors name the file, line and key.
 *
 * @example
 * parseSchedule(readYamlFile('nightly.yml')).spec.trigger.type; // 'cron'
 */
export function parseSchedule(doc: YamlFile): ReadSchedule {
  const value = doc.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('a schedule is a mapping with name, trigger and create_job', { file: doc.file });
  }
  const raw = value as Record<string, unknown>;
  const ignored: string[] = [];
  for (const key of Object.keys(raw)) {
    if (!TOP.has(key)) throw doc.error([key], `unknown key ${key} (a schedule takes ${[...TOP].join(', ')})`);
    if (key === '$schema' || key === 'properties') ignored.push(key);
  }
  if (typeof raw.name !== 'string' || !NAME.test(raw.name)) {
    throw doc.error(
      ['name'],
      `name must be 1 to 255 letters, digits, '_', '.', '-', got ${JSON.stringify(raw.name)}`,
    );
  }
  const baseDir = dirname(resolve(doc.file));
  const tags = Object.fromEntries(
    Object.entries((raw.tags as Record<string, unknown> | undefined) ?? {}).map(([k, v]) => [k, String(v)]),
  );
  return {
    spec: {
      name: raw.name,
      ...(raw.display_name !== undefined ? { displayName: String(raw.display_name) } : {}),
      description: raw.description === undefined ? '' : String(raw.description),
      tags,
      trigger: readTrigger(doc, raw.trigger, baseDir),
      createJob: readJob(doc, raw.create_job, baseDir, ignored),
      baseDir,
    },
    ignored,
  };
}

/**
 * Reads a schedule YAML file (see parseSchedule).
 *
 * @example
 * readScheduleFile('schedule.yml').spec.name;
 */
export function readScheduleFile(path: string): ReadSchedule {
  return parseSchedule(readYamlFile(path));
}
