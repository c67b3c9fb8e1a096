import { ValidationError } from '../../core/errors.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';
import type { ScheduleSpec } from './types.ts';

/** A schedule as the store keeps it. */
export interface ScheduleRecord {
  readonly name: string;
  readonly spec: ScheduleSpec;
  readonly enabled: boolean;
  /** The last tick claimed (fired or skipped by the misfire policy), ms; undefined before the first. */
  readonly lastTick: number | undefined;
  readonly lastFiredAt: number | undefined;
  /** data_change: the content hash last seen. */
  readonly watchHash: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One fire of a schedule: a tick claimed by one scheduler, and the run it started. */
export interface ScheduleFire {
  readonly scheduleName: string;
  readonly tick: number;
  readonly firedAt: number;
  readonly schedulerId: string;
  /** True for the one catch-up run after missed ticks (see the misfire policy). */
  readonly catchUp: boolean;
  readonly runId: string | undefined;
  /** started, completed, failed. */
  readonly status: string;
  readonly error: string | undefined;
}

interface Row {
  name: string;
  spec_json: string;
  enabled: number;
  last_tick: number | null;
  last_fired_at: number | null;
  watch_hash: string | null;
  created_at: number;
  updated_at: number;
}

interface FireRow {
  schedule_name: string;
  tick: number;
  fired_at: number;
  scheduler_id: string;
  catch_up: number;
  run_id: string | null;
  status: string;
  error: string | null;
}

const toRecord = (r: Row): ScheduleRecord => ({
  name: r.name,
  spec: JSON.parse(r.spec_json) as ScheduleSpec,
  enabled: r.enabled === 1,
  lastTick: r.last_tick ?? undefined,
  lastFiredAt: r.last_fired_at ?? undefined,
  watchHash: r.watch_hash ?? undefined,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const toFire = (r: FireRow): ScheduleFire => ({
  scheduleName: r.schedule_name,
  tick: r.tick,
  firedAt: r.fired_at,
  schedulerId: r.scheduler_id,
  catchUp: r.catch_up === 1,
  runId: r.run_id ?? undefined,
  status: r.status,
  error: r.error ?? undefined,
});

/**
 * The schedules of a store (tables `schedules` and `schedule_fires`). A tick is claimed by
 * inserting its (schedule, tick) row in one transaction: the primary key lets exactly one
 * scheduler claim it, however many run on the store.
 *
 * @example
 * const schedules = new ScheduleStore(store);
 * schedules.create(readScheduleFile('nightly.yml').spec);
 */
export class ScheduleStore {
  constructor(readonly store: SqliteStore) {}

  /**
   * Creates a schedule, or replaces the spec of one of that name (as `az ml schedule
   * create` updates); its fire history and last tick are kept, so a replaced schedule
   * does not fire again for ticks already past.
   *
   * @example
   * schedules.create(spec, Date.now(), hash);
   */
  create(spec: ScheduleSpec, now: number, watchHash?: string): { record: ScheduleRecord; replaced: boolean } {
    return this.store.write(() => {
      const existing = this.find(spec.name);
      if (existing === undefined) {
        this.store
          .sql(
            'INSERT INTO schedules (name, spec_json, enabled, last_tick, watch_hash, created_at, updated_at) VALUES (?, ?, 1, NULL, ?, ?, ?)',
          )
          .run(spec.name, JSON.stringify(spec), watchHash ?? null, now, now);
      } else {
        this.store
          .sql(
            'UPDATE schedules SET spec_json = ?, watch_hash = COALESCE(?, watch_hash), updated_at = ? WHERE name = ?',
          )
          .run(JSON.stringify(spec), watchHash ?? null, now, spec.name);
      }
      return { record: this.get(spec.name), replaced: existing !== undefined };
    });
  }

  /** A schedule, or undefined. */
  find(name: string): ScheduleRecord | undefined {
    const row = this.store.sql('SELECT * FROM schedules WHERE name = ?').get(name) as Row | undefined;
    return row ? toRecord(row) : undefined;
  }

  /**
   * A schedule; a ValidationError (E_NOT_FOUND) naming the ones there are otherwise.
   *
   * @example
   * schedules.get('nightly').enabled;
   */
  get(name: string): ScheduleRecord {
    const found = this.find(name);
    if (found !== undefined) return found;
    const names = this.list().map((s) => s.name);
    throw new ValidationError(
      `no schedule named '${name}' in the store ${this.store.dir} (${names.length > 0 ? `there are: ${names.join(', ')}` : 'there are none: mlsweep schedule create -f schedule.yml'})`,
      { path: 'name', code: 'E_NOT_FOUND' },
    );
  }

  /** Every schedule, by name. */
  list(): ScheduleRecord[] {
    return (this.store.sql('SELECT * FROM schedules ORDER BY name').all() as Row[]).map(toRecord);
  }

  /**
   * Enables or disables a schedule. Enabling starts from now: ticks missed while it was
   * disabled are not caught up.
   *
   * @example
   * schedules.setEnabled('nightly', false, Date.now());
   */
  setEnabled(name: string, enabled: boolean, now: number): ScheduleRecord {
    return this.store.write(() => {
      const current = this.get(name);
      if (current.enabled !== enabled) {
        this.store
          .sql(
            'UPDATE schedules SET enabled = ?, last_tick = CASE WHEN ? = 1 THEN MAX(COALESCE(last_tick, 0), ?) ELSE last_tick END, updated_at = ? WHERE name = ?',
          )
          .run(enabled ? 1 : 0, enabled ? 1 : 0, now, now, name);
      }
      return this.get(name);
    });
  }

  /** Deletes a schedule and its fire history; a ValidationError when there is none. */
  delete(name: string): void {
    this.store.write(() => {
      this.get(name);
      this.store.sql('DELETE FROM schedule_fires WHERE schedule_name = ?').run(name);
      this.store.sql('DELETE FROM schedules WHERE name = ?').run(name);
    });
  }

  /**
   * Claims a tick for one scheduler: in one transaction, the (schedule, tick) row is
   * inserted unless it exists, and the schedule's last tick moves to `tick` (and past any
   * `skipped` ticks before it). True when this call claimed it; false when another
   * scheduler had, the schedule is gone or disabled, or its last tick is past `tick`.
   *
   * @example
   * if (schedules.claimTick('nightly', tick, 'host:123', now, false)) startJob();
   */
  claimTick(name: string, tick: number, schedulerId: string, now: number, catchUp: boolean): boolean {
    return this.store.write(() => {
      const row = this.store.sql('SELECT enabled, last_tick FROM schedules WHERE name = ?').get(name) as
        | { enabled: number; last_tick: number | null }
        | undefined;
      if (row === undefined || row.enabled !== 1 || (row.last_tick !== null && row.last_tick >= tick))
        return false;
      const inserted = this.store
        .sql(
          `INSERT INTO schedule_fires (schedule_name, tick, fired_at, scheduler_id, catch_up, status)
           VALUES (?, ?, ?, ?, ?, 'started') ON CONFLICT (schedule_name, tick) DO NOTHING`,
        )
        .run(name, tick, now, schedulerId, catchUp ? 1 : 0);
      if (inserted.changes !== 1) return false;
      this.store
        .sql('UPDATE schedules SET last_tick = ?, last_fired_at = ? WHERE name = ?')
        .run(tick, now, name);
      return true;
    });
  }

  /**
   * For a data_change schedule: in one transaction, claims the change to `hash` unless the
   * stored hash is that already (another scheduler saw it first). The first hash seen is
   * the baseline and fires nothing. Returns the tick claimed, or undefined.
   *
   * @example
   * const tick = schedules.claimChange('on-new-data', hash, 'host:1', Date.now());
   */
  claimChange(name: string, hash: string, schedulerId: string, now: number): number | undefined {
    return this.store.write(() => {
      const row = this.store
        .sql('SELECT enabled, watch_hash, last_tick FROM schedules WHERE name = ?')
        .get(name) as { enabled: number; watch_hash: string | null; last_tick: number | null } | undefined;
      if (row === undefined || row.enabled !== 1 || row.watch_hash === hash) return undefined;
      this.store.sql('UPDATE schedules SET watch_hash = ? WHERE name = ?').run(hash, name);
      if (row.watch_hash === null) return undefined;
      const tick = Math.max(now, (row.last_tick ?? 0) + 1);
      this.store
        .sql(
          `INSERT INTO schedule_fires (schedule_name, tick, fired_at, scheduler_id, catch_up, status) VALUES (?, ?, ?, ?, 0, 'started')`,
        )
        .run(name, tick, now, schedulerId);
      this.store
        .sql('UPDATE schedules SET last_tick = ?, last_fired_at = ? WHERE name = ?')
        .run(tick, now, name);
      return tick;
    });
  }

  /** Records the run a fire started and how it ended. */
  recordRun(name: string, tick: number, update: { runId?: string; status: string; error?: string }): void {
    this.store.write(() => {
      this.store
        .sql(
          'UPDATE schedule_fires SET run_id = COALESCE(?, run_id), status = ?, error = ? WHERE schedule_name = ? AND tick = ?',
        )
        .run(update.runId ?? null, update.status, update.error ?? null, name, tick);
    });
  }

  /**
   * The fires of a schedule, newest first.
   *
   * @example
   * schedules.fires('nightly', 10)[0]?.runId;
   */
  fires(name: string, limit = 20): ScheduleFire[] {
    return (
      this.store
        .sql('SELECT * FROM schedule_fires WHERE schedule_name = ? ORDER BY tick DESC LIMIT ?')
        .all(name, limit) as FireRow[]
    ).map(toFire);
  }
}
