import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import { buildConda, condaVariables } from './build-conda.ts';
import { buildNode, nodeVariables } from './build-node.ts';
import { cacheRoot, ensureBuilt } from './cache.ts';
import { curatedEnvironments } from './curated.ts';
import { containerRuntime, imageLauncher } from './image.ts';
import { DIRECT, launch } from './launcher.ts';
import { Environments, hashOf } from './registry.ts';
import { readEnvironmentFile, readEnvironmentObject } from './spec.ts';
import type { EnvironmentDefinition, Launcher, ResolvedEnvironment } from './types.ts';

/** What resolving an environment needs: the store (its registry and its cache folder) and where relative paths start. */
export interface ResolveEnvironmentOptions {
  readonly store: SqliteStore;
  /** Relative paths (an env.yml, a conda file) are read from here; an image mounts it. Default: the current folder. */
  readonly cwd?: string;
  /** The variables the environment's PATH builds on (default: this process's). */
  readonly env?: NodeJS.ProcessEnv;
  /** Told when a reference is replaced (an Azure curated `azureml:AzureML-…` environment runs as the running Node's). */
  readonly onNotice?: (message: string) => void;
}

/** What realising a definition needs: only the store's folder (its cache), so a caller need not keep a store open. */
export type RealiseEnvironmentOptions = Omit<ResolveEnvironmentOptions, 'store'> & {
  readonly store: Pick<SqliteStore, 'dir'>;
};

function resolved(
  definition: EnvironmentDefinition,
  env: Record<string, string>,
  launcher: Launcher,
  extra: { path?: string; builtNow: boolean },
): ResolvedEnvironment {
  return {
    name: definition.name,
    version: definition.version,
    hash: hashOf(definition),
    kind: definition.kind,
    description: definition.description,
    env,
    launcher,
    wrap: (argv, passEnv) => launch(launcher, argv, passEnv),
    ...(extra.path !== undefined ? { path: extra.path } : {}),
    builtNow: extra.builtNow,
  };
}

/**
 * Makes a definition runnable: builds it into the store's content-addressed cache when it
 * is not there yet (Node: `npm ci`; conda: a venv), finds docker or podman for an image,
 * and returns its variables and launcher. Curated environments need nothing.
 *
 * @example
 * const env = await realiseEnvironment(definition, { store });
 * spawn(env.wrap(['node', 'train.js'])[0], …);
 */
export async function realiseEnvironment(
  definition: EnvironmentDefinition,
  options: RealiseEnvironmentOptions,
): Promise<ResolvedEnvironment> {
  const base = options.env ?? process.env;
  const own = { ...definition.environmentVariables };
  if (definition.curated) return resolved(definition, own, DIRECT, { builtNow: false });
  if (definition.kind === 'image') {
    const runtime = containerRuntime(definition, base.PATH);
    return resolved(
      definition,
      own,
      imageLauncher(definition, runtime, resolve(options.cwd ?? process.cwd())),
      {
        builtNow: false,
      },
    );
  }
  const hash = hashOf(definition);
  const about = { kind: definition.kind, name: definition.name, version: definition.version };
  const { path, builtNow } = await ensureBuilt(cacheRoot(options.store.dir), hash, about, (dir, finalDir) =>
    definition.kind === 'node' ? buildNode(definition, dir) : buildConda(definition, dir, finalDir, base),
  );
  const env = definition.kind === 'node' ? nodeVariables(path, own, base) : condaVariables(path, own, base);
  return resolved(definition, env, DIRECT, { path, builtNow });
}

/**
 * `azureml:name:version`, `azureml:name@latest` → name and version; undefined for anything else.
 *
 * @example
 * parseEnvironmentReference('azureml:py@latest'); // { name: 'py', version: 'latest' }
 */
export function parseEnvironmentReference(ref: string): { name: string; version: string } | undefined {
  const match = /^azureml:([A-Za-z0-9][A-Za-z0-9_.-]*)(?::([A-Za-z0-9][A-Za-z0-9_.-]*)|@(latest))$/.exec(ref);
  if (match === null) return undefined;
  return { name: match[1]!, version: match[2] ?? 'latest' };
}

/**
 * The definition a reference names: undefined → the curated environment of the running
 * Node; `azureml:name:version` or `azureml:name@latest` → a registered (or curated)
 * version; a curated name alone; another string → an env.yml path; an object → an
 * environment inline, in Azure's shape.
 *
 * @example
 * environmentDefinition('azureml:py@latest', { store }).kind;
 */
export function environmentDefinition(
  ref: string | object | undefined,
  options: ResolveEnvironmentOptions,
): EnvironmentDefinition {
  if (ref === undefined) return curatedEnvironments()[0]!;
  if (typeof ref === 'object') {
    if (ref === null || Array.isArray(ref)) {
      throw new ValidationError('environment: expected a reference, a path or a mapping', {
        path: 'environment',
      });
    }
    return readEnvironmentObject(ref, {
      file: 'environment (inline)',
      baseDir: resolve(options.cwd ?? process.cwd()),
    }).definition;
  }
  const named = parseEnvironmentReference(ref);
  if (named !== undefined) {
    const envs = new Environments(options.store);
    // Azure's curated environments (AzureML-…) do not exist locally: unless the store has
    // one of that name, the command runs in the running Node's environment, and says so.
    if (named.name.startsWith('AzureML-') && envs.list({ name: named.name }).length === 0) {
      const fallback = curatedEnvironments()[0]!;
      options.onNotice?.(
        `environment ${ref} is an Azure ML curated environment, not available locally: the command runs in ${fallback.name} (register one named ${named.name} to use it)`,
      );
      return fallback;
    }
    return envs.get(named.name, named.version).definition;
  }
  const curated = curatedEnvironments().find((c) => c.name === ref);
  if (curated !== undefined) return curated;
  const path = resolve(options.cwd ?? process.cwd(), ref);
  if (!existsSync(path)) {
    throw new ValidationError(
      `environment ${JSON.stringify(ref)}: neither azureml:NAME:VERSION, azureml:NAME@latest, a curated name (${curatedEnvironments()
        .map((c) => c.name)
        .join(', ')}) nor an existing env.yml (${path})`,
      { path: 'environment' },
    );
  }
  return readEnvironmentFile(path).definition;
}

/**
 * Resolves an environment reference (see environmentDefinition) and makes it runnable
 * (see realiseEnvironment): the contract engines use to run a command inside one.
 *
 * @example
 * const env = await resolveEnvironment('azureml:sklearn-env:3', { store, cwd: process.cwd() });
 * const argv = env.wrap(['python', 'train.py']); // run with { ...process.env, ...env.env }
 */
export async function resolveEnvironment(
  ref: string | object | undefined,
  options: ResolveEnvironmentOptions,
): Promise<ResolvedEnvironment> {
  return realiseEnvironment(environmentDefinition(ref, options), options);
}

/**
 * The tags a run records about the environment it ran in.
 *
 * @example
 * store.setTags(runId, environmentTags(env)); // mlsweep.environment = 'py:1', mlsweep.environment.hash = …
 */
export function environmentTags(
  env: Pick<ResolvedEnvironment, 'name' | 'version' | 'hash'>,
): Record<string, string> {
  return {
    'mlsweep.environment': `${env.name}:${env.version}`,
    'mlsweep.environment.name': env.name,
    'mlsweep.environment.version': env.version,
    'mlsweep.environment.hash': env.hash,
  };
}
