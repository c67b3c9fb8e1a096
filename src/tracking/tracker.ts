import { runEnded, runStarted } from './active-run.ts';
import { type BatchOptions, RunHandle } from './run-handle.ts';
import { type CreateRunOptions, SqliteStore, type SqliteStoreOptions } from './sqlite-store.ts';
import type { Experiment, MetricRecord, Run, SearchRunsOptions } from './types.ts';

/** Options of a Tracker: an open store, or where to open one; how runs batch metric points. */
export interface TrackerOptions extends SqliteStoreOptions, BatchOptions {
  /** Use this store instead of opening one (the tracker then does not close it). */
  readonly store?: SqliteStore;
}

/**
 * Experiments and runs in the spirit of MLflow's tracking API, on the embedded SQLite
 * store (`./mlruns/mlsweep.db` unless told otherwise). Runs still open at process exit get
 * their waiting metric points written.
 *
 * @example
 * const tracker = new Tracker();
 * const run = tracker.startRun({ experiment: 'iris', tags: { model: 'rf' } });
 * run.logParams({ n_estimators: 100 });
 * run.logMetric('accuracy', 0.95);
 * run.end();
 * tracker.searchRuns({ experiments: ['iris'], filter: 'metrics.accuracy > 0.9' });
 * tracker.close();
 */
export class Tracker {
  readonly store: SqliteStore;
  private readonly ownsStore: boolean;
  private readonly batch: BatchOptions;
  private readonly open = new Set<RunHandle>();

  constructor(options: TrackerOptions = {}) {
    this.store = options.store ?? new SqliteStore(options);
    this.ownsStore = options.store === undefined;
    this.batch = {
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.flushIntervalMs !== undefined ? { flushIntervalMs: options.flushIntervalMs } : {}),
    };
    watchExit(this);
  }

  /** Creates an experiment; the name must be new. */
  createExperiment(name: string, tags?: Readonly<Record<string, string>>): Experiment {
    return this.store.createExperiment(name, tags);
  }

  /** An experiment by name or id (a ValidationError naming the known ones otherwise). */
  getExperiment(ref: string | number): Experiment {
    return this.store.experiment(ref);
  }

  /** Every experiment. */
  listExperiments(): Experiment[] {
    return this.store.listExperiments();
  }

  /**
   * Starts a run (the experiment is created when it does not exist yet).
   *
   * @example
   * const parent = tracker.startRun({ experiment: 'iris', name: 'sweep' });
   * const child = tracker.startRun({ experiment: 'iris', parentRunId: parent.id });
   */
  startRun(options: CreateRunOptions = {}): RunHandle {
    return this.attach(this.store.createRun(options).id);
  }

  /**
   * A handle on an existing run (from another process, or after a restart), set RUNNING.
   *
   * @example
   * const run = tracker.resumeRun(process.env.RUN_ID!);
   */
  resumeRun(runId: string): RunHandle {
    const id = this.store.run(runId).id;
    this.store.setRunStatus(id, 'RUNNING');
    return this.attach(id);
  }

  /** A run by id (or unique prefix), with params, latest metrics and tags. */
  getRun(runId: string): Run {
    return this.store.run(runId);
  }

  /** Every point of one metric of a run, by step. */
  getMetricHistory(runId: string, key: string): MetricRecord[] {
    return this.store.metricHistory(runId, key);
  }

  /** The files of a run's artifact folder. */
  listArtifacts(runId: string): string[] {
    return this.store.listArtifacts(runId);
  }

  /**
   * Runs matching a filter such as `metrics.accuracy > 0.9 and params.max_depth = '5'`.
   *
   * @example
   * tracker.searchRuns({ experiments: ['iris'], orderBy: ['metrics.accuracy DESC'], maxResults: 5 });
   */
  searchRuns(options: SearchRunsOptions = {}): Run[] {
    this.flush();
    return this.store.searchRuns(options);
  }

  /** Writes every open run's waiting metric points. */
  flush(): void {
    for (const handle of this.open) handle.flush();
  }

  /** Flushes, and closes the store when the tracker opened it. */
  close(): void {
    this.flush();
    // a closed tracker's runs can take no more logging: none of them stays active
    for (const handle of this.open) runEnded(handle);
    live.delete(this);
    if (this.ownsStore) this.store.close();
  }

  private attach(id: string): RunHandle {
    const handle = new RunHandle(this.store, id, this.batch, (h) => {
      this.open.delete(h);
      runEnded(h);
    });
    this.open.add(handle);
    // the latest started run is the active one, for autolog (see active-run.ts)
    runStarted(handle, this);
    return handle;
  }
}

/** Trackers not closed yet: one exit hook writes their waiting points (one listener, however many trackers). */
const live = new Set<Tracker>();

function watchExit(tracker: Tracker): void {
  if (!process.listeners('exit').includes(flushAll)) process.on('exit', flushAll);
  live.add(tracker);
}

function flushAll(): void {
  for (const tracker of live) tracker.flush();
}
