/**
 * The online scoring server: fastify in front, a pool of scoring threads per deployment
 * behind (pool.ts), and three protocols on every endpoint (Azure's /score, MLflow's
 * /invocations, the Open Inference Protocol's /v2), at `/endpoints/{name}/…` and, while
 * there is one endpoint, at `/`. It routes by the endpoint's traffic split (or a pin),
 * mirrors copies, checks credentials, counts Prometheus metrics, swaps a new snapshot in
 * without failing a request (`apply`) and shuts down gracefully (`close`).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { ValidationError } from '../core/errors.ts';
import { checkCredentials } from './auth.ts';
import { Autoscaler, type AutoscaleTimer, intervalMeasure } from './autoscale.ts';
import { DataCollector } from './data-collector.ts';
import { HttpError } from './errors.ts';
import { type Frame, frameColumns, InputError } from './input.ts';
import { ServeMetrics } from './metrics.ts';
import { DeploymentRuntime } from './pool.ts';
import { azureFrame, DEPLOYMENT_HEADER, registerAzure } from './protocols/azure.ts';
import {
  type LiveEndpoint,
  type MirrorCopy,
  type Protocol,
  type RouteConfig,
  type ServeContext,
  targetOf,
} from './protocols/context.ts';
import { mlflowErrorCode, registerMlflow } from './protocols/mlflow.ts';
import { registerOip } from './protocols/oip.ts';
import { labelsOf, probaRecords } from './protocols/results.ts';
import type { ModelSchema } from './schema.ts';
import { chooseDeployment, mirrorTargets, type Random } from './traffic.ts';
import type { ServeConfig, ServedDeployment, ServedEndpoint } from './types.ts';

/** Paths (relative to an endpoint, and `/metrics`) that answer without credentials by default. */
export const DEFAULT_OPEN_PATHS: readonly string[] = [
  '/ping',
  '/health',
  '/version',
  '/v2',
  '/v2/health/live',
  '/v2/health/ready',
  '/v2/models/:model/ready',
  '/v2/models/:model/versions/:version/ready',
  '/metrics',
];

/** Options of {@link createServer}. */
export interface ServerOptions {
  readonly config: ServeConfig;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 5001 (MLflow's); 0 picks a free port. */
  readonly port?: number;
  /**
   * Structured JSON logs (pino, one line per event, with the request id): where to and from
   * which level (default: stderr, `info`); `false` for none.
   */
  readonly logger?: { readonly stream?: Writable; readonly level?: string } | false;
  /** Whether a request may call an endpoint (default: serve/auth.ts's checkCredentials with `clock`). */
  readonly authenticate?: (endpoint: ServedEndpoint, authorization: string | undefined) => boolean;
  /** Paths that answer without credentials (default DEFAULT_OPEN_PATHS). */
  readonly openPaths?: readonly string[];
  /** Uniform draws in [0, 1) for the traffic split and mirroring (default Math.random). */
  readonly random?: Random;
  /** Milliseconds since the epoch, for token expiry (default Date.now). */
  readonly clock?: () => number;
  /** Scoring threads of every deployment, overriding instanceCount. */
  readonly threads?: number;
  /** Most rows in one message to a scoring thread (default 1,024). */
  readonly maxBatchRows?: number;
  /**
   * Where deployments with a `data_collector` (and no `destination` of their own) write
   * their inputs and outputs (the store's `datastores/workspaceblobstore/modelDataCollector`).
   */
  readonly dataCollectorRoot?: string;
  /** The timer of the autoscalers of `target_utilization` deployments (default: setInterval). */
  readonly autoscaleTimer?: AutoscaleTimer;
}

/** A created server. */
export interface ScoringServer {
  /** The fastify instance (for `inject` in tests). */
  readonly app: FastifyInstance;
  readonly metrics: ServeMetrics;
  /** Starts listening; resolves with the address (the port chosen when 0 was asked). */
  listen(): Promise<{ host: string; port: number }>;
  /**
   * Serves a new snapshot: deployments whose revision changed (and new ones) are loaded
   * first, then routing switches at once (traffic, keys, deployments), then the replaced
   * deployments finish what they hold and end. A deployment that fails to load rejects
   * and leaves the old snapshot serving.
   */
  apply(config: ServeConfig): Promise<void>;
  /**
   * Graceful shutdown: new requests (and readiness probes) get 503 while in-flight ones
   * finish, still on the port so a load balancer sees the 503s and moves away (at most the
   * longest request timeout + 1 s); then the port closes and every pool ends.
   */
  close(): Promise<void>;
  /** The Prometheus text of `GET /metrics`. */
  metricsText(): string;
  /** The endpoints served now with their deployments' requests in flight and utilization (for autoscaling). */
  deployments(): Array<{
    endpoint: string;
    deployment: string;
    inFlight: number;
    utilization: number;
    threads: number;
  }>;
}

const VERSION = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();

const REQUEST_ID = /^[\w.:@-]{1,128}$/;

/** A request id: the caller's `x-request-id` when it is a plain token, else a new UUID. */
function requestId(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

/** A deployment's key in the runtime table: endpoint and deployment. */
function keyOf(endpoint: string, deployment: string): string {
  return `${endpoint}\u0000${deployment}`;
}

function largestBody(config: ServeConfig): number {
  let most = 0;
  for (const e of config.endpoints) {
    for (const d of e.deployments) most = Math.max(most, d.spec.requestSettings.maxBodyBytes);
  }
  return most > 0 ? most : 100 * 1024 * 1024;
}

function checkConfig(config: ServeConfig): void {
  const names = new Set<string>();
  for (const e of config.endpoints) {
    if (names.has(e.spec.name)) {
      throw new ValidationError(`two endpoints are named '${e.spec.name}'`, { path: 'endpoints' });
    }
    names.add(e.spec.name);
    const deployments = new Set(e.deployments.map((d) => d.spec.name));
    for (const name of [...Object.keys(e.spec.traffic), ...Object.keys(e.spec.mirrorTraffic)]) {
      if (
        !deployments.has(name) &&
        ((e.spec.traffic[name] ?? 0) > 0 || (e.spec.mirrorTraffic[name] ?? 0) > 0)
      ) {
        throw new ValidationError(
          `endpoint '${e.spec.name}' sends traffic to '${name}', which is not one of its deployments (${[...deployments].join(', ') || 'none'})`,
          { path: `endpoints.${e.spec.name}.traffic` },
        );
      }
    }
  }
}

/** A request's rows as the data collector writes them: `{columns, data}` when they came as rows. */
function collectedRows(frame: Frame, schema: ModelSchema): unknown {
  if (frame.kind === 'rows')
    return { columns: frame.columns ?? schema.inputs.map((c) => c.name), data: frame.rows };
  return frame.kind === 'records' ? frame.records : frame.columns;
}

/** The HTTP status an error answers with. */
export function statusOf(error: unknown): number {
  if (error instanceof HttpError) return error.status;
  if (error instanceof InputError) return 400;
  const status = (error as FastifyError | undefined)?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}

/**
 * Creates the server and loads every deployment (their threads start and load the model);
 * `listen()` then opens the port.
 *
 * @example
 * const server = await createServer({ config, port: 0 });
 * const { port } = await server.listen();
 * // POST http://127.0.0.1:${port}/score
 * await server.close();
 */
export async function createServer(options: ServerOptions): Promise<ScoringServer> {
  checkConfig(options.config);
  const random = options.random ?? Math.random;
  const clock = options.clock ?? Date.now;
  const authenticate =
    options.authenticate ?? ((endpoint, authorization) => checkCredentials(endpoint, authorization, clock()));
  const openPaths = new Set(options.openPaths ?? DEFAULT_OPEN_PATHS);
  const metrics = new ServeMetrics();
  const runtimes = new Map<string, DeploymentRuntime>();
  let live = new Map<string, LiveEndpoint>();
  let closing = false;
  /** HTTP requests received and not yet answered, and who waits for none to be left. */
  let active = 0;
  let idle: (() => void) | undefined;
  let applying: Promise<void> = Promise.resolve();
  const retiring = new Set<Promise<void>>();

  const loggerOption = options.logger ?? {};
  const bodyLimit = largestBody(options.config);
  const app = Fastify({
    logger:
      loggerOption === false
        ? false
        : { level: loggerOption.level ?? 'info', stream: loggerOption.stream ?? process.stderr },
    genReqId: requestId,
    requestIdHeader: false,
    bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });

  /** The data collector of each running deployment that has one. */
  const collectors = new Map<DeploymentRuntime, DataCollector>();

  async function startRuntime(endpoint: string, deployment: ServedDeployment): Promise<DeploymentRuntime> {
    let runtime: DeploymentRuntime;
    const scale = deployment.spec.scaleSettings;
    // a scaled deployment starts at its instance_count, brought within [min, max]
    const threads =
      options.threads ??
      (scale.type === 'target_utilization'
        ? Math.min(scale.maxInstances, Math.max(scale.minInstances, deployment.spec.instanceCount))
        : undefined);
    try {
      runtime = await DeploymentRuntime.start({
        endpoint,
        deployment,
        ...(threads !== undefined ? { threads } : {}),
        ...(options.maxBatchRows !== undefined ? { maxBatchRows: options.maxBatchRows } : {}),
      });
    } catch (error) {
      throw new ValidationError(
        `deployment '${deployment.spec.name}' of endpoint '${endpoint}' cannot start: ${(error as Error).message}`,
        { path: `${endpoint}.${deployment.spec.name}`, cause: error },
      );
    }
    const settings = deployment.spec.dataCollector;
    if (settings && (settings.modelInputs || settings.modelOutputs)) {
      try {
        collectors.set(
          runtime,
          new DataCollector(settings, {
            endpoint,
            deployment: deployment.spec.name,
            ...(options.dataCollectorRoot !== undefined ? { root: options.dataCollectorRoot } : {}),
            onError: (error) =>
              app.log.error({ err: error, endpoint, deployment: deployment.spec.name }, 'data collector'),
          }),
        );
      } catch (error) {
        await runtime.retire();
        throw error;
      }
    }
    return runtime;
  }

  /** Ends a deployment: what it holds finishes, then its threads and its data collector close. */
  async function retire(runtime: DeploymentRuntime): Promise<void> {
    await runtime.retire();
    const collector = collectors.get(runtime);
    collectors.delete(runtime);
    await collector?.close();
  }

  /** The autoscaler of each `target_utilization` deployment, with the revision it scales. */
  const scalers = new Map<string, { readonly revision: string; readonly scaler: Autoscaler }>();

  /** Serializes changes of what is served (apply, resize): one at a time, in order. */
  function serialize(work: () => Promise<void>): Promise<void> {
    const next = applying.then(work);
    applying = next.catch(() => {});
    return next;
  }

  /** Replaces a deployment's pool by one of `threads` threads: loaded first, then switched, then the old one drains. */
  function resize(key: string, threads: number): Promise<void> {
    return serialize(async () => {
      const old = runtimes.get(key);
      if (!old || old.threads === threads || closing) return;
      const fresh = await DeploymentRuntime.start({
        endpoint: old.endpoint,
        deployment: old.deployment,
        threads,
        ...(options.maxBatchRows !== undefined ? { maxBatchRows: options.maxBatchRows } : {}),
      });
      runtimes.set(key, fresh);
      const collector = collectors.get(old);
      if (collector) {
        collectors.delete(old);
        collectors.set(fresh, collector);
      }
      const endpoint = live.get(old.endpoint);
      if (endpoint) {
        const next = new Map(live);
        next.set(old.endpoint, {
          served: endpoint.served,
          runtimes: new Map([...endpoint.runtimes].map(([name, r]) => [name, r === old ? fresh : r])),
        });
        live = next;
      }
      app.log.info(
        { endpoint: old.endpoint, deployment: old.name, from: old.threads, to: threads },
        'scaled',
      );
      retireLater(old);
    });
  }

  /** Starts the autoscalers of new or changed scaled deployments, stops those of gone ones. */
  function syncScalers(): void {
    for (const [key, entry] of scalers) {
      if (runtimes.get(key)?.revision !== entry.revision) {
        entry.scaler.stop();
        scalers.delete(key);
      }
    }
    for (const [key, runtime] of runtimes) {
      const settings = runtime.deployment.spec.scaleSettings;
      if (settings.type !== 'target_utilization' || scalers.has(key) || options.threads !== undefined)
        continue;
      const scaler = new Autoscaler(settings, {
        initial: runtime.threads,
        measure: intervalMeasure(() => runtimes.get(key)?.busyMs ?? 0),
        resize: (n) => resize(key, n),
        ...(options.autoscaleTimer ? { timer: options.autoscaleTimer } : {}),
        onError: (error) =>
          app.log.error({ err: error, endpoint: runtime.endpoint, deployment: runtime.name }, 'autoscale'),
      });
      scaler.start();
      scalers.set(key, { revision: runtime.revision, scaler });
    }
  }

  /** Retires a replaced deployment in the background; close() waits for it. */
  function retireLater(runtime: DeploymentRuntime): void {
    const done = retire(runtime).catch((error: unknown) =>
      app.log.error({ err: error }, 'a replaced deployment failed to end'),
    );
    retiring.add(done);
    void done.finally(() => retiring.delete(done));
  }

  async function load(config: ServeConfig): Promise<void> {
    checkConfig(config);
    // load every new or changed deployment first; nothing switches until all are ready
    const started = new Map<string, DeploymentRuntime>();
    const wanted = new Map<string, DeploymentRuntime | Promise<DeploymentRuntime>>();
    for (const e of config.endpoints) {
      for (const d of e.deployments) {
        const key = keyOf(e.spec.name, d.spec.name);
        const current = runtimes.get(key);
        wanted.set(
          key,
          current && current.revision === d.revision
            ? current
            : startRuntime(e.spec.name, d).then((r) => {
                started.set(key, r);
                return r;
              }),
        );
      }
    }
    const settled = await Promise.allSettled(wanted.values());
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) {
      await Promise.all([...started.values()].map(retire));
      throw (failed as PromiseRejectedResult).reason;
    }
    const next = new Map<string, LiveEndpoint>();
    const keys = [...wanted.keys()];
    const values = settled.map((s) => (s as PromiseFulfilledResult<DeploymentRuntime>).value);
    const replaced: DeploymentRuntime[] = [];
    for (const [key, runtime] of runtimes) {
      const i = keys.indexOf(key);
      if (i < 0 || values[i] !== runtime) replaced.push(runtime);
    }
    runtimes.clear();
    for (const [i, k] of keys.entries()) runtimes.set(k, values[i]!);
    for (const e of config.endpoints) {
      next.set(e.spec.name, {
        served: e,
        runtimes: new Map(
          e.deployments.map((d) => [d.spec.name, runtimes.get(keyOf(e.spec.name, d.spec.name))!]),
        ),
      });
    }
    live = next;
    for (const old of replaced) retireLater(old);
    syncScalers();
  }

  function endpointOf(request: FastifyRequest): LiveEndpoint {
    const name = (request.params as { endpoint?: string }).endpoint;
    let endpoint: LiveEndpoint | undefined;
    if (name !== undefined) {
      endpoint = live.get(name);
      if (!endpoint) {
        throw new HttpError(
          404,
          `no endpoint named '${name}'; the endpoints are ${[...live.keys()].join(', ') || 'none'}`,
          'E_SERVE_NOT_FOUND',
        );
      }
    } else {
      if (live.size !== 1) {
        throw new HttpError(
          404,
          `this server has ${live.size} endpoints: call /endpoints/{name}/… (${[...live.keys()].join(', ') || 'none'})`,
          'E_SERVE_NOT_FOUND',
        );
      }
      endpoint = live.values().next().value!;
    }
    targetOf(request).endpoint = endpoint.served.spec.name;
    const config = request.routeOptions.config as unknown as RouteConfig;
    if (!openPaths.has(config.path) && !authenticate(endpoint.served, request.headers.authorization)) {
      const given = request.headers.authorization !== undefined;
      throw new HttpError(
        401,
        given
          ? 'the credential is not valid for this endpoint (wrong or expired key or token)'
          : 'this endpoint needs Authorization: Bearer <key or token>',
        'E_SERVE_AUTH',
        {
          'www-authenticate': given
            ? 'Bearer realm="mlsweep", error="invalid_token"'
            : 'Bearer realm="mlsweep"',
        },
      );
    }
    return endpoint;
  }

  function deploymentOf(
    request: FastifyRequest,
    reply: FastifyReply,
    endpoint: LiveEndpoint,
    pinned?: string,
  ): DeploymentRuntime {
    const spec = endpoint.served.spec;
    let name = pinned;
    if (name !== undefined) {
      if (!endpoint.runtimes.has(name)) {
        throw new HttpError(
          404,
          `endpoint '${spec.name}' has no deployment '${name}' (deployments: ${[...endpoint.runtimes.keys()].join(', ')})`,
          'E_SERVE_NOT_FOUND',
        );
      }
    } else {
      name = chooseDeployment(spec.traffic, random);
      if (name === undefined || !endpoint.runtimes.has(name)) {
        throw new HttpError(
          503,
          `endpoint '${spec.name}' sends no live traffic to any deployment; set its traffic or pin one with the ${DEPLOYMENT_HEADER} header`,
          'E_SERVE_NO_TRAFFIC',
        );
      }
    }
    const runtime = endpoint.runtimes.get(name)!;
    targetOf(request).deployment = name;
    reply.header(DEPLOYMENT_HEADER, name);
    const length = Number(request.headers['content-length']);
    const limit = runtime.deployment.spec.requestSettings.maxBodyBytes;
    if (length > limit) {
      throw new HttpError(
        413,
        `the body has ${length} bytes; deployment '${name}' takes at most ${limit} (request_settings.max_body_bytes)`,
        'E_SERVE_TOO_LARGE',
      );
    }
    return runtime;
  }

  async function tracked<T>(endpoint: string, runtime: DeploymentRuntime, work: Promise<T>): Promise<T> {
    metrics.flight(endpoint, runtime.name, 1);
    try {
      return await work;
    } finally {
      metrics.flight(endpoint, runtime.name, -1);
    }
  }

  function checkedInput(runtime: DeploymentRuntime, frame: Frame, proba: boolean) {
    if (proba && runtime.schema.task !== 'classification') {
      throw new InputError(
        `deployment '${runtime.name}' is a regression model: it has no class probabilities`,
      );
    }
    return frameColumns(frame, runtime.schema);
  }

  function mirror(endpoint: LiveEndpoint, serving: string, copy: MirrorCopy): void {
    const targets = mirrorTargets(endpoint.served.spec.mirrorTraffic, serving, random);
    const endpointName = endpoint.served.spec.name;
    for (const name of targets) {
      const runtime = endpoint.runtimes.get(name);
      if (!runtime) continue;
      setImmediate(() => {
        let work: Promise<unknown>;
        try {
          work =
            copy.protocol === 'azure' && runtime.hasScript
              ? runtime.run(copy.body)
              : runtime.score(frameColumns(copy.frame ?? azureFrame(copy.body), runtime.schema));
        } catch (error) {
          work = Promise.reject(error);
        }
        work.then(
          () => metrics.mirror(endpointName, name, 200),
          (error: unknown) => metrics.mirror(endpointName, name, statusOf(error)),
        );
      });
    }
  }

  const context: ServeContext = {
    endpoint: endpointOf,
    deployment: deploymentOf,
    score: async (request, endpoint, runtime, frame, proba) => {
      const input = checkedInput(runtime, frame, proba);
      const time = clock();
      const raw = await tracked(endpoint.served.spec.name, runtime, runtime.score(input));
      metrics.rowsScored(endpoint.served.spec.name, runtime.name, input.nRows);
      collectors.get(runtime)?.collect({
        requestId: request.id,
        time,
        inputs: collectedRows(frame, runtime.schema),
        outputs: proba ? probaRecords(raw, runtime.schema) : labelsOf(raw, runtime.schema),
      });
      return raw;
    },
    run: async (request, endpoint, runtime, body) => {
      try {
        const time = clock();
        const answer = await tracked(endpoint.served.spec.name, runtime, runtime.run(body));
        collectors.get(runtime)?.collect({ requestId: request.id, time, inputs: body, outputs: answer });
        return answer;
      } catch (error) {
        if (statusOf(error) === 500) {
          request.log.error(
            { deployment: runtime.name, detail: (error as { detail?: string }).detail ?? String(error) },
            'the scoring script failed',
          );
        }
        throw error;
      }
    },
    mirror,
    ready: () => !closing,
    primary: (endpoint) => {
      let best: [string, number] | undefined;
      for (const name of endpoint.runtimes.keys()) {
        const share = endpoint.served.spec.traffic[name] ?? 0;
        if (!best || share > best[1]) best = [name, share];
      }
      if (!best)
        throw new HttpError(
          503,
          `endpoint '${endpoint.served.spec.name}' has no deployment`,
          'E_SERVE_NO_TRAFFIC',
        );
      return endpoint.runtimes.get(best[0])!;
    },
    version: VERSION,
  };

  app.addContentTypeParser(['text/csv', 'application/csv'], { parseAs: 'string' }, (_request, body, done) =>
    done(null, body),
  );
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    active++;
    if (closing) {
      reply.header('connection', 'close');
      throw new HttpError(503, 'the server is shutting down', 'E_SERVE_CLOSING');
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    active--;
    if (active === 0) idle?.();
    const config = request.routeOptions.config as unknown as Partial<RouteConfig> | undefined;
    if (!config?.protocol || config.protocol === 'metrics') return;
    const target = targetOf(request);
    metrics.request(
      { endpoint: target.endpoint ?? '', deployment: target.deployment ?? '', protocol: config.protocol },
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
  });
  app.setErrorHandler((error, request, reply) => {
    const status = statusOf(error);
    const code = (error as FastifyError).code;
    const message =
      code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `the body is larger than ${bodyLimit} bytes (request_settings.max_body_bytes)`
        : error instanceof Error
          ? error.message
          : String(error);
    if (status >= 500 && !(error instanceof HttpError)) request.log.error({ err: error }, 'request failed');
    if (error instanceof HttpError) for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
    const protocol = (request.routeOptions.config as unknown as Partial<RouteConfig> | undefined)?.protocol;
    const where =
      error instanceof InputError
        ? {
            ...(error.column !== undefined ? { column: error.column } : {}),
            ...(error.row !== undefined ? { row: error.row } : {}),
          }
        : {};
    reply.code(status);
    if (protocol === 'mlflow') return { error_code: mlflowErrorCode(status), message, ...where };
    if (protocol === 'oip') return { error: message, ...where };
    return { error: message, ...where, request_id: request.id };
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404);
    return { error: `no route ${request.method} ${request.url.split('?')[0]}`, request_id: request.id };
  });

  const routes = async (scope: FastifyInstance) => {
    registerAzure(scope, context);
    registerMlflow(scope, context);
    registerOip(scope, context);
  };
  await app.register(routes, { prefix: '/endpoints/:endpoint' });
  await app.register(routes);
  app.route({
    method: 'GET',
    url: '/metrics',
    config: { protocol: 'metrics' as Protocol, path: '/metrics' } satisfies RouteConfig,
    handler: async (request, reply) => {
      if (!openPaths.has('/metrics')) {
        const allowed = [...live.values()].some((e) => authenticate(e.served, request.headers.authorization));
        if (!allowed) {
          throw new HttpError(
            401,
            'the metrics need Authorization: Bearer <a key or token of an endpoint>',
            'E_SERVE_AUTH',
            {
              'www-authenticate': 'Bearer realm="mlsweep"',
            },
          );
        }
      }
      reply.type('text/plain; version=0.0.4; charset=utf-8');
      return metrics.text();
    },
  });

  await load(options.config);

  return {
    app,
    metrics,
    async listen() {
      const host = options.host ?? '127.0.0.1';
      await app.listen({ host, port: options.port ?? 5001 });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 5001);
      return { host, port };
    },
    apply(config) {
      return serialize(() => load(config));
    },
    async close() {
      closing = true;
      for (const { scaler } of scalers.values()) scaler.stop();
      scalers.clear();
      await applying;
      // still listening while requests finish: new ones get 503 (and readiness fails), so a
      // load balancer moves away; then the port closes
      if (active > 0) {
        const limit = Math.max(
          0,
          ...[...runtimes.values()].map((r) => r.deployment.spec.requestSettings.requestTimeoutMs),
        );
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, limit + 1000);
          timer.unref();
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await app.close();
      await Promise.all([...retiring]);
      await Promise.all([...runtimes.values()].map(retire));
      runtimes.clear();
    },
    metricsText: () => metrics.text(),
    deployments: () =>
      [...live.values()].flatMap((e) =>
        [...e.runtimes.values()].map((r) => ({
          endpoint: e.served.spec.name,
          deployment: r.name,
          inFlight: r.inFlight,
          utilization: r.utilization,
          threads: r.threads,
        })),
      ),
  };
}
