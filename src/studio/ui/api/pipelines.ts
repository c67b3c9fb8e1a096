/**
 * Pipeline jobs in the studio: the list, one job's DAG with each step's status, duration
 * and child run, and a step's logs (the tail of its stdout and stderr). Open pages follow
 * a running job on the `pipelines` topic.
 */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { TAG } from '../../../pipeline/job-tags.ts';
import { listJobs, pipelineRun } from '../../../pipeline/jobs.ts';
import type { StudioContext } from '../context.ts';
import { StudioApiError } from '../errors.ts';
import { pageOfList } from './page-list.ts';
import { jobDag } from './pipeline-dag.ts';
import { queryInteger } from './query.ts';

/** The most of a log one answer holds (its end). */
const LOG_TAIL_BYTES = 64 * 1024;

/**
 * The last `bytes` of a file as text (cut at a line start when cut), or '' when there is none.
 *
 * @example
 * tailText('run/logs/stdout.log', 65536);
 */
export function tailText(path: string, bytes: number): { text: string; truncated: boolean } {
  if (!existsSync(path)) return { text: '', truncated: false };
  const size = statSync(path).size;
  const from = Math.max(0, size - bytes);
  const buffer = Buffer.alloc(size - from);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  const text = buffer.toString('utf8');
  return from === 0
    ? { text, truncated: false }
    : { text: text.slice(text.indexOf('\n') + 1), truncated: true };
}

/**
 * Mounts `GET /studio/api/pipelines`, `GET /studio/api/pipelines/:id` (the job with
 * `nodes` and `edges`) and `GET /studio/api/pipelines/:id/steps/:step/logs`.
 *
 * @example
 * registerPipelinesApi(scope, ctx);
 */
export function registerPipelinesApi(app: FastifyInstance, ctx: StudioContext): void {
  app.get('/studio/api/pipelines', async (request) => {
    const query = request.query as Record<string, unknown>;
    const max = queryInteger(query, 'max', 1, 10_000) ?? 1000;
    return pageOfList(listJobs(ctx.store, max), query);
  });

  app.get('/studio/api/pipelines/:id', async (request) => {
    const { id } = request.params as { id: string };
    return jobDag(ctx.store, id);
  });

  app.get('/studio/api/pipelines/:id/steps/:step/logs', async (request) => {
    const { id, step } = request.params as { id: string; step: string };
    const job = pipelineRun(ctx.store, id);
    const child = ctx.store
      .childRuns(job.id)
      .filter((r) => r.tags[TAG.step] === step)
      .pop();
    if (child === undefined) {
      throw new StudioApiError(404, 'NOT_FOUND', `pipeline job ${job.id} has no run of step '${step}' yet`);
    }
    const logs = join(child.artifactDir, 'logs');
    return {
      step,
      runId: child.id,
      stdout: tailText(join(logs, 'stdout.log'), LOG_TAIL_BYTES),
      stderr: tailText(join(logs, 'stderr.log'), LOG_TAIL_BYTES),
    };
  });
}
