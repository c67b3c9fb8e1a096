import { AsyncLocalStorage } from 'node:async_hooks';
import type { Estimator, FeatureInput, FitOptions, LabelInput } from './types.ts';

/** What a fit listener hears after an outermost `fit` or `fitAsync` returned. */
export interface FitEvent {
  /** The fitted estimator (its `params`, `toJSON()`, predictions are ready). */
  readonly estimator: Estimator;
  readonly X: FeatureInput;
  readonly y: LabelInput;
  readonly options: FitOptions;
  /** Wall-clock seconds the fit took, by the listeners' clock (see setFitClock). */
  readonly seconds: number;
}

/** Called after every outermost fit of any mlsweep estimator; what it throws is reported, never raised. */
export type FitListener = (event: FitEvent) => void;

const listeners = new Set<FitListener>();
/** Present while a fit runs: a fit started inside it (an ensemble fitting members) is nested. */
const insideFit = new AsyncLocalStorage<true>();
let clock: () => number = () => performance.now();

/**
 * Registers a listener of fits and returns the function that removes it. Listeners hear
 * only outermost fits: an estimator that fits other estimators inside its own fit (an
 * ensemble, a meta-learner) is heard once, for itself. The estimators call them through
 * {@link observeFit}; this module imports nothing above the models, so tracking's autolog
 * listens without the models knowing about tracking.
 *
 * @example
 * const off = addFitListener((e) => console.log(e.estimator.constructor.name, e.seconds));
 * new Ridge().fit(X, y); // logs 'Ridge 0.001'
 * off();
 */
export function addFitListener(listener: FitListener): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/**
 * Replaces the clock that times fits (milliseconds, monotonic) and returns the previous
 * one: tests inject a fake clock so that durations do not depend on timing.
 *
 * @example
 * const previous = setFitClock(() => 0);
 */
export function setFitClock(next: () => number): () => number {
  const previous = clock;
  clock = next;
  return previous;
}

function notify(event: FitEvent): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch (error) {
      // a listener (autolog writing to a store) must never break the fit it observes
      process.emitWarning(`a fit listener failed: ${(error as Error).message}`, {
        code: 'MLSWEEP_FIT_LISTENER',
      });
    }
  }
}

/**
 * Runs an estimator's fit body and, when it is an outermost fit and listeners exist,
 * tells them after it returns. The estimators' `fit` wrap their bodies in it; with no
 * listener it costs one check.
 *
 * @example
 * fit(X, y, options = {}) { return observeFit(this, X, y, options, () => { ...; return this; }); }
 */
export function observeFit<T extends object>(
  estimator: T,
  X: FeatureInput,
  y: LabelInput,
  options: FitOptions,
  body: () => T,
): T {
  if (listeners.size === 0 || insideFit.getStore()) return body();
  const t0 = clock();
  const result = insideFit.run(true, body);
  notify({ estimator: estimator as unknown as Estimator, X, y, options, seconds: (clock() - t0) / 1000 });
  return result;
}

/**
 * As {@link observeFit}, for `fitAsync` bodies: fits started while it is awaited, in
 * the same asynchronous context, are nested and not heard.
 *
 * @example
 * async fitAsync(X, y, options = {}) { return observeFitAsync(this, X, y, options, async () => { ...; return this; }); }
 */
export async function observeFitAsync<T extends object>(
  estimator: T,
  X: FeatureInput,
  y: LabelInput,
  options: FitOptions,
  body: () => Promise<T>,
): Promise<T> {
  if (listeners.size === 0 || insideFit.getStore()) return body();
  const t0 = clock();
  const result = await insideFit.run(true, body);
  notify({ estimator: estimator as unknown as Estimator, X, y, options, seconds: (clock() - t0) / 1000 });
  return result;
}
