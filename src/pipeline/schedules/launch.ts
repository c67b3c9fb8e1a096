import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ScheduleRecord } from './store.ts';

/** How a fired job ended. */
export interface LaunchOutcome {
  readonly runId?: string;
  readonly status: 'completed' | 'failed';
  readonly error?: string;
}

/** Starts the job of a fired schedule and settles when it ends (the scheduler does not wait on it). */
export type JobLauncher = (schedule: ScheduleRecord, tick: number) => Promise<LaunchOutcome>;

/** The `mlsweep` entry point next to this file, run with this process's Node flags (tsx from sources). */
function cliEntry(): string {
  return fileURLToPath(new URL(`../../cli/main${extname(fileURLToPath(import.meta.url))}`, import.meta.url));
}

/**
 * This process's Node flags for a child that runs elsewhere: a loader given by package
 * name (`--import tsx`) is resolved here, since the child's folder may not see it.
 */
function nodeFlags(): string[] {
  const flags = [...process.execArgv];
  for (let i = 0; i < flags.length - 1; i++) {
    if (['--import', '--loader', '--experimental-loader', '--require', '-r'].includes(flags[i]!)) {
      const spec = flags[i + 1]!;
      if (!spec.startsWith('.') && !spec.startsWith('/') && !spec.includes(':')) {
        try {
          flags[i + 1] = import.meta.resolve(spec);
        } catch {
          // left as given
        }
      }
    }
  }
  return flags;
}

/**
 * The mlsweep arguments that run a schedule's job: a sweep file with `sweep`, anything
 * else with `job create`; a registered component as a pipeline of one step, written to a
 * temporary folder that `cleanup` removes.
 *
 * @example
 * jobArguments(schedule, 'mlruns').args; // ['sweep', '/work/sweep.yml', '--store', 'mlruns', '--json']
 */
export function jobArguments(
  schedule: ScheduleRecord,
  store: string,
): { args: string[]; cleanup: () => void } {
  const none = () => {};
  const job = schedule.spec.createJob;
  if (job.kind === 'component') {
    // a registered component runs as a pipeline of one step, written next to nothing of the user's
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-schedule-'));
    const file = join(dir, 'pipeline.yml');
    writeFileSync(
      file,
      `type: pipeline\ndisplay_name: ${JSON.stringify(`schedule ${schedule.name}`)}\njobs:\n  main:\n    type: command\n    component: ${JSON.stringify(job.ref)}\n`,
    );
    return {
      args: ['job', 'create', '-f', file, '--store', store, '--json'],
      cleanup: () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  let type = '';
  try {
    type = /^type:\s*([A-Za-z_]+)/m.exec(readFileSync(job.path, 'utf8'))?.[1] ?? '';
  } catch {
    // the child reports the missing file
  }
  if (type === 'sweep') return { args: ['sweep', job.path, '--store', store, '--json'], cleanup: none };
  return { args: ['job', 'create', '-f', job.path, '--store', store, '--json'], cleanup: none };
}

/** The run id in a finished job's output: its JSON's runId, id or sweepId, or the sweep id it logged. */
function runIdOf(stdout: string, stderr: string): string | undefined {
  try {
    const json = JSON.parse(stdout) as Record<string, unknown>;
    for (const key of ['runId', 'run_id', 'sweepId', 'id'])
      if (typeof json[key] === 'string') return json[key] as string;
  } catch {
    // not JSON: look in the log
  }
  return /\b(?:sweep|run|pipeline run) ([0-9a-f]{32})\b/.exec(stderr)?.[1];
}

/**
 * The default launcher: the job runs as a child process `mlsweep sweep FILE` or `mlsweep
 * job create -f FILE` on the same store (robust: a crashing job never takes the scheduler
 * down), from the schedule file's folder; its run id is read from its output.
 *
 * @example
 * const scheduler = new Scheduler({ store, launch: processLauncher(store.dir) });
 */
export function processLauncher(
  storeDir: string,
  options: { readonly log?: (line: string) => void } = {},
): JobLauncher {
  return (schedule, tick) =>
    new Promise((resolve) => {
      const { args, cleanup } = jobArguments(schedule, storeDir);
      const child = spawn(process.execPath, [...nodeFlags(), cliEntry(), ...args], {
        cwd: schedule.spec.baseDir,
        // a group of its own: Ctrl-C on the scheduler stops the scheduler, not the jobs it started
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          MLSWEEP_SCHEDULE: schedule.name,
          MLSWEEP_SCHEDULE_TICK: new Date(tick).toISOString(),
        },
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
      child.stderr.on('data', (c: Buffer) => {
        stderr = (stderr + c.toString('utf8')).slice(-64 * 1024);
      });
      child.once('error', (error) => {
        cleanup();
        resolve({ status: 'failed', error: error.message });
      });
      child.once('close', (code, signal) => {
        cleanup();
        const runId = runIdOf(stdout, stderr);
        const last = stderr.trim().split('\n').pop() ?? '';
        options.log?.(
          `schedule ${schedule.name}: mlsweep ${args.slice(0, 2).join(' ')} exited ${code ?? signal}${runId ? ` (run ${runId})` : ''}`,
        );
        resolve(
          code === 0
            ? { status: 'completed', ...(runId !== undefined ? { runId } : {}) }
            : {
                status: 'failed',
                ...(runId !== undefined ? { runId } : {}),
                error: `${code === null ? `killed by ${signal}` : `exit ${code}`}: ${last}`,
              },
        );
      });
    });
}
