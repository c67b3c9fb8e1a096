// Timers for the store watcher that never fire on their own: a test polls by hand
// (watcher.check()) or runs the scheduled callback, so nothing depends on real time.
import type { WatcherTimers } from '../../../src/studio/ui/watcher.ts';

/** Injected timers and the callback they hold while the watcher runs. */
export interface ManualTimers {
  readonly timers: WatcherTimers;
  /** The callback set by setInterval; undefined before it and after clearInterval. */
  scheduled(): (() => void) | undefined;
}

/**
 * Timers that only record the watcher's callback.
 *
 * @example
 * const manual = manualTimers();
 * const watcher = watchStore(store, hub, { timers: manual.timers });
 * manual.scheduled()?.(); // one poll, as the timer would
 */
export function manualTimers(): ManualTimers {
  let scheduled: (() => void) | undefined;
  return {
    timers: {
      setInterval: (fn) => {
        scheduled = fn;
        return 1;
      },
      clearInterval: () => {
        scheduled = undefined;
      },
    },
    scheduled: () => scheduled,
  };
}
