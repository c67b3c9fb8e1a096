/**
 * Published pipelines over HTTP, as a fastify plugin the store server registers:
 * `POST /pipelines/{name}/runs` starts a run of a published pipeline (key auth:
 * `Authorization: Bearer <key>`, a key `mlsweep job publish` printed; `{"inputs": {...}}`
 * in the body overrides its inputs) and answers 202 with the run id; `GET
 * /pipelines/{name}/runs/{id}` answers the run's status and steps. Runs go on in this
 * process; closing the server cancels the ones still running and waits for them.
 */
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import { ConfigError, ValidationError } from '../core/errors.ts';
import type { Literal } from '../pipeline/component.ts';
import { TAG } from '../pipeline/job-tags.ts';
import { showJob } from '../pipeline/jobs.ts';
import { getPublished, publishedSpec } from '../pipeline/published.ts';
import { runPipeline } from '../pipeline/runner.ts';
import { SqliteStore } from '../tracking/sqlite-store.ts';
import { sameSecret } from './auth.ts';
import { pipelineExecutors } from './batch/pipeline-step.ts';

/** Options of the pipelines plugin. */
export interface PipelinesPluginOptions {
  /** The store of the published pipelines (and of the runs they start): a folder or a `postgresql://` URL. */
  readonly storeDir: string;
  /** With a PostgreSQL store: the shared folder of its artifacts and step outputs (default: $MLSWEEP_ARTIFACTS or ./mlruns-artifacts). */
  readonly artifactsDir?: string;
  /** Most steps of one run at once (default: the cores). */
  readonly maxParallel?: number;
  /** Progress lines of the runs (default: none). */
  readonly log?: (line: string) => void;
}

function bearer(authorization: string | undefined): string | undefined {
  return typeof authorization === 'string' ? /^Bearer[ ]+(\S+)\s*$/i.exec(authorization)?.[1] : undefined;
}

/**
 * The routes of published pipelines (see the file's comment).
 *
 * @example
 * await app.register(pipelinesPlugin, { storeDir: 'mlruns' });
 */
export const pipelinesPlugin: FastifyPluginAsync<PipelinesPluginOptions> = async (
  app: FastifyInstance,
  options: PipelinesPluginOptions,
) => {
  let store: SqliteStore | undefined;
  const open = (): SqliteStore => {
    store ??= new SqliteStore({
      dir: options.storeDir,
      create: true,
      ...(options.artifactsDir !== undefined ? { artifactsDir: options.artifactsDir } : {}),
    });
    return store;
  };
  const running = new Set<Promise<unknown>>();
  const controller = new AbortController();
  app.addHook('onClose', async () => {
    controller.abort();
    await Promise.allSettled([...running]);
    store?.close();
  });

  const authorize = (
    name: string,
    authorization: string | undefined,
  ): 'ok' | 'missing' | 'wrong' | 'unknown' => {
    let published: ReturnType<typeof getPublished>;
    try {
      published = getPublished(open(), name);
    } catch {
      return 'unknown';
    }
    const presented = bearer(authorization);
    if (presented === undefined) return 'missing';
    const primary = sameSecret(presented, published.primaryKey);
    const secondary = sameSecret(presented, published.secondaryKey);
    return primary || secondary ? 'ok' : 'wrong';
  };

  const refuse = (verdict: 'missing' | 'wrong' | 'unknown', name: string) =>
    verdict === 'unknown'
      ? { code: 404, body: { error: { code: 'NotFound', message: `no published pipeline ${name}` } } }
      : {
          code: 401,
          body: {
            error: {
              code: 'Unauthorized',
              message:
                verdict === 'missing'
                  ? 'this pipeline needs Authorization: Bearer <key> (mlsweep job publish prints its keys)'
                  : 'the key is not valid for this pipeline',
            },
          },
        };

  app.post<{ Params: { name: string }; Body: unknown }>('/pipelines/:name/runs', async (request, reply) => {
    const { name } = request.params;
    const verdict = authorize(name, request.headers.authorization);
    if (verdict !== 'ok') {
      const { code, body } = refuse(verdict, name);
      return reply.code(code).header('www-authenticate', 'Bearer realm="mlsweep"').send(body);
    }
    const body = (request.body ?? {}) as { inputs?: unknown };
    const inputs = body.inputs ?? {};
    if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs)) {
      return reply
        .code(400)
        .send({ error: { code: 'BadRequest', message: 'inputs must be an object of input values' } });
    }
    const s = open();
    let spec: ReturnType<typeof publishedSpec>;
    try {
      spec = publishedSpec(s, name, inputs as Record<string, Literal>);
    } catch (error) {
      if (error instanceof ValidationError || error instanceof ConfigError) {
        return reply.code(400).send({ error: { code: 'BadRequest', message: error.message } });
      }
      throw error;
    }
    const started = new Promise<string>((resolveId, reject) => {
      const run = runPipeline(spec, {
        store: s,
        signal: controller.signal,
        executors: pipelineExecutors(),
        overrides: inputs as Record<string, unknown>,
        tags: { [TAG.published]: name },
        onStarted: resolveId,
        ...(options.maxParallel !== undefined ? { maxParallel: options.maxParallel } : {}),
        ...(options.log ? { log: options.log } : {}),
      });
      running.add(run);
      run.then(
        () => running.delete(run),
        (error: unknown) => {
          running.delete(run);
          options.log?.(`published pipeline ${name}: ${(error as Error).message}`);
          reject(error);
        },
      );
    });
    try {
      const runId = await started;
      return reply.code(202).send({ runId, status: 'running', name });
    } catch (error) {
      return reply.code(400).send({ error: { code: 'BadRequest', message: (error as Error).message } });
    }
  });

  app.get<{ Params: { name: string; id: string } }>('/pipelines/:name/runs/:id', async (request, reply) => {
    const { name, id } = request.params;
    const verdict = authorize(name, request.headers.authorization);
    if (verdict !== 'ok') {
      const { code, body } = refuse(verdict, name);
      return reply.code(code).header('www-authenticate', 'Bearer realm="mlsweep"').send(body);
    }
    try {
      const s = open();
      const run = s.run(id);
      if (run.tags[TAG.published] !== name) throw new ValidationError('not a run of this pipeline');
      return reply.send(showJob(s, run.id));
    } catch {
      return reply
        .code(404)
        .send({ error: { code: 'NotFound', message: `pipeline ${name} has no run ${id}` } });
    }
  });
};
