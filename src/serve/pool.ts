/**
 * A running deployment: a piscina pool of scoring threads (instance_count of them, each
 * loading the model once), the count of requests in flight (429 beyond
 * `maxConcurrentRequestsPerInstance × instances`), the request timeout (408: a request
 * that times out leaves the queue, a batch whose every request timed out is cancelled
 * through piscina's AbortSignal, dropped from its queue or its thread ended and replaced,
 * and a scoring script's `run` that times out ends its thread the same way, so that
 * nothing holds a thread past the timeout), and
 * micro-batching: requests checked in the same turn of the event loop, or while every
 * thread is busy, go to a thread as one message, so a stream of one-row requests pays the
 * cost of a message per batch, not per request. Retiring one (a live swap, a shutdown)
 * lets what it holds finish before its threads end.
 */
import { availableParallelism } from 'node:os';
import { extname } from 'node:path';
import { Piscina } from 'piscina';
import { type ThreadEnvironment, threadVariables } from './deployment-environment.ts';
import { OverloadedError, RequestTimeoutError, ScoringScriptError } from './errors.ts';
import type { ScoringInput } from './input.ts';
import { type ModelSchema, predictionWidth } from './schema.ts';
import type { ServedDeployment } from './types.ts';
import type { WorkerConfig, WorkerDescription, WorkerTask } from './worker.ts';

/** How a deployment's pool is started. */
export interface RuntimeOptions {
  /** The endpoint the deployment belongs to (for messages). */
  readonly endpoint: string;
  readonly deployment: ServedDeployment;
  /** Threads, overriding the spec's instanceCount (the CLI's --workers). */
  readonly threads?: number;
  /** Most rows in one message to a thread (default 1,024); a larger request goes alone. */
  readonly maxBatchRows?: number;
  /** The deployment's environment, built (deployment-environment.ts): the threads' variables and module lookup. */
  readonly environment?: ThreadEnvironment;
  /**
   * Where the scoring module runs instead of the threads (an image environment's container,
   * container-scorer.ts): its `run(body)`, closed when the deployment retires.
   */
  readonly scriptHost?: ScriptHost;
}

/** A scoring module run outside the threads. */
export interface ScriptHost {
  run(body: unknown): Promise<unknown>;
  close(): Promise<void>;
}

interface Pending {
  readonly input: ScoringInput;
  readonly resolve: (raw: Float64Array) => void;
  readonly reject: (error: unknown) => void;
  /** Called once the rows are scored, failed, or dropped from the queue. */
  readonly settle: () => void;
  /** The message it went to a thread in, once dispatched. */
  batch?: Batch;
  /** Whether its caller gave up (timed out) after it was dispatched. */
  abandoned?: boolean;
}

/** A message of rows sent to a thread: cancelled once every request in it has timed out. */
interface Batch {
  readonly controller: AbortController;
  /** Requests in it still waiting for their answer. */
  waiting: number;
}

const WORKER_FILE = new URL(`./worker${extname(new URL(import.meta.url).pathname)}`, import.meta.url).href;

/**
 * Scoring threads by default: one per core.
 *
 * @example
 * defaultThreads(); // 2 on a 2-core machine
 */
export function defaultThreads(): number {
  return availableParallelism();
}

/**
 * The rows of a batch as one message: every numeric column in one column-major
 * Float64Array (one buffer to move to the thread, not one per column), the string
 * columns concatenated.
 */
function pack(
  batch: readonly Pending[],
  nRows: number,
): { numbers: Float64Array; strings: Array<Array<string | null>> } {
  const first = batch[0]!.input.columns;
  let numeric = 0;
  for (const c of first) if (c instanceof Float64Array) numeric++;
  const numbers = new Float64Array(numeric * nRows);
  const strings: Array<Array<string | null>> = [];
  let k = 0;
  for (let c = 0; c < first.length; c++) {
    if (first[c] instanceof Float64Array) {
      let at = k * nRows;
      for (const p of batch) {
        const values = p.input.columns[c] as Float64Array;
        numbers.set(values, at);
        at += values.length;
      }
      k++;
    } else if (batch.length === 1) strings.push(first[c] as Array<string | null>);
    else {
      const out: Array<string | null> = [];
      for (const p of batch) for (const v of p.input.columns[c] as Array<string | null>) out.push(v);
      strings.push(out);
    }
  }
  return { numbers, strings };
}

/**
 * One deployment's scoring threads and what flows through them.
 *
 * @example
 * const runtime = await DeploymentRuntime.start({ endpoint: 'iris', deployment });
 * const raw = await runtime.score(frameColumns(frame, runtime.schema));
 * await runtime.retire();
 */
export class DeploymentRuntime {
  readonly endpoint: string;
  readonly deployment: ServedDeployment;
  readonly threads: number;
  /** The environment its threads run in, when the deployment names one. */
  readonly environment: ThreadEnvironment | undefined;
  private readonly scriptHost: ScriptHost | undefined;
  /** Requests admitted and not yet finished (queued, scoring, or run by a script). */
  inFlight = 0;
  private readonly pool: Piscina;
  private readonly maxBatchRows: number;
  private readonly maxTasks: number;
  private description: WorkerDescription | undefined;
  private readonly queue: Pending[] = [];
  private tasks = 0;
  private flushScheduled = false;
  private retiring: Promise<void> | undefined;
  private drained: (() => void) | undefined;

  private constructor(options: RuntimeOptions) {
    this.endpoint = options.endpoint;
    this.deployment = options.deployment;
    this.environment = options.environment;
    this.scriptHost = options.scriptHost;
    const count = options.threads ?? options.deployment.spec.instanceCount;
    this.threads = count >= 1 ? Math.floor(count) : defaultThreads();
    this.maxBatchRows = options.maxBatchRows ?? 1024;
    // two messages per thread: one scoring, one waiting, so a thread never idles between them
    this.maxTasks = this.threads * 2;
    const workerData: WorkerConfig = {
      modelFile: options.deployment.modelFile,
      modelDir: options.deployment.modelDir,
      // with a script host, the threads only load the model
      ...(options.deployment.scoringScript !== undefined && options.scriptHost === undefined
        ? { scoringScript: options.deployment.scoringScript }
        : {}),
      ...(options.environment?.modulesDir !== undefined && options.deployment.spec.codeConfiguration
        ? {
            modules: {
              environmentDir: options.environment.modulesDir,
              codeDir: options.deployment.spec.codeConfiguration.code,
            },
          }
        : {}),
    };
    this.pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      concurrentTasksPerWorker: 1,
      workerData,
      env: threadVariables(process.env, options.environment, options.deployment.modelDir),
    });
  }

  /**
   * Starts the threads and waits until the model is loaded (and the scoring module's
   * `init()` has run) in them; a model or module that fails to load rejects, and the
   * threads are ended.
   */
  static async start(options: RuntimeOptions): Promise<DeploymentRuntime> {
    const runtime = new DeploymentRuntime(options);
    try {
      const answers = await Promise.all(
        Array.from(
          { length: runtime.threads },
          () => runtime.pool.run({ op: 'describe' } satisfies WorkerTask) as Promise<WorkerDescription>,
        ),
      );
      runtime.description = answers[0]!;
    } catch (error) {
      await runtime.pool.destroy();
      await runtime.scriptHost?.close();
      throw error;
    }
    return runtime;
  }

  get name(): string {
    return this.deployment.spec.name;
  }

  get revision(): string {
    return this.deployment.revision;
  }

  /** The model's inputs and outputs. */
  get schema(): ModelSchema {
    return this.description!.schema;
  }

  /** Whether the deployment has a scoring module (its /score goes to `run`). */
  get hasScript(): boolean {
    return this.scriptHost !== undefined || this.description!.hasScript;
  }

  /** Requests in flight beyond which new ones get 429. */
  get limit(): number {
    return this.deployment.spec.requestSettings.maxConcurrentRequestsPerInstance * this.threads;
  }

  /**
   * Milliseconds the threads spent running tasks since they started, all threads together
   * (mean run time × tasks run): what the autoscaler measures utilization by. (Piscina's
   * own `utilization` divides its millisecond mean by 1,000 once more, so it is not used.)
   */
  get busyMs(): number {
    const mean = this.pool.histogram.runTime.mean;
    return Number.isFinite(mean) ? mean * this.pool.completed : 0;
  }

  /** The share of the threads' time spent running tasks since they started, 0 to 1. */
  get utilization(): number {
    const capacity = this.pool.duration * this.threads;
    return capacity > 0 ? Math.min(1, this.busyMs / capacity) : 0;
  }

  /** Counts a request in, or throws OverloadedError when the deployment is full. */
  private admit(): () => void {
    if (this.inFlight >= this.limit) throw new OverloadedError(this.name, this.limit);
    this.inFlight++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (this.inFlight === 0) this.drained?.();
    };
  }

  /** The deployment's request timeout (ms). */
  private get timeoutMs(): number {
    return this.deployment.spec.requestSettings.requestTimeoutMs;
  }

  /** Rejects with RequestTimeoutError after the deployment's timeout unless settled first. */
  private withTimeout<T>(
    work: (resolve: (v: T) => void, reject: (e: unknown) => void) => () => void,
  ): Promise<T> {
    const timeoutMs = this.deployment.spec.requestSettings.requestTimeoutMs;
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const cancel = work(
        (v) => {
          clearTimeout(timer);
          resolve(v);
        },
        (e) => {
          clearTimeout(timer);
          reject(e);
        },
      );
      timer = setTimeout(() => {
        cancel();
        reject(new RequestTimeoutError(this.name, timeoutMs));
      }, timeoutMs);
    });
  }

  /**
   * Scores checked rows: their raw predictions, row-major (class probabilities or values).
   * Rejects with OverloadedError (429) when the deployment is full, RequestTimeoutError
   * (408) past the timeout.
   */
  score(input: ScoringInput): Promise<Float64Array> {
    let settle: () => void;
    try {
      settle = this.admit();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.withTimeout<Float64Array>((resolve, reject) => {
      const item: Pending = { input, resolve, reject, settle };
      this.queue.push(item);
      this.scheduleFlush();
      return () => {
        // still queued: leave the queue
        const at = this.queue.indexOf(item);
        if (at >= 0) {
          this.queue.splice(at, 1);
          settle();
          return;
        }
        // dispatched: once no request of its batch waits any more, the batch is cancelled
        // (piscina drops it from its queue, or ends the thread scoring it and starts a
        // fresh one), so that a timed-out batch does not hold a thread past the timeout
        const batch = item.batch;
        if (batch === undefined || item.abandoned) return;
        item.abandoned = true;
        if (--batch.waiting === 0) batch.controller.abort(new RequestTimeoutError(this.name, this.timeoutMs));
      };
    });
  }

  /** Gives a request body to the scoring module's `run`; its error becomes ScoringScriptError. */
  run(body: unknown): Promise<unknown> {
    let settle: () => void;
    try {
      settle = this.admit();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.withTimeout<unknown>((resolve, reject) => {
      // on a timeout the script is stopped: piscina ends its thread (a script may loop
      // for ever) and starts a fresh one, which loads the model and runs init() again
      const controller = new AbortController();
      const work =
        this.scriptHost !== undefined
          ? this.scriptHost.run(body) // a container finishes a request that timed out
          : this.pool.run({ op: 'run', body } satisfies WorkerTask, { signal: controller.signal });
      work.then(
        (value) => {
          settle();
          resolve(value);
        },
        (error: unknown) => {
          settle();
          reject(new ScoringScriptError(error instanceof Error ? error.message : String(error)));
        },
      );
      return () => controller.abort(new RequestTimeoutError(this.name, this.timeoutMs));
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // after the current I/O phase: every request parsed in it joins the same batch
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.tasks < this.maxTasks && this.queue.length > 0) {
      const batch: Pending[] = [this.queue.shift()!];
      let rows = batch[0]!.input.nRows;
      while (this.queue.length > 0 && rows + this.queue[0]!.input.nRows <= this.maxBatchRows) {
        const next = this.queue.shift()!;
        rows += next.input.nRows;
        batch.push(next);
      }
      this.dispatch(batch, rows);
    }
  }

  private dispatch(batch: readonly Pending[], nRows: number): void {
    const { numbers, strings } = pack(batch, nRows);
    this.tasks++;
    const width = predictionWidth(this.schema);
    const message: Batch = { controller: new AbortController(), waiting: batch.length };
    for (const p of batch) p.batch = message;
    this.pool
      .run({ op: 'score', nRows, numbers, strings } satisfies WorkerTask, {
        signal: message.controller.signal,
        // a fresh copy: moved to the thread, not copied again
        transferList: [numbers.buffer] as unknown as NonNullable<
          Parameters<Piscina['run']>[1]
        >['transferList'],
      })
      .then(
        (raw: Float64Array) => {
          let at = 0;
          for (const p of batch) {
            const n = p.input.nRows * width;
            p.settle();
            p.resolve(raw.subarray(at, at + n));
            at += n;
          }
        },
        (error: unknown) => {
          for (const p of batch) {
            p.settle();
            p.reject(error);
          }
        },
      )
      .finally(() => {
        this.tasks--;
        this.flush();
      });
  }

  /**
   * Stops taking work: what is in flight finishes, then the threads end. Resolves once
   * they have.
   */
  retire(): Promise<void> {
    this.retiring ??= (async () => {
      if (this.inFlight > 0) await new Promise<void>((resolve) => (this.drained = resolve));
      await this.pool.destroy();
      await this.scriptHost?.close();
    })();
    return this.retiring;
  }
}
