import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { parseMetricsLine } from '../sweep/protocol.ts';
import { lineSplitter } from '../sweep/runners/lines.ts';
import { logToFile } from '../sweep/runners/log-file.ts';
import { signalGroup, terminateGroup } from '../sweep/runners/process-group.ts';

/** How a step's command is run. */
export interface CommandRun {
  /** The argv to start, e.g. `['/bin/sh', '-c', command]` (an environment may wrap it). */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Variables added to this process's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The folder its `stdout.log` and `stderr.log` are written to. */
  readonly logDir: string;
  /** Seconds before it is stopped (SIGTERM to its process group, then SIGKILL). */
  readonly timeoutSeconds?: number;
  /** Stops it (cancel, a failed sibling without continue_on_step_failure, Ctrl-C). */
  readonly signal: AbortSignal;
  /** Milliseconds between SIGTERM and SIGKILL. */
  readonly graceMs?: number;
  /** Each `##mlsweep {...}` metrics line it prints. */
  readonly onMetrics?: (metrics: Readonly<Record<string, number>>, step: number | undefined) => void;
}

/** How a step's command ended. */
export interface CommandOutcome {
  readonly ok: boolean;
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly stopped: boolean;
  /** One line saying why it failed (the last line of stderr, or how it ended). */
  readonly message: string;
}

/**
 * Runs one command in its own process group with its output logged to files, and
 * settles when it has exited and its logs are closed. Past its timeout or when `signal`
 * aborts, the whole group gets SIGTERM, then SIGKILL after the grace period; whatever the
 * command left running in its group is killed when it exits.
 *
 * @example
 * const outcome = await runCommand({ argv: ['/bin/sh', '-c', 'echo hi'], cwd: '.', env: {}, logDir: 'logs', signal });
 */
export function runCommand(run: CommandRun): Promise<CommandOutcome> {
  const graceMs = run.graceMs ?? 5000;
  let lastError = '';
  const errLines = lineSplitter((line) => {
    if (line.trim() !== '') lastError = line.trim();
  });
  const outLines = lineSplitter((line) => {
    const record = parseMetricsLine(line, false);
    if (record && !('error' in record)) run.onMetrics?.(record.metrics, record.step);
  });
  return new Promise((resolvePromise) => {
    const child = spawn(run.argv[0]!, run.argv.slice(1), {
      cwd: run.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...run.env },
    });
    const logged = Promise.all([
      logToFile(child.stdout, join(run.logDir, 'stdout.log'), (t) => outLines.push(t)),
      logToFile(child.stderr, join(run.logDir, 'stderr.log'), (t) => errLines.push(t)),
    ]);
    let timedOut = false;
    let stopped = false;
    const stop = () => {
      if (!timedOut) stopped = true;
      terminateGroup(child, graceMs);
    };
    const timer =
      run.timeoutSeconds === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            stop();
          }, run.timeoutSeconds * 1000);
    if (run.signal.aborted) stop();
    run.signal.addEventListener('abort', stop, { once: true });
    let spawnError: Error | undefined;
    child.once('error', (error) => (spawnError = error));
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      run.signal.removeEventListener('abort', stop);
      signalGroup(child, 'SIGKILL');
      void logged.then(() => {
        outLines.flush();
        errLines.flush();
        const how = code === null ? `was killed by ${signal}` : `exited with code ${code}`;
        const message = spawnError
          ? `could not start ${run.argv[0]}: ${spawnError.message}`
          : timedOut
            ? `stopped after its timeout of ${run.timeoutSeconds} s`
            : stopped
              ? 'stopped (canceled)'
              : `command ${how}${lastError ? `: ${lastError}` : ''}`;
        resolvePromise({
          ok: code === 0 && !spawnError && !timedOut && !stopped,
          exitCode: code,
          signal,
          timedOut,
          stopped,
          message,
        });
      });
    });
  });
}
