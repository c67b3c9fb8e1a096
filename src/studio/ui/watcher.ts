/**
 * The store watcher: polls the store cheaply (every 500 ms by default) and publishes a
 * topic when its tables changed, so what ANOTHER process writes (a sweep's trials, their
 * metric points) reaches open pages within a second. On SQLite each poll first reads
 * `PRAGMA data_version` and `total_changes()`, two counters that move only when some
 * connection committed; only then are the tables' signatures read.
 */
import { createHash } from 'node:crypto';
import { SqliteConnection } from '../../tracking/connection.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';
import type { StudioEvents } from './context.ts';

/** The tables whose changes each topic reports (runs and metrics have their own queries). */
export const TOPIC_TABLES: Readonly<Record<string, readonly string[]>> = {
  sweeps: ['trials', 'sweep_workers', 'sweep_queue_retries'],
  models: [
    'registered_models',
    'registered_model_tags',
    'model_versions',
    'model_version_tags',
    'model_aliases',
  ],
  endpoints: [
    'online_endpoints',
    'online_deployments',
    'online_endpoints_generation',
    'batch_endpoints',
    'batch_deployments',
  ],
  pipelines: ['components', 'published_pipelines', 'pipeline_step_cache'],
  schedules: ['schedules', 'schedule_fires'],
  audit: ['audit_log'],
};

/** A table up to this many rows is fingerprinted whole (so updates show); larger: count and last rowid. */
const SMALL_TABLE_ROWS = 2000;

/** Most run ids one `metrics` event names. */
const MAX_RUN_IDS = 1000;

/** Timers, injectable so tests drive the watcher without waiting. */
export interface WatcherTimers {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Options of {@link watchStore}. */
export interface StoreWatcherOptions {
  /** Poll period in ms (default 500). */
  readonly intervalMs?: number;
  /** Default: the global setInterval/clearInterval (unref'd). */
  readonly timers?: WatcherTimers;
  /** Called when a poll fails (the store busy or closed); default: ignored, the next poll retries. */
  readonly onError?: (error: unknown) => void;
}

/** A running watcher. */
export interface StoreWatcher {
  /** Polls once now: publishes each topic whose signature moved since the last poll. */
  check(): string[];
  /** Stops polling. */
  stop(): void;
}

const DEFAULT_TIMERS: WatcherTimers = {
  setInterval(fn, ms) {
    const handle = setInterval(fn, ms);
    handle.unref();
    return handle;
  },
  clearInterval(handle) {
    clearInterval(handle as NodeJS.Timeout);
  },
};

/**
 * Starts polling `store` and publishing on `events`: `runs` (runs added or removed, runs
 * starting or ending: indexed counts, so a poll stays cheap with 100,000 runs), `metrics`
 * with `{ runIds }` (points added), and each topic of TOPIC_TABLES. The first poll only
 * takes the baseline. A rename or a deletion alone waits for the next such change (or is
 * published at once by the API that made it).
 *
 * @example
 * const watcher = watchStore(store, hub);
 * // ... another process logs a metric: within 500 ms hub publishes 'metrics'
 * watcher.stop();
 */
export function watchStore(
  store: SqliteStore,
  events: StudioEvents,
  options: StoreWatcherOptions = {},
): StoreWatcher {
  const timers = options.timers ?? DEFAULT_TIMERS;
  const native = store.db instanceof SqliteConnection ? store.db.native : undefined;
  const signatures = new Map<string, string>();
  let lastGate = '';
  let lastMetricRow: number | undefined;
  let baseline = true;

  const gate = (): string | undefined => {
    if (native === undefined) return undefined;
    const version = native.pragma('data_version', { simple: true }) as number;
    const changes = native.prepare('SELECT total_changes()').pluck().get() as number;
    return `${version}:${changes}`;
  };

  const check = (): string[] => {
    const published: string[] = [];
    const now = gate();
    if (now !== undefined && now === lastGate) return published;
    const publish = (topic: string, signature: string, data: unknown) => {
      if (signatures.get(topic) === signature) return;
      signatures.set(topic, signature);
      if (baseline) return;
      events.publish(topic, data);
      published.push(topic);
    };
    const [runs, metricRow, tables] = store.read(
      () =>
        [
          store
            .sql(
              `SELECT (SELECT count(*) FROM runs) AS n, (SELECT max(rowid) FROM runs) AS last,
                      (SELECT count(*) FROM runs WHERE status = 'RUNNING') AS running`,
            )
            .get() as Record<string, unknown>,
          Number(store.sql('SELECT max(rowid) AS watched FROM metrics').pluck().get() ?? 0),
          Object.entries(TOPIC_TABLES).map(([topic, names]) => [
            topic,
            names.map((t) => tableSignature(store, t)),
          ]),
        ] as const,
    );
    publish('runs', JSON.stringify(runs), { total: Number(runs.n ?? 0), running: Number(runs.running ?? 0) });
    if (lastMetricRow !== undefined && metricRow > lastMetricRow && !baseline) {
      const runIds = store
        .sql(`SELECT DISTINCT run_id FROM metrics WHERE rowid > ? LIMIT ${MAX_RUN_IDS}`)
        .pluck()
        .all(lastMetricRow) as string[];
      events.publish('metrics', { runIds });
      published.push('metrics');
    }
    lastMetricRow = metricRow;
    for (const [topic, parts] of tables) publish(topic as string, (parts as string[]).join('|'), {});
    baseline = false;
    // Read after the reads: our own reads never move the counters, so this is the state seen.
    lastGate = now ?? '';
    return published;
  };

  const tick = () => {
    try {
      check();
    } catch (error) {
      options.onError?.(error);
    }
  };
  tick();
  const handle = timers.setInterval(tick, options.intervalMs ?? 500);
  return {
    check,
    stop() {
      timers.clearInterval(handle);
    },
  };
}

/** A fingerprint of a table: its whole content when small, else its size and last rowid; '' when missing. */
function tableSignature(store: SqliteStore, table: string): string {
  try {
    const count = Number(store.sql(`SELECT count(*) AS watched FROM ${table}`).pluck().get());
    if (count <= SMALL_TABLE_ROWS) {
      const rows = store.sql(`SELECT * FROM ${table} ORDER BY 1`).all();
      return createHash('sha1').update(JSON.stringify(rows)).digest('base64');
    }
    try {
      return `${count}:${store.sql(`SELECT max(rowid) AS watched FROM ${table}`).pluck().get()}`;
    } catch {
      return String(count);
    }
  } catch {
    return '';
  }
}
