/**
 * The one rule of a resume, shared by every store: which recorded trials stand, which are
 * run again, and where the numbering continues.
 */
import type { ParamSet } from '../core/trial.ts';
import type { StoredTrial } from './records.ts';

/** The error of a trial whose sweep process died while it ran (a resume marks it failed so). */
export const INTERRUPTED_ERROR = 'interrupted: the sweep process ended while this trial ran';

/** Where an interrupted sweep stands, as its store recorded it: what `SweepStore.resume()` returns. */
export interface ResumePlan {
  /** Ended trials that stand: part of the result, of the sampler's history, and counted against max_total_trials. */
  readonly kept: readonly StoredTrial[];
  /** Ended trials that a retry replaces (now or in an earlier resume): part of the result only. */
  readonly replaced: readonly StoredTrial[];
  /**
   * The trials cut short, run again first, once each: `of` the trial, with its very
   * parameter object. A store marks a trial started with that object as its retry.
   */
  readonly retry: readonly { readonly of: number; readonly params: ParamSet }[];
  /** The number of the next trial. */
  readonly nextId: number;
}

/**
 * The resume plan of a sweep's trials, once those left `running` by a dead process are
 * marked failed with INTERRUPTED_ERROR: they and the trials cancelled by the sweep's stop
 * are retried once (a retry is not retried again, nor is a trial retried before); a
 * retried trial stays in the record (`replaced`) but neither counts against
 * max_total_trials nor takes a place in the sampler's sequence: its retry does.
 *
 * @example
 * const plan = planResume(trials);
 * plan.retry.map((r) => r.of); // the trials run again
 */
export function planResume(all: readonly StoredTrial[]): ResumePlan {
  const retriedBefore = new Set(all.flatMap((t) => (t.retryOf === undefined ? [] : [t.retryOf])));
  const cut = all.filter(
    (t) =>
      (t.status === 'cancelled' || t.error === INTERRUPTED_ERROR) &&
      t.retryOf === undefined &&
      !retriedBefore.has(t.id),
  );
  const replaced = new Set([...retriedBefore, ...cut.map((t) => t.id)]);
  return {
    kept: all.filter((t) => !replaced.has(t.id)),
    replaced: all.filter((t) => replaced.has(t.id)),
    retry: cut.map((t) => ({ of: t.id, params: t.params })),
    nextId: all.length === 0 ? 0 : Math.max(...all.map((t) => t.id)) + 1,
  };
}
