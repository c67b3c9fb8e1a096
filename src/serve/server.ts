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
import { type Readable, Transform, type Writable } from 'node:stream';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { DEFAULT_MAX_BODY_BYTES } from '../registry/endpoint-types.ts';
import { checkCredentials } from './auth.ts';
import type { AutoscaleTimer } from './autoscale.ts';
import type { CollectedRecord } from './data-collector.ts';
import { HttpError } from './errors.ts';
import { checkConfig, type DeploymentState, Fleet } from './fleet.ts';
import { acceptingUnknownCategories, type Frame, frameColumns, InputError } from './input.ts';
import { DeploymentLogs } from './logs/deployment-logs.ts';
import { ServeMetrics } from './metrics.ts';
import type { DeploymentRuntime } from './pool.ts';
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
import type { ServeConfig, ServedEndpoint } from './types.ts';

/** Paths (relative to an endpoint, and `/metrics`) that answer without credentials by default. */
export const DEFAULT_OPEN_PATHS: readonly string[] = [
  '/',
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
  /**
   * A category a model never saw: `reject` answers 400 naming it (default); `accept`
   * scores it as the featurizer encodes unseen levels (all-zero one-hot, zero frequency,
   * the target prior).
   */
  readonly unknownCategories?: 'reject' | 'accept';
  /** The timer of the autoscalers of `target_utilization` deployments (default: setInterval). */
  readonly autoscaleTimer?: AutoscaleTimer;
  /**
   * Where each deployment's own log is kept (`<root>/<endpoint>/<deployment>/server.log`,
   * rotated; see logs/deployment-logs.ts), what `mlsweep deployment get-logs` reads: a line
   * per answer and per failure, at the logger's level. Absent: no deployment logs.
   */
  readonly deploymentLogRoot?: string;
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
  deployments(): DeploymentState[];
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

/**
 * The body limit of the HTTP parser: the largest `max_body_bytes` of the first snapshot,
 * and at least the default (100 MB), so that deployments applied later with up to the
 * default need no restart. Each deployment's own limit is checked when the request is
 * routed (413): by Content-Length, or for a chunked body by the bytes counted while it
 * streamed in, which stops reading at the largest limit among the endpoint's deployments
 * (see limitChunkedBody).
 */
function parserBodyLimit(config: ServeConfig): number {
  let most = DEFAULT_MAX_BODY_BYTES;
  for (const e of config.endpoints) {
    for (const d of e.deployments) most = Math.max(most, d.spec.requestSettings.maxBodyBytes);
  }
  return most;
}

/** A request's rows as the data collector writes them: `{columns, data}` when they came as rows. */
function collectedRows(frame: Frame, schema: ModelSchema): unknown {
  if (frame.kind === 'rows')
    return { columns: frame.columns ?? schema.inputs.map((c) => c.name), data: frame.rows };
  return frame.kind === 'records' ? frame.records : frame.columns;
}

/** A request whose JSON body's text the server keeps (see the JSON parser in createServer). */
type WithBodyText = FastifyRequest & { [BODY_TEXT]: string | null };
const BODY_TEXT = 'mlsweepBodyText';
/** A request with a chunked body: the bytes received (see limitChunkedBody). */
type WithBodyBytes = FastifyRequest & { [BODY_BYTES]: number };
const BODY_BYTES = 'mlsweepBodyBytes';

/**
 * A chunked body (no Content-Length) counted as it streams in, and cut with a 413 past
 * `limit` bytes: the parser then stops reading it, rather than taking up to its own
 * limit (100 MB) before the deployment's is known. The count is kept on the request for
 * the exact check against the deployment chosen (deploymentOf).
 */
function limitChunkedBody(
  request: FastifyRequest,
  payload: Readable,
  limit: number,
  what: string,
): Transform {
  let received = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      (request as WithBodyBytes)[BODY_BYTES] = received;
      if (received > limit) {
        done(
          new HttpError(
            413,
            `the body has more than ${limit} bytes, the most ${what} takes (request_settings.max_body_bytes)`,
            'E_SERVE_TOO_LARGE',
          ),
        );
        return;
      }
      done(null, chunk);
    },
  });
  payload.pipe(counter);
  return counter;
}

/**
 * What the data collector gets of a request's rows: the body's JSON text and where the
 * rows are in it when they came as a list of rows in a JSON body (a single string to
 * hold, and written by copying the cells' text, see collect/rows-text.ts), else the
 * parsed rows.
 */
function collectedInputs(
  request: FastifyRequest,
  frame: Frame,
  schema: ModelSchema,
  rowsPath: readonly string[] | undefined,
): Pick<CollectedRecord, 'inputs' | 'inputsText'> {
  const text = (request as WithBodyText)[BODY_TEXT];
  if (frame.kind === 'rows' && rowsPath !== undefined && typeof text === 'string') {
    return {
      inputsText: {
        text,
        path: rowsPath,
        columns: frame.columns ?? schema.inputs.map((c) => c.name),
        nRows: frame.rows.length,
      },
    };
  }
  return { inputs: collectedRows(frame, schema) };
}

/**
 * The HTTP status an error answers with.
 *
 * @example
 * statusOf(new InputError('row 0 ...')); // 400
 */
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
  let closing = false;
  /** HTTP requests received and not yet answered, and who waits for none to be left. */
  let active = 0;
  let idle: (() => void) | undefined;

  const loggerOption = options.logger ?? {};
  const bodyLimit = parserBodyLimit(options.config);
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

  const deploymentLogs =
    options.deploymentLogRoot === undefined
      ? undefined
      : new DeploymentLogs({
          root: options.deploymentLogRoot,
          level: loggerOption === false ? 'info' : (loggerOption.level ?? 'info'),
          clock,
        });

  const fleet = new Fleet({
    log: app.log,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.maxBatchRows !== undefined ? { maxBatchRows: options.maxBatchRows } : {}),
    ...(options.dataCollectorRoot !== undefined ? { dataCollectorRoot: options.dataCollectorRoot } : {}),
    ...(options.autoscaleTimer !== undefined ? { autoscaleTimer: options.autoscaleTimer } : {}),
  });

  function endpointOf(request: FastifyRequest): LiveEndpoint {
    const name = (request.params as { endpoint?: string }).endpoint;
    let endpoint: LiveEndpoint | undefined;
    if (name !== undefined) {
      endpoint = fleet.live.get(name);
      if (!endpoint) {
        throw new HttpError(
          404,
          `no endpoint named '${name}'; the endpoints are ${[...fleet.live.keys()].join(', ') || 'none'}`,
          'E_SERVE_NOT_FOUND',
        );
      }
    } else {
      const live = fleet.live;
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
    const given = request.headers['content-length'];
    // a chunked body was counted as it came in (limitChunkedBody)
    const length = given !== undefined ? Number(given) : (request as WithBodyBytes)[BODY_BYTES];
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

  /** Each model's schema without category checks (unknownCategories: 'accept'). */
  const accepting = new WeakMap<ModelSchema, ModelSchema>();

  function checkedInput(runtime: DeploymentRuntime, frame: Frame, proba: boolean) {
    if (proba && runtime.schema.task !== 'classification') {
      throw new InputError(
        `deployment '${runtime.name}' is a regression model: it has no class probabilities`,
      );
    }
    if (options.unknownCategories !== 'accept') return frameColumns(frame, runtime.schema);
    let loose = accepting.get(runtime.schema);
    if (loose === undefined) {
      loose = acceptingUnknownCategories(runtime.schema);
      accepting.set(runtime.schema, loose);
    }
    return frameColumns(frame, loose);
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
    score: async (request, endpoint, runtime, frame, proba, rowsPath) => {
      const input = checkedInput(runtime, frame, proba);
      const time = clock();
      const raw = await tracked(endpoint.served.spec.name, runtime, runtime.score(input));
      metrics.rowsScored(endpoint.served.spec.name, runtime.name, input.nRows);
      const collector = fleet.collector(runtime);
      if (collector !== undefined) {
        const schema = runtime.schema;
        collector.collect({
          requestId: request.id,
          time,
          ...collectedInputs(request, frame, schema, rowsPath),
          // built when the collector serializes the record, after the answer is sent
          outputs: () => (proba ? probaRecords(raw, schema) : labelsOf(raw, schema)),
        });
      }
      return raw;
    },
    run: async (request, endpoint, runtime, body) => {
      try {
        const time = clock();
        const answer = await tracked(endpoint.served.spec.name, runtime, runtime.run(body));
        fleet.collector(runtime)?.collect({ requestId: request.id, time, inputs: body, outputs: answer });
        return answer;
      } catch (error) {
        if (statusOf(error) === 500) {
          const detail = (error as { detail?: string }).detail ?? String(error);
          request.log.error({ deployment: runtime.name, detail }, 'the scoring script failed');
          deploymentLogs?.write(
            endpoint.served.spec.name,
            runtime.name,
            'error',
            'the scoring script failed',
            {
              reqId: request.id,
              detail,
            },
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
  app.decorateRequest(BODY_TEXT, null);
  app.decorateRequest(BODY_BYTES, 0);
  // a chunked body is counted and cut at the limit while it streams in (limitChunkedBody)
  app.addHook('preParsing', (request, _reply, payload, done) => {
    if (
      request.headers['content-length'] !== undefined ||
      request.headers['transfer-encoding'] === undefined
    ) {
      done(null, payload);
      return;
    }
    // the deployment is drawn once the body is in: read at most what one of the endpoint's
    // deployments (the pinned one, when pinned) takes
    const name = (request.params as { endpoint?: string } | undefined)?.endpoint;
    const endpoint =
      name !== undefined
        ? fleet.live.get(name)
        : fleet.live.size === 1
          ? fleet.live.values().next().value
          : undefined;
    if (endpoint === undefined) {
      done(null, payload);
      return;
    }
    const pinned = request.headers[DEPLOYMENT_HEADER];
    const pinnedRuntime = typeof pinned === 'string' ? endpoint.runtimes.get(pinned) : undefined;
    let limit = 0;
    for (const runtime of pinnedRuntime !== undefined ? [pinnedRuntime] : endpoint.runtimes.values()) {
      limit = Math.max(limit, runtime.deployment.spec.requestSettings.maxBodyBytes);
    }
    const what =
      pinnedRuntime !== undefined
        ? `deployment '${pinnedRuntime.name}'`
        : `endpoint '${endpoint.served.spec.name}'`;
    done(null, limit > 0 ? limitChunkedBody(request, payload, limit, what) : payload);
  });
  // fastify's own JSON parser (prototype poisoning refused), keeping the text it parsed: the
  // data collector copies the rows' cells from it rather than formatting the numbers again
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    (request as WithBodyText)[BODY_TEXT] = body as string;
    parseJson(request, body as string, done);
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    active++;
    // 'close' comes once the answer is sent or the caller went away (onResponse does not
    // run for a request whose caller hung up, and a drain must not wait for it)
    reply.raw.once('close', () => {
      active--;
      if (active === 0) idle?.();
    });
    if (closing) {
      reply.header('connection', 'close');
      throw new HttpError(503, 'the server is shutting down', 'E_SERVE_CLOSING');
    }
  });
  app.addHook('onResponse', async (request, reply) => {
    const config = request.routeOptions.config as unknown as Partial<RouteConfig> | undefined;
    if (!config?.protocol || config.protocol === 'metrics') return;
    const target = targetOf(request);
    metrics.request(
      { endpoint: target.endpoint ?? '', deployment: target.deployment ?? '', protocol: config.protocol },
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    if (deploymentLogs?.enabled('info') && target.endpoint !== undefined && target.deployment !== undefined) {
      deploymentLogs.write(target.endpoint, target.deployment, 'info', 'request completed', {
        reqId: request.id,
        protocol: config.protocol,
        method: request.method,
        url: request.url,
        statusCode: reply.statusCode,
        responseTime: Math.round(reply.elapsedTime * 1000) / 1000,
      });
    }
  });
  app.setErrorHandler((error, request, reply) => {
    const status = statusOf(error);
    const code = (error as FastifyError).code;
    // an unexpected failure is logged whole and answered without its details (paths, internals)
    const unexpected = status >= 500 && !(error instanceof HttpError);
    if (unexpected) {
      request.log.error({ err: error }, 'request failed');
      const target = targetOf(request);
      if (target.endpoint !== undefined && target.deployment !== undefined) {
        deploymentLogs?.write(target.endpoint, target.deployment, 'error', 'request failed', {
          reqId: request.id,
          err: error instanceof Error ? error.message : String(error),
        });
      }
    }
    const message = unexpected
      ? 'the request failed inside the server; its error is in the server log (look for this request id)'
      : code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? `the body is larger than ${bodyLimit} bytes (request_settings.max_body_bytes)`
        : error instanceof Error
          ? error.message
          : String(error);
    if (error instanceof HttpError) for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
    // the rest of a body too large is not read: the connection closes after the answer
    if (status === 413) reply.header('connection', 'close');
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
        const allowed = [...fleet.live.values()].some((e) =>
          authenticate(e.served, request.headers.authorization),
        );
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
      return metrics.text(fleet.deployments());
    },
  });

  await fleet.apply(options.config);

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
      return fleet.apply(config);
    },
    async close() {
      closing = true;
      await fleet.quiesce();
      // still listening while requests finish: new ones get 503 (and readiness fails), so a
      // load balancer moves away; then the port closes
      if (active > 0) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, fleet.longestTimeoutMs() + 1000);
          timer.unref();
          idle = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      await app.close();
      await fleet.close();
      await deploymentLogs?.close();
    },
    metricsText: () => metrics.text(fleet.deployments()),
    deployments: () => fleet.deployments(),
  };
}
