import { AsyncLocalStorage } from 'node:async_hooks';
import type { RunHandle } from './run-handle.ts';
import type { CreateRunOptions } from './sqlite-store.ts';

/** What opened a run and can start more beside it: a Tracker (named structurally, so that tracker.ts can import this file). */
export interface RunStarter {
  startRun(options?: CreateRunOptions): RunHandle;
}

/** A run being logged to, with the tracker that opened it (to start child runs under it). */
export interface ActiveRun {
  readonly run: RunHandle;
  readonly tracker: RunStarter;
}

/** Runs started by a Tracker and not ended yet, oldest first (MLflow's stack of active runs). */
const started: ActiveRun[] = [];
const scoped = new AsyncLocalStorage<ActiveRun>();

/**
 * The active run: the one `withActiveRun` set for the current asynchronous context, else
 * the most recently started run of any Tracker in this process that has not ended (a
 * child run started inside a parent is active until it ends, then the parent again).
 *
 * @example
 * const run = tracker.startRun({ experiment: 'iris' });
 * activeRun()?.run.id === run.id; // true
 */
export function activeRun(): ActiveRun | undefined {
  return scoped.getStore() ?? started.at(-1);
}

/**
 * Runs `fn` with `run` as the active run of its asynchronous context (and of everything
 * it awaits): what code that logs to several runs at once (concurrent trials) uses, since
 * "the most recently started run" is ambiguous there.
 *
 * @example
 * await withActiveRun(run, tracker, async () => { await model.fitAsync(X, y); });
 */
export function withActiveRun<T>(run: RunHandle, tracker: RunStarter, fn: () => T): T {
  return scoped.run({ run, tracker }, fn);
}

/**
 * Marks a run started by `tracker` active (the Tracker calls it when it opens a handle).
 *
 * @example
 * runStarted(handle, tracker);
 */
export function runStarted(run: RunHandle, tracker: RunStarter): void {
  started.push({ run, tracker });
}

/**
 * Marks a run ended: it is no longer active (the Tracker calls it when a handle ends).
 *
 * @example
 * runEnded(handle);
 */
export function runEnded(run: RunHandle): void {
  const i = started.findIndex((a) => a.run === run);
  if (i >= 0) started.splice(i, 1);
}
