/**
 * A PostgreSQL database as a place that holds sweeps and that distributed workers share
 * (`SweepLocation` + `WorkerLocation`). Opening it is synchronous and connects nothing:
 * the pool connects, and the schema is migrated, on the first call that needs them.
 */
import { ValidationError } from '../../core/errors.ts';
import type { NewSweep, SweepRecord } from '../records.ts';
import type { SweepLocation } from '../sweep-store.ts';
import type { WorkerBeat, WorkerLocation, WorkerRecord, WorkerState } from '../worker-store.ts';
import { PgConnection, type PgConnectionOptions, parsePgUrl } from './connection.ts';
import { migratePostgres } from './migrations.ts';
import { PostgresSweepStore } from './sweep-store.ts';

/** How long a stopped worker stays in `workers()`, and how long a silent one does, in seconds. */
const STOPPED_SHOWN_S = 600;
const SILENT_SHOWN_S = 86_400;

interface WorkerRow {
  worker_id: string;
  host: string;
  pid: number;
  started_at: Date;
  last_beat_at: Date;
  state: WorkerState;
  concurrency: number;
  running: { sweepId: string; trialId: number }[];
}

/**
 * The sweeps of one PostgreSQL database (`postgresql://user:pass@host:port/db`), and its
 * register of workers. Close it when done.
 *
 * @example
 * const location = new PostgresLocation('postgresql://mlsweep:secret@db.example/mlsweep');
 * location.where; // 'postgresql://mlsweep@db.example:5432/mlsweep'
 * const store = await location.create({ name: 'rf' });
 * await location.close();
 */
export class PostgresLocation implements SweepLocation, WorkerLocation {
  /** The URL without its password. */
  readonly where: string;
  private readonly connection: PgConnection;
  private migrated: Promise<void> | undefined;

  constructor(url: string, options: PgConnectionOptions = {}) {
    let target: ReturnType<typeof parsePgUrl>;
    try {
      target = parsePgUrl(url);
    } catch (error) {
      throw new ValidationError(`store: not a PostgreSQL URL (${(error as Error).message})`, {
        path: 'store',
      });
    }
    this.where = target.where;
    this.connection = new PgConnection(target, options);
  }

  /** The connection, once the schema is up to date (migrated once per location; again after a failure). */
  private async ready(): Promise<PgConnection> {
    this.migrated ??= migratePostgres(this.connection).catch((error: unknown) => {
      this.migrated = undefined;
      throw error;
    });
    await this.migrated;
    return this.connection;
  }

  async create(sweep: NewSweep): Promise<PostgresSweepStore> {
    return PostgresSweepStore.create(await this.ready(), sweep);
  }

  async open(sweepId: string): Promise<PostgresSweepStore> {
    return PostgresSweepStore.open(await this.ready(), sweepId);
  }

  async sweeps(): Promise<SweepRecord[]> {
    return PostgresSweepStore.list(await this.ready());
  }

  async openSweeps(): Promise<SweepRecord[]> {
    return PostgresSweepStore.list(await this.ready(), true);
  }

  /**
   * Records or refreshes a worker, stamped with the database's clock (`now()`), and leases
   * to it the trials it says it runs that no worker holds.
   *
   * @example
   * await location.beat({ workerId, host, pid, startedAt, at, state: 'idle', running: [], concurrency: 1 });
   */
  async beat(beat: WorkerBeat): Promise<void> {
    const connection = await this.ready();
    await connection.query(
      `INSERT INTO mlsweep_workers (worker_id, host, pid, started_at, last_beat_at, state, concurrency, running)
       VALUES ($1, $2, $3, $4::timestamptz, now(), $5, $6, $7::jsonb)
       ON CONFLICT (worker_id) DO UPDATE SET last_beat_at = now(), state = EXCLUDED.state,
         concurrency = EXCLUDED.concurrency, running = EXCLUDED.running`,
      [
        beat.workerId,
        beat.host,
        beat.pid,
        beat.startedAt,
        beat.state,
        beat.concurrency,
        JSON.stringify(beat.running.map((r) => ({ sweepId: r.sweepId, trialId: r.trialId }))),
      ],
    );
    if (beat.running.length > 0) {
      await connection.query(
        `UPDATE mlsweep_trials t SET worker_id = $1
         FROM jsonb_to_recordset($2::jsonb) AS r("sweepId" text, "trialId" int)
         WHERE t.sweep_id = r."sweepId" AND t.number = r."trialId" AND t.status = 'running' AND t.worker_id IS NULL`,
        [beat.workerId, JSON.stringify(beat.running)],
      );
    }
  }

  /**
   * The workers that beat, newest beat first: those stopped in the last 10 minutes and
   * the others heard from in the last day.
   *
   * @example
   * (await location.workers()).map((w) => [w.workerId, w.lastBeatAt]);
   */
  async workers(): Promise<WorkerRecord[]> {
    const connection = await this.ready();
    const { rows } = await connection.query<WorkerRow>(
      `SELECT worker_id, host, pid, started_at, last_beat_at, state, concurrency, running FROM mlsweep_workers
       WHERE last_beat_at > now() - make_interval(secs => CASE WHEN state = 'stopped' THEN $1::float8 ELSE $2::float8 END)
       ORDER BY last_beat_at DESC, worker_id`,
      [STOPPED_SHOWN_S, SILENT_SHOWN_S],
    );
    return rows.map((row) => ({
      workerId: row.worker_id,
      host: row.host,
      pid: row.pid,
      startedAt: row.started_at.toISOString(),
      lastBeatAt: row.last_beat_at.toISOString(),
      state: row.state,
      concurrency: row.concurrency,
      running: row.running,
    }));
  }

  async leave(workerId: string): Promise<void> {
    const connection = await this.ready();
    await connection.query(
      `UPDATE mlsweep_workers SET state = 'stopped', last_beat_at = now(), running = '[]'::jsonb WHERE worker_id = $1`,
      [workerId],
    );
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}
