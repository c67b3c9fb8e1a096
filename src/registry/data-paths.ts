import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { fileSha256, filesSha256 } from '../data/content-hash.ts';
import { folderFiles, globFiles, hasGlob } from '../data/glob.ts';
import { isMLTable, loadMLTable, type MLTableSpec, mltableFile, mltableFiles } from '../data/mltable.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import { getDatastore } from './datastores.ts';

/** The three kinds of data Azure ML names: one file, a folder of files, a table of files. */
export type DataKind = 'uri_file' | 'uri_folder' | 'mltable';

/** The data kinds, in Azure's spelling. */
export const DATA_KINDS: readonly DataKind[] = ['uri_file', 'uri_folder', 'mltable'];

/** What a data reference says, before anything is read. */
export type DataReference =
  | { readonly form: 'asset'; readonly name: string; readonly version: string }
  | { readonly form: 'latest'; readonly name: string }
  | { readonly form: 'datastore'; readonly datastore: string; readonly path: string }
  | { readonly form: 'path'; readonly path: string };

/** Local data found for a path, a glob or a datastore URI. */
export interface LocalData {
  readonly kind: DataKind;
  /** The file, the folder (a glob's fixed folder), or the MLTable folder. */
  readonly path: string;
  /** Every data file, sorted (an MLTable's in its paths' order). */
  readonly files: readonly string[];
  readonly table?: MLTableSpec;
}

const DATASTORE_URI =
  /^azureml:\/\/(?:subscriptions\/[^/]+\/resourcegroups\/[^/]+\/workspaces\/[^/]+\/)?datastores\/([^/]+)\/paths(?:\/(.*))?$/i;
const LONG_ASSET_URI = /^azureml:\/\/(?:.*\/)?data\/([^/]+)\/versions\/([^/]+)$/i;
const SHORT_ASSET = /^azureml:([^:@/]+)(?::([^:@/]+)|@([^:@/]+))?$/;

/**
 * Reads a data reference: `azureml:<name>:<version>`, `azureml:<name>@latest`,
 * `azureml://datastores/<name>/paths/<path>` (Azure's long forms with subscriptions,
 * workspaces, or `…/data/<name>/versions/<v>` too), or a local path or glob. A malformed
 * `azureml:` reference is a ValidationError saying the forms.
 *
 * @example
 * parseDataReference('azureml:iris@latest'); // { form: 'latest', name: 'iris' }
 * parseDataReference('azureml://datastores/training/paths/iris/*.csv'); // { form: 'datastore', ... }
 */
export function parseDataReference(ref: string): DataReference {
  if (!/^azureml:/i.test(ref)) return { form: 'path', path: ref };
  const datastore = DATASTORE_URI.exec(ref);
  if (datastore) return { form: 'datastore', datastore: datastore[1]!, path: datastore[2] ?? '' };
  const long = LONG_ASSET_URI.exec(ref);
  if (long) return { form: 'asset', name: long[1]!, version: long[2]! };
  const short = SHORT_ASSET.exec(ref);
  if (short && short[2] !== undefined) return { form: 'asset', name: short[1]!, version: short[2] };
  if (short && short[3] === 'latest') return { form: 'latest', name: short[1]! };
  const hint = short
    ? short[3] !== undefined
      ? ` (only the label @latest exists, not @${short[3]})`
      : ' (it names no version: add :<version> or @latest)'
    : '';
  throw new ValidationError(
    `invalid data reference ${JSON.stringify(ref)}${hint}; expected azureml:<name>:<version>, azureml:<name>@latest or azureml://datastores/<name>/paths/<path>`,
    { path: 'path', code: 'E_DATA_REF' },
  );
}

/**
 * The folder a datastore URI's path stands for, which must stay inside the datastore
 * (a `..` that climbs out is refused).
 *
 * @example
 * datastorePath(store, 'training', 'iris/train.csv'); // '/data/training/iris/train.csv'
 */
export function datastorePath(store: SqliteStore, datastore: string, path: string): string {
  const root = getDatastore(store, datastore).path;
  const target = resolve(root, path.replace(/^\/+/, ''));
  const inside = relative(root, target);
  if (inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    throw new ValidationError(
      `azureml://datastores/${datastore}/paths/${path} climbs out of the datastore's folder ${root}`,
      { path: 'path', code: 'E_DATA_REF' },
    );
  }
  return target;
}

function kindOf(path: string): 'file' | 'folder' | undefined {
  try {
    const s = statSync(path);
    return s.isDirectory() ? 'folder' : s.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds the data at a local path: an MLTable folder (or its `MLTable` file), a folder
 * (its files recursively), a file, or a glob's matches (kind `uri_folder`, path its fixed
 * folder). Returns undefined when nothing is there.
 *
 * @example
 * localData('/work/data/*.csv')?.files; // ['/work/data/a.csv', '/work/data/b.csv']
 */
export function localData(
  path: string,
  resolveUri?: (uri: string) => readonly string[],
): LocalData | undefined {
  if (hasGlob(path) && kindOf(path) === undefined) {
    const files = globFiles(path, '/');
    if (files.length === 0) return undefined;
    const segments = path.split(/[\\/]+/);
    const fixed =
      segments
        .slice(
          0,
          segments.findIndex((s) => hasGlob(s)),
        )
        .join(sep) || sep;
    return { kind: 'uri_folder', path: fixed, files };
  }
  const kind = kindOf(path);
  if (kind === undefined) return undefined;
  if (isMLTable(path)) {
    const table = loadMLTable(path);
    return {
      kind: 'mltable',
      path: dirname(mltableFile(path)),
      files: mltableFiles(table, resolveUri),
      table,
    };
  }
  if (kind === 'folder') return { kind: 'uri_folder', path, files: folderFiles(path) };
  return { kind: 'uri_file', path, files: [path] };
}

/**
 * The content hash of data: for a file the sha256 of its bytes; for a folder, a glob or
 * an MLTable the sha256 of a manifest of its files (see filesSha256), an MLTable's
 * `MLTable` file included, relative to the data's folder.
 *
 * @example
 * dataHash(localData('data/train.csv')!); // 'e3b0c442…'
 */
export function dataHash(data: LocalData): string {
  if (data.kind === 'uri_file') return fileSha256(data.path);
  if (data.kind === 'mltable') return filesSha256(data.path, [join(data.path, 'MLTable'), ...data.files]);
  return filesSha256(data.path, data.files);
}

/**
 * Resolves a path, glob or datastore URI to local data; a ValidationError naming the
 * reference when nothing matches, or when a datastore URI comes without a store.
 *
 * @example
 * resolveLocalData('azureml://datastores/workspaceblobstore/paths/1/abc/predictions.csv', { store });
 */
export function resolveLocalData(ref: string, options: { store?: SqliteStore; cwd?: string }): LocalData {
  const parsed = parseDataReference(ref);
  if (parsed.form === 'asset' || parsed.form === 'latest') {
    throw new ValidationError(`${ref} is a data asset, not a path`, { path: 'path', code: 'E_DATA_REF' });
  }
  const cwd = options.cwd ?? process.cwd();
  let path: string;
  if (parsed.form === 'datastore') {
    if (!options.store) {
      throw new ValidationError(`${ref} names a datastore, which needs a store (--store or $MLSWEEP_STORE)`, {
        path: 'path',
        code: 'E_DATA_REF',
      });
    }
    path = datastorePath(options.store, parsed.datastore, parsed.path);
  } else path = resolve(cwd, parsed.path);
  const resolveUri = (uri: string): readonly string[] => resolveLocalData(uri, options).files;
  const found = localData(path, resolveUri);
  if (!found || found.files.length === 0) {
    const what = !found
      ? hasGlob(ref)
        ? 'no file matches it'
        : 'no such file or folder'
      : 'the folder holds no files';
    throw new ValidationError(`data ${ref}: ${what} (looked at ${path})`, {
      path: 'path',
      code: 'E_DATA_NOT_FOUND',
    });
  }
  return found;
}
