import { dirname, isAbsolute, resolve } from 'node:path';
import { readYamlFile } from '../data/yaml-file.ts';
import type { DataAssetSpec } from './data-assets.ts';
import { DATA_KINDS, type DataKind } from './data-paths.ts';

/** A data asset YAML read: the spec (its fields may be missing, for CLI flags to fill) and the keys that do nothing here. */
export interface DataAssetFile {
  readonly spec: Partial<DataAssetSpec>;
  readonly ignored: readonly string[];
}

/** Keys of Azure's data asset YAML with no effect on a local store. */
const IGNORED = ['$schema', 'datastore', 'stage', 'auto_delete_setting', 'properties'];

/**
 * Reads a data asset YAML in Azure's shape (`name`, `version`, `type` — default
 * `uri_folder` as Azure's —, `path`, `description`, `tags`). A relative local `path` is
 * read from the file's folder; `azureml://` paths stay as written. Mistakes are
 * ConfigErrors naming the file, line and key.
 *
 * @example
 * const { spec } = readDataAssetFile('data.yml'); // { name: 'iris', type: 'uri_file', path: '/work/iris.csv' }
 */
export function readDataAssetFile(file: string): DataAssetFile {
  const doc = readYamlFile(file);
  const root = doc.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw doc.error([], 'a data asset file is a mapping with name, type and path');
  }
  const r = root as Record<string, unknown>;
  const ignored: string[] = [];
  for (const key of Object.keys(r)) {
    if (['name', 'version', 'type', 'path', 'description', 'tags'].includes(key)) continue;
    if (IGNORED.includes(key)) {
      if (key !== '$schema') ignored.push(key);
    } else
      throw doc.error([key], 'unknown key; a data asset has name, version, type, path, description and tags');
  }
  const text = (key: string): string | undefined => {
    const v = r[key];
    if (v === undefined) return undefined;
    if (typeof v === 'number' && key === 'version') return String(v);
    if (typeof v !== 'string' || v === '') throw doc.error([key], `expected text, got ${JSON.stringify(v)}`);
    return v;
  };
  const type = text('type') ?? 'uri_folder';
  if (!DATA_KINDS.includes(type as DataKind)) {
    throw doc.error(['type'], `expected ${DATA_KINDS.join(', ')}, got ${JSON.stringify(type)}`);
  }
  const path = text('path');
  const tags = r.tags ?? {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw doc.error(['tags'], 'expected a mapping of tag names to values');
  }
  const local = path !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(path);
  const name = text('name');
  const version = text('version');
  const description = text('description');
  return {
    spec: {
      ...(name !== undefined ? { name } : {}),
      ...(version !== undefined ? { version } : {}),
      type: type as DataKind,
      ...(path !== undefined
        ? { path: local && !isAbsolute(path) ? resolve(dirname(resolve(file)), path) : path }
        : {}),
      ...(description !== undefined ? { description } : {}),
      tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)])),
    },
    ignored,
  };
}
