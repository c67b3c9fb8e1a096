// The vocabulary of schedules: triggers as read from Azure's schedule YAML, and what a
// schedule starts.

/** Azure's recurrence frequencies. */
export type Frequency = 'minute' | 'hour' | 'day' | 'week' | 'month';

/** `trigger: {type: recurrence, …}`. Times of day and days are in `timeZone`. */
export interface RecurrenceTrigger {
  readonly type: 'recurrence';
  readonly frequency: Frequency;
  readonly interval: number;
  /** `schedule`: for day, week and month frequencies (default: the time, weekday or day of start_time). */
  readonly schedule?: {
    readonly hours?: readonly number[];
    readonly minutes?: readonly number[];
    /** 0 = Sunday … 6 = Saturday. */
    readonly weekDays?: readonly number[];
    readonly monthDays?: readonly number[];
  };
  /** ms since the epoch; default: when the schedule was created. */
  readonly startTime?: number;
  /** ms since the epoch, inclusive: no fire after it. */
  readonly endTime?: number;
  /** An IANA time zone (default UTC). */
  readonly timeZone: string;
}

/** `trigger: {type: cron, expression, …}`. */
export interface CronTrigger {
  readonly type: 'cron';
  readonly expression: string;
  readonly startTime?: number;
  readonly endTime?: number;
  readonly timeZone: string;
}

/** `trigger: {type: data_change, path, poll_interval}` (an mlsweep extension): fires when the content hash changes. */
export interface DataChangeTrigger {
  readonly type: 'data_change';
  /** A file, folder, glob, MLTable folder, datastore URI or `azureml:name@latest` data asset. */
  readonly path: string;
  /** Seconds between two looks at the data (default 60). */
  readonly pollInterval: number;
  readonly endTime?: number;
}

/** Any trigger. */
export type Trigger = RecurrenceTrigger | CronTrigger | DataChangeTrigger;

/** A time-based trigger (the ones with fire times). */
export type TimeTrigger = RecurrenceTrigger | CronTrigger;

/** What a schedule starts: a job file (a pipeline or a sweep), or a registered component. */
export type ScheduledJob =
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'component'; readonly ref: string };

/** A schedule as read from its YAML (paths absolute). */
export interface ScheduleSpec {
  readonly name: string;
  readonly displayName?: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly trigger: Trigger;
  readonly createJob: ScheduledJob;
  /** Where the YAML was (the job is run from that folder). */
  readonly baseDir: string;
}
