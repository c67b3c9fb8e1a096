import { ValidationError } from '../core/errors.ts';
import {
  checkInteger,
  checkPositive,
  DEFAULT_MAX_TOTAL_TRIALS,
  defaultCommandConcurrency,
} from '../core/limits.ts';
import { commandRunner } from './runners/command.ts';
import { functionRunner } from './runners/function.ts';
import { moduleRunner } from './runners/module.ts';
import type { Runner, SweepLimits, SweepOptions } from './types.ts';

/** Limits with Azure's defaults applied. */
export interface ResolvedLimits {
  readonly maxTotalTrials: number;
  readonly maxConcurrentTrials: number;
  readonly timeout: number | undefined;
  readonly trialTimeout: number | undefined;
}

/**
 * Checks the limits and applies the defaults of `sweep()`: max_total_trials 1000;
 * max_concurrent_trials one per core for command trials (each is a process: Azure's
 * default, max_total_trials, would start hundreds at once), else max_total_trials (trial
 * functions share this thread; module trials are worker threads); no timeouts.
 *
 * @example
 * resolveLimits({ maxTotalTrials: 20 }); // { maxTotalTrials: 20, maxConcurrentTrials: 20, ... }
 * resolveLimits({ maxTotalTrials: 20 }, { command: 'node train.mjs' }).maxConcurrentTrials; // cores
 */
export function resolveLimits(limits: SweepLimits = {}, trial?: SweepOptions['trial']): ResolvedLimits {
  const maxTotalTrials = limits.maxTotalTrials ?? DEFAULT_MAX_TOTAL_TRIALS;
  const isCommand = typeof trial === 'object' && 'command' in trial && typeof trial.command === 'string';
  const maxConcurrentTrials =
    limits.maxConcurrentTrials ??
    (isCommand ? Math.min(defaultCommandConcurrency(), maxTotalTrials) : maxTotalTrials);
  checkInteger(maxTotalTrials, 'limits.max_total_trials');
  checkInteger(maxConcurrentTrials, 'limits.max_concurrent_trials');
  checkPositive(limits.timeout, 'limits.timeout', 'seconds');
  checkPositive(limits.trialTimeout, 'limits.trial_timeout', 'seconds');
  return { maxTotalTrials, maxConcurrentTrials, timeout: limits.timeout, trialTimeout: limits.trialTimeout };
}

/**
 * The runner for a sweep's `trial` option: a function, a module (worker threads), a
 * command line, or a Runner given as is.
 *
 * @example
 * const runner = resolveRunner({ command: 'node train.mjs' }, 5000);
 */
export function resolveRunner(trial: SweepOptions['trial'], graceMs: number): Runner {
  if (typeof trial === 'function') return functionRunner(trial);
  if ('run' in trial && typeof trial.run === 'function') return trial;
  if ('command' in trial && typeof trial.command === 'string') return commandRunner(trial, graceMs);
  if ('module' in trial) return moduleRunner(trial, graceMs);
  throw new ValidationError(
    'trial must be a function, { module }, { command } or a Runner, got an object with keys ' +
      Object.keys(trial).join(', '),
    { path: 'trial' },
  );
}
