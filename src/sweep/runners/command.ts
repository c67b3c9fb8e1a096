import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TrialError, ValidationError } from '../../core/errors.ts';
import { parseMetricsLine } from '../protocol.ts';
import { substitute } from '../substitute.ts';
import type { CommandTrial, RunContext, Runner } from '../types.ts';
import { abortError } from './abort.ts';
import { lineSplitter, outputTail } from './lines.ts';
import { logToFile } from './log-file.ts';
import { signalGroup, terminateGroup } from './process-group.ts';

/**
 * Characters of stdout and of stderr kept in memory per trial (the tail): enough to
 * diagnose, small enough for the result of a thousand trials; the log files keep it all.
 */
const TAIL = 16 * 1024;
/** How often the metrics file is read while the trial runs, for early termination. */
const POLL_MS = 200;
/** At most this many unparseable metrics lines are kept as examples. */
const MAX_INVALID = 20;

/**
 * Runs trials as a command line through `/bin/sh`, in its own process group, with the
 * placeholders substituted (each value passed in an environment variable the command
 * refers to, never written into it: see substitute.ts), `code` as working directory
 * and the environment variables set, plus MLSWEEP_TRIAL_ID, MLSWEEP_PARAMS (the
 * parameters as JSON), MLSWEEP_METRICS_FILE (a file it may append metrics lines
 * to) and the engine's `ctx.environment` (MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_ID and
 * MLFLOW_RUN_ID when the sweep has a tracking server). Metrics come from `##mlsweep {...}`
 * lines on stdout and from that file (see protocol.ts): each in its own order, the two
 * side by side (the file is polled while the pipe streams), so a metric reported through
 * both has no defined last value. Each trial's whole stdout and stderr go to `stdout.log`
 * and `stderr.log` in its folder, `outputDir/trial-N/`, or without outputDir
 * `<os temp>/mlsweep-trials-XXXXXX/trial-N/`, kept after the sweep (the result names
 * them in `output.logs`); the last 16 KiB of each stay in memory for messages. A
 * non-zero exit fails the trial with the last line of stderr; a stopped trial gets
 * SIGTERM, then SIGKILL `graceMs` later, sent to its whole process group.
 *
 * @example
 * const runner = commandRunner({ command: 'python train.py --lr ${{search_space.lr}}', code: 'src' }, 5000);
 */
export function commandRunner(trial: CommandTrial, graceMs: number): Runner {
  if (trial.code !== undefined && !existsSync(trial.code)) {
    throw new ValidationError(`trial.code: the working directory ${trial.code} does not exist`, {
      path: 'trial.code',
    });
  }
  let root = trial.outputDir;
  const trialDir = (id: number): string => {
    // Made at the first trial, not before: a sweep that fails to start leaves nothing.
    root ??= mkdtempSync(join(tmpdir(), 'mlsweep-trials-'));
    const dir = resolve(root, `trial-${id}`);
    mkdirSync(dir, { recursive: true });
    return dir;
  };
  return { run: (ctx) => runCommand(trial, ctx, trialDir(ctx.trialId), graceMs) };
}

function runCommand(trial: CommandTrial, ctx: RunContext, dir: string, graceMs: number): Promise<undefined> {
  const { command, env, display } = substitute(trial.command, ctx.params, trial.inputs);
  const metricsFile = join(dir, 'metrics.jsonl');
  writeFileSync(metricsFile, '');
  const invalid: string[] = [];
  const onLine = (line: string, prefixOptional: boolean) => {
    const record = parseMetricsLine(line, prefixOptional);
    if (record === undefined) return;
    if ('error' in record) {
      if (invalid.length < MAX_INVALID) invalid.push(`${record.error}: ${line.slice(0, 200)}`);
      return;
    }
    try {
      for (const [name, value] of Object.entries(record.metrics)) ctx.report(name, value, record.step);
    } catch (error) {
      // Called from a stream handler: a bad line must not escape as an uncaught exception.
      if (invalid.length < MAX_INVALID) invalid.push(`${(error as Error).message}: ${line.slice(0, 200)}`);
    }
  };
  const stdoutLines = lineSplitter((line) => onLine(line, false));
  const fileLines = lineSplitter((line) => onLine(line, true));
  const stdout = outputTail(TAIL);
  const stderr = outputTail(TAIL);
  let lastError = '';
  const stderrLines = lineSplitter((line) => {
    if (line.trim() !== '') lastError = line.trim();
  });

  const added: Record<string, string> = {
    ...trial.environmentVariables,
    ...ctx.environment,
    ...env,
    MLSWEEP_TRIAL_ID: String(ctx.trialId),
    MLSWEEP_PARAMS: JSON.stringify(ctx.params),
    MLSWEEP_METRICS_FILE: metricsFile,
  };
  const options = {
    cwd: trial.code,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...added },
  };
  // In an environment with a launcher (a container), the shell runs inside it, and the
  // trial's variables are passed to it by name (their values never enter the argv).
  const launcher = trial.launcher;
  const argv =
    launcher !== undefined && launcher.before.length + launcher.after.length > 0
      ? [
          ...launcher.before,
          ...(launcher.envFlag === undefined
            ? []
            : Object.keys(added).flatMap((k) => [launcher.envFlag!, k])),
          ...launcher.after,
          '/bin/sh',
          '-c',
          command,
        ]
      : undefined;
  const child =
    argv === undefined
      ? spawn(command, { ...options, shell: true })
      : spawn(argv[0]!, argv.slice(1), options);
  const logs = { stdout: join(dir, 'stdout.log'), stderr: join(dir, 'stderr.log') };
  const logged = Promise.all([
    logToFile(child.stdout, logs.stdout, (text) => {
      stdout.push(text);
      stdoutLines.push(text);
    }),
    logToFile(child.stderr, logs.stderr, (text) => {
      stderr.push(text);
      stderrLines.push(text);
    }),
  ]);

  const fd = openSync(metricsFile, 'r');
  let offset = 0;
  const buffer = Buffer.alloc(64 * 1024);
  const readMetricsFile = () => {
    for (
      let n = readSync(fd, buffer, 0, buffer.length, offset);
      n > 0;
      n = readSync(fd, buffer, 0, buffer.length, offset)
    ) {
      offset += n;
      fileLines.push(buffer.toString('utf8', 0, n));
    }
  };
  const poll = setInterval(readMetricsFile, POLL_MS);

  let killNow: (() => void) | undefined;
  const onAbort = () => (killNow = terminateGroup(child, graceMs));
  const onKill = () => (killNow ? killNow() : signalGroup(child, 'SIGKILL'));
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  ctx.killSignal.addEventListener('abort', onKill, { once: true });
  // The trial ends with its command: whatever it left behind in its group goes too
  // (once stopped, the grace period of terminateGroup applies instead).
  child.once('exit', () => {
    if (!ctx.signal.aborted) signalGroup(child, 'SIGKILL');
  });

  return new Promise<undefined>((resolvePromise, reject) => {
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    child.once('close', (code, signal) => {
      // Whether it was stopped is decided now: the logs may take a moment to close.
      const aborted = ctx.signal.aborted;
      signalGroup(child, 'SIGKILL');
      clearInterval(poll);
      ctx.signal.removeEventListener('abort', onAbort);
      ctx.killSignal.removeEventListener('abort', onKill);
      readMetricsFile();
      closeSync(fd);
      void logged.then(([stdoutError, stderrError]) => {
        stdoutLines.flush();
        stderrLines.flush();
        fileLines.flush();
        ctx.keepOutput({
          stdout: stdout.text(),
          stderr: stderr.text(),
          dir,
          logs,
          command: display,
          ...(invalid.length > 0 ? { invalidLines: invalid } : {}),
        });
        if (aborted) return reject(abortError(ctx.signal));
        if (spawnError) return reject(new TrialError(`could not start '${display}': ${spawnError.message}`));
        if (code !== 0) {
          const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
          return reject(new TrialError(`command ${how}${lastError ? `: ${lastError}` : ''}`, 'E_TRIAL_EXIT'));
        }
        // Nothing lost: a trial whose output could not be kept does not pass as complete.
        const logError = stdoutError ?? stderrError;
        if (logError) {
          return reject(
            new TrialError(
              `the trial's output could not be written to ${dir}: ${logError.message}`,
              'E_TRIAL_LOG',
            ),
          );
        }
        resolvePromise(undefined);
      });
    });
  });
}
