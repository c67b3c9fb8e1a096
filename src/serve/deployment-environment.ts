/**
 * A deployment's `environment` (online and batch), applied to its scoring threads. The
 * scoring module runs on worker threads of the server's process (pool.ts,
 * batch/job.ts), so an environment is applied per thread, not per process:
 * - its `environment_variables` (and PATH, NODE_PATH, VIRTUAL_ENV of a built one) are the
 *   thread's `process.env`, a copy per worker thread; what the module spawns inherits
 *   them (a conda environment's `python` first on PATH). Native code reading the real
 *   process environment with getenv() does not see them;
 * - a Node environment's packages resolve from the module: `require` through NODE_PATH,
 *   `import` through a resolve hook registered in the thread (env-modules.ts);
 * - an image cannot host a thread of this process: the scoring module runs in a container
 *   of it instead (container-scorer.ts), under docker or podman; without either on PATH,
 *   or without a scoring module to run there, the deployment does not start and says why.
 * The definition is read when the store's snapshot is (catalog.ts), so that a new version
 * behind `@latest` changes the deployment's revision; it is built (once, into the
 * store's cache) when the deployment starts.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { EnvironmentBuildError } from '../environment/errors.ts';
import { containerRuntime } from '../environment/image.ts';
import { hashOf } from '../environment/registry.ts';
import { environmentDefinition, realiseEnvironment } from '../environment/resolve.ts';
import type { EnvironmentDefinition, EnvironmentKind } from '../environment/types.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';

/** The environment of a served deployment, as the snapshot holds it (plain data). */
export interface ServedEnvironment {
  readonly name: string;
  readonly version: string;
  /** sha256 of its content: the cache key, part of the deployment's revision. */
  readonly hash: string;
  readonly kind: EnvironmentKind;
  readonly definition: EnvironmentDefinition;
  /** The store folder whose cache it is built into. */
  readonly storeDir: string;
}

/** What a scoring thread of a deployment starts with. */
export interface ThreadEnvironment {
  readonly name: string;
  readonly version: string;
  readonly hash: string;
  /** Variables added to the thread's `process.env`. */
  readonly variables: Readonly<Record<string, string>>;
  /** A built Node environment's folder: bare imports of the scoring module resolve there first. */
  readonly modulesDir?: string;
  /** An image environment: the scoring module runs in a container of it (container-scorer.ts). */
  readonly image?: { readonly runtime: string; readonly image: string };
}

/**
 * The definition a deployment's `environment` names: `azureml:NAME:VERSION`,
 * `azureml:NAME@latest`, a curated name, an env.yml path (relative to `baseDir`: the
 * deployment's code folder) or an inline mapping (kept as JSON in the spec).
 *
 * @example
 * servedEnvironment('azureml:score-env@latest', store, '/work/deploy').hash;
 */
export function servedEnvironment(ref: string, store: SqliteStore, baseDir: string): ServedEnvironment {
  let value: string | object = ref;
  if (ref.startsWith('{')) {
    try {
      value = JSON.parse(ref) as object;
    } catch {
      // not JSON after all: read as a reference or a path
    }
  }
  const definition = environmentDefinition(value, { store, cwd: baseDir });
  return {
    name: definition.name,
    version: definition.version,
    hash: hashOf(definition),
    kind: definition.kind,
    definition,
    storeDir: store.dir,
  };
}

/**
 * Builds (when not yet in the cache) the environment of a deployment and returns what its
 * threads start with; for an image, the container runtime that will run its module.
 *
 * @example
 * const thread = await threadEnvironment(deployment.environment, 'blue');
 */
export async function threadEnvironment(
  served: ServedEnvironment,
  deployment: string,
  base: NodeJS.ProcessEnv = process.env,
): Promise<ThreadEnvironment> {
  const { definition } = served;
  if (definition.kind === 'image') {
    let runtime: string;
    try {
      runtime = containerRuntime(definition, base.PATH);
    } catch (error) {
      throw new EnvironmentBuildError(
        `deployment ${deployment}: ${(error as Error).message}`,
        'E_ENV_NO_RUNTIME',
      );
    }
    return {
      name: served.name,
      version: served.version,
      hash: served.hash,
      variables: { ...definition.environmentVariables },
      image: { runtime, image: definition.image! },
    };
  }
  const env = await realiseEnvironment(definition, { store: { dir: served.storeDir }, env: base });
  const modulesDir =
    definition.kind === 'node' && env.path !== undefined && existsSync(resolve(env.path, 'node_modules'))
      ? env.path
      : undefined;
  return {
    name: env.name,
    version: env.version,
    hash: env.hash,
    variables: env.env,
    ...(modulesDir !== undefined ? { modulesDir } : {}),
  };
}

/**
 * The `process.env` of a scoring thread: this process's, the environment's variables, and
 * AZUREML_MODEL_DIR last (the model's folder, as Azure sets it).
 *
 * @example
 * new Piscina({ …, env: threadVariables(process.env, thread, modelDir) });
 */
export function threadVariables(
  base: NodeJS.ProcessEnv,
  thread: ThreadEnvironment | undefined,
  modelDir: string,
): NodeJS.ProcessEnv {
  return { ...base, ...thread?.variables, AZUREML_MODEL_DIR: modelDir };
}

/**
 * A deployment's environment, or a ValidationError naming the deployment when it cannot
 * be read (an unknown version, a missing env.yml).
 *
 * @example
 * deploymentEnvironment(spec, store);
 */
export function deploymentEnvironment(
  spec: {
    readonly name: string;
    readonly environment?: string;
    readonly codeConfiguration?: { readonly code: string };
  },
  store: SqliteStore,
): ServedEnvironment | undefined {
  if (spec.environment === undefined) return undefined;
  try {
    return servedEnvironment(spec.environment, store, spec.codeConfiguration?.code ?? process.cwd());
  } catch (error) {
    throw new ValidationError(
      `deployment ${spec.name}: environment ${spec.environment}: ${(error as Error).message}`,
      { path: 'environment', cause: error },
    );
  }
}
