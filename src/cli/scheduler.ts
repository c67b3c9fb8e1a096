// `mlsweep scheduler`: fires the schedules of a store until stopped (also started by
// `mlsweep serve --scheduler`). Several may run on one store: each tick fires once.
import type { Command } from 'commander';
import { type FireEvent, processLauncher, Scheduler } from '../pipeline/schedules/index.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import { openCliStore, type StoreOption, withStoreOptions } from './experiments.ts';
import { integerOption } from './options.ts';
import { log, printResult } from './output.ts';
import { onStopSignals, SIGNAL_EXIT_CODE } from './signals.ts';

/**
 * A scheduler on an open store, launching each fired job as an mlsweep child process on
 * the same store, and logging fires and failures to stderr.
 *
 * @example
 * const scheduler = cliScheduler(store, 1000);
 * scheduler.start();
 */
export function cliScheduler(store: SqliteStore, pollMs?: number): Scheduler {
  return new Scheduler({
    store,
    launch: processLauncher(store.dir, { log }),
    ...(pollMs !== undefined ? { pollMs } : {}),
    onFire: (e: FireEvent) =>
      log(
        `schedule ${e.schedule}: fired for ${new Date(e.tick).toISOString()}${e.catchUp ? ` (catch-up${e.skipped > 0 ? `, ${e.skipped} missed ticks skipped` : ''})` : ''}`,
      ),
    onError: (name, error) => log(`schedule ${name}: ${error.message}`),
  });
}

/**
 * Registers `mlsweep scheduler`.
 *
 * @example
 * registerScheduler(program); // mlsweep scheduler --store mlruns
 */
export function registerScheduler(program: Command): void {
  withStoreOptions(
    program
      .command('scheduler')
      .description(
        'fire the schedules of a store until stopped (one catch-up run for ticks missed while down)',
      ),
  )
    .option(
      '--poll-ms <ms>',
      'how often the store is read for new schedules and data changes (default 1000)',
      integerOption({ min: 10 }),
    )
    .option('--once', 'one pass: fire what is due now, wait for those jobs, and exit')
    .action(async (o: StoreOption & { json?: boolean; pollMs?: number; once?: boolean }) => {
      const store = openCliStore(o, true);
      const scheduler = cliScheduler(store, o.pollMs);
      try {
        if (o.once) {
          const fired = scheduler.poll();
          await scheduler.idle();
          printResult(o.json === true, { schedulerId: scheduler.schedulerId, fired }, () =>
            fired.length === 0 ? 'nothing due' : `fired ${fired.map((e) => e.schedule).join(', ')}`,
          );
          return;
        }
        log(`scheduler ${scheduler.schedulerId} on ${store.dir}: Ctrl-C stops it (running jobs finish)`);
        let stopped: () => void = () => {};
        const done = new Promise<void>((resolve) => (stopped = resolve));
        const stop = onStopSignals({ graceful: () => stopped(), immediate: () => stopped() });
        scheduler.start();
        try {
          await done;
        } finally {
          stop.dispose();
          await scheduler.stop();
        }
        const signal = stop.received();
        if (signal !== undefined) process.exitCode = SIGNAL_EXIT_CODE[signal];
      } finally {
        store.close();
      }
    });
}

/**
 * Opens the store at `location` and fires its schedules until `stop()` (for `mlsweep
 * serve --scheduler`), which waits for the jobs started and closes the store.
 *
 * @example
 * const scheduler = startStoreScheduler('mlruns');
 * await scheduler.stop();
 */
export function startStoreScheduler(location: string): { readonly id: string; stop(): Promise<void> } {
  const store = openCliStore({ store: location }, true);
  const scheduler = cliScheduler(store);
  scheduler.start();
  return {
    id: scheduler.schedulerId,
    stop: async () => {
      try {
        await scheduler.stop();
      } finally {
        store.close();
      }
    },
  };
}
