/**
 * The MLflow-compatible tracking server: a fastify app with the MLflow REST API over an
 * mlsweep store, bound to loopback by default, and behind a key when bound elsewhere.
 */
import type { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { ValidationError } from '../../core/errors.ts';
import { ModelRegistry } from '../../registry/model-registry.ts';
import { isLoopbackHost } from '../../serve/auth.ts';
import { SqliteStore } from '../../tracking/sqlite-store.ts';
import { registerStudio, type StudioHandle } from '../ui/plugin.ts';
import type { StoreWatcherOptions } from '../ui/watcher.ts';
import { registerMlflowApi } from './api.ts';
import { type LoggedEvent, mlflowError } from './context.ts';

/** Options of {@link createTrackingServer}. */
export interface TrackingServerOptions {
  /** The store folder (created when missing), or a `postgresql://` URL. */
  readonly storeDir: string;
  /** With a PostgreSQL store: the shared artifacts folder (default $MLSWEEP_ARTIFACTS or ./mlruns-artifacts). */
  readonly artifactsDir?: string;
  /** Default 127.0.0.1; any other address needs `key`. */
  readonly host?: string;
  /** Default 5000 (MLflow's); 0 picks a free port. */
  readonly port?: number;
  /**
   * Callers must send `Authorization: Bearer KEY` (what MLflow clients send for
   * MLFLOW_TRACKING_TOKEN) or HTTP Basic with KEY as the password (MLFLOW_TRACKING_PASSWORD).
   */
  readonly key?: string;
  /** JSON logs (pino): where to and from which level (default stderr, `warn`); `false` for none. */
  readonly logger?: { readonly stream?: Writable; readonly level?: string } | false;
  /** Called after metrics, params or tags are stored. */
  readonly onLogged?: (event: LoggedEvent) => void;
  /**
   * Mounts the studio (the web UI at `/studio/`, src/studio/ui) on the same app, behind the
   * same key, fed live by what the API logs; an object sets its store watcher.
   */
  readonly studio?: boolean | { readonly watch?: StoreWatcherOptions | false };
}

/** A created tracking server. */
export interface TrackingServer {
  /** The fastify instance. */
  readonly app: FastifyInstance;
  /** The studio, when mounted (`studio` option). */
  readonly studio: StudioHandle | undefined;
  /** `http://HOST:PORT`, once listening (the port chosen when 0 was asked). */
  readonly url: string;
  /** Starts listening; resolves with the address. */
  listen(): Promise<{ host: string; port: number }>;
  /** Stops accepting requests, lets those in flight finish, closes the store. */
  close(): Promise<void>;
}

/** The body limit of the parser: log-batch checks MLflow's own 1 MB limit itself. */
const BODY_LIMIT = 16 * 1024 * 1024;

/** What `/version` answers: the MLflow version whose REST API this one follows. */
export const MLFLOW_API_VERSION = '2.19.0';

/**
 * Creates the tracking server over a store. Refuses (ValidationError) a host beyond
 * loopback without a key, before anything opens.
 *
 * @example
 * const server = createTrackingServer({ storeDir: 'mlruns', port: 0 });
 * await server.listen();
 * process.env.MLFLOW_TRACKING_URI = server.url;
 */
export function createTrackingServer(options: TrackingServerOptions): TrackingServer {
  const host = options.host ?? '127.0.0.1';
  const key = options.key;
  if (key !== undefined && key.length === 0) {
    throw new ValidationError('the tracking server key must not be empty', { path: 'key' });
  }
  if (key === undefined && !isLoopbackHost(host)) {
    throw new ValidationError(
      `the tracking server on ${host} needs a key: the API writes to the store, so beyond loopback callers must authenticate`,
      { path: 'host' },
    );
  }
  const store = new SqliteStore({
    dir: options.storeDir,
    ...(options.artifactsDir !== undefined ? { artifactsDir: options.artifactsDir } : {}),
  });
  const registry = new ModelRegistry({ store });
  const loggerOption = options.logger ?? {};
  const app = Fastify({
    logger:
      loggerOption === false
        ? false
        : { level: loggerOption.level ?? 'warn', stream: loggerOption.stream ?? process.stderr },
    bodyLimit: BODY_LIMIT,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
  });
  app.setNotFoundHandler((request, reply) =>
    mlflowError(
      reply,
      404,
      'ENDPOINT_NOT_FOUND',
      `no such endpoint: ${request.method} ${request.url.split('?')[0]}`,
    ),
  );
  app.get('/health', async (_request, reply) => reply.type('text/plain').send('OK'));
  app.get('/version', async (_request, reply) => reply.type('text/plain').send(MLFLOW_API_VERSION));
  const studio = options.studio
    ? registerStudio(app, {
        store,
        registry,
        ...(key !== undefined ? { key } : {}),
        ...(typeof options.studio === 'object' && options.studio.watch !== undefined
          ? { watch: options.studio.watch }
          : {}),
      })
    : undefined;
  const onLogged =
    studio === undefined
      ? options.onLogged
      : (event: LoggedEvent) => {
          studio.onLogged(event);
          options.onLogged?.(event);
        };
  registerMlflowApi(app, {
    store,
    registry,
    ...(key !== undefined ? { key } : {}),
    ...(onLogged ? { onLogged } : {}),
  });
  let url = '';
  let closed = false;
  return {
    app,
    studio,
    get url() {
      return url;
    },
    async listen() {
      await app.listen({ host, port: options.port ?? 5000 });
      const address = app.server.address();
      const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 5000);
      url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
      return { host, port };
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await app.close();
      } finally {
        store.close();
      }
    },
  };
}
