import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import { checkEndpointName } from '../registry/endpoint-names.ts';
import { isLoopbackHost } from '../serve/auth.ts';
import { loadServeConfig } from '../serve/catalog.ts';
import { createServer, type ScoringServer } from '../serve/server.ts';
import { singleModelConfig } from '../serve/single.ts';
import { serveStore } from '../serve/store-server.ts';
import type { ServeConfig } from '../serve/types.ts';
import { registerMlflowApi } from '../studio/mlflow/api.ts';
import { registerStudio } from '../studio/ui/plugin.ts';
import { isPostgresUrl } from '../tracking/pg-url.ts';
import { resolveStoreLocation, SqliteStore } from '../tracking/sqlite-store.ts';
import { modelFileFor } from './model-ref.ts';
import { choiceOption, integerOption } from './options.ts';
import { log, printResult } from './output.ts';
import { startStoreScheduler } from './scheduler.ts';
import { onStopSignals } from './signals.ts';

interface ServeCliOptions {
  /** --scheduler: fire the store's schedules too. */
  scheduler?: boolean;
  model?: string;
  name: string;
  port: number;
  host: string;
  workers?: number;
  store?: string;
  key?: string;
  json?: boolean;
  logLevel: string;
  maxBatchRows?: number;
  acceptUnknownCategories?: boolean;
  tracking?: boolean;
  trackingKey?: string;
  studio?: boolean;
}

/** How often the store is checked for changes in `--store` mode (ms). */
const WATCH_INTERVAL_MS = 500;

/** What to serve, checked before anything starts. */
interface Plan {
  readonly config: ServeConfig;
  /** A key generated for an open endpoint beyond loopback. */
  readonly generated?: string;
  readonly key?: string;
  /** The store to watch (`--store` without `--model`). */
  readonly watch?: string;
}

function modelPlan(o: ServeCliOptions, model: string): Plan {
  if (o.key !== undefined && o.key.trim().length < 8) {
    throw new ValidationError('--key must be at least 8 characters', { path: '--key' });
  }
  try {
    checkEndpointName(o.name, 'endpoint');
  } catch (error) {
    throw new ValidationError(`--name: ${(error as Error).message}`, { path: '--name' });
  }
  const modelFile = modelFileFor(model, o.store);
  if (!existsSync(modelFile) || !statSync(modelFile).isFile()) {
    throw new ValidationError(`--model: the model file ${modelFile} does not exist`, { path: '--model' });
  }
  const generated =
    o.key === undefined && !isLoopbackHost(o.host) ? randomBytes(24).toString('base64url') : undefined;
  const key = o.key ?? generated;
  return {
    config: singleModelConfig({
      modelFile,
      name: o.name,
      model,
      ...(o.workers !== undefined ? { instanceCount: o.workers } : {}),
      ...(key !== undefined ? { key } : {}),
    }),
    ...(generated !== undefined ? { generated } : {}),
    ...(key !== undefined ? { key } : {}),
  };
}

/** The tracking API to mount with `--tracking`: its store and key, checked before anything starts. */
function trackingPlan(
  o: ServeCliOptions,
): { storeDir: string; key?: string; generated?: string } | undefined {
  if (!o.tracking) {
    if (o.trackingKey !== undefined) {
      throw new ValidationError('--tracking-key needs --tracking', { path: '--tracking-key' });
    }
    return undefined;
  }
  if (o.trackingKey !== undefined && o.trackingKey.trim().length < 8) {
    throw new ValidationError('--tracking-key must be at least 8 characters', { path: '--tracking-key' });
  }
  const storeDir = resolveStoreLocation(o.store);
  const generated =
    o.trackingKey === undefined && !isLoopbackHost(o.host)
      ? randomBytes(24).toString('base64url')
      : undefined;
  const key = o.trackingKey ?? generated;
  return {
    storeDir,
    ...(key !== undefined ? { key } : {}),
    ...(generated !== undefined ? { generated } : {}),
  };
}

function storePlan(o: ServeCliOptions, store: string): Plan {
  if (o.key !== undefined) {
    throw new ValidationError(
      "--key is for --model: a store's endpoints have their own keys (endpoint get-credentials)",
      {
        path: '--key',
      },
    );
  }
  if (!isPostgresUrl(store) && !existsSync(store)) {
    throw new ValidationError(`--store: ${store} does not exist`, { path: '--store' });
  }
  const config = loadServeConfig(store);
  const open = config.endpoints.filter((e) => e.credentials === undefined).map((e) => e.spec.name);
  if (open.length > 0 && !isLoopbackHost(o.host)) {
    throw new ValidationError(
      `--host ${o.host}: the endpoints ${open.join(', ')} have no keys; serve them on loopback only`,
      { path: '--host' },
    );
  }
  return { config, watch: store };
}

/**
 * `mlsweep serve --model M` serves one model as one endpoint (`--name`) with one
 * deployment; `mlsweep serve --store S` serves every endpoint of a store and applies its
 * changes (traffic, keys, deployments, model versions) live. Both speak Azure's /score,
 * MLflow's /invocations and the Open Inference Protocol's /v2, plus /metrics, and print
 * `listening on http://HOST:PORT` on stderr when ready (with --json, also a JSON
 * document on stdout). Beyond loopback a model needs a key: `--key`, or one is generated
 * and printed. SIGTERM or SIGINT drains (in-flight requests finish, new ones get 503)
 * and exits 0; a second signal exits at once.
 *
 * @example
 * registerServe(program); // then: mlsweep serve --model models:/iris@production --port 5001
 */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'serve a saved AutoML pipeline, or every endpoint of a store, over HTTP (Azure /score, MLflow /invocations, OIP /v2, /metrics)',
    )
    .option(
      '--model <model>',
      'a pipeline saved by mlsweep automl: a JSON file, or models:/NAME/VERSION, models:/NAME@ALIAS',
    )
    .option(
      '--name <name>',
      'with --model: the endpoint name (in /endpoints/NAME/… and /v2/models/NAME)',
      'model',
    )
    .option('--port <port>', 'TCP port (0: any free port)', integerOption({ min: 0, max: 65535 }), 5001)
    .option(
      '--host <host>',
      'address to bind; beyond loopback a key is required (generated when absent)',
      '127.0.0.1',
    )
    .option(
      '--workers <n>',
      'scoring threads per deployment (default: its instance_count, or one per core)',
      integerOption({ min: 1, max: 1024 }),
    )
    .option(
      '--store <dir>',
      '(a folder or a postgresql:// URL) without --model: serve every endpoint of this store, live (required then); with --model: the store of models:/ references and of --tracking (default: $MLSWEEP_STORE or ./mlruns)',
    )
    .option('--key <key>', 'with --model: callers must send Authorization: Bearer KEY')
    .option(
      '--max-batch-rows <n>',
      'most rows sent to a scoring thread in one message (requests arriving together are batched; 1 turns that off; default 1024)',
      integerOption({ min: 1, max: 1_000_000 }),
    )
    .option(
      '--accept-unknown-categories',
      'score a category the model never saw as the featurizer encodes unseen levels (default: 400 naming it)',
    )
    .option(
      '--tracking',
      'also serve the MLflow tracking REST API over the store (/api/2.0/mlflow, /ajax-api/2.0/mlflow, /api/2.0/mlflow-artifacts): MLFLOW_TRACKING_URI=<url>',
    )
    .option(
      '--tracking-key <key>',
      'with --tracking: callers of the tracking API send Authorization: Bearer KEY (generated beyond loopback when absent)',
    )
    .option(
      '--studio',
      'with --tracking: also serve the studio (web UI) at /studio/, behind the tracking key',
    )
    .option('--scheduler', "with --store: also fire the store's schedules (as mlsweep scheduler does)")
    .option('--json', 'print {"url", "endpoints", "key", "trackingKey"} as JSON on stdout once listening')
    .option(
      '--log-level <level>',
      'JSON logs on stderr from this level (info logs every request)',
      choiceOption(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const),
      'info',
    )
    .action(async (o: ServeCliOptions) => {
      if (o.studio && !o.tracking) {
        throw new ValidationError('--studio shows the tracking store: it goes with --tracking', {
          path: '--studio',
        });
      }
      if (o.model === undefined && o.store === undefined) {
        throw new ValidationError(
          'give --model FILE (one model), or --store DIR (every endpoint of a store)',
          {
            path: '--model',
          },
        );
      }
      if (o.scheduler === true && o.store === undefined) {
        throw new ValidationError('--scheduler fires the schedules of a store: it goes with --store', {
          path: '--scheduler',
        });
      }
      const plan =
        o.model !== undefined ? modelPlan(o, o.model) : storePlan(o, resolveStoreLocation(o.store));
      const tracking = trackingPlan(o);
      const common = {
        host: o.host,
        port: o.port,
        logger: { level: o.logLevel },
        ...(o.maxBatchRows !== undefined ? { maxBatchRows: o.maxBatchRows } : {}),
        ...(o.acceptUnknownCategories ? { unknownCategories: 'accept' as const } : {}),
      };
      let server: ScoringServer;
      let stopWatching = () => {};
      if (plan.watch === undefined) server = await createServer({ ...common, config: plan.config });
      else {
        // the store's endpoints, following its changes (serve/store-server.ts)
        const following = await serveStore(plan.watch, {
          ...common,
          ...(o.workers !== undefined ? { threads: o.workers } : {}),
          intervalMs: WATCH_INTERVAL_MS,
          log,
        });
        server = following.server;
        stopWatching = () => following.watch.stop();
      }
      // the MLflow API joins the same app before it listens (its routes, its key, its store)
      const trackingStore = tracking ? new SqliteStore({ dir: tracking.storeDir }) : undefined;
      const studio =
        o.studio && tracking !== undefined && trackingStore !== undefined
          ? registerStudio(server.app, {
              store: trackingStore,
              ...(tracking.key !== undefined ? { key: tracking.key } : {}),
              redirectRoot: false,
            })
          : undefined;
      if (tracking !== undefined && trackingStore !== undefined) {
        registerMlflowApi(server.app, {
          store: trackingStore,
          ...(tracking.key !== undefined ? { key: tracking.key } : {}),
          ...(studio !== undefined ? { onLogged: studio.onLogged } : {}),
        });
      }
      const closeTracking = () => {
        studio?.close();
        trackingStore?.close();
      };
      let address: { host: string; port: number };
      try {
        address = await server.listen();
      } catch (error) {
        stopWatching();
        await server.close();
        closeTracking();
        throw new ValidationError(`cannot listen on ${o.host}:${o.port}: ${(error as Error).message}`, {
          path: '--port',
        });
      }
      const scheduler =
        o.scheduler === true && o.store !== undefined
          ? startStoreScheduler(resolveStoreLocation(o.store))
          : undefined;
      const host = address.host.includes(':') ? `[${address.host}]` : address.host;
      const url = `http://${host}:${address.port}`;
      const stopped = new Promise<void>((done) => {
        const stop = onStopSignals({
          graceful: () => {
            log('stopping: finishing requests in flight');
            stopWatching();
            studio?.close();
            Promise.all([server.close(), scheduler?.stop()]).then(
              () => {
                closeTracking();
                stop.dispose();
                done();
              },
              (error: unknown) => {
                log(`mlsweep serve: ${(error as Error).message}`);
                process.exit(1);
              },
            );
          },
          immediate: () => process.exit(1),
        });
      });
      if (plan.generated !== undefined)
        log(`key: ${plan.generated} (generated; callers send Authorization: Bearer <key>)`);
      if (tracking?.generated !== undefined)
        log(`tracking key: ${tracking.generated} (generated; MLFLOW_TRACKING_TOKEN=<key>)`);
      log(`listening on ${url}`);
      if (scheduler !== undefined) log(`scheduler ${scheduler.id}: firing the store's schedules`);
      if (tracking) log(`MLflow tracking API: MLFLOW_TRACKING_URI=${url}`);
      if (studio !== undefined) log(`studio at ${url}/studio/`);
      const endpoints = plan.config.endpoints.map((e) => e.spec.name);
      if (o.json)
        printResult(
          true,
          {
            url,
            endpoints,
            ...(plan.key !== undefined ? { key: plan.key } : {}),
            ...(tracking ? { trackingUri: url } : {}),
            ...(tracking?.key !== undefined ? { trackingKey: tracking.key } : {}),
          },
          () => url,
        );
      await stopped;
      log('stopped');
    });
}
