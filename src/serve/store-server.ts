/**
 * `mlsweep serve --store`: a server for every endpoint of a store that follows the store
 * while it runs. The snapshot comes from serve/catalog.ts, the server from serve/server.ts,
 * and watchStore hands each change to `server.apply`, which loads new deployments before
 * switching, so keys, traffic and deployments change without a restart or a failed request.
 * Each deployment's log goes beside the store (see deploymentLogRoot), where
 * `mlsweep deployment get-logs` reads it.
 */
import { join } from 'node:path';
import { isPostgresUrl } from '../tracking/pg-url.ts';
import { defaultArtifactsDir } from '../tracking/sqlite-store.ts';
import {
  DATA_COLLECTOR_FOLDER,
  loadServeConfig,
  type StoreWatch,
  type WatchOptions,
  watchStore,
} from './catalog.ts';
import { DEPLOYMENT_LOG_FOLDER } from './logs/deployment-logs.ts';
import { pipelinesPlugin } from './pipelines.ts';
import { createServer, type ScoringServer, type ServerOptions } from './server.ts';

/**
 * The folder of the deployment logs of a store's server: `logs/onlineEndpoints` in the
 * store's folder (in the artifacts folder for a PostgreSQL store, as collected data).
 *
 * @example
 * deploymentLogRoot('mlruns'); // 'mlruns/logs/onlineEndpoints'
 */
export function deploymentLogRoot(store: string, artifactsDir?: string): string {
  return join(isPostgresUrl(store) ? defaultArtifactsDir(artifactsDir) : store, DEPLOYMENT_LOG_FOLDER);
}

/** Options of serveStore: the server's (but its config) and the watch's. */
export type StoreServerOptions = Omit<ServerOptions, 'config'> & Omit<WatchOptions, 'initial'>;

/** A server following a store. */
export interface StoreServer {
  readonly server: ScoringServer;
  readonly watch: StoreWatch;
  /** Stops following the store, then drains and closes the server. */
  close(): Promise<void>;
}

/**
 * Serves every endpoint of a store and follows its changes (see watchStore; every 500 ms
 * by default). Call `server.listen()` to start answering.
 *
 * @example
 * const { server, close } = await serveStore('mlruns', { port: 5001 });
 * await server.listen();
 * process.once('SIGTERM', () => void close());
 */
export async function serveStore(storeDir: string, options: StoreServerOptions = {}): Promise<StoreServer> {
  const { intervalMs, timer, log, ...serverOptions } = options;
  const config = loadServeConfig(storeDir);
  const server = await createServer({
    dataCollectorRoot: join(
      isPostgresUrl(storeDir) ? defaultArtifactsDir() : storeDir,
      DATA_COLLECTOR_FOLDER,
    ),
    deploymentLogRoot: deploymentLogRoot(storeDir),
    ...serverOptions,
    config,
  });
  // POST /pipelines/{name}/runs: on a PostgreSQL store too, step outputs in its artifacts folder
  await server.app.register(pipelinesPlugin, {
    storeDir,
    ...(isPostgresUrl(storeDir) ? { artifactsDir: defaultArtifactsDir() } : {}),
  });
  const watch = watchStore(storeDir, (fresh) => server.apply(fresh), {
    initial: config,
    ...(intervalMs !== undefined ? { intervalMs } : {}),
    ...(timer !== undefined ? { timer } : {}),
    ...(log !== undefined ? { log } : {}),
  });
  return {
    server,
    watch,
    async close() {
      watch.stop();
      await server.close();
    },
  };
}
