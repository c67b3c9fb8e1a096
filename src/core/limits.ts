/**
 * Limits and their defaults, written once: the YAML translator, `sweep()`, AutoML and the
 * CLI all take them from here, and check values with the one validator of each kind.
 */
import { availableParallelism } from 'node:os';
import { ValidationError } from './errors.ts';

/** `limits.max_total_trials` when nothing says otherwise (Azure's default). */
export const DEFAULT_MAX_TOTAL_TRIALS = 1000;

/** Seconds between SIGTERM and SIGKILL for a stopped trial (`terminationGrace`). */
export const DEFAULT_TERMINATION_GRACE_SECONDS = 5;

/** AutoML's `timeoutMinutes` when nothing says otherwise (Azure's: 6 hours). */
export const DEFAULT_AUTOML_TIMEOUT_MINUTES = 360;

/** AutoML's `maxConcurrentTrials` when nothing says otherwise: one trial at a time. */
export const DEFAULT_AUTOML_CONCURRENT_TRIALS = 1;

/**
 * How many command trials run at once when a sweep file does not say: one per core.
 * (Azure's default, max_total_trials, would start hundreds of processes on a laptop.)
 *
 * @example
 * defaultCommandConcurrency(); // 2 on a 2-core machine
 */
export function defaultCommandConcurrency(): number {
  return availableParallelism();
}

/**
 * Checks an integer limit (a count of trials, folds, rounds): an integer >= `min`.
 * Undefined passes (the default applies). Throws a ValidationError naming `path`.
 *
 * @example
 * checkInteger(20, 'limits.max_total_trials'); // ok
 * checkInteger(0, 'limits.max_total_trials'); // throws: must be an integer >= 1, got 0
 */
export function checkInteger(value: number | undefined, path: string, min = 1): void {
  if (value !== undefined && (!Number.isInteger(value) || value < min)) {
    throw new ValidationError(`${path} must be an integer >= ${min}, got ${String(value)}`, { path });
  }
}

/**
 * Checks a duration or other positive quantity: a finite number > 0. Undefined passes.
 * `unit` names what it counts in messages (seconds, minutes).
 *
 * @example
 * checkPositive(3600, 'limits.timeout', 'seconds'); // ok
 * checkPositive(-1, 'limits.timeout', 'seconds'); // throws: must be a number of seconds > 0
 */
export function checkPositive(value: number | undefined, path: string, unit?: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    const what = unit === undefined ? 'a number' : `a number of ${unit}`;
    throw new ValidationError(`${path} must be ${what} > 0, got ${String(value)}`, { path });
  }
}
