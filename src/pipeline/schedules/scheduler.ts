import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';
import { fireTimes, isTimeTrigger } from './fire-times.ts';
import type { JobLauncher, LaunchOutcome } from './launch.ts';
import { type ScheduleRecord, ScheduleStore } from './store.ts';
import { watchedHash } from './watch.ts';

/** A tick later than this after its time counts as a catch-up run (default one minute). */
export const DEFAULT_MISFIRE_GRACE_MS = 60_000;
/** How often the loop looks at the store when no fire is due sooner (new schedules, data changes). */
export const DEFAULT_POLL_MS = 1000;

/** What a scheduler pass did for one schedule. */
export interface FireEvent {
  readonly schedule: string;
  readonly tick: number;
  /** True when the tick was missed (the scheduler was down): the one catch-up run. */
  readonly catchUp: boolean;
  /** Missed ticks before it that the misfire policy skipped. */
  readonly skipped: number;
  readonly trigger: 'recurrence' | 'cron' | 'data_change';
}

/** Options of a Scheduler. */
export interface SchedulerOptions {
  readonly store: SqliteStore;
  /** Starts a fired job (see processLauncher). */
  readonly launch: JobLauncher;
  /** The time, ms (default Date.now): tests move it by hand. */
  readonly clock?: () => number;
  /** Names this scheduler in the fire rows (default host:pid:random). */
  readonly schedulerId?: string;
  readonly misfireGraceMs?: number;
  readonly pollMs?: number;
  /** The content identity of a watched path (default watchedHash). */
  readonly dataHash?: (path: string, store: SqliteStore) => string;
  readonly onFire?: (event: FireEvent) => void;
  readonly onError?: (schedule: string, error: Error) => void;
}

/**
 * Fires a store's schedules. Each pass (`poll`) claims the ticks due since each schedule's
 * last tick and starts their jobs without waiting for them; the last tick is persisted
 * with the claim, in one transaction that inserts the (schedule, tick) row, so several
 * schedulers on one store never fire a tick twice.
 *
 * Misfire policy: when a schedule has several ticks due at once (the scheduler was down,
 * or the machine asleep), only the latest fires — one catch-up run, marked as such — and
 * the earlier ones are skipped. A tick fired later than `misfireGraceMs` after its time
 * is a catch-up too. Ticks before a schedule was created, or while it was disabled, never
 * fire. A data_change schedule fires once per change of content seen, polled every
 * `poll_interval` seconds; the content when it was created is the baseline.
 *
 * @example
 * const scheduler = new Scheduler({ store, launch: processLauncher(store.dir) });
 * scheduler.start();
 * // … later
 * await scheduler.stop();
 */
export class Scheduler {
  readonly schedules: ScheduleStore;
  readonly schedulerId: string;
  private readonly clock: () => number;
  private readonly running = new Set<Promise<void>>();
  private readonly lastPolled = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly options: SchedulerOptions) {
    this.schedules = new ScheduleStore(options.store);
    this.clock = options.clock ?? Date.now;
    this.schedulerId =
      options.schedulerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  }

  /**
   * One pass over the enabled schedules: claims what is due now and starts its jobs.
   * Returns what fired (by this scheduler; a tick another claimed is not listed).
   *
   * @example
   * clock.now = Date.parse('2026-03-29T02:00:00Z'); scheduler.poll(); // [{ schedule: 'nightly', … }]
   */
  poll(): FireEvent[] {
    const fired: FireEvent[] = [];
    for (const schedule of this.schedules.list()) {
      if (!schedule.enabled) continue;
      try {
        const event = isTimeTrigger(schedule.spec.trigger)
          ? this.pollTime(schedule)
          : this.pollData(schedule);
        if (event !== undefined) {
          fired.push(event);
          this.options.onFire?.(event);
          this.launchJob(schedule, event.tick);
        }
      } catch (error) {
        this.options.onError?.(schedule.name, error as Error);
      }
    }
    return fired;
  }

  private pollTime(schedule: ScheduleRecord): FireEvent | undefined {
    const trigger = schedule.spec.trigger;
    if (!isTimeTrigger(trigger)) return undefined;
    const now = this.clock();
    const after = schedule.lastTick ?? schedule.createdAt;
    const due = fireTimes(trigger, { after, until: now, createdAt: schedule.createdAt });
    if (due.length === 0) return undefined;
    const tick = due[due.length - 1]!;
    const catchUp = due.length > 1 || now - tick > (this.options.misfireGraceMs ?? DEFAULT_MISFIRE_GRACE_MS);
    if (!this.schedules.claimTick(schedule.name, tick, this.schedulerId, now, catchUp)) return undefined;
    return { schedule: schedule.name, tick, catchUp, skipped: due.length - 1, trigger: trigger.type };
  }

  private pollData(schedule: ScheduleRecord): FireEvent | undefined {
    const trigger = schedule.spec.trigger;
    if (trigger.type !== 'data_change') return undefined;
    const now = this.clock();
    if (trigger.endTime !== undefined && now > trigger.endTime) return undefined;
    const last = this.lastPolled.get(schedule.name);
    if (last !== undefined && now - last < trigger.pollInterval * 1000) return undefined;
    this.lastPolled.set(schedule.name, now);
    const hash = (this.options.dataHash ?? watchedHash)(trigger.path, this.options.store);
    const tick = this.schedules.claimChange(schedule.name, hash, this.schedulerId, now);
    if (tick === undefined) return undefined;
    return { schedule: schedule.name, tick, catchUp: false, skipped: 0, trigger: 'data_change' };
  }

  private launchJob(schedule: ScheduleRecord, tick: number): void {
    const job: Promise<void> = this.options
      .launch(schedule, tick)
      .catch((error: Error): LaunchOutcome => ({ status: 'failed', error: error.message }))
      .then((outcome) => {
        try {
          this.schedules.recordRun(schedule.name, tick, outcome);
        } catch (error) {
          this.options.onError?.(schedule.name, error as Error);
        }
      })
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }

  /** Settles when every job this scheduler started has ended and been recorded. */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** The time of the next fire of any enabled time schedule, or undefined. */
  nextFire(): number | undefined {
    let next: number | undefined;
    for (const s of this.schedules.list()) {
      if (!s.enabled || !isTimeTrigger(s.spec.trigger)) continue;
      const [t] = fireTimes(s.spec.trigger, {
        after: Math.max(s.lastTick ?? s.createdAt, this.clock()),
        count: 1,
        createdAt: s.createdAt,
      });
      if (t !== undefined && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  /**
   * Runs passes until stop(): after each, sleeps until the next fire time or `pollMs`,
   * whichever is sooner (so new schedules and data changes are seen within a poll).
   *
   * @example
   * scheduler.start();
   */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = (async () => {
      while (!this.stopped) {
        const poll = this.options.pollMs ?? DEFAULT_POLL_MS;
        let next: number | undefined;
        try {
          this.poll();
          next = this.nextFire();
        } catch (error) {
          // the store busy or briefly unreadable: say so and try again at the next poll
          this.options.onError?.('(all)', error as Error);
        }
        const wait = Math.max(10, Math.min(poll, next === undefined ? poll : next - this.clock()));
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, wait);
        });
      }
    })();
  }

  /**
   * Stops the loop, then waits for the jobs it started (they are not killed: a job is
   * a run of its own, and ends recorded).
   *
   * @example
   * await scheduler.stop();
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    await this.idle();
  }
}
