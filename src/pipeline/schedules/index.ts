// Schedules: Azure's recurrence and cron triggers (computed by croner, in a time zone) and
// a data-change trigger, fired by a Scheduler that claims each tick once per store.
export { describeTrigger, nextTimes } from './describe.ts';
export { checkCronExpression, fireTimes, isTimeTrigger } from './fire-times.ts';
export { type JobLauncher, jobArguments, type LaunchOutcome, processLauncher } from './launch.ts';
export {
  DEFAULT_MISFIRE_GRACE_MS,
  DEFAULT_POLL_MS,
  type FireEvent,
  Scheduler,
  type SchedulerOptions,
} from './scheduler.ts';
export { parseSchedule, type ReadSchedule, readScheduleFile } from './spec.ts';
export { type ScheduleFire, type ScheduleRecord, ScheduleStore } from './store.ts';
export { checkTimeZone, instantOf, localParts } from './time-zone.ts';
export type {
  CronTrigger,
  DataChangeTrigger,
  Frequency,
  RecurrenceTrigger,
  ScheduledJob,
  ScheduleSpec,
  TimeTrigger,
  Trigger,
} from './types.ts';
export { watchedHash } from './watch.ts';
