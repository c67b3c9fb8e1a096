import { ValidationError } from '../core/errors.ts';
import type { SqliteStore } from './sqlite-store.ts';
import type { MetricRecord, ParamInput, Run, RunStatus } from './types.ts';

/** How a run handle batches metric points. */
export interface BatchOptions {
  /** Write when this many points are waiting (default 1000). */
  readonly batchSize?: number;
  /** Write waiting points after this many ms at the latest (default 1000). */
  readonly flushIntervalMs?: number;
}

/**
 * A run being logged to. Params, tags and artifacts are written at once; metric points
 * are batched (one transaction per `batchSize` points or `flushIntervalMs`) and written
 * by `flush()`, `end()`, the tracker's `close()`, and at process exit.
 *
 * @example
 * const run = tracker.startRun({ experiment: 'iris' });
 * run.logParams({ max_depth: 5 });
 * for (let epoch = 0; epoch < 10; epoch++) run.logMetric('loss', 1 / (epoch + 1));
 * run.end();
 */
export class RunHandle {
  private buffer: MetricRecord[] = [];
  private readonly lastStep = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private readonly batchSize: number;
  private readonly flushIntervalMs: number;
  private ended = false;

  constructor(
    private readonly store: SqliteStore,
    /** The run's id. */
    readonly id: string,
    options: BatchOptions = {},
    private readonly onEnd: (handle: RunHandle) => void = () => {},
  ) {
    this.batchSize = options.batchSize ?? 1000;
    this.flushIntervalMs = options.flushIntervalMs ?? 1000;
  }

  /** Logs one param (set once; the same value again is a no-op). */
  logParam(key: string, value: ParamInput): void {
    this.store.logParams(this.id, { [key]: value });
  }

  /** Logs several params in one transaction. */
  logParams(params: Readonly<Record<string, ParamInput>>): void {
    this.store.logParams(this.id, params);
  }

  /** Sets a tag (replacing its value). */
  setTag(key: string, value: string): void {
    this.store.setTags(this.id, { [key]: value });
  }

  /** Sets several tags. */
  setTags(tags: Readonly<Record<string, string>>): void {
    this.store.setTags(this.id, tags);
  }

  /**
   * Logs a metric point. `step` defaults to this metric's previous step plus one (from 0),
   * `timestamp` to now (ms since the epoch).
   *
   * @example
   * run.logMetric('accuracy', 0.91, 3);
   */
  logMetric(key: string, value: number, step?: number, timestamp?: number): void {
    if (typeof key !== 'string' || key === '') {
      throw new ValidationError(`a metric key must be a non-empty string, got ${JSON.stringify(key)}`, {
        path: 'metrics',
      });
    }
    if (typeof value !== 'number') {
      throw new ValidationError(`metric '${key}' must be a number, got ${JSON.stringify(value)}`, {
        path: `metrics.${key}`,
      });
    }
    const at = step ?? this.nextStep(key);
    if (!Number.isSafeInteger(at)) {
      throw new ValidationError(`metric '${key}': step must be an integer, got ${at}`, {
        path: `metrics.${key}`,
      });
    }
    this.lastStep.set(key, Math.max(at, this.lastStep.get(key) ?? at));
    this.buffer.push({ key, value, step: at, timestamp: timestamp ?? Date.now() });
    if (this.buffer.length >= this.batchSize) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.flushIntervalMs).unref();
  }

  /**
   * Logs several metrics at the same step.
   *
   * @example
   * run.logMetrics({ accuracy: 0.91, log_loss: 0.25 }, 3);
   */
  logMetrics(metrics: Readonly<Record<string, number>>, step?: number, timestamp?: number): void {
    const now = timestamp ?? Date.now();
    for (const [key, value] of Object.entries(metrics)) this.logMetric(key, value, step, now);
  }

  /**
   * Copies a file or a directory into the run's artifacts, under `artifactPath`.
   *
   * @example
   * run.logArtifact('out/model.json', 'model'); // 'model/model.json'
   */
  logArtifact(source: string, artifactPath = ''): string {
    return this.store.logArtifact(this.id, source, artifactPath);
  }

  /** Writes the waiting metric points now, in one transaction. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buffer.length === 0) return;
    const batch = this.buffer;
    this.buffer = [];
    this.store.logMetrics(this.id, batch);
  }

  /** The run as stored now (waiting points written first). */
  info(): Run {
    this.flush();
    return this.store.run(this.id);
  }

  /**
   * Writes waiting points and ends the run with a status (default FINISHED).
   *
   * @example
   * run.end('FAILED');
   */
  end(status: RunStatus = 'FINISHED'): void {
    if (this.ended) return;
    this.flush();
    this.store.setRunStatus(this.id, status);
    this.ended = true;
    this.onEnd(this);
  }

  private nextStep(key: string): number {
    let last = this.lastStep.get(key);
    if (last === undefined) {
      const stored = this.store
        .sql('SELECT max(step) FROM metrics WHERE run_id = ? AND key = ?')
        .pluck()
        .get(this.id, key) as number | null;
      last = stored ?? -1;
    }
    return last + 1;
  }
}
