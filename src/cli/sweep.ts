import { basename, dirname, extname } from 'node:path';
import type { Command } from 'commander';
import { loadSweepFile } from '../config/load.ts';
import { sweepOptionsFromSpec } from '../config/sweep-options.ts';
import type { SweepSpec } from '../config/types.ts';
import { BackendUnavailableError, ValidationError } from '../core/errors.ts';
import { checkOutputFile, checkOutputFolder, writeFileAtomic } from '../core/files.ts';
import { better } from '../core/goal.ts';
import { DEFAULT_MAX_TOTAL_TRIALS, DEFAULT_TERMINATION_GRACE_SECONDS } from '../core/limits.ts';
import type { Objective } from '../core/trial.ts';
import { renderReport } from '../report/render.ts';
import { isStoreUrl } from '../store/open-location.ts';
import { POLICY_TAG, SAMPLER_TAG, SPACE_TAG } from '../store/tags.ts';
import { sweepTracking } from '../studio/mlflow/sweep-tracking.ts';
import { Sweep } from '../sweep/engine.ts';
import { progressLine, summary, trialLine } from '../sweep/format.ts';
import { goalWarning } from '../sweep/goal-check.ts';
import { ranks } from '../sweep/summary.ts';
import { type TrackedSweep, trackSweep } from '../sweep/track-sweep.ts';
import type { CommandTrial, SweepEvent, TrialResult } from '../sweep/types.ts';
import { type WarmStartOptions, warmStartTrials } from '../sweep/warm-start.ts';
import { recordSweepInputs, resolveSweepInputs } from './data-lineage.ts';
import { trialEnvironment } from './environment.ts';
import { integerOption, listOption, numberOption } from './options.ts';
import { log, printResult } from './output.ts';
import { onStopSignals, SIGNAL_EXIT_CODE, type StopSignal } from './signals.ts';
import { sweepIdentity } from './sweep-identity.ts';
import { recordForWorkers } from './sweep-workers.ts';

interface SweepCliOptions {
  json?: boolean;
  store?: string;
  experiment?: string;
  resume?: string;
  track?: boolean;
  maxTotalTrials?: number;
  maxConcurrentTrials?: number;
  seed?: number;
  outputDir?: string;
  report?: string;
  terminationGrace?: number;
  warmStart?: string[];
  workersOnly?: boolean;
  heartbeatTimeoutSeconds?: number;
}

/**
 * How long a second signal waits for the killed trials to end and the sweep to write its
 * last statuses and print its result before the process leaves regardless (a trial's
 * descendant that left its process group could hold its output open forever).
 */
const KILL_WIND_DOWN_MS = 2000;

/**
 * `mlsweep sweep <sweep.yml> [--json] [--max-total-trials N] [--max-concurrent-trials N]
 * [--seed S] [--output-dir DIR] [--warm-start IDS]`: runs a sweep file. A live progress line
 * on a terminal, one log line per ended trial otherwise, and a summary of the best trials (of
 * a multi-objective file, the Pareto front as a table with its hypervolume); with --json
 * the SweepResult as one document on stdout. Exit code 0 when at least one trial completed.
 * `--warm-start` (and the file's `warm_start`) read the earlier sweeps before this one is
 * recorded: their completed trials are the sampler's prior observations.
 *
 * SIGINT (Ctrl-C), SIGTERM and SIGHUP interrupt it: the running trials' process groups get
 * SIGTERM, then SIGKILL after --termination-grace; the results so far are printed (and the
 * report written), the store records the sweep as interrupted (`mlsweep.stop_reason =
 * interrupted`, status KILLED) for `--resume`, and the exit code is 130, 143 or 129. A
 * second signal kills the trials at once.
 *
 * @example
 * registerSweep(program); // then: mlsweep sweep examples/sweep-bandit.yml --seed 1
 */
export function registerSweep(program: Command): void {
  program
    .command('sweep')
    .description('run a sweep file: trials within the limits, early termination, a summary of the best')
    .argument('<sweep>', 'sweep file (YAML or JSON, Azure ML v2 sweep job schema)')
    .option('--json', 'print the SweepResult as one JSON document')
    .option('--max-total-trials <N>', 'override limits.max_total_trials', integerOption({ min: 1 }))
    .option('--max-concurrent-trials <N>', 'override limits.max_concurrent_trials', integerOption({ min: 1 }))
    .option('--seed <S>', "override the sampler's seed", integerOption())
    .option('--output-dir <DIR>', "keep each trial's stdout, stderr and metrics file in DIR/trial-N/")
    .option('--store <DIR>', 'tracking store folder (default: $MLSWEEP_STORE or ./mlruns)')
    .option(
      '--experiment <NAME>',
      "experiment of the sweep's run (default: experiment_name, else the file's name)",
    )
    .option(
      '--resume <SWEEP_ID>',
      'continue this recorded sweep: completed trials kept, interrupted ones retried once',
    )
    .option(
      '--warm-start <SWEEP_IDS>',
      "start from these recorded sweeps' completed trials (comma-separated ids; added to the file's warm_start)",
      listOption,
    )
    .option(
      '--no-track',
      'keep the sweep in memory only, not in the tracking store (with --workers-only on PostgreSQL: no tracking runs, only the trials)',
    )
    .option('--report <FILE>', 'write a self-contained HTML report of the sweep to FILE at the end')
    .option(
      '--termination-grace <SECONDS>',
      `seconds between SIGTERM and SIGKILL for a stopped trial (default ${DEFAULT_TERMINATION_GRACE_SECONDS})`,
      numberOption({ min: 0 }),
    )
    .option(
      '--workers-only',
      'record the sweep open to workers (mlsweep worker), print its id and the worker command, and exit',
    )
    .option(
      '--heartbeat-timeout-seconds <SECONDS>',
      'with --workers-only: a worker silent this long has its trials reaped and queued again once (default 30)',
      numberOption({ min: 0.01 }),
    )
    .action(async (file: string, options: SweepCliOptions) => {
      if (options.report !== undefined) checkOutputFile(options.report, '--report', { '<sweep>': file });
      if (options.outputDir !== undefined) checkOutputFolder(options.outputDir, '--output-dir');
      // A store folder must be usable before the first trial runs (a URL is checked as it is opened).
      if (options.store !== undefined && options.track !== false && !isStoreUrl(options.store))
        checkOutputFolder(options.store, '--store');
      // azureml: inputs become local paths (asset hashes checked) before anything runs
      const { spec, resolved: dataInputs } = resolveSweepInputs(loadSweepFile(file), options.store);
      for (const notice of spec.notices) log(`notice: ${notice}`);
      for (const objective of spec.objectives ?? [spec.objective]) {
        const warning = goalWarning(objective);
        if (warning) log(`warning: ${warning}`);
      }
      if (options.seed !== undefined && spec.sampling.type === 'grid')
        log('notice: --seed has no effect on grid sampling');
      if (options.heartbeatTimeoutSeconds !== undefined && options.workersOnly !== true) {
        throw new ValidationError('--heartbeat-timeout-seconds goes with --workers-only', {
          path: '--heartbeat-timeout-seconds',
        });
      }
      if (options.workersOnly === true) {
        await recordForWorkers(spec, options);
        return;
      }
      let sweepOptions = sweepOptionsFromSpec(spec, options);
      // trial.environment: built into the store's cache on first use; trials run inside it
      const environment =
        spec.trial.environment === undefined
          ? undefined
          : await trialEnvironment(spec.trial.environment, options.store);
      if (environment !== undefined) {
        log(`environment: ${environment.description}`);
        const trial = sweepOptions.trial as CommandTrial;
        sweepOptions = {
          ...sweepOptions,
          trial: {
            ...trial,
            environmentVariables: { ...environment.environmentVariables, ...trial.environmentVariables },
            launcher: environment.launcher,
          },
        };
      }
      // Earlier sweeps are read before this one is recorded: an unknown id stops here.
      const warm = sweepOptions.warmStart;
      if (warm !== undefined && !Array.isArray(warm)) {
        const read = await warmStartTrials(
          warm as WarmStartOptions,
          spec.searchSpace,
          spec.objectives ?? [spec.objective],
          spec.constraints,
        );
        for (const notice of read.notices) log(`notice: ${notice}`);
        log(`warm start: ${read.trials.length} earlier trials as prior observations`);
        sweepOptions = { ...sweepOptions, warmStart: read.trials };
      }
      const total = sweepOptions.limits?.maxTotalTrials ?? DEFAULT_MAX_TOTAL_TRIALS;
      const progress = progressReporter(total, spec.objective);
      const tracked = await trackCli(spec, options);
      if (tracked) recordSweepInputs(tracked.where, tracked.store.sweepId, dataInputs);
      if (tracked && environment !== undefined) await tracked.store.setTags(environment.tags);
      const grace = options.terminationGrace ?? DEFAULT_TERMINATION_GRACE_SECONDS;
      const run = new Sweep({
        ...sweepOptions,
        ...(tracked ? { store: tracked.store, ...(tracked.resume ? { resume: tracked.resume } : {}) } : {}),
        terminationGrace: grace,
        // Command trials that log with MLflow log into their runs in the sweep's store; a
        // PostgreSQL sweep store keeps no tracking runs: they log into a temporary store,
        // and what they log reaches the sweep all the same.
        tracking: sweepTracking(
          tracked && !isStoreUrl(tracked.where)
            ? { storeDir: dirname(tracked.where), sweepId: tracked.store.sweepId }
            : { experiment: options.experiment ?? spec.experimentName ?? 'Default' },
        ),
        onEvent: progress.onEvent,
        onNotice: (message) => {
          progress.clear();
          log(`notice: ${message}`);
        },
      });
      let windDown: NodeJS.Timeout | undefined;
      // Leaves now, the interruption recorded: the SQLite store writes synchronously, so no
      // transaction is half done whenever this runs; trials still `running` in the store
      // are retried by --resume.
      const leaveNow = (signal: StopSignal) => {
        try {
          void tracked?.store.endSweep('interrupted', `killed by ${signal}`);
        } finally {
          process.exit(SIGNAL_EXIT_CODE[stop.received() ?? signal]);
        }
      };
      const stop = onStopSignals({
        graceful: (signal) => {
          progress.clear();
          log(
            `${signal}: cancelling the running trials (SIGTERM, then SIGKILL after ${grace} s) and keeping the results; ${signal === 'SIGINT' ? 'Ctrl-C' : signal} again kills them at once`,
          );
          run.interrupt(`interrupted by ${signal}`);
        },
        immediate: (signal) => {
          progress.clear();
          if (windDown !== undefined) return leaveNow(signal);
          log('killing the running trials');
          run.kill();
          // The killed trials end within milliseconds and the sweep winds down as usual.
          windDown = setTimeout(() => leaveNow(signal), KILL_WIND_DOWN_MS);
        },
      });
      try {
        const result = await run.run();
        progress.stop();
        if (options.report !== undefined) {
          writeFileAtomic(
            options.report,
            renderReport({
              title: spec.displayName ?? spec.name ?? `sweep ${basename(file)}`,
              sweep: result,
              space: spec.searchSpace.toJSON(),
              policy: sweepOptions.earlyTermination,
              limits: sweepOptions.limits,
            }),
          );
          log(`report written to ${options.report}`);
        }
        printResult(options.json === true, result, () => summary(result));
        // A signal that came as the sweep was ending changed nothing: its end stands.
        const signal = result.stopReason === 'interrupted' ? stop.received() : undefined;
        if (signal !== undefined && tracked)
          log(
            `sweep ${tracked.store.sweepId} interrupted: continue it with --resume ${tracked.store.sweepId}`,
          );
        process.exitCode =
          signal !== undefined ? SIGNAL_EXIT_CODE[signal] : result.counts.completed > 0 ? 0 : 1;
      } finally {
        clearTimeout(windDown);
        progress.stop();
        stop.dispose();
        await tracked?.close();
      }
    });
}

/** The sweep's record in the store, new or resumed; none with --no-track or without better-sqlite3. */
async function trackCli(spec: SweepSpec, options: SweepCliOptions): Promise<TrackedSweep | undefined> {
  if (options.track === false) {
    if (options.resume === undefined) return undefined;
    throw new ValidationError('--resume reads the tracking store: it cannot go with --no-track', {
      path: '--resume',
    });
  }
  let tracked: TrackedSweep;
  try {
    const warmStart = [...new Set([...(spec.warmStart ?? []), ...(options.warmStart ?? [])])];
    tracked = await trackSweep({
      objective: spec.objective,
      ...(spec.objectives !== undefined ? { objectives: spec.objectives } : {}),
      ...(spec.constraints !== undefined ? { constraints: spec.constraints.map((c) => c.text) } : {}),
      ...(warmStart.length > 0 ? { warmStart } : {}),
      identity: sweepIdentity(spec, options.seed),
      onNotice: (message) => log(`notice: ${message}`),
      ...(options.store !== undefined ? { dir: options.store } : {}),
      experiment:
        options.experiment ?? spec.experimentName ?? basename(spec.file ?? 'sweep', extname(spec.file ?? '')),
      ...(spec.displayName !== undefined ? { name: spec.displayName } : {}),
      ...(options.resume !== undefined ? { resume: options.resume } : {}),
      // what a report drawn later from the store needs to know about the sweep
      tags: {
        [SAMPLER_TAG]: spec.sampling.type,
        [SPACE_TAG]: JSON.stringify(spec.searchSpace.toJSON()),
        ...(spec.earlyTermination ? { [POLICY_TAG]: JSON.stringify(spec.earlyTermination) } : {}),
      },
    });
  } catch (error) {
    if (!(error instanceof BackendUnavailableError) || options.resume !== undefined) throw error;
    log(`notice: the sweep is not recorded: ${error.message}`);
    return undefined;
  }
  const id = tracked.store.sweepId;
  if (tracked.resume) {
    const { trials, retry, nextId, counted } = tracked.resume;
    log(
      `resuming sweep ${id}: ${trials.length} trials recorded (${counted} count against the limit), ${retry.length} to retry, next trial ${nextId}`,
    );
  } else log(`sweep ${id} recorded in ${tracked.where} (continue it with --resume ${id})`);
  return tracked;
}

/** Progress on stderr: a live line on a terminal, a log line per ended trial otherwise. */
function progressReporter(total: number, objective: Objective) {
  const tty = process.stderr.isTTY === true;
  const t0 = Date.now();
  let done = 0;
  let running = 0;
  let best: TrialResult | undefined;
  let drawn = 0;
  // Redrawn at most every 100 ms: thousands of quick trials must not flood the terminal.
  const draw = () => {
    const now = Date.now();
    if (!tty || now - drawn < 100) return;
    drawn = now;
    process.stderr.write(`\r\x1b[2K${progressLine({ done, running, total, best, elapsedMs: now - t0 })}`);
  };
  const timer = tty ? setInterval(draw, 500) : undefined;
  return {
    onEvent(event: SweepEvent) {
      if (event.type === 'trial_started') running++;
      else if (event.type === 'trial_ended') {
        running--;
        done++;
        const t = event.trial;
        if (ranks(t) && (!best || better(objective.goal, t.value!, best.value!))) best = t;
        // On a terminal only failures get a line of their own (above the progress line).
        if (!tty) log(trialLine(t, objective.primaryMetric));
        else if (t.status === 'failed') {
          process.stderr.write('\r\x1b[2K');
          log(trialLine(t, objective.primaryMetric));
          drawn = 0;
        }
      } else {
        if (tty) process.stderr.write('\r\x1b[2K');
        log(`stopping: ${event.message}`);
      }
      draw();
    },
    clear() {
      if (tty) process.stderr.write('\r\x1b[2K');
    },
    stop() {
      clearInterval(timer);
      if (tty) process.stderr.write('\r\x1b[2K');
    },
  };
}
