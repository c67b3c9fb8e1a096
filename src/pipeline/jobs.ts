import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { processAlive } from '../core/process-alive.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import type { Run } from '../tracking/types.ts';
import { TAG } from './job-tags.ts';

/** A pipeline job as `job list` and `job show` report it. */
export interface JobSummary {
  readonly runId: string;
  readonly name: string;
  /** running, completed, failed, canceled (the store's RUNNING/FINISHED/FAILED/KILLED). */
  readonly status: string;
  readonly startTime: number;
  readonly endTime?: number;
  readonly file?: string;
  readonly published?: string;
}

/** One step of a job as `job show` reports it. */
export interface JobStep {
  readonly name: string;
  readonly runId: string;
  readonly type: string;
  readonly status: string;
  readonly reusedFrom?: string;
  readonly outputs: Readonly<Record<string, string>>;
  readonly message?: string;
  readonly startTime: number;
  readonly endTime?: number;
}

/** A job with its steps (the latest attempt of each). */
export interface JobDetail extends JobSummary {
  readonly steps: readonly JobStep[];
  readonly outputs: Readonly<Record<string, string>>;
}

const STATUS: Readonly<Record<string, string>> = {
  RUNNING: 'running',
  SCHEDULED: 'running',
  FINISHED: 'completed',
  FAILED: 'failed',
  KILLED: 'canceled',
};

function summary(run: Run): JobSummary {
  return {
    runId: run.id,
    name: run.tags[TAG.displayName] ?? run.name,
    status: STATUS[run.status] ?? run.status.toLowerCase(),
    startTime: run.startTime,
    ...(run.endTime !== undefined ? { endTime: run.endTime } : {}),
    ...(run.tags[TAG.file] ? { file: run.tags[TAG.file] } : {}),
    ...(run.tags[TAG.published] ? { published: run.tags[TAG.published] } : {}),
  };
}

/**
 * The pipeline jobs of a store, newest first.
 *
 * @example
 * listJobs(store).map((j) => `${j.runId} ${j.status}`);
 */
export function listJobs(store: SqliteStore, maxResults = 100): JobSummary[] {
  return store.searchRuns({ filter: `tags."${TAG.type}" = 'pipeline'`, maxResults }).map(summary);
}

/**
 * A pipeline run, checked to be one (a ValidationError naming the id otherwise).
 *
 * @example
 * const run = pipelineRun(store, '3f2a');
 */
export function pipelineRun(store: SqliteStore, runId: string): Run {
  const run = store.run(runId);
  if (run.tags[TAG.type] !== 'pipeline') {
    throw new ValidationError(`run ${runId} is not a pipeline job`, { path: 'run', code: 'E_NOT_FOUND' });
  }
  return run;
}

/**
 * A job and the latest attempt of each of its steps (a resumed job keeps its earlier
 * attempts as runs; `show` reports the one that counts).
 *
 * @example
 * showJob(store, runId).steps.map((s) => `${s.name} ${s.status}`);
 */
export function showJob(store: SqliteStore, runId: string): JobDetail {
  const run = pipelineRun(store, runId);
  const latest = new Map<string, Run>();
  for (const child of store.childRuns(run.id)) {
    const step = child.tags[TAG.step];
    if (step !== undefined) latest.set(step, child);
  }
  const steps = [...latest.values()].map(
    (child): JobStep => ({
      name: child.tags[TAG.step]!,
      runId: child.id,
      type: child.tags[TAG.stepType] ?? 'command',
      status: child.tags[TAG.status] ?? STATUS[child.status] ?? child.status,
      ...(child.tags[TAG.reusedFrom] ? { reusedFrom: child.tags[TAG.reusedFrom] } : {}),
      outputs: JSON.parse(child.tags[TAG.outputs] ?? '{}') as Record<string, string>,
      ...(child.tags[TAG.message] ? { message: child.tags[TAG.message] } : {}),
      startTime: child.startTime,
      ...(child.endTime !== undefined ? { endTime: child.endTime } : {}),
    }),
  );
  return {
    ...summary(run),
    steps,
    outputs: JSON.parse(run.tags[TAG.outputs] ?? '{}') as Record<string, string>,
  };
}

/**
 * Asks a running job to stop: the process running it reads the request (within its poll
 * interval), stops every step's process group and ends the run canceled. A job whose
 * runner is gone (it ran on this machine and its process no longer exists) is marked
 * canceled at once, with its running steps, so the store never keeps a job running forever.
 * Returns whether it was still running.
 *
 * @example
 * requestCancel(store, runId); // true
 */
export function requestCancel(store: SqliteStore, runId: string, isAlive = processAlive): boolean {
  const run = pipelineRun(store, runId);
  if (run.status !== 'RUNNING') return false;
  store.setTags(run.id, { [TAG.cancel]: 'true' });
  const pid = Number(run.tags[TAG.pid]);
  // Only a runner on this machine can be seen to be gone; one elsewhere reads the request.
  const here = (run.tags[TAG.host] ?? hostname()) === hostname();
  if (here && Number.isSafeInteger(pid) && pid > 0 && !isAlive(pid)) {
    for (const child of store.childRuns(run.id)) {
      if (child.status === 'RUNNING') {
        store.setTags(child.id, { [TAG.status]: 'canceled', [TAG.message]: 'the job was canceled' });
        store.setRunStatus(child.id, 'KILLED');
      }
    }
    store.setTags(run.id, { [TAG.status]: 'canceled' });
    store.setRunStatus(run.id, 'KILLED');
  }
  return true;
}

/** Options of followJob. */
export interface FollowOptions {
  /** Where the log text goes (each line prefixed with its step). */
  readonly write: (text: string) => void;
  /** Milliseconds between reads (default 300). */
  readonly pollMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Follows a job's logs: prints what each step writes to its stdout and stderr, prefixed
 * `[step] `, as it is written, until the job ends (or `signal` aborts). Returns the
 * job's final detail.
 *
 * @example
 * const done = await followJob(store, runId, { write: (t) => process.stdout.write(t) });
 */
export async function followJob(
  store: SqliteStore,
  runId: string,
  options: FollowOptions,
): Promise<JobDetail> {
  const offsets = new Map<string, number>();
  const partial = new Map<string, string>();
  const readNew = (step: string, path: string, flush: boolean) => {
    if (!existsSync(path)) return;
    const from = offsets.get(path) ?? 0;
    const size = statSync(path).size;
    let text = partial.get(path) ?? '';
    if (size > from) {
      const fd = openSync(path, 'r');
      try {
        const buffer = Buffer.alloc(size - from);
        readSync(fd, buffer, 0, buffer.length, from);
        text += buffer.toString('utf8');
      } finally {
        closeSync(fd);
      }
      offsets.set(path, size);
    }
    const lines = text.split('\n');
    const rest = flush ? '' : lines.pop()!;
    if (flush && lines[lines.length - 1] === '') lines.pop();
    partial.set(path, rest);
    for (const line of lines) options.write(`[${step}] ${line}\n`);
  };
  for (;;) {
    const run = pipelineRun(store, runId);
    const done = run.status !== 'RUNNING' && run.status !== 'SCHEDULED';
    for (const child of store.childRuns(run.id)) {
      const step = child.tags[TAG.step];
      if (step === undefined || child.tags[TAG.reusedFrom]) continue;
      const childDone = done || (child.status !== 'RUNNING' && child.status !== 'SCHEDULED');
      for (const file of ['stdout.log', 'stderr.log'])
        readNew(step, join(child.artifactDir, 'logs', file), childDone);
    }
    if (done || options.signal?.aborted) return showJob(store, runId);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 300));
  }
}
