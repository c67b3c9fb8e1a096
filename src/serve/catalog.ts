/**
 * The store's endpoints as the server serves them: every endpoint with its credentials
 * and deployments, each deployment's model reference resolved to a file, and a revision
 * per deployment that changes exactly when what it computes changes. `watchStore` polls
 * the store's change counter (and the model files) and hands the server a new snapshot
 * only when something changed.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { DataError } from '../core/errors.ts';
import { EndpointStore } from '../registry/endpoint-store.ts';
import type { DeploymentSpec } from '../registry/endpoint-types.ts';
import { ModelRegistry } from '../registry/model-registry.ts';
import { displayStoreLocation, SqliteStore } from '../tracking/sqlite-store.ts';
import { deploymentEnvironment } from './deployment-environment.ts';
import type { ServeConfig, ServedDeployment, ServedEndpoint } from './types.ts';

/** The prefix of a model registry reference. */
const MODELS_PREFIX = 'models:/';

/** Where collected inputs and outputs go without `data_collector.destination`, inside the store (Azure's datastore path). */
export const DATA_COLLECTOR_FOLDER = join('datastores', 'workspaceblobstore', 'modelDataCollector');

/** The files a deployment's model reference names. */
export interface ResolvedModel {
  /** The model's JSON file (for a folder, its `model.json`). */
  readonly modelFile: string;
  /** The model's folder: AZUREML_MODEL_DIR of a scoring module. */
  readonly modelDir: string;
}

/**
 * The files of a model reference: a registry reference (`models:/…`) through the
 * registry, a folder as its `model.json`, a file as it is. A DataError (E_MODEL_MISSING)
 * names the deployment when the files are gone; unknown registry names, versions and
 * aliases are the registry's ValidationErrors.
 *
 * @example
 * resolveModel('models:/iris@production', registry).modelFile; // '<store>/models/iris/3/model.json'
 */
export function resolveModel(model: string, registry: ModelRegistry, deployment?: string): ResolvedModel {
  const label = deployment === undefined ? model : `${model} (deployment ${deployment})`;
  if (model.startsWith(MODELS_PREFIX)) {
    const { version, file } = registry.modelFile(model);
    const folder = existsSync(version.path) && statSync(version.path).isDirectory();
    return { modelFile: file, modelDir: folder ? version.path : dirname(file) };
  }
  const path = resolve(model);
  if (!existsSync(path)) {
    throw new DataError(`the model ${label} does not exist`, 'E_MODEL_MISSING');
  }
  if (statSync(path).isDirectory()) {
    const file = join(path, 'model.json');
    if (!existsSync(file)) {
      throw new DataError(`the model folder ${label} has no model.json`, 'E_MODEL_MISSING');
    }
    return { modelFile: file, modelDir: path };
  }
  return { modelFile: path, modelDir: dirname(path) };
}

/**
 * Checks, before a deployment is stored, that what it names is usable: the model
 * resolves to a file, which (without a scoring module) is an AutoML pipeline saved by
 * mlsweep; the scoring module exists; its environment can be read. Throws a DataError or
 * ValidationError naming the deployment and the file or environment.
 *
 * @example
 * checkDeploymentFiles(readDeploymentFile('blue.yml').spec, registry);
 */
export function checkDeploymentFiles(spec: DeploymentSpec, registry: ModelRegistry): ResolvedModel {
  const resolved = resolveModel(spec.model, registry, spec.name);
  if (spec.codeConfiguration === undefined) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(resolved.modelFile, 'utf8'));
    } catch (error) {
      throw new DataError(
        `the model of deployment ${spec.name}, ${resolved.modelFile}, is not JSON: ${(error as Error).message}`,
        'E_MODEL_INVALID',
      );
    }
    const format = (json as { format?: unknown } | null)?.format;
    if (format !== 'mlsweep-automl-pipeline') {
      throw new DataError(
        `the model of deployment ${spec.name}, ${resolved.modelFile}, is not a pipeline saved by mlsweep automl ` +
          `(its format is ${JSON.stringify(format ?? null)}); other models need a scoring module (code_configuration)`,
        'E_MODEL_INVALID',
      );
    }
  } else {
    const script = scoringScriptOf(spec)!;
    if (!existsSync(script) || !statSync(script).isFile()) {
      throw new DataError(
        `the scoring module of deployment ${spec.name}, ${script}, does not exist`,
        'E_SCORING_SCRIPT_MISSING',
      );
    }
  }
  // its environment names a registered (or curated) one, or an env.yml that is there; built when served
  deploymentEnvironment(spec, registry.store);
  return resolved;
}

/**
 * Everything the store's endpoints serve, read in one read transaction (a consistent
 * snapshot even while another process writes). A data collector without a destination
 * writes under the store's DATA_COLLECTOR_FOLDER.
 *
 * @example
 * const config = loadServeConfig('mlruns');
 * config.endpoints.map((e) => e.spec.name); // ['iris']
 */
export function loadServeConfig(storeDir: string): ServeConfig {
  const store = new SqliteStore({ dir: storeDir, create: false });
  try {
    return readServeConfig(store);
  } finally {
    store.close();
  }
}

/**
 * The snapshot of an open store (see loadServeConfig).
 *
 * @example
 * const config = readServeConfig(new SqliteStore({ dir: 'mlruns', create: false }));
 */
export function readServeConfig(store: SqliteStore): ServeConfig {
  const endpoints = new EndpointStore({ store });
  const registry = new ModelRegistry({ store });
  // One read transaction: every read below sees the same commit.
  return store.read(() => ({
    endpoints: endpoints.listEndpoints().map(
      (record): ServedEndpoint => ({
        spec: record.spec,
        credentials: endpoints.getCredentials(record.spec.name),
        deployments: endpoints
          .listDeployments(record.spec.name)
          .map((deployment) =>
            servedDeployment(withCollectorFolder(deployment.spec, store.dir), registry, store),
          ),
      }),
    ),
  }));
}

/**
 * A deployment with its files resolved and its revision: a hash of its spec, the model
 * file's path, size and modification time, the scoring module's, and the content hash of
 * its environment, so a new model version, a model file rewritten in place, an edited
 * scoring module or another environment behind `@latest` all change it. The environment
 * is read from `store` (its registry; built into its cache when the deployment starts).
 *
 * @example
 * servedDeployment(spec, registry, store).revision; // 'c0ffee…' (16 hex digits)
 */
export function servedDeployment(
  spec: DeploymentSpec,
  registry: ModelRegistry,
  store?: SqliteStore,
): ServedDeployment {
  const { modelFile, modelDir } = resolveModel(spec.model, registry, spec.name);
  const scoringScript = scoringScriptOf(spec);
  const environment = store === undefined ? undefined : deploymentEnvironment(spec, store);
  const hash = createHash('sha256').update(JSON.stringify(spec)).update(fingerprint(modelFile));
  if (scoringScript !== undefined) hash.update(fingerprint(scoringScript));
  if (environment !== undefined) hash.update(environment.hash);
  return {
    spec,
    modelFile,
    modelDir,
    ...(scoringScript !== undefined ? { scoringScript } : {}),
    ...(environment !== undefined ? { environment } : {}),
    revision: hash.digest('hex').slice(0, 16),
  };
}

/** How watchStore waits between checks (injectable, so tests drive it without real time). */
export interface WatchTimer {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Options of watchStore. */
export interface WatchOptions {
  /** Between checks, in ms (default 500). */
  readonly intervalMs?: number;
  readonly timer?: WatchTimer;
  /** The snapshot the caller serves now: changes made since it are reported at the first check. */
  readonly initial?: ServeConfig;
  /** Where problems go (default: a line on stderr). */
  readonly log?: (message: string) => void;
}

/** A running watch. */
export interface StoreWatch {
  /** Stops polling and closes the store connection. */
  stop(): void;
  /** Checks now; returns whether onChange was called. */
  check(): boolean;
}

/**
 * Watches a store and calls `onChange` with a fresh snapshot whenever what it serves
 * changes: an endpoint, a deployment, traffic, a key (the store's change counter), a
 * registry alias moved, or a model file or scoring module rewritten. Each check reads one
 * counter and stats the served files; the snapshot is rebuilt only when they moved, and
 * handed on only when it differs. A store that cannot be read (locked, damaged, a model
 * file missing) is logged once per distinct problem, and the last good snapshot stays.
 * When `onChange` returns a promise (the server's apply), checks wait for it; a rejected
 * one is logged, and the snapshot is offered again at the next change.
 *
 * @example
 * const watch = watchStore('mlruns', (config) => server.apply(config), { initial: config });
 * process.on('SIGTERM', () => watch.stop());
 */
export function watchStore(
  storeDir: string,
  onChange: (config: ServeConfig) => void | Promise<void>,
  options: WatchOptions = {},
): StoreWatch {
  const timer = options.timer ?? {
    setInterval: (fn: () => void, ms: number) => {
      const handle = setInterval(fn, ms);
      // The watch alone does not keep the process alive: the server does.
      handle.unref();
      return handle;
    },
    clearInterval: (handle: unknown) => clearInterval(handle as NodeJS.Timeout),
  };
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  let store: SqliteStore | undefined;
  let config = options.initial;
  let lastDigest = config === undefined ? undefined : digest(config);
  let lastSignature: string | undefined;
  let lastProblem: string | undefined;

  /** An onChange still applying (server.apply loads models): checks wait for it. */
  let applying = false;

  const check = (): boolean => {
    if (applying) return false;
    try {
      store ??= new SqliteStore({ dir: storeDir, create: false });
      const signature = signatureOf(store, config);
      if (signature === lastSignature) return false;
      const fresh = readServeConfig(store);
      // The signature read before the snapshot: a change made meanwhile shows at the next check.
      lastSignature = signature;
      lastProblem = undefined;
      const next = digest(fresh);
      config = fresh;
      if (next === lastDigest) return false;
      const served = lastDigest;
      lastDigest = next;
      const result = onChange(fresh);
      if (result instanceof Promise) {
        applying = true;
        result.then(
          () => {
            applying = false;
          },
          (error: unknown) => {
            applying = false;
            // Not served: the next change of the store or of a file offers a snapshot again
            // (not the next tick, which would reload a broken model every interval).
            lastDigest = served;
            log(
              `mlsweep serve: the new configuration of ${displayStoreLocation(storeDir)} was not applied (${error instanceof Error ? error.message : String(error)}); still serving the last good one`,
            );
          },
        );
      }
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (message !== lastProblem) {
        log(
          `mlsweep serve: cannot read the endpoints of ${displayStoreLocation(storeDir)} (${message}); still serving the last good configuration`,
        );
        lastProblem = message;
      }
      lastSignature = undefined;
      try {
        store?.close();
      } catch {
        // closing a broken connection may fail too; it is dropped either way
      }
      store = undefined;
      return false;
    }
  };

  const handle = timer.setInterval(check, options.intervalMs ?? 500);
  return {
    stop() {
      timer.clearInterval(handle);
      store?.close();
      store = undefined;
    },
    check,
  };
}

/** The spec with its data collector's destination defaulted to the store's DATA_COLLECTOR_FOLDER. */
function withCollectorFolder(spec: DeploymentSpec, storeDir: string): DeploymentSpec {
  const collector = spec.dataCollector;
  if (collector === undefined || collector.destination !== undefined) return spec;
  return { ...spec, dataCollector: { ...collector, destination: join(storeDir, DATA_COLLECTOR_FOLDER) } };
}

/** The absolute path of a deployment's scoring module, when it has one. */
function scoringScriptOf(spec: DeploymentSpec): string | undefined {
  const code = spec.codeConfiguration;
  return code === undefined ? undefined : resolve(code.code, code.scoringScript);
}

/** A file's path, size and modification time, or that it is missing. */
function fingerprint(file: string): string {
  try {
    const stat = statSync(file);
    return `${file}\0${stat.size}\0${stat.mtimeMs}\0`;
  } catch {
    return `${file}\0missing\0`;
  }
}

/**
 * What a check compares cheaply: the change counter, the registry's aliases and latest
 * versions (a `models:/NAME@ALIAS` deployment follows its alias), and the served files.
 */
function signatureOf(store: SqliteStore, config: ServeConfig | undefined): string {
  const generation = new EndpointStore({ store }).generation();
  const registry = store
    .sql(
      `SELECT coalesce((SELECT group_concat(name || '@' || alias || '=' || version, ',') FROM model_aliases), '')
         || '|' || coalesce((SELECT group_concat(name || '/' || v, ',') FROM (SELECT name, max(version) AS v FROM model_versions GROUP BY name) AS latest), '')`,
    )
    .pluck()
    .get() as string;
  // a new environment version (a deployment's `@latest` may name it) shows in its count and newest time
  const environments = JSON.stringify(
    Object.values(store.sql('SELECT count(*) AS n, max(created_at) AS at FROM environments').get() as object),
  );
  const files = (config?.endpoints ?? []).flatMap((endpoint) =>
    endpoint.deployments.flatMap((d) => [
      fingerprint(d.modelFile),
      ...(d.scoringScript !== undefined ? [fingerprint(d.scoringScript)] : []),
    ]),
  );
  return [generation, registry, environments, ...files].join('\n');
}

/** What the server would see differ between two snapshots. */
function digest(config: ServeConfig): string {
  return createHash('sha256').update(JSON.stringify(config)).digest('hex');
}
