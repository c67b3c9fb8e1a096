import {
  checkInteger,
  checkPositive,
  DEFAULT_AUTOML_TIMEOUT_MINUTES,
  DEFAULT_MAX_TOTAL_TRIALS,
} from '../core/limits.ts';
import type { AutoMLLimits } from './types.ts';

/** Why AutoML stopped its own search before the sweep ran out of trials or time. */
export type OwnStop = 'exit_score' | 'early_termination' | 'budget';

/** Why the budget ended the search: one of AutoML's own rules, or the caller's interrupt. */
export type BudgetStop = OwnStop | 'interrupted';

/** What a Budget is made of. */
export interface BudgetOptions {
  /** The whole job, final fit included. */
  readonly timeoutSeconds: number;
  /** One trial (all its folds); absent: no limit but the job's. */
  readonly trialTimeoutSeconds?: number;
  readonly maxTrials: number;
  /**
   * Decide by counted work, not the clock (a trial limit and no time limit): the search
   * then never reads the clock for its choices, so a seeded run repeats exactly.
   */
  readonly countedWork?: boolean;
  /** The caller's signal: aborting it while the search runs interrupts the search. */
  readonly signal?: AbortSignal;
  /** The clock, in milliseconds (default `performance.now()`); tests drive the budget with their own. */
  readonly now?: () => number;
}

/**
 * Checks the limits of `automl()` with the validators of core/limits; a bad one is a
 * ValidationError naming it.
 *
 * @example
 * validateLimits({ maxTrials: 0 }); // throws: limits.maxTrials must be an integer >= 1, got 0
 */
export function validateLimits(l: AutoMLLimits): void {
  checkPositive(l.timeoutMinutes, 'limits.timeoutMinutes', 'minutes');
  checkPositive(l.trialTimeoutMinutes, 'limits.trialTimeoutMinutes', 'minutes');
  checkInteger(l.maxTrials, 'limits.maxTrials');
  checkInteger(l.maxConcurrentTrials, 'limits.maxConcurrentTrials');
}

/**
 * The one budget AutoML's steps share: the clock from the job's start, the time limit
 * (which covers everything, final fit included), the trial limits, the count of completed
 * trials, and the search's stop signal with the reason it was raised. The search stops
 * when AutoML's own rules say so (`stop`) or when the caller's signal aborts while it runs
 * (an interrupt); the first reason stands.
 *
 * @example
 * const budget = Budget.fromLimits({ timeoutMinutes: 1 }, controller.signal);
 * budget.secondsLeft(); // about 60
 * budget.stop('exit_score'); budget.signal.aborted; // true
 */
export class Budget {
  readonly timeoutSeconds: number;
  readonly trialTimeoutSeconds: number | undefined;
  readonly maxTrials: number;
  /**
   * True with a trial limit and no time limit: the search's choices (which family next,
   * when to stop early) go by counted work and trial counts, never by the clock, so a
   * seeded run with one trial at a time repeats exactly (the 6-hour default limit still
   * applies, as a backstop).
   */
  readonly countedWork: boolean;
  /**
   * Seconds kept free beyond estimated work: a running fit that cannot be interrupted,
   * stacking's own validation, writing. 8% of the budget, 2 to 30 seconds.
   */
  readonly safetySeconds: number;
  /** When the job started, on the clock (ms). */
  readonly startedAt: number;
  /** When the time limit ends, on the clock (ms). */
  readonly endsAt: number;
  private readonly clock: () => number;
  private readonly caller: AbortSignal | undefined;
  private readonly controller = new AbortController();
  private reason: BudgetStop | undefined;
  private completed = 0;

  constructor(o: BudgetOptions) {
    this.clock = o.now ?? (() => performance.now());
    this.startedAt = this.clock();
    this.timeoutSeconds = o.timeoutSeconds;
    this.trialTimeoutSeconds = o.trialTimeoutSeconds;
    this.maxTrials = o.maxTrials;
    this.countedWork = o.countedWork ?? false;
    this.caller = o.signal;
    this.endsAt = this.startedAt + o.timeoutSeconds * 1000;
    this.safetySeconds = Math.min(30, Math.max(2, 0.08 * o.timeoutSeconds));
  }

  /**
   * The budget of `automl()`'s limits (validated), with their defaults (Azure's: 6 hours, 1000 trials).
   *
   * @example
   * Budget.fromLimits({ timeoutMinutes: 2, maxTrials: 20 }).timeoutSeconds; // 120
   */
  static fromLimits(limits: AutoMLLimits = {}, signal?: AbortSignal, now?: () => number): Budget {
    validateLimits(limits);
    return new Budget({
      timeoutSeconds: (limits.timeoutMinutes ?? DEFAULT_AUTOML_TIMEOUT_MINUTES) * 60,
      ...(limits.trialTimeoutMinutes !== undefined
        ? { trialTimeoutSeconds: limits.trialTimeoutMinutes * 60 }
        : {}),
      maxTrials: limits.maxTrials ?? DEFAULT_MAX_TOTAL_TRIALS,
      countedWork: limits.timeoutMinutes === undefined && limits.maxTrials !== undefined,
      ...(signal ? { signal } : {}),
      ...(now ? { now } : {}),
    });
  }

  /** The clock (ms). */
  now(): number {
    return this.clock();
  }

  elapsedSeconds(): number {
    return (this.clock() - this.startedAt) / 1000;
  }

  /** Seconds to the end of the time limit (negative past it). */
  secondsLeft(): number {
    return (this.endsAt - this.clock()) / 1000;
  }

  /** Whether the search is over for the budget: stopped, or no time left beyond `reservedSeconds`. */
  exhausted(reservedSeconds = 0): boolean {
    return this.reason !== undefined || this.secondsLeft() - reservedSeconds <= 0;
  }

  /** Trials completed so far (the sweep itself counts every trial against maxTrials). */
  get trials(): number {
    return this.completed;
  }

  countCompletedTrial(): void {
    this.completed++;
  }

  /** Aborted when the search must stop, for any reason. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Stops the search by one of AutoML's own rules, unless it was already stopped. */
  stop(reason: OwnStop): void {
    this.reason ??= reason;
    this.controller.abort();
  }

  /** Why the search was stopped, when it was stopped by the budget's rules or an interrupt. */
  get stopReason(): BudgetStop | undefined {
    return this.reason;
  }

  /** Whether the caller's signal stopped the search: its result is partial. */
  get interrupted(): boolean {
    return this.reason === 'interrupted';
  }

  /**
   * Lets the caller's signal interrupt the search until the returned function is called
   * (when the search ends: an abort after it, during the final fit, is no interrupt).
   *
   * @example
   * const unwatch = budget.watchInterrupts();
   * try { await sweep({ signal: budget.signal, ... }); } finally { unwatch(); }
   */
  watchInterrupts(): () => void {
    const caller = this.caller;
    if (!caller) return () => {};
    const interrupt = () => {
      // an abort after the search already stopped by a rule of its own is no interrupt
      if (!this.controller.signal.aborted) this.reason = 'interrupted';
      this.controller.abort();
    };
    if (caller.aborted) {
      interrupt();
      return () => {};
    }
    caller.addEventListener('abort', interrupt, { once: true });
    return () => caller.removeEventListener('abort', interrupt);
  }

  /** Throws the caller's abort reason when the caller interrupted the search. */
  throwIfInterrupted(): void {
    if (this.interrupted) throw this.caller!.reason;
  }
}
