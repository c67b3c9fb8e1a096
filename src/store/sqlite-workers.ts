/**
 * The register of workers in the SQLite store (`WorkerLocation` on a store folder): many
 * worker processes on one machine share a sweep through one database file. Beats are
 * stamped with this machine's clock, which every worker of the folder shares.
 */
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import type { SweepRecord } from './records.ts';
import { SqliteSweepStore } from './sqlite-sweep-store.ts';
import { WORKERS_TAG } from './tags.ts';
import type { WorkerBeat, WorkerLocation, WorkerRecord, WorkerState } from './worker-store.ts';

/** How long a stopped worker stays in `workers()`, and how long a silent one does, in ms. */
const STOPPED_SHOWN_MS = 600_000;
const SILENT_SHOWN_MS = 86_400_000;

interface WorkerRow {
  worker_id: string;
  host: string;
  pid: number;
  started_at: number;
  last_beat_at: number;
  state: WorkerState;
  concurrency: number;
  running_json: string;
}

/**
 * The WorkerLocation of a SQLite store: beats, the workers list, leaving, open sweeps.
 *
 * @example
 * const workers = sqliteWorkerLocation(new SqliteStore({ dir: './mlruns' }));
 * await workers.beat(beat);
 */
export function sqliteWorkerLocation(store: SqliteStore, now: () => number = Date.now): WorkerLocation {
  return {
    beat(beat: WorkerBeat): void {
      store.write(() => {
        store
          .sql(
            `INSERT INTO sweep_workers (worker_id, host, pid, started_at, last_beat_at, state, concurrency, running_json)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)
             ON CONFLICT (worker_id) DO UPDATE SET last_beat_at = excluded.last_beat_at, state = excluded.state,
               concurrency = excluded.concurrency, running_json = excluded.running_json`,
          )
          .run(
            beat.workerId,
            beat.host,
            beat.pid,
            Date.parse(beat.startedAt) || now(),
            now(),
            beat.state,
            beat.concurrency,
            JSON.stringify(beat.running.map((r) => ({ sweepId: r.sweepId, trialId: r.trialId }))),
          );
        // Trials it says it runs that no worker holds are leased to it.
        const lease = store.sql(
          "UPDATE trials SET worker_id = ? WHERE sweep_run_id = ? AND number = ? AND status = 'running' AND worker_id IS NULL",
        );
        for (const r of beat.running) lease.run(beat.workerId, r.sweepId, r.trialId);
      });
    },
    workers(): WorkerRecord[] {
      const at = now();
      const rows = store
        .sql(
          `SELECT worker_id, host, pid, started_at, last_beat_at, state, concurrency, running_json FROM sweep_workers
           WHERE last_beat_at > CASE WHEN state = 'stopped' THEN ? ELSE ? END
           ORDER BY last_beat_at DESC, worker_id`,
        )
        .all(at - STOPPED_SHOWN_MS, at - SILENT_SHOWN_MS) as WorkerRow[];
      return rows.map((row) => ({
        workerId: row.worker_id,
        host: row.host,
        pid: row.pid,
        startedAt: new Date(row.started_at).toISOString(),
        lastBeatAt: new Date(row.last_beat_at).toISOString(),
        state: row.state,
        concurrency: row.concurrency,
        running: JSON.parse(row.running_json) as WorkerRecord['running'],
      }));
    },
    leave(workerId: string): void {
      store
        .sql(
          "UPDATE sweep_workers SET state = 'stopped', last_beat_at = ?, running_json = '[]' WHERE worker_id = ?",
        )
        .run(now(), workerId);
    },
    openSweeps(): SweepRecord[] {
      return SqliteSweepStore.list(store).filter(
        (s) => s.tags[WORKERS_TAG] === 'open' && s.endedAt === undefined,
      );
    },
  };
}
