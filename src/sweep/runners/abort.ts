import { TrialError } from '../../core/errors.ts';

/**
 * Settles with `promise`, or rejects as soon as `signal` aborts, whichever comes first:
 * a trial function that ignores its signal must not hold the sweep.
 *
 * @example
 * await untilAborted(trainOneEpoch(), ctx.signal);
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) {
    promise.catch(() => {}); // its own late failure no longer matters
    return Promise.reject(abortError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * The error a trial stopped by `signal` ends with (its reason when that is an Error).
 *
 * @example
 * abortError(AbortSignal.abort(new Error('timed out'))).message; // 'timed out'
 */
export function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new TrialError(`trial stopped: ${String(reason)}`, 'E_TRIAL_STOPPED');
}
