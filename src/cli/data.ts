// `mlsweep data create|list|show|archive|restore`: data assets of a store, in Azure's
// shapes (az ml data …). The data stays where it is; each version records its sha256.
import type { Command } from 'commander';
import { ValidationError } from '../core/errors.ts';
import { readDataAssetFile } from '../registry/data-asset-file.ts';
import { type DataAsset, type DataAssetSpec, DataAssets } from '../registry/data-assets.ts';
import { dataConsumers } from '../registry/data-lineage.ts';
import { DATA_KINDS, type DataKind, parseDataReference } from '../registry/data-paths.ts';
import { collect, type StoreOption, table, when, withCliStore, withStoreOptions } from './experiments.ts';
import { choiceOption, parseTags } from './options.ts';
import { log, printResult } from './output.ts';

interface CreateOptions extends StoreOption {
  json?: boolean;
  file?: string;
  name?: string;
  version?: string;
  type?: DataKind;
  path?: string;
  description?: string;
  tag?: string[];
}

/** The spec of `data create`: the file's fields, then the flags over them (as `az ml data create -f F --name N`). */
function createSpec(o: CreateOptions): DataAssetSpec {
  const fromFile = o.file === undefined ? undefined : readDataAssetFile(o.file);
  for (const key of fromFile?.ignored ?? []) log(`note: ${o.file}: ${key} has no effect on a local store`);
  const spec: Partial<DataAssetSpec> = {
    ...(fromFile?.spec ?? {}),
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.version !== undefined ? { version: o.version } : {}),
    ...(o.type !== undefined ? { type: o.type } : {}),
    ...(o.path !== undefined ? { path: o.path } : {}),
    ...(o.description !== undefined ? { description: o.description } : {}),
    ...(o.tag ? { tags: { ...(fromFile?.spec.tags ?? {}), ...parseTags(o.tag) } } : {}),
  };
  for (const key of ['name', 'path'] as const) {
    if (spec[key] === undefined) {
      throw new ValidationError(`data create needs --${key} (or -f data.yml with ${key})`, {
        path: `--${key}`,
      });
    }
  }
  if (spec.type === undefined) {
    throw new ValidationError(`data create needs --type ${DATA_KINDS.join('|')} (or -f data.yml)`, {
      path: '--type',
    });
  }
  return spec as DataAssetSpec;
}

function human(a: DataAsset): string {
  return [
    `${a.name}:${a.version} (${a.type})${a.archived ? ' archived' : ''}`,
    `  path ${a.path}`,
    `  sha256 ${a.hash}`,
    `  ${a.fileCount} file${a.fileCount === 1 ? '' : 's'}, ${a.sizeBytes} bytes, created ${when(a.createdAt)}`,
    ...(a.description ? [`  ${a.description}`] : []),
    ...Object.entries(a.tags).map(([k, v]) => `  tags.${k} = ${v}`),
  ].join('\n');
}

/** `NAME` with --version/--label, or `azureml:NAME:VERSION` / `azureml:NAME@latest`. */
function nameAndVersion(
  ref: string,
  o: { version?: string; label?: string },
): { name: string; version: string } {
  if (ref.startsWith('azureml:')) {
    const parsed = parseDataReference(ref);
    if (parsed.form === 'asset') return { name: parsed.name, version: parsed.version };
    if (parsed.form === 'latest') return { name: parsed.name, version: 'latest' };
    throw new ValidationError(`${ref} is a datastore path, not a data asset`, { path: 'name' });
  }
  if (o.label !== undefined && o.label !== 'latest') {
    throw new ValidationError(`--label ${o.label}: the only label is latest`, { path: '--label' });
  }
  if (o.version !== undefined && o.label !== undefined) {
    throw new ValidationError('give --version or --label, not both', { path: '--version' });
  }
  return { name: ref, version: o.version ?? 'latest' };
}

/**
 * Registers `mlsweep data create|list|show|archive|restore`.
 *
 * @example
 * registerData(program); // mlsweep data create --name iris --type uri_file --path iris.csv
 */
export function registerData(program: Command): void {
  const data = program
    .command('data')
    .description('data assets: named, versioned files, folders and MLTables');

  withStoreOptions(data.command('create').description('register a new version of a data asset'))
    .option(
      '-f, --file <yml>',
      "a data asset YAML (Azure's shape: name, version, type, path, description, tags)",
    )
    .option('--name <name>', 'asset name: letters, digits, _ . -')
    .option('--version <version>', 'version (default: the next whole number)')
    .option('--type <type>', 'uri_file, uri_folder or mltable', choiceOption(DATA_KINDS))
    .option(
      '--path <path>',
      'a file, folder, glob, MLTable folder or azureml://datastores/<name>/paths/<path>',
    )
    .option('--description <text>', 'what the data is')
    .option('--tag <key=value>', 'a tag (repeatable)', collect)
    .action((o: CreateOptions) => {
      const spec = createSpec(o);
      withCliStore(o, true, (store) => {
        const asset = new DataAssets(store).create(spec);
        printResult(
          o.json === true,
          asset,
          () => `registered ${asset.name}:${asset.version}\n${human(asset)}`,
        );
      });
    });

  withStoreOptions(
    data.command('list').description('the latest version of every data asset, or every version of one'),
  )
    .option('--name <name>', 'every version of this asset')
    .option('--include-archived', 'archived versions too')
    .action((o: StoreOption & { json?: boolean; name?: string; includeArchived?: boolean }) =>
      withCliStore(o, false, (store) => {
        const list = new DataAssets(store).list({
          ...(o.name !== undefined ? { name: o.name } : {}),
          includeArchived: o.includeArchived === true,
        });
        printResult(o.json === true, list, () =>
          table(
            ['name', 'version', 'type', 'files', 'created', 'path'],
            list.map((a) => [
              a.name,
              a.version + (a.archived ? ' (archived)' : ''),
              a.type,
              String(a.fileCount),
              when(a.createdAt),
              a.path,
            ]),
          ),
        );
      }),
    );

  withStoreOptions(data.command('show').description('one version of a data asset (default: the latest)'))
    .argument('<asset>', 'NAME, azureml:NAME:VERSION or azureml:NAME@latest')
    .option('--version <version>', 'the version')
    .option('--label <label>', 'latest')
    .option('--verify', 'hash the data now and say whether it still matches')
    .action(
      (
        ref: string,
        o: StoreOption & { json?: boolean; version?: string; label?: string; verify?: boolean },
      ) =>
        withCliStore(o, false, (store) => {
          const { name, version } = nameAndVersion(ref, o);
          const assets = new DataAssets(store);
          const asset = assets.get(name, version);
          if (o.verify) assets.open(asset.name, asset.version);
          // who read this content: runs that recorded it, models registered from them
          const usedBy = dataConsumers(store, asset.name, asset.hash);
          const result = { ...asset, usedBy, ...(o.verify ? { verified: true } : {}) };
          printResult(o.json === true, result, () =>
            [
              human(asset),
              ...(o.verify ? ['  content matches its hash'] : []),
              ...(usedBy.runs.length > 0
                ? [
                    `  read by ${usedBy.runs.length} run${usedBy.runs.length === 1 ? '' : 's'}: ${usedBy.runs.map((r) => r.runId).join(', ')}`,
                  ]
                : []),
              ...(usedBy.models.length > 0
                ? [`  models trained on it: ${usedBy.models.map((m) => `${m.name}/${m.version}`).join(', ')}`]
                : []),
            ].join('\n'),
          );
        }),
    );

  for (const [verb, archived] of [
    ['archive', true],
    ['restore', false],
  ] as const) {
    withStoreOptions(
      data
        .command(verb)
        .description(
          archived
            ? 'hide a version (or every version) from list and @latest; it stays readable by version'
            : 'undo archive: a version, or every version',
        ),
    )
      .argument('<name>', 'asset name')
      .option('--version <version>', 'only this version')
      .action((name: string, o: StoreOption & { json?: boolean; version?: string }) =>
        withCliStore(o, false, (store) => {
          const assets = new DataAssets(store);
          const changed = archived ? assets.archive(name, o.version) : assets.restore(name, o.version);
          printResult(
            o.json === true,
            changed,
            () =>
              `${archived ? 'archived' : 'restored'} ${changed.map((a) => `${a.name}:${a.version}`).join(', ')}`,
          );
        }),
      );
  }
}
