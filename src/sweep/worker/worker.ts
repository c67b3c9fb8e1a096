/**
 * A worker: one process (on any machine) that claims trials of the sweeps open to workers
 * in a shared store and runs them, as many at once as its concurrency. The store is the
 * only state the workers share: claims are serialised by the store (`claimTrials`: a batch
 * of up to the free slots, chosen one by one under the sweep's lock), so
 * exactly max_total_trials trials run whatever the number of workers; a heartbeat renews
 * the leases of the worker's trials, and every worker reaps the trials of a worker silent
 * for the sweep's heartbeat timeout (failed, queued again once).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { StoreConnectionError, ValidationError } from '../../core/errors.ts';
import type { StopReason } from '../../core/trial.ts';
import type { SweepRecord } from '../../store/records.ts';
import type { ReapedTrial, WorkerState } from '../../store/worker-store.ts';
import { configuredTrackingUri, type TrialTracking } from '../trial-tracking.ts';
import { claimBatch, SettleQueue } from './batch.ts';
import { chooseTrial, NoClaim } from './claim.ts';
import { DEFAULT_HEARTBEAT_SECONDS } from './definition.ts';
import type { SharedLocation } from './location.ts';
import { type EnvironmentResolver, openWorkerSweep, type WorkerSweep } from './sweep-slot.ts';
import { type TrialOutcome, WorkerTrial } from './trial.ts';

/** Options of a `Worker`. */
export interface WorkerOptions {
  /** Work on this sweep only (its id or a unique prefix); absent: every open sweep, oldest first. */
  readonly sweepId?: string;
  /** Trials run at once by this worker (default 1): also the most it claims in one batch (one lock hold). */
  readonly concurrency?: number;
  /** Without `sweepId`: return when no sweep is open (default false: wait for one). */
  readonly exitWhenIdle?: boolean;
  /** Seconds between heartbeats (default 5); must be under the sweeps' heartbeat timeout. */
  readonly heartbeatSeconds?: number;
  /** Replaces the sweeps' recorded output folder (trial-N/ folders go under `<dir>/<sweep id>/`). */
  readonly outputDir?: string;
  /** Told what happens, for logs. */
  readonly onEvent?: (event: WorkerEvent) => void;
  /** The clock of heartbeats, reaping and sweep timeouts (ms since the epoch; default Date.now). */
  readonly now?: () => number;
  /** Longest wait between two claims when none succeeds, in ms (default 1000; the first waits are shorter). */
  readonly maxIdleMs?: number;
  /**
   * Module trials run in the worker's own thread rather than one thread per slot (default
   * false): for trials that are cheap or mostly wait; a trial that computes for long
   * blocks the worker, its heartbeat included.
   */
  readonly inProcess?: boolean;
  /**
   * Builds (once, into a cache) the environment of a sweep whose command trials run in
   * one (`trial.environment`); without it, such sweeps are left to other workers (or,
   * with `sweepId`, an error). `mlsweep worker` gives the store's environments.
   */
  readonly environments?: EnvironmentResolver;
  /**
   * Command trials that log with MLflow (as `sweep()`'s `tracking`): started for each
   * sweep of command trials this worker works on, unless the trial's environment or this
   * process's names an MLFLOW_TRACKING_URI; each trial gets MLFLOW_TRACKING_URI,
   * MLFLOW_EXPERIMENT_ID and MLFLOW_RUN_ID, and the metrics it logs are reported as if
   * printed. `mlsweep worker` gives a server over the PostgreSQL store for a sweep created
   * with tracking (each trial logs into its own run there, which `mlsweep runs` and the
   * studio show), else over a temporary store.
   */
  readonly tracking?: TrialTracking;
}

/** What a worker reports as it works. */
export type WorkerEvent =
  | { readonly type: 'started'; readonly workerId: string }
  | {
      readonly type: 'claimed';
      readonly sweepId: string;
      readonly trialId: number;
      readonly params: Readonly<Record<string, unknown>>;
    }
  | { readonly type: 'ended'; readonly outcome: TrialOutcome }
  | { readonly type: 'reaped'; readonly sweepId: string; readonly trials: readonly ReapedTrial[] }
  | {
      readonly type: 'sweep_ended';
      readonly sweepId: string;
      readonly reason: StopReason;
      readonly message: string;
    }
  | { readonly type: 'notice'; readonly message: string };

/** What `Worker.run` returns. */
export interface WorkerSummary {
  readonly workerId: string;
  /** Trials this worker ran, by how they ended (`handed_back`: released as it stopped). */
  readonly counts: Readonly<Record<string, number>>;
  /** Trials this worker reaped from silent workers. */
  readonly reaped: number;
  /** Sweeps this worker recorded the end of. */
  readonly sweepsEnded: readonly string[];
  /** Why the worker returned. */
  readonly reason: 'stopped' | 'sweep_ended' | 'idle';
}

/**
 * Runs trials of a shared store's open sweeps until stopped, or until its sweep ends
 * (`sweepId`), or until none is open (`exitWhenIdle`).
 *
 * @example
 * const location = sharedLocation(openSweepLocation('postgresql://db.internal/mlsweep'));
 * const worker = new Worker(location, { concurrency: 4 });
 * process.once('SIGTERM', () => worker.stop('SIGTERM'));
 * const summary = await worker.run();
 * await location.close();
 */
export class Worker {
  /** `<host>:<pid>:<random>`: unique per worker process. */
  readonly workerId: string;
  private readonly host = hostname();
  private readonly startedAt: string;
  private readonly concurrency: number;
  private readonly heartbeatMs: number;
  private readonly now: () => number;
  private readonly kill$ = new AbortController();
  private readonly live = new Map<string, WorkerTrial>();
  private readonly sweeps = new Map<string, WorkerSweep>();
  private readonly settleQueues = new Map<WorkerSweep, SettleQueue>();
  private readonly counts: Record<string, number> = {};
  private readonly sweepsEnded: string[] = [];
  private reaped = 0;
  private stopping: string | undefined;
  private wake: (() => void) | undefined;
  private beating: Promise<void> | undefined;
  private beatTimer: NodeJS.Timeout | undefined;
  private readonly deadlineTimers: NodeJS.Timeout[] = [];
  private started = false;
  private prepared: Promise<void> | undefined;
  /** Open sweeps this worker cannot run (their definition is unreadable here): left to others. */
  private readonly unusable = new Set<string>();
  /** The open sweeps as last read (without `sweepId`). */
  private openList: { at: number; records: readonly SweepRecord[] } | undefined;

  constructor(
    private readonly location: SharedLocation,
    private readonly options: WorkerOptions = {},
  ) {
    this.concurrency = options.concurrency ?? 1;
    if (!Number.isInteger(this.concurrency) || this.concurrency < 1) {
      throw new ValidationError(`--concurrency must be an integer >= 1, got ${this.concurrency}`, {
        path: 'concurrency',
      });
    }
    const seconds = options.heartbeatSeconds ?? DEFAULT_HEARTBEAT_SECONDS;
    if (!(Number.isFinite(seconds) && seconds > 0)) {
      throw new ValidationError(`--heartbeat-seconds must be a number of seconds > 0, got ${seconds}`, {
        path: 'heartbeatSeconds',
      });
    }
    this.heartbeatMs = seconds * 1000;
    this.now = options.now ?? Date.now;
    this.startedAt = new Date(this.now()).toISOString();
    this.workerId = `${this.host}:${process.pid}:${randomBytes(4).toString('hex')}`;
  }

  /** Stops gracefully: no more claims; running trials are stopped and handed back to their sweeps. */
  stop(reason = 'stopped'): void {
    if (this.stopping !== undefined) return;
    this.stopping = reason;
    for (const trial of this.live.values())
      trial.handBack(`handed back: the worker ${this.workerId} stopped (${reason})`);
    this.wake?.();
  }

  /** Stops at once (a second signal): trial processes get SIGKILL now; their trials are still handed back. */
  kill(): void {
    this.stop('killed');
    this.kill$.abort(new Error('killed'));
  }

  /**
   * Gets ready before any claim: with `sweepId`, opens the sweep and warms its runner (the
   * trial threads started, the module imported in each), so that a trial claimed is a
   * trial run at once rather than a thread started. Called by `run`; call it first to be
   * ready ahead of time. Idempotent.
   *
   * @example
   * const worker = new Worker(location, { sweepId, concurrency: 4 });
   * await worker.prepare(); // threads up: now say ready
   * await worker.run();
   */
  prepare(): Promise<void> {
    this.prepared ??= (async () => {
      if (this.options.sweepId === undefined) return;
      const [record] = await this.candidates(false);
      if (record !== undefined) await this.slot(record);
    })();
    return this.prepared;
  }

  /** Runs until stopped, the sweep's end (`sweepId`), or no open sweep (`exitWhenIdle`). */
  async run(): Promise<WorkerSummary> {
    if (this.started) throw new ValidationError('a Worker runs once', { path: 'worker' });
    this.started = true;
    await this.prepare();
    // The first beat registers the worker, and a store that cannot be reached fails here, at once.
    await this.location.beat(this.beat('idle'));
    this.emit({ type: 'started', workerId: this.workerId });
    this.beatTimer = setInterval(() => void this.heartbeat(), this.heartbeatMs);
    this.beatTimer.unref?.();
    let reason: WorkerSummary['reason'] = 'stopped';
    try {
      reason = await this.loop();
    } finally {
      // After a failure, trials still running go back to their sweeps rather than run on unattended.
      if (this.live.size > 0) this.stop('the worker failed');
      clearInterval(this.beatTimer);
      for (const t of this.deadlineTimers) clearTimeout(t);
      await Promise.all([...this.live.values()].map((t) => t.done.catch(() => undefined)));
      await this.beating;
      for (const sweep of this.sweeps.values()) {
        await sweep.runner.close?.();
        await sweep.tracking?.stop().catch(() => undefined);
      }
      try {
        await this.location.beat(this.beat('stopped'));
        await this.location.leave(this.workerId);
      } catch (error) {
        this.notice(`could not record that the worker left: ${(error as Error).message}`);
      }
    }
    return {
      workerId: this.workerId,
      counts: { ...this.counts },
      reaped: this.reaped,
      sweepsEnded: [...this.sweepsEnded],
      reason,
    };
  }

  private async loop(): Promise<WorkerSummary['reason']> {
    let idleMs = 0;
    for (;;) {
      if (this.stopping !== undefined) return 'stopped';
      let records: readonly SweepRecord[];
      try {
        records = await this.candidates(idleMs > 0);
      } catch (error) {
        if (!transient(error)) throw error;
        this.notice(`the store failed: ${(error as Error).message}; trying again`);
        idleMs = await this.idle(idleMs);
        continue;
      }
      if (this.options.sweepId !== undefined && records.length === 0) {
        if (this.live.size === 0) return 'sweep_ended';
      } else if (records.length === 0 && this.live.size === 0 && this.options.exitWhenIdle === true) {
        return 'idle';
      }
      let claimed = 0;
      for (const record of records) {
        if (this.live.size >= this.concurrency || this.stopping !== undefined) break;
        claimed += await this.claimFrom(record);
      }
      if (this.stopping !== undefined) return 'stopped';
      if (claimed > 0) {
        idleMs = 0;
        if (this.live.size < this.concurrency) continue;
        await new Promise<void>((resolve) => (this.wake = resolve));
        // Trials settled in one batch end together: let them all free their slots, then
        // claim for every free slot in one batch rather than one claim per slot.
        await new Promise<void>((resolve) => setImmediate(resolve));
      } else idleMs = await this.idle(idleMs);
    }
  }

  /**
   * The sweeps to claim from: the one asked for while it has not ended, or every open one
   * (`refresh`: after an idle wait, read the list again).
   */
  private async candidates(refresh: boolean): Promise<readonly SweepRecord[]> {
    const id = this.options.sweepId;
    if (id === undefined) {
      // Read again after an idle wait or every second, not before every claim (a round trip each).
      const now = Date.now();
      if (refresh || this.openList === undefined || now - this.openList.at > 1000) {
        this.openList = { at: now, records: await this.location.openSweeps() };
      }
      return this.openList.records.filter(
        (r) => !this.unusable.has(r.sweepId) && this.sweeps.get(r.sweepId)?.ended !== true,
      );
    }
    const known = [...this.sweeps.values()][0];
    if (known !== undefined) return known.ended ? [] : [{ sweepId: known.sweepId, tags: {}, startedAt: '' }];
    const store = await this.location.open(id);
    const record = await store.sweep();
    return record.endedAt !== undefined && record.stopReason !== undefined ? [] : [record];
  }

  /**
   * The sweep as this worker works on it, opened (its runner warmed) on first use;
   * undefined when this worker cannot run it (working on every open sweep, it is left to
   * the others).
   */
  private async slot(record: SweepRecord): Promise<WorkerSweep | undefined> {
    let sweep = this.sweeps.get(record.sweepId);
    if (sweep !== undefined || this.unusable.has(record.sweepId)) return sweep;
    try {
      sweep = await openWorkerSweep(this.location, record, {
        ...(this.options.outputDir !== undefined ? { outputDir: this.options.outputDir } : {}),
        ...(this.options.inProcess === true ? { inProcess: true } : {}),
        ...(this.options.environments !== undefined ? { environments: this.options.environments } : {}),
      });
    } catch (error) {
      // Working on every open sweep, one this worker cannot run does not stop it.
      if (this.options.sweepId !== undefined || !(error instanceof ValidationError)) throw error;
      this.unusable.add(record.sweepId);
      this.notice(`sweep ${record.sweepId} is left to other workers: ${error.message}`);
      return undefined;
    }
    this.sweeps.set(sweep.sweepId, sweep);
    this.watchDeadline(sweep);
    const timeoutMs = sweep.definition.heartbeatTimeoutSeconds * 1000;
    if (this.heartbeatMs * 2 > timeoutMs) {
      this.notice(
        `this worker beats every ${this.heartbeatMs / 1000} s, not well under sweep ${sweep.sweepId}'s heartbeat timeout of ${timeoutMs / 1000} s: a late beat gets its trials reaped`,
      );
    }
    await sweep.runner.warm?.(this.concurrency);
    await this.startTracking(sweep);
    return sweep;
  }

  /** Starts the tracking server a sweep's command trials log to (see `WorkerOptions.tracking`). */
  private async startTracking(sweep: WorkerSweep): Promise<void> {
    const trial = sweep.definition.trial;
    if (this.options.tracking === undefined || !('command' in trial)) return;
    const configured = configuredTrackingUri(trial.environmentVariables);
    if (configured !== undefined) {
      this.notice(
        `MLFLOW_TRACKING_URI is set (${configured.replace(/\/\/[^@/]*@/, '//')}): trials of sweep ${sweep.sweepId} log there, and the worker reads only their printed metric lines`,
      );
      return;
    }
    const session = await this.options.tracking.start({ sweepId: sweep.sweepId, runId: sweep.trackingRunId });
    sweep.tracking = session;
    session.onLogged((event) => {
      const trial = sweep.trackedRuns.get(event.runId);
      for (const m of trial === undefined ? [] : (event.metrics ?? [])) {
        try {
          trial!.logged(m.key, m.value, m.step);
        } catch (error) {
          // The server has stored the point; a value the sweep cannot use is the trial's problem.
          this.notice(
            `trial of run ${event.runId}: logged metric '${m.key}' not used: ${(error as Error).message}`,
          );
        }
      }
    });
  }

  /** Claims trials of one sweep while this worker has room; the number claimed. */
  private async claimFrom(record: SweepRecord): Promise<number> {
    const sweep = await this.slot(record);
    if (sweep === undefined) return 0;
    if (sweep.ended) return 0;
    let claimed = 0;
    while (this.live.size < this.concurrency && this.stopping === undefined) {
      const timedOut = sweep.deadline !== undefined && this.now() >= sweep.deadline;
      let trials: readonly { id: number; params: Readonly<Record<string, unknown>> }[];
      try {
        // As many trials as there are free slots, in one hold of the sweep's lock, leased at once.
        trials = await claimBatch(
          sweep.store,
          chooseTrial({
            definition: sweep.definition,
            space: sweep.space,
            sampler: sweep.sampler,
            timedOut,
            tally: sweep.tally,
          }),
          new Date(this.now()).toISOString(),
          this.concurrency - this.live.size,
          this.workerId,
        );
      } catch (error) {
        if (!(error instanceof NoClaim)) {
          if (!transient(error)) throw error;
          this.notice(
            `claiming a trial of sweep ${sweep.sweepId} failed: ${(error as Error).message}; trying again`,
          );
          return claimed;
        }
        if (error.outcome === 'end' && error.reason !== 'busy')
          await this.endSweep(sweep, error.reason, error.message);
        return claimed;
      }
      claimed += trials.length;
      if (this.stopping !== undefined) {
        // Claimed as a signal came: the trials go back at once.
        for (const trial of trials) {
          await this.persist(`hand back trial ${trial.id}`, () =>
            sweep.store.releaseTrial(trial.id, this.workerId),
          );
          this.count('handed_back');
        }
        return claimed;
      }
      for (const trial of trials) this.start(sweep, trial.id, trial.params as WorkerTrial['params']);
    }
    return claimed;
  }

  /** The sweep's settle batches, made on first use. */
  private settles(sweep: WorkerSweep): SettleQueue {
    let queue = this.settleQueues.get(sweep);
    if (queue === undefined) {
      queue = new SettleQueue(
        sweep.store,
        () => {
          let n = 0;
          for (const trial of this.live.values()) if (trial.sweep === sweep) n++;
          return n;
        },
        (what, op) => this.persist(what, op),
      );
      this.settleQueues.set(sweep, queue);
    }
    return queue;
  }

  private start(sweep: WorkerSweep, trialId: number, params: WorkerTrial['params']): void {
    const trial = new WorkerTrial(sweep, trialId, params, {
      workerId: this.workerId,
      killSignal: this.kill$.signal,
      persist: (what, op) => this.persist(what, op),
      settle: (settlement) => this.settles(sweep).settle(settlement),
      leased: true,
    });
    const key = `${sweep.sweepId}/${trialId}`;
    this.live.set(key, trial);
    this.emit({ type: 'claimed', sweepId: sweep.sweepId, trialId, params });
    if (sweep.deadline !== undefined && this.now() >= sweep.deadline) {
      trial.stop(
        'cancelled',
        `cancelled: the sweep's timeout of ${sweep.definition.limits.timeout} s was reached`,
      );
    }
    trial.done.then(
      (outcome) => {
        this.live.delete(key);
        this.count(outcome.status);
        if (!outcome.kept && outcome.status !== 'handed_back') {
          this.notice(
            `trial ${trialId} of sweep ${sweep.sweepId} had already been ended (its lease was reaped while this worker was silent): its result is not kept`,
          );
        }
        this.emit({ type: 'ended', outcome });
        this.wake?.();
      },
      (error: unknown) => {
        // A hard kill during an outage, or a write the store refuses: handed back if the
        // store lets us (else it stays leased to this worker until it leaves or falls silent).
        this.live.delete(key);
        this.notice(
          `trial ${trialId} of sweep ${sweep.sweepId} was not recorded: ${(error as Error).message}`,
        );
        void Promise.resolve()
          .then(() => sweep.store.releaseTrial(trialId, this.workerId))
          .catch(() => undefined)
          .finally(() => this.wake?.());
      },
    );
  }

  /** Records a sweep's end, unless another worker did first. */
  private async endSweep(sweep: WorkerSweep, reason: StopReason, message: string): Promise<void> {
    sweep.ended = true;
    const record = await this.persist(`read sweep ${sweep.sweepId}`, () => sweep.store.sweep());
    if (record.stopReason !== undefined) return;
    await this.persist(`end sweep ${sweep.sweepId}`, () => sweep.store.endSweep(reason, message));
    this.sweepsEnded.push(sweep.sweepId);
    this.emit({ type: 'sweep_ended', sweepId: sweep.sweepId, reason, message });
  }

  /** At the sweep's timeout its running trials here are cancelled, and the loop looks again. */
  private watchDeadline(sweep: WorkerSweep): void {
    if (sweep.deadline === undefined) return;
    const timer = setTimeout(
      () => {
        for (const trial of this.live.values()) {
          if (trial.sweep === sweep)
            trial.stop(
              'cancelled',
              `cancelled: the sweep's timeout of ${sweep.definition.limits.timeout} s was reached`,
            );
        }
        this.wake?.();
      },
      Math.max(0, sweep.deadline - this.now()),
    );
    timer.unref?.();
    this.deadlineTimers.push(timer);
  }

  /** Waits before the next look (or until a trial ends); returns the next wait. */
  private async idle(previousMs: number): Promise<number> {
    const max = this.options.maxIdleMs ?? 1000;
    const ms = Math.min(max, Math.max(20, previousMs * 2));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms * (0.75 + Math.random() * 0.5));
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    return ms;
  }

  /** A beat, then a reaping of every sweep this worker works on; one at a time. */
  private heartbeat(): Promise<void> {
    if (this.beating !== undefined) return this.beating;
    this.beating = (async () => {
      try {
        await this.location.beat(
          this.beat(this.stopping !== undefined ? 'stopping' : this.live.size > 0 ? 'running' : 'idle'),
        );
        for (const sweep of this.sweeps.values()) {
          if (sweep.ended) continue;
          const silentSince = new Date(
            this.now() - sweep.definition.heartbeatTimeoutSeconds * 1000,
          ).toISOString();
          const reaped = await sweep.store.reapTrials(silentSince);
          if (reaped.length > 0) {
            this.reaped += reaped.length;
            this.emit({ type: 'reaped', sweepId: sweep.sweepId, trials: reaped });
            this.wake?.();
          }
        }
      } catch (error) {
        // The next beat tries again: the leases hold for the whole heartbeat timeout.
        this.notice(`heartbeat failed: ${(error as Error).message}`);
      } finally {
        this.beating = undefined;
      }
    })();
    return this.beating;
  }

  private beat(state: WorkerState) {
    return {
      workerId: this.workerId,
      host: this.host,
      pid: process.pid,
      startedAt: this.startedAt,
      at: new Date(this.now()).toISOString(),
      state,
      running: [...this.live.values()].map((t) => ({ sweepId: t.sweep.sweepId, trialId: t.trialId })),
      concurrency: this.concurrency,
    };
  }

  /**
   * Runs a store write until it succeeds, waiting longer after each failure (up to 5 s):
   * a result is never dropped because the database restarted (the store retries a lost
   * connection itself for a while; this outlasts it). Gives up on a hard kill, and on an
   * error that is not a lost store (a refused write: trying again would not help).
   */
  private async persist<T>(what: string, op: () => T | Promise<T>): Promise<T> {
    let waitMs = 50;
    for (;;) {
      try {
        return await op();
      } catch (error) {
        if (!transient(error) || this.kill$.signal.aborted) throw error;
        this.notice(`${what} failed: ${(error as Error).message}; trying again in ${waitMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, waitMs));
        waitMs = Math.min(5000, waitMs * 2);
      }
    }
  }

  private count(status: string): void {
    this.counts[status] = (this.counts[status] ?? 0) + 1;
  }

  private notice(message: string): void {
    this.emit({ type: 'notice', message });
  }

  private emit(event: WorkerEvent): void {
    try {
      this.options.onEvent?.(event);
    } catch {
      // a logger's failure must not stop the work
    }
  }
}

/** Error codes of a store that is down or busy for a moment (network, PostgreSQL restarting, SQLite locked). */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'SQLITE_BUSY',
  'SQLITE_LOCKED',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** Whether a store's error is worth waiting out: the store unreachable or busy, not a refused operation. */
function transient(error: unknown): boolean {
  if (error instanceof StoreConnectionError) return true;
  if (error instanceof ValidationError || !(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_CODES.has(code)) return true;
  return /connection (terminated|refused|closed)|terminating connection/i.test(error.message);
}
