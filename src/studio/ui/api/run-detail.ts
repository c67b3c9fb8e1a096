/**
 * One run: `GET /studio/api/runs/:id` (params, tags, latest metrics, children, lineage:
 * the datasets it used and the model versions registered from it), `PATCH` (rename, set
 * tags: audited), `/metrics` (every
 * metric's points by step), `/artifacts` (the files), `/artifacts/file?path=` (download),
 * and `/logs` (the tail of its log file, if it has one).
 */
import { createReadStream } from 'node:fs';
import { open, realpath, stat } from 'node:fs/promises';
import { basename, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { StudioContext } from '../context.ts';
import { StudioApiError } from '../errors.ts';
import { queryString } from './query.ts';
import { runSummary } from './runs.ts';

/** Most bytes of a log the page shows (its end). */
export const MAX_LOG_BYTES = 256 * 1024;

/** Artifact names taken for a run's log, in order of preference. */
const LOG_FILE = /(^|\/)(stdout|stderr|output|train|run|trial)?[^/]*\.(log|txt)$|(^|\/)(stdout|stderr)$/i;

/**
 * Mounts the run detail routes.
 *
 * @example
 * registerRunDetailApi(scope, ctx); // GET /studio/api/runs/<id>/metrics
 */
export function registerRunDetailApi(app: FastifyInstance, ctx: StudioContext): void {
  const { store } = ctx;
  app.get('/studio/api/runs/:id', async (request) => {
    const { id } = request.params as { id: string };
    return store.read(() => {
      const run = store.run(id);
      const experiment = store.experiment(run.experimentId);
      const children = Number(
        store.sql('SELECT count(*) AS children FROM runs WHERE parent_run_id = ?').pluck().get(run.id),
      );
      const models = store
        .sql(
          'SELECT name, version, created_at AS "createdAt" FROM model_versions WHERE run_id = ? ORDER BY name, version',
        )
        .all(run.id) as Array<{ name: string; version: number; createdAt: number }>;
      return {
        ...runSummary(run),
        experimentName: experiment.name,
        lifecycleStage: run.lifecycleStage ?? 'active',
        children,
        inputs: store.runInputs(run.id),
        models: models.map((m) => ({
          name: m.name,
          version: Number(m.version),
          createdAt: Number(m.createdAt),
        })),
      };
    });
  });

  app.patch('/studio/api/runs/:id', async (request) => {
    const { id } = request.params as { id: string };
    const body = (request.body ?? {}) as { name?: unknown; tags?: unknown };
    const run = store.run(id);
    const tags = body.tags ?? {};
    if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
      throw new StudioApiError(400, 'INVALID_VALUE', 'tags must be an object of strings');
    }
    for (const [key, value] of Object.entries(tags)) {
      if (typeof value !== 'string')
        throw new StudioApiError(400, 'INVALID_VALUE', `tags.${key} must be a string`);
    }
    if (body.name !== undefined && typeof body.name !== 'string') {
      throw new StudioApiError(400, 'INVALID_VALUE', 'name must be a string');
    }
    store.write(() => {
      if (typeof body.name === 'string') store.updateRun(run.id, { name: body.name });
      if (Object.keys(tags).length > 0) store.setTags(run.id, tags as Record<string, string>);
    });
    ctx.audit(request, 'run.update', run.id, {
      ...(typeof body.name === 'string' ? { name: body.name } : {}),
      ...(Object.keys(tags).length > 0 ? { tags } : {}),
    });
    ctx.events.publish('runs', { runIds: [run.id] });
    return runSummary(store.run(run.id));
  });

  app.get('/studio/api/runs/:id/metrics', async (request) => {
    const { id } = request.params as { id: string };
    const run = store.run(id);
    const byKey = new Map<string, Array<[number, number | null, number]>>();
    for (const point of store.allMetrics(run.id)) {
      let points = byKey.get(point.key);
      if (points === undefined) byKey.set(point.key, (points = []));
      points.push([point.step, Number.isFinite(point.value) ? point.value : null, point.timestamp]);
    }
    const items = [...byKey].map(([key, points]) => ({
      key,
      points: points.sort((a, b) => a[0] - b[0] || a[2] - b[2]),
    }));
    return { items, total: items.length, status: run.status };
  });

  app.get('/studio/api/runs/:id/artifacts', async (request) => {
    const { id } = request.params as { id: string };
    const run = store.run(id);
    const items = await Promise.all(
      store
        .listArtifacts(run.id)
        .map(async (path) => ({ path, size: (await stat(resolve(run.artifactDir, path))).size })),
    );
    return { items, total: items.length };
  });

  app.get('/studio/api/runs/:id/artifacts/file', async (request, reply) => {
    const { id } = request.params as { id: string };
    const path = queryString(request.query as Record<string, unknown>, 'path');
    if (path === undefined) throw new StudioApiError(400, 'INVALID_VALUE', 'path is required');
    const file = await artifactFile(store.run(id).artifactDir, path);
    reply.header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(basename(file))}`);
    reply.header('x-content-type-options', 'nosniff');
    return reply.type('application/octet-stream').send(createReadStream(file));
  });

  app.get('/studio/api/runs/:id/logs', async (request) => {
    const { id } = request.params as { id: string };
    const run = store.run(id);
    const candidates = store.listArtifacts(run.id).filter((p) => LOG_FILE.test(p));
    const chosen = candidates[0];
    if (chosen === undefined) return { file: null, text: '', truncated: false, candidates: [] };
    const file = await artifactFile(run.artifactDir, chosen);
    const size = (await stat(file)).size;
    const start = Math.max(0, size - MAX_LOG_BYTES);
    const handle = await open(file, 'r');
    try {
      const buffer = Buffer.alloc(size - start);
      await handle.read(buffer, 0, buffer.length, start);
      return { file: chosen, text: buffer.toString('utf8'), truncated: start > 0, candidates };
    } finally {
      await handle.close();
    }
  });
}

/** The real path of an artifact inside `root`; 404 when it is missing or leads outside. */
async function artifactFile(root: string, path: string): Promise<string> {
  const missing = new StudioApiError(404, 'NOT_FOUND', `no artifact ${JSON.stringify(path)}`);
  if (path.includes('\0') || path.split('/').some((s) => s === '..')) throw missing;
  try {
    const base = await realpath(root);
    const file = await realpath(resolve(base, path));
    if (!file.startsWith(base + sep) || !(await stat(file)).isFile()) throw missing;
    return file;
  } catch {
    throw missing;
  }
}
