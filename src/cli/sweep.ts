import { writeFileSync } from 'node:fs';
import { basename, extname } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { loadSweepFile } from '../config/load.ts';
import type { SweepSpec } from '../config/types.ts';
import { BackendUnavailableError, ValidationError } from '../errors.ts';
import { isBetter } from '../policies/compare.ts';
import { renderReport } from '../report/render.ts';
import type { Objective } from '../samplers/types.ts';
import { Sweep } from '../sweep/engine.ts';
import { progressLine, summary, trialLine } from '../sweep/format.ts';
import { sweepOptionsFromSpec } from '../sweep/from-spec.ts';
import { goalWarning } from '../sweep/goal-check.ts';
import type { SweepEvent, TrialResult } from '../sweep/types.ts';
import { POLICY_TAG, SAMPLER_TAG, SPACE_TAG } from '../tracking/sweep-store.ts';
import { type TrackedSweep, trackSweep } from '../tracking/track-sweep.ts';
import { log, printResult } from './output.ts';

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
}

function integerAtLeast(min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new InvalidArgumentError(`expected an integer >= ${min}, got '${value}'`);
    return n;
  };
}

/**
 * `mlsweep sweep <sweep.yml> [--json] [--max-total-trials N] [--max-concurrent-trials N]
 * [--seed S] [--output-dir DIR]`: runs a sweep file. A live progress line on a terminal,
 * one log line per ended trial otherwise, and a summary of the best trials; with --json
 * the SweepResult as one document on stdout. Ctrl-C cancels the running trials and keeps
 * the results; a second Ctrl-C kills them. Exit code 0 when at least one trial completed.
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
    .option('--max-total-trials <N>', 'override limits.max_total_trials', integerAtLeast(1))
    .option('--max-concurrent-trials <N>', 'override limits.max_concurrent_trials', integerAtLeast(1))
    .option('--seed <S>', "override the sampler's seed", integerAtLeast(Number.MIN_SAFE_INTEGER))
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
    .option('--no-track', 'keep the sweep in memory only, not in the tracking store')
    .option('--report <FILE>', 'write a self-contained HTML report of the sweep to FILE at the end')
    .action(async (file: string, options: SweepCliOptions) => {
      const spec = loadSweepFile(file);
      for (const notice of spec.notices) log(`notice: ${notice}`);
      const warning = goalWarning(spec.objective);
      if (warning) log(`warning: ${warning}`);
      if (options.seed !== undefined && spec.sampling.type === 'grid')
        log('notice: --seed has no effect on grid sampling');
      const sweepOptions = sweepOptionsFromSpec(spec, options);
      const total = sweepOptions.limits?.maxTotalTrials ?? 1000;
      const progress = progressReporter(total, spec.objective);
      const tracked = trackCli(spec, options);
      const run = new Sweep({ ...sweepOptions, ...tracked, onEvent: progress.onEvent });
      let interrupts = 0;
      const onSigint = () => {
        progress.clear();
        if (++interrupts === 1) {
          log('stopping: cancelling the running trials, keeping the results (Ctrl-C again to kill them)');
          run.cancel('interrupted by Ctrl-C');
        } else {
          log('killing the running trials');
          run.kill();
          process.exit(130);
        }
      };
      process.on('SIGINT', onSigint);
      try {
        const result = await run.run();
        progress.stop();
        if (options.report !== undefined) {
          writeFileSync(
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
        process.exitCode = result.counts.completed > 0 ? 0 : 1;
      } finally {
        progress.stop();
        process.off('SIGINT', onSigint);
        tracked?.store.store.close();
      }
    });
}

/** The sweep's record in the tracking store, new or resumed; none with --no-track or without better-sqlite3. */
function trackCli(spec: SweepSpec, options: SweepCliOptions): TrackedSweep | undefined {
  if (options.track === false) {
    if (options.resume === undefined) return undefined;
    throw new ValidationError('--resume reads the tracking store: it cannot go with --no-track', {
      path: '--resume',
    });
  }
  let tracked: TrackedSweep;
  try {
    tracked = trackSweep({
      objective: spec.objective,
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
  const id = tracked.store.sweepRunId;
  if (tracked.resume) {
    const { trials, retry, nextId, counted } = tracked.resume;
    log(
      `resuming sweep ${id}: ${trials.length} trials recorded (${counted} count against the limit), ${retry.length} to retry, next trial ${nextId}`,
    );
  } else log(`sweep ${id} recorded in ${tracked.store.store.dbPath} (continue it with --resume ${id})`);
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
        if (t.status === 'completed' && t.value !== undefined) {
          if (!best || isBetter(objective.goal, t.value, best.value!)) best = t;
        }
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
