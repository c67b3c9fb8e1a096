// `mlsweep environment create|list|show`: environments of a store, in Azure's shape
// (az ml environment …), built once into the store's content-addressed cache.
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import {
  type EnvironmentRecord,
  Environments,
  environmentTags,
  parseEnvironmentReference,
  type ResolvedEnvironment,
  readEnvironmentFile,
  realiseEnvironment,
  resolveEnvironment,
} from '../environment/index.ts';
import {
  openCliStore,
  type StoreOption,
  table,
  when,
  withCliStore,
  withStoreOptions,
} from './experiments.ts';
import { log, printResult } from './output.ts';

/** An environment as the commands report it (the definition's packages left out of the table). */
function summary(e: EnvironmentRecord) {
  return {
    name: e.name,
    version: e.version,
    kind: e.kind,
    hash: e.hash,
    built: e.built,
    curated: e.curated,
    description: e.description,
    createdAt: e.createdAt,
  };
}

function human(e: EnvironmentRecord): string {
  const d = e.definition;
  const what =
    d.kind === 'image'
      ? `image ${d.image}`
      : d.kind === 'conda' && d.conda
        ? `venv: ${[...d.conda.conda, ...d.conda.pip].join(', ') || '(no packages)'}${d.conda.python ? ` (python ${d.conda.python} asked)` : ''}`
        : e.curated
          ? 'the running Node.js'
          : 'Node project (npm ci)';
  return [
    `${e.name}:${e.version} (${e.kind}${e.curated ? ', curated' : ''})`,
    `  ${what}`,
    `  sha256 ${e.hash}`,
    `  ${e.built ? 'built' : 'not built yet'}${e.createdAt !== undefined ? `, registered ${when(e.createdAt)}` : ''}`,
    ...(e.description ? [`  ${e.description}`] : []),
    ...Object.entries(d.environmentVariables).map(([k, v]) => `  ${k}=${v}`),
  ].join('\n');
}

/** `NAME` with --version, or `azureml:NAME:VERSION` / `azureml:NAME@latest`. */
function nameAndVersion(ref: string, version: string | undefined): { name: string; version: string } {
  if (ref.startsWith('azureml:')) {
    const parsed = parseEnvironmentReference(ref);
    if (parsed === undefined) {
      throw new ValidationError(`${ref}: expected azureml:NAME:VERSION or azureml:NAME@latest`, {
        path: 'environment',
      });
    }
    return parsed;
  }
  return { name: ref, version: version ?? 'latest' };
}

/**
 * Registers `mlsweep environment create|list|show`.
 *
 * @example
 * registerEnvironments(program); // mlsweep environment create -f env.yml
 */
export function registerEnvironments(program: Command): void {
  const environment = program
    .command('environment')
    .description(
      'environments: a Node project, a conda file (as a Python venv) or an image, built once and reused',
    );

  withStoreOptions(
    environment.command('create').description('register a version of an environment and build it'),
  )
    .requiredOption(
      '-f, --file <yml>',
      "an environment YAML (Azure's shape: name, version, image | conda_file | build.path)",
    )
    .option('--version <version>', "version (default: the file's, else the next whole number)")
    .option('--no-build', 'register only; build at first use')
    .action(async (o: StoreOption & { json?: boolean; file: string; version?: string; build: boolean }) => {
      const read = readEnvironmentFile(o.file);
      for (const key of read.ignored) log(`note: ${o.file}: ${key} has no effect locally`);
      const definition =
        o.version !== undefined ? { ...read.definition, version: o.version } : read.definition;
      await withCliStore(o, true, async (store) => {
        // build before registering: an environment that cannot be built is not registered
        const built = o.build
          ? await realiseEnvironment(definition, { store, cwd: process.cwd() })
          : undefined;
        const record = new Environments(store).register(
          definition,
          read.versionGiven || o.version !== undefined,
        );
        const result = {
          ...summary(record),
          ...(built !== undefined ? { builtNow: built.builtNow, path: built.path } : {}),
        };
        printResult(o.json === true, result, () =>
          [
            `registered ${record.name}:${record.version}${built ? (built.builtNow ? ' (built now)' : ' (reused from the cache)') : ''}`,
            human(record),
          ].join('\n'),
        );
      });
    });

  withStoreOptions(environment.command('list').description('every environment version, curated ones first'))
    .option('--name <name>', 'only this environment')
    .action((o: StoreOption & { json?: boolean; name?: string }) =>
      withCliStore(o, false, async (store) => {
        const list = new Environments(store).list(o.name !== undefined ? { name: o.name } : {});
        printResult(o.json === true, list.map(summary), () =>
          table(
            ['name', 'version', 'kind', 'built', 'hash', 'created'],
            list.map((e) => [
              e.name,
              e.version,
              e.curated ? `${e.kind} (curated)` : e.kind,
              e.built ? 'yes' : 'no',
              e.hash.slice(0, 12),
              when(e.createdAt),
            ]),
          ),
        );
      }),
    );

  withStoreOptions(environment.command('show').description('one environment version (default: the latest)'))
    .argument('<environment>', 'NAME, azureml:NAME:VERSION or azureml:NAME@latest')
    .option('--version <version>', 'the version')
    .action((ref: string, o: StoreOption & { json?: boolean; version?: string }) =>
      withCliStore(o, false, async (store) => {
        const { name, version } = nameAndVersion(ref, o.version);
        const record = new Environments(store).get(name, version);
        printResult(o.json === true, { ...summary(record), definition: record.definition }, () =>
          human(record),
        );
      }),
    );
}

/** What a sweep's trials need from `trial.environment`: variables, launcher, and the tags its runs record. */
export interface TrialEnvironment {
  readonly environmentVariables: Readonly<Record<string, string>>;
  readonly launcher: ResolvedEnvironment['launcher'];
  readonly tags: Readonly<Record<string, string>>;
  readonly description: string;
}

/**
 * Resolves a sweep file's `trial.environment` against the store (building it into the
 * store's cache on first use), for the command trials to run inside it.
 *
 * @example
 * const env = await trialEnvironment(spec.trial.environment, options.store);
 * trial = { ...trial, environmentVariables: { ...env.environmentVariables, ...trial.environmentVariables }, launcher: env.launcher };
 */
export async function trialEnvironment(
  environment: { readonly ref: string | Readonly<Record<string, unknown>>; readonly baseDir: string },
  store: string | undefined,
): Promise<TrialEnvironment> {
  const opened = openCliStore({ ...(store !== undefined ? { store } : {}) }, true);
  try {
    const env = await resolveEnvironment(environment.ref, {
      store: opened,
      cwd: environment.baseDir,
      onNotice: (message) => log(`notice: ${message}`),
    });
    if (env.builtNow) log(`environment ${env.name}:${env.version} built into ${env.path}`);
    return {
      environmentVariables: env.env,
      launcher: env.launcher,
      tags: environmentTags(env),
      description: `${env.name}:${env.version} (${env.kind}, ${env.hash.slice(0, 12)})`,
    };
  } finally {
    opened.close();
  }
}
