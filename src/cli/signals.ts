/**
 * The signals that end a job from outside: Ctrl-C (SIGINT), `kill` (SIGTERM) and a closed
 * terminal (SIGHUP). Each maps to the exit code a shell gives a process killed by it
 * (128 + the signal's number), so scripts can tell an interrupted job from a failed one.
 */
export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

/** 128 + the signal's number: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. */
export const SIGNAL_EXIT_CODE: Readonly<Record<StopSignal, number>> = {
  SIGINT: 130,
  SIGTERM: 143,
  SIGHUP: 129,
};

/** What a job does when stopped: once gracefully, and at once on a second signal. */
export interface StopHandlers {
  /** The first signal: stop starting work, end what runs, keep what is done. */
  readonly graceful: (signal: StopSignal) => void;
  /** A second signal: end everything now (without corrupting what is stored). */
  readonly immediate: (signal: StopSignal) => void;
}

/**
 * Listens for SIGINT, SIGTERM and SIGHUP while a job runs: the first calls `graceful`, a
 * second calls `immediate`. Returns the signal received first (undefined while none) and a
 * function that removes the listeners. The caller sets `process.exitCode` from
 * `SIGNAL_EXIT_CODE` once the job has wound down.
 *
 * @example
 * const stop = onStopSignals({ graceful: () => sweep.cancel('interrupted'), immediate: () => sweep.kill() });
 * try { await sweep.run(); } finally { stop.dispose(); }
 * if (stop.received()) process.exitCode = SIGNAL_EXIT_CODE[stop.received()!];
 */
export function onStopSignals(handlers: StopHandlers): {
  received(): StopSignal | undefined;
  dispose(): void;
} {
  let first: StopSignal | undefined;
  const listeners = STOP_SIGNALS.map((signal) => {
    const listener = () => {
      // A closed terminal makes writes to it fail (EIO, EPIPE): the job must still wind
      // down and record its state, so such failures are dropped rather than thrown.
      if (signal === 'SIGHUP') {
        for (const out of [process.stdout, process.stderr])
          if (!out.listeners('error').includes(ignore)) out.on('error', ignore);
      }
      if (first === undefined) {
        first = signal;
        handlers.graceful(signal);
      } else handlers.immediate(signal);
    };
    process.on(signal, listener);
    return [signal, listener] as const;
  });
  return {
    received: () => first,
    dispose() {
      for (const [signal, listener] of listeners) process.off(signal, listener);
    },
  };
}

function ignore(): void {}
