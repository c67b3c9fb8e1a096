import { dirname } from 'node:path';
import type { Command } from 'commander';
import { loadSweepFile } from '../config/load.ts';
import { ValidationError } from '../core/errors.ts';
import { isPostgresUrl, openSweepLocation } from '../store/open-location.ts';
import { sweepTracking } from '../studio/mlflow/sweep-tracking.ts';
import { sharedLocation } from '../sweep/worker/location.ts';
import { Worker, type WorkerEvent } from '../sweep/worker/worker.ts';
import { trialEnvironment } from './environment.ts';
import { integerOption, numberOption } from './options.ts';
import { log, printResult } from './output.ts';
import { onStopSignals } from './signals.ts';
import { recordForWorkers } from './sweep-workers.ts';

interface WorkerCliOptions {
  store?: string;
  sweep?: string;
  concurrency?: number;
  exitWhenIdle?: boolean;
  heartbeatSeconds?: number;
  outputDir?: string;
  inProcess?: boolean;
  json?: boolean;
}

/**
 * `mlsweep worker [FILE] --store S [--sweep ID] [--concurrency N] [--exit-when-idle] [--json]`:
 * claims and runs trials of the sweeps open to workers (`mlsweep sweep FILE --workers-only`)
 * until stopped; with `--sweep`, until that sweep ends; with a sweep FILE, records it open
 * to workers first (printing the command for the other machines) and works on it. Any number of workers, on any
 * machine that reaches the store, share a sweep.
 *
 * SIGTERM, SIGINT and SIGHUP stop it cleanly: no more claims, its running trials are
 * stopped (SIGTERM to their process groups, SIGKILL after the sweep's termination grace)
 * and handed back to their sweeps (`releaseTrial`: ended `cancelled` and queued again, so
 * another worker runs them), the worker leaves the register, and the exit code is 0 (the
 * sweep goes on with the other workers: nothing was interrupted). A second signal kills
 * the trials at once; they are still handed back.
 *
 * @example
 * registerWorker(program); // then: mlsweep worker --store postgresql://db.internal/mlsweep --concurrency 4
 */
export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description(
      "run trials of the store's sweeps that are open to workers (started with sweep --workers-only)",
    )
    .argument('[sweep-file]', 'record this sweep file open to workers first, and work on it (as --sweep)')
    .option('--store <STORE>', 'store folder or postgresql:// URL (default: $MLSWEEP_STORE or ./mlruns)')
    .option(
      '--sweep <SWEEP_ID>',
      'work on this sweep only, and exit when it ends (default: every open sweep, oldest first)',
    )
    .option('--concurrency <N>', 'trials run at once by this worker (default 1)', integerOption({ min: 1 }))
    .option('--exit-when-idle', 'without --sweep: exit when no sweep is open (default: wait for one)')
    .option(
      '--heartbeat-seconds <SECONDS>',
      "seconds between this worker's heartbeats (default 5; keep it well under the sweep's heartbeat timeout)",
      numberOption({ min: 0.01 }),
    )
    .option(
      '--output-dir <DIR>',
      "put trial folders under DIR/<sweep id>/ (default: the sweep's recorded output folder)",
    )
    .option(
      '--in-process',
      "run module trials in the worker's own thread, not one thread per slot: for cheap trials (a long computation blocks the worker and its heartbeat)",
    )
    .option('--json', 'print a summary of what the worker did as one JSON document')
    .action(async (file: string | undefined, options: WorkerCliOptions) => {
      if (file !== undefined) {
        if (options.sweep !== undefined) {
          throw new ValidationError('give a sweep file or --sweep, not both', { path: '--sweep' });
        }
        const spec = loadSweepFile(file);
        for (const notice of spec.notices) log(`notice: ${notice}`);
        options.sweep = await recordForWorkers(
          spec,
          { ...(options.store !== undefined ? { store: options.store } : {}) },
          false,
        );
      }
      const location = sharedLocation(openSweepLocation(options.store, { create: false }));
      try {
        const worker = new Worker(location, {
          ...(options.sweep !== undefined ? { sweepId: options.sweep } : {}),
          ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
          ...(options.exitWhenIdle === true ? { exitWhenIdle: true } : {}),
          ...(options.heartbeatSeconds !== undefined ? { heartbeatSeconds: options.heartbeatSeconds } : {}),
          ...(options.outputDir !== undefined ? { outputDir: options.outputDir } : {}),
          ...(options.inProcess === true ? { inProcess: true } : {}),
          // Command trials that log with MLflow get a server of the worker's over the store
          // itself, so each trial logs into its own run there: a folder's trial runs, or on
          // PostgreSQL those of a sweep recorded with tracking runs (else a temporary
          // store). What they log reaches the sweep either way.
          tracking: sweepTracking({
            workerStore:
              options.store !== undefined && isPostgresUrl(options.store)
                ? options.store
                : dirname(location.where),
          }),
          // A sweep's trial.environment, built on this machine as a local sweep builds it.
          environments: async (environment) => {
            const resolved = await trialEnvironment(environment, options.store);
            log(`environment: ${resolved.description}`);
            return resolved;
          },
          onEvent: (event) => {
            if (event.type === 'started') log(`worker ${event.workerId} on ${location.where}`);
            else logEvent(event);
          },
        });
        const stop = onStopSignals({
          graceful: (signal) => {
            log(
              `${signal}: claiming no more trials; handing the running ones back (${signal} again kills them now)`,
            );
            worker.stop(signal);
          },
          immediate: () => worker.kill(),
        });
        try {
          const summary = await worker.run();
          printResult(options.json === true, summary, () =>
            [
              `worker ${summary.workerId} stopped (${summary.reason})`,
              `trials: ${
                Object.entries(summary.counts)
                  .map(([k, v]) => `${v} ${k}`)
                  .join(', ') || 'none'
              }`,
              ...(summary.reaped > 0 ? [`reaped from silent workers: ${summary.reaped}`] : []),
              ...summary.sweepsEnded.map((id) => `ended sweep ${id}`),
            ].join('\n'),
          );
        } finally {
          stop.dispose();
        }
      } finally {
        await location.close();
      }
    });
}

/** One log line per ended trial and per other event on stderr (claims are not logged: the end says it all). */
function logEvent(event: WorkerEvent): void {
  for (const line of eventLines(event)) log(line);
}

function eventLines(event: WorkerEvent): string[] {
  switch (event.type) {
    case 'claimed':
    case 'started':
      return [];
    case 'ended': {
      const o = event.outcome;
      const value = o.value !== undefined ? ` value ${o.value}` : '';
      return [
        `trial ${o.trialId} of sweep ${o.sweepId.slice(0, 12)} ${o.status}${value}${o.error ? `: ${o.error}` : ''}`,
      ];
    }
    case 'reaped':
      return event.trials.map(
        (t) =>
          `trial ${t.trialId} of sweep ${event.sweepId.slice(0, 12)} reaped from silent worker ${t.workerId}${t.requeued ? ', queued again' : ' (a retry: not queued again)'}`,
      );
    case 'sweep_ended':
      return [`sweep ${event.sweepId} ended: ${event.message}`];
    case 'notice':
      return [`notice: ${event.message}`];
  }
}
