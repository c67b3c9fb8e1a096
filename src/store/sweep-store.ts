/**
 * The SweepStore contract: where a sweep is written as it runs and read back afterwards.
 * The engine writes through `SweepWriter`; readers (resume, report, the CLI, studio) use
 * `SweepReader`, `SweepStore` and `SweepLocation` only, never an implementation, so the
 * embedded SQLite store and a PostgreSQL one are interchangeable. Methods may return a
 * promise (a database over the network); callers await them.
 */
import type { MetricPoint, ParamSet, StopReason } from '../core/trial.ts';
import type {
  ClaimChoice,
  ClaimedTrial,
  ClaimState,
  NewSweep,
  SettleOutcome,
  StoredTrial,
  SweepRecord,
  TrialEnd,
} from './records.ts';
import type { ResumePlan } from './resume-plan.ts';

/** A value, or a promise of it: what a store's method returns. */
export type Awaitable<T> = T | Promise<T>;

/**
 * Where the engine writes one sweep as it runs: trials with their parameters, metric
 * points, statuses. The engine waits for all writes before it returns, and fails the
 * sweep if one failed.
 */
export interface SweepWriter {
  startTrial(id: number, params: ParamSet, startedAt: string): Awaitable<void>;
  addMetric(id: number, name: string, point: MetricPoint): Awaitable<void>;
  endTrial(id: number, end: TrialEnd): Awaitable<void>;
  endSweep(reason: StopReason, message: string): Awaitable<void>;
}

/** One recorded sweep, read back. */
export interface SweepReader {
  /** What `--resume` and `mlsweep report` take. */
  readonly sweepId: string;
  /** The sweep: objective, tags (its definition), start, and how it ended. */
  sweep(): Awaitable<SweepRecord>;
  /** Every trial, by number, with its metric points in report order. */
  trials(): Awaitable<readonly StoredTrial[]>;
  /** One trial with its metric points, or undefined when there is no such trial. */
  trial(id: number): Awaitable<StoredTrial | undefined>;
}

/**
 * What ask/tell (study/) needs of a store beyond the engine's writes, where several
 * processes (or, on PostgreSQL, machines) share one sweep and the store is the only state.
 * Each method is atomic against every other writer of the sweep.
 */
export interface TrialClaims {
  /**
   * Claims the sweep's next trial number: under the store's lock, reads every trial as it
   * stands (running ones included) and the head of the queue, calls `choose` (synchronous,
   * pure but for the sampler's caches) and records its parameter set as a new `running`
   * trial numbered one past the highest recorded, consuming the queued set when `choose`
   * took it. Two processes claiming at once get different numbers, and the second chooses
   * with the first's trial in view.
   */
  claimTrial(choose: (state: ClaimState) => ClaimChoice, startedAt: string): Awaitable<ClaimedTrial>;
  /** Appends a parameter set to the sweep's queue: the next claim is offered it first. */
  enqueueTrial(params: ParamSet): Awaitable<void>;
  /**
   * Ends a trial if it is still running (checked and written under the lock): `ended`, or
   * `unknown`, or the status it had already ended with (then nothing is written).
   */
  settleTrial(id: number, end: TrialEnd): Awaitable<SettleOutcome>;
}

/** One sweep's store: written by the engine, read by everyone else, continued by a resume. */
export interface SweepStore extends SweepWriter, SweepReader, TrialClaims {
  /** Adds tags to the sweep, or replaces their values. */
  setTags(tags: Readonly<Record<string, string>>): Awaitable<void>;
  /**
   * Prepares to continue the sweep: trials left `running` by a dead process are marked
   * failed (INTERRUPTED_ERROR), the sweep's recorded end is cleared, and the plan
   * (planResume) says what stands and what runs again; the retries started next with the
   * plan's parameter objects are recorded as such.
   */
  resume(): Awaitable<ResumePlan>;
}

/** A place that holds sweeps: a SQLite store folder today, a PostgreSQL database tomorrow. */
export interface SweepLocation {
  /** Where it is, for messages (the database file, or the URL without its password). */
  readonly where: string;
  /** Records a new sweep. */
  create(sweep: NewSweep): Awaitable<SweepStore>;
  /** A recorded sweep, by its id or a unique prefix of it; a ValidationError when there is none. */
  open(sweepId: string): Awaitable<SweepStore>;
  /** Every recorded sweep, oldest first. */
  sweeps(): Awaitable<readonly SweepRecord[]>;
  /** Frees the connection; the sweeps stay. */
  close(): Awaitable<void>;
}
