import type { Command } from 'commander';
import { openSweepLocation } from '../store/open-location.ts';
import type { WorkerRecord } from '../store/worker-store.ts';
import { sharedLocation } from '../sweep/worker/location.ts';
import { table, when } from './experiments.ts';
import { printResult } from './output.ts';

/**
 * `mlsweep workers --store S [--json]`: the workers of a shared store with their last
 * heartbeat, newest first: worker, host, pid, state, last beat, age, running trials.
 *
 * @example
 * registerWorkers(program); // then: mlsweep workers --store postgresql://db.internal/mlsweep
 */
export function registerWorkers(program: Command): void {
  program
    .command('workers')
    .description('list the workers of a store with their last heartbeat and running trials')
    .option('--store <STORE>', 'store folder or postgresql:// URL (default: $MLSWEEP_STORE or ./mlruns)')
    .option('--json', 'print the workers as one JSON document')
    .action(async (options: { store?: string; json?: boolean }) => {
      const location = sharedLocation(openSweepLocation(options.store, { create: false }));
      try {
        const workers = await location.workers();
        const now = Date.now();
        printResult(options.json === true, workers, () => workerTable(workers, now));
      } finally {
        await location.close();
      }
    });
}

/**
 * The workers as a table; `age` is the time since the last beat.
 *
 * @example
 * workerTable(await location.workers(), Date.now());
 */
export function workerTable(workers: readonly WorkerRecord[], now: number): string {
  return table(
    ['worker', 'host', 'pid', 'state', 'last beat', 'age', 'running'],
    workers.map((w) => {
      const beat = Date.parse(w.lastBeatAt);
      return [
        w.workerId,
        w.host,
        String(w.pid),
        w.state,
        when(beat),
        Number.isFinite(beat) ? `${Math.max(0, Math.round((now - beat) / 1000))} s` : '-',
        w.running.length === 0
          ? '-'
          : w.running.map((r) => `${r.sweepId.slice(0, 8)}/${r.trialId}`).join(' '),
      ];
    }),
  );
}
