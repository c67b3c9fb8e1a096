import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ConfigError, ValidationError } from '../core/errors.ts';
import { lineageText, runDataLineage } from '../registry/data-lineage.ts';
import { ModelRegistry, type ModelVersion } from '../registry/model-registry.ts';
import { collect, type StoreOption, table, when, withCliStore, withStoreOptions } from './experiments.ts';
import { parseTags } from './options.ts';
import { printResult } from './output.ts';

interface RegisterCliOptions extends StoreOption {
  json?: boolean;
  run?: string;
  artifact?: string;
  file?: string;
  description?: string;
  tag?: string[];
  dataSchema?: string;
}

/** Registers `mlsweep models list|show|register|alias`. */
export function registerModels(program: Command): void {
  const models = program.command('models').description('the model registry');

  withStoreOptions(
    models.command('list').description('registered models with their latest version and aliases'),
  ).action((options: StoreOption & { json?: boolean }) =>
    withRegistry(options, false, (registry) => {
      const list = registry.listModels();
      printResult(options.json === true, list, () =>
        table(
          ['name', 'latest', 'aliases', 'updated', 'description'],
          list.map((m) => [
            m.name,
            String(m.latestVersion),
            Object.entries(m.aliases)
              .map(([a, v]) => `${a}->${v}`)
              .join(' '),
            when(m.updatedAt),
            m.description,
          ]),
        ),
      );
    }),
  );

  withStoreOptions(models.command('show').description('a model and its versions, or one version'))
    .argument('<model>', 'NAME, or models:/NAME/VERSION, models:/NAME@ALIAS, models:/NAME/latest')
    .action((ref: string, options: StoreOption & { json?: boolean }) =>
      withRegistry(options, false, (registry) => {
        // each version with the data its run read (lineage: `mlsweep automl --register`)
        const withData = (v: ModelVersion) => ({ ...v, data: runDataLineage(registry.store, v.runId) });
        if (ref.startsWith('models:/')) {
          const version = withData(registry.resolve(ref));
          printResult(options.json === true, version, () => showVersion(version));
          return;
        }
        const model = registry.getModel(ref);
        const versions = registry.listVersions(ref).map(withData);
        printResult(options.json === true, { ...model, versions }, () =>
          [
            `model ${model.name}${model.description ? ` - ${model.description}` : ''}`,
            ...Object.entries(model.tags).map(([k, v]) => `  tag ${k} = ${v}`),
            table(
              ['version', 'aliases', 'source', 'created', 'metrics', 'data'],
              versions.map((v) => [
                String(v.version),
                v.aliases.join(' '),
                v.source,
                when(v.createdAt),
                Object.entries(v.metrics)
                  .slice(0, 3)
                  .map(([k, x]) => `${k}=${x}`)
                  .join(' '),
                v.data.map((d) => (d.version === undefined ? d.name : `${d.name}:${d.version}`)).join(' '),
              ]),
            ),
          ].join('\n'),
        );
      }),
    );

  withStoreOptions(
    models.command('register').description('register a new version from a run artifact or a file'),
  )
    .argument('<name>', 'model name: letters, digits, _ . -')
    .option('--run <run>', 'source run id (with --artifact)')
    .option('--artifact <path>', "path in the run's artifacts")
    .option('--file <path>', 'a model file or folder (optionally with --run to record the run)')
    .option('--description <text>', 'version description')
    .option('--tag <key=value>', 'version tag (repeatable)', collect)
    .option('--data-schema <file>', 'JSON file with the data schema the model was trained on')
    .action((name: string, options: RegisterCliOptions) =>
      withRegistry(options, true, (registry) => {
        const version = registry.register(name, source(options), {
          ...(options.description !== undefined ? { description: options.description } : {}),
          ...(options.tag ? { tags: parseTags(options.tag) } : {}),
          ...(options.dataSchema !== undefined ? { dataSchema: readJson(options.dataSchema) } : {}),
          ...(options.file !== undefined && options.run !== undefined ? { runId: options.run } : {}),
        });
        printResult(
          options.json === true,
          version,
          () => `registered ${version.name} version ${version.version}`,
        );
      }),
    );

  withStoreOptions(
    models.command('alias').description('point an alias at a version (moving it), or delete it'),
  )
    .argument('<name>', 'model name')
    .argument('<alias>', 'alias, e.g. production')
    .argument('[version]', 'version number (omit with --delete)')
    .option('--delete', 'remove the alias')
    .action(
      (
        name: string,
        alias: string,
        version: string | undefined,
        options: StoreOption & { json?: boolean; delete?: boolean },
      ) =>
        withRegistry(options, false, (registry) => {
          if (options.delete) {
            registry.deleteAlias(name, alias);
            printResult(
              options.json === true,
              registry.getModel(name),
              () => `removed alias ${alias} of ${name}`,
            );
            return;
          }
          if (version === undefined || !/^[1-9]\d*$/.test(version)) {
            throw new ValidationError(
              `models alias needs a version number from 1, got ${JSON.stringify(version)}`,
              {
                path: 'version',
              },
            );
          }
          registry.setAlias(name, alias, Number(version));
          printResult(
            options.json === true,
            registry.getModel(name),
            () => `${name}@${alias} -> version ${version}`,
          );
        }),
    );
}

function withRegistry(options: StoreOption, create: boolean, fn: (registry: ModelRegistry) => void): void {
  withCliStore(options, create, (store) => fn(new ModelRegistry({ store })));
}

function source(options: RegisterCliOptions): { runId: string; artifactPath: string } | { file: string } {
  if (options.file !== undefined && options.artifact === undefined) return { file: options.file };
  if (options.run !== undefined && options.artifact !== undefined && options.file === undefined) {
    return { runId: options.run, artifactPath: options.artifact };
  }
  throw new ValidationError('models register needs either --run RUN --artifact PATH, or --file PATH', {
    path: 'source',
  });
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read the data schema: ${(error as Error).message}`, { file });
  }
}

function showVersion(v: ModelVersion & { data: ReturnType<typeof runDataLineage> }): string {
  return [
    `${v.name} version ${v.version}${v.aliases.length > 0 ? ` (${v.aliases.join(', ')})` : ''}`,
    `  source ${v.source}`,
    `  run ${v.runId ?? '-'}, created ${when(v.createdAt)}`,
    `  stored at ${v.path}`,
    ...(v.description ? [`  ${v.description}`] : []),
    ...Object.entries(v.metrics).map(([k, x]) => `  metrics.${k} = ${x}`),
    ...Object.entries(v.tags).map(([k, x]) => `  tags.${k} = ${x}`),
    `  data schema: ${v.dataSchema === undefined ? '-' : JSON.stringify(v.dataSchema)}`,
    ...(v.data.length > 0 ? ['  trained on:', ...lineageText(v.data).map((l) => `    ${l}`)] : []),
  ].join('\n');
}
