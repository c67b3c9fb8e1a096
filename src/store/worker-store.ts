/**
 * What distributed workers (`mlsweep worker`) need of a store, beyond a sweep's claims
 * (`TrialClaims`): a register of live workers with their heartbeats, leases on the trials
 * they run, and the reaping of trials whose worker fell silent. The SQLite store (many
 * processes on one machine) and the PostgreSQL store (many machines) both implement it,
 * and the same contract tests run against both.
 */
import type { ParamSet } from '../core/trial.ts';
import type {
  ClaimBatchOptions,
  ClaimChoice,
  ClaimedTrial,
  ClaimState,
  SettleOutcome,
  SweepRecord,
  TrialSettlement,
} from './records.ts';
import type { Awaitable } from './sweep-store.ts';

/** What a worker is doing, as it last said. */
export type WorkerState = 'idle' | 'running' | 'stopping' | 'stopped';

/** A worker's heartbeat: who it is, and the trials it holds right now. */
export interface WorkerBeat {
  /** Unique per worker process: `<host>:<pid>:<random>`. */
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  /** ISO 8601, when the worker started. */
  readonly startedAt: string;
  /** ISO 8601, the worker's clock now (a store may use its own clock instead; see `WorkerLocation.beat`). */
  readonly at: string;
  readonly state: WorkerState;
  /** Trials the worker runs now, by sweep id: their leases are renewed by this beat. */
  readonly running: readonly { readonly sweepId: string; readonly trialId: number }[];
  /** The most trials it runs at once (`--concurrency`). */
  readonly concurrency: number;
}

/** A worker as the store knows it (`mlsweep workers`). */
export interface WorkerRecord {
  readonly workerId: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** ISO 8601, its latest heartbeat. */
  readonly lastBeatAt: string;
  readonly state: WorkerState;
  readonly concurrency: number;
  readonly running: readonly { readonly sweepId: string; readonly trialId: number }[];
}

/**
 * The `workerId` of a reaped trial that no worker had leased: claimed in a sweep open to
 * workers, its worker stopped between the claim and the lease.
 */
export const UNLEASED_WORKER = '(no worker)';

/** A trial taken from a silent worker by `reapTrials`. */
export interface ReapedTrial {
  readonly trialId: number;
  /** The worker that held it (UNLEASED_WORKER when none did). */
  readonly workerId: string;
  /** True when its parameter set was queued again (a trial is re-queued once: a retry is not). */
  readonly requeued: boolean;
  readonly params: ParamSet;
}

/**
 * A sweep location that distributed workers can share (`SweepLocation` + this). Every
 * method is atomic against every other worker of the location.
 */
export interface WorkerLocation {
  /**
   * Records the worker (first beat) or refreshes it, and renews the lease of every trial in
   * `beat.running`. A store with a shared clock (PostgreSQL's `now()`) may stamp the beat
   * with that clock, so machines with skewed clocks agree on who is silent.
   */
  beat(beat: WorkerBeat): Awaitable<void>;
  /** Every worker that has beaten and not left, newest beat first; `stopped` ones for a while after. */
  workers(): Awaitable<readonly WorkerRecord[]>;
  /** The worker has stopped (SIGTERM handled): its record says `stopped`; its trials were settled or handed back. */
  leave(workerId: string): Awaitable<void>;
  /** Sweeps open to workers (started with `--workers-only`, or by a worker) that have not ended, oldest first. */
  openSweeps(): Awaitable<readonly SweepRecord[]>;
}

/**
 * A sweep's trial leases (`SweepStore` + this): which worker runs which trial, and what
 * happens when a worker stops beating.
 */
export interface TrialLeases {
  /** Marks a claimed trial as held by a worker (called right after `claimTrial`, or by it). */
  leaseTrial(trialId: number, workerId: string): Awaitable<void>;
  /**
   * Hands a running trial back (the worker stops before finishing it): the trial is ended
   * `cancelled` and its parameter set queued again, so another worker runs it. Returns
   * false when the trial was no longer running.
   */
  releaseTrial(trialId: number, workerId: string): Awaitable<boolean>;
  /**
   * Fails every running trial whose worker's latest beat is older than `silentSince`
   * (ISO 8601), and, in a sweep open to workers, every claimed trial that no worker leased
   * and that was claimed before `silentSince` (its worker died between the claim and the
   * lease), with an error naming the worker and its last beat, and queues its parameter
   * set again once (a trial that is itself a retry is not queued again). One transaction:
   * two workers reaping at once reap each trial once.
   */
  reapTrials(silentSince: string): Awaitable<readonly ReapedTrial[]>;
}

/**
 * Batched claims and settles (`SweepStore` + this): what lets a worker pay one lock hold
 * and one transaction for several trials instead of one each. The worker uses them where
 * a store offers them (PostgreSQL, SQLite, the in-memory store) and falls back to
 * `claimTrial` + `leaseTrial` and `settleTrial` one trial at a time elsewhere.
 */
export interface TrialBatches {
  /**
   * Claims up to `options.max` trials in one hold of the sweep's lock, and leases them to
   * `options.workerId` in the same write. `choose` is called once per trial, one after the
   * other, each time with every trial as it stands plus the trials chosen before it in
   * this batch (as `running`: a sampler sees them pending) and the next queued set not yet
   * taken. The first `choose` that throws ends the batch: thrown on, with nothing
   * claimed, when it is the first; otherwise the trials chosen before it are claimed.
   * Exactly the guarantees of `claimTrial`: numbers unique, limits counted under the lock.
   */
  claimTrials(
    choose: (state: ClaimState) => ClaimChoice,
    startedAt: string,
    options: ClaimBatchOptions,
  ): Awaitable<readonly ClaimedTrial[]>;
  /**
   * Settles several trials in one transaction (each as `settleTrial` would: ended only if
   * still running), writing each settled trial's `points` with it. The outcomes, in the
   * order of `ends`.
   */
  settleTrials(ends: readonly TrialSettlement[]): Awaitable<readonly SettleOutcome[]>;
}
