/**
 * Mounts the studio on a fastify app: the pages (`/studio/`), their client files
 * (`/static/*`), the JSON API (`/studio/api/*`, behind the guard) and its live events
 * (`/studio/api/events`, server-sent), plus the store watcher that feeds them.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ModelRegistry } from '../../registry/model-registry.ts';
import { appendAudit } from '../../tracking/audit-log.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';
import type { LoggedEvent } from '../mlflow/context.ts';
import { STUDIO_API } from './api/index.ts';
import type { StudioContext } from './context.ts';
import { answerStudioError, studioError } from './errors.ts';
import { createEventHub, type StudioEventHub, streamEvents } from './events.ts';
import { createGuard, guardRequest } from './guard.ts';
import { loginPage } from './login.ts';
import { SECURITY_HEADERS, sendStatic, versionedShell, WEB_ROOT } from './static.ts';
import { type StoreWatcher, type StoreWatcherOptions, watchStore } from './watcher.ts';

/** Options of {@link registerStudio}. */
export interface StudioOptions {
  readonly store: SqliteStore;
  /** Default: a registry over the same store. */
  readonly registry?: ModelRegistry;
  /**
   * With a key, every API request needs `Authorization: Bearer KEY` or the session cookie
   * `/studio/login` sets. The caller refuses a host beyond loopback without one.
   */
  readonly key?: string;
  /** The store watcher's poll period and timers; `false` for none (tests drive `handle.watcher`). */
  readonly watch?: StoreWatcherOptions | false;
  /** Default Date.now: the audit log's clock. */
  readonly now?: () => number;
  /** Whether `GET /` redirects to `/studio/` (default true; false where the app answers `/` itself). */
  readonly redirectRoot?: boolean;
}

/** A mounted studio. */
export interface StudioHandle {
  readonly context: StudioContext;
  readonly events: StudioEventHub;
  /** The store watcher (undefined with `watch: false`). */
  readonly watcher: StoreWatcher | undefined;
  /** Publishes what the MLflow API just logged (pass it as the tracking server's onLogged). */
  onLogged(event: LoggedEvent): void;
  /** Stops the watcher and ends every event stream (also done when the app closes). */
  close(): void;
}

/**
 * Mounts the studio on `app` (before it listens). The store stays the caller's to close.
 *
 * @example
 * const app = Fastify();
 * const studio = registerStudio(app, { store: new SqliteStore({ dir: 'mlruns' }) });
 * await app.listen({ host: '127.0.0.1', port: 5050 }); // open http://127.0.0.1:5050/studio/
 */
export function registerStudio(app: FastifyInstance, options: StudioOptions): StudioHandle {
  const { store } = options;
  const registry = options.registry ?? new ModelRegistry({ store });
  const now = options.now ?? Date.now;
  const guard = createGuard(options.key);
  const events = createEventHub();
  const streams = new Set<() => void>();
  const context: StudioContext = {
    store,
    registry,
    storeDir: store.dir,
    events,
    actor: (request) => guard.actor(request),
    audit(request, action, target, detail) {
      const entry = appendAudit(store, { at: now(), actor: guard.actor(request), action, target, detail });
      events.publish('audit', entry);
    },
  };

  const html = (reply: FastifyReply, status: number, body: string) =>
    reply
      .code(status)
      .headers({ ...SECURITY_HEADERS, 'cache-control': 'no-store' })
      .type('text/html; charset=utf-8')
      .send(body);

  if (options.redirectRoot !== false)
    app.get('/', async (_request, reply) => reply.redirect('/studio/', 302));
  app.get('/studio', async (_request, reply) => reply.redirect('/studio/', 302));
  // client files under /static/v/BUILD/ are cached for good: BUILD changes when the server restarts
  const build = Date.now().toString(36);
  app.get('/studio/', async (request, reply) =>
    sendStatic(WEB_ROOT, 'index.html', request, reply, { rewrite: (html) => versionedShell(html, build) }),
  );
  app.get('/static/*', async (request, reply) =>
    sendStatic(WEB_ROOT, (request.params as { '*': string })['*'], request, reply),
  );
  app.get('/static/v/:build/*', async (request, reply) => {
    const params = request.params as { build: string; '*': string };
    return sendStatic(WEB_ROOT, params['*'], request, reply, { immutable: params.build === build });
  });
  app.get('/studio/login', async (request, reply) => {
    const key = (request.query as Record<string, unknown>).key;
    if (typeof key === 'string' && key !== '') return login(reply, key);
    return html(reply, 200, loginPage(guard.keyed ? 'ask' : 'open'));
  });
  app.register(async (scope) => {
    scope.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string' },
      (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.post('/studio/login', async (request, reply) => {
      const key = (request.body as Record<string, unknown> | undefined)?.key;
      return login(reply, typeof key === 'string' ? key : '');
    });
  });
  function login(reply: FastifyReply, key: string): FastifyReply {
    if (!guard.keyed) return reply.redirect('/studio/', 303);
    if (!guard.isKey(key)) return html(reply, 401, loginPage('wrong'));
    return reply.header('set-cookie', guard.sessionCookie()).redirect('/studio/', 303);
  }

  app.register(async (scope) => {
    scope.setErrorHandler(answerStudioError);
    scope.addHook('onRequest', async (request, reply) => guardRequest(guard, request, reply));
    scope.get('/studio/api/events', (request: FastifyRequest, reply: FastifyReply) => {
      streamEvents(events, request, reply, streams);
    });
    for (const register of STUDIO_API) register(scope, context);
  });
  app.register(
    async (scope) => {
      scope.setNotFoundHandler((request, reply) =>
        studioError(
          reply,
          404,
          'NOT_FOUND',
          `no such endpoint: ${request.method} ${request.url.split('?')[0]}`,
        ),
      );
    },
    { prefix: '/studio/api' },
  );

  const watcher =
    options.watch === false
      ? undefined
      : watchStore(store, events, {
          ...options.watch,
          onError:
            options.watch?.onError ?? ((error) => app.log.warn({ err: error }, 'studio store watcher')),
        });
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    watcher?.stop();
    for (const end of [...streams]) end();
  };
  // Open event streams never go idle: end them first, or closing the app would wait on them.
  app.addHook('preClose', async () => close());
  return {
    context,
    events,
    watcher,
    close,
    onLogged(event) {
      if (event.metrics !== undefined && event.metrics.length > 0)
        events.publish('metrics', { runIds: [event.runId] });
      else events.publish('runs', { runIds: [event.runId] });
    },
  };
}
