import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataError, ValidationError } from '../core/errors.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import {
  DATA_KINDS,
  type DataKind,
  dataHash,
  type LocalData,
  parseDataReference,
  resolveLocalData,
} from './data-paths.ts';

/** A version of a data asset as the store keeps it. */
export interface DataAsset {
  readonly name: string;
  readonly version: string;
  readonly type: DataKind;
  /** Where the data is, as registered: an absolute path or glob, or a datastore URI. */
  readonly path: string;
  /** The absolute local path it resolved to when registered. */
  readonly localPath: string;
  /** sha256 of the content when registered (see dataHash). */
  readonly hash: string;
  readonly fileCount: number;
  readonly sizeBytes: number;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** Archived versions are hidden from `list` and from `@latest`, but still readable by version. */
  readonly archived: boolean;
  readonly createdAt: number;
}

/** What registering a data asset takes (Azure's `az ml data create` fields). */
export interface DataAssetSpec {
  readonly name: string;
  /** Default: one more than the highest whole-number version, or 1. */
  readonly version?: string;
  readonly type: DataKind;
  /** A local file, folder, glob or MLTable folder, or an `azureml://datastores/…` URI. */
  readonly path: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** A version of a data asset with its data found (and, by default, checked against its hash). */
export interface OpenedDataAsset {
  readonly asset: DataAsset;
  readonly data: LocalData;
}

interface AssetRow {
  name: string;
  version: string;
  type: DataKind;
  path: string;
  local_path: string;
  hash: string;
  file_count: number;
  size_bytes: number;
  description: string;
  tags_json: string;
  archived: number;
  created_at: number;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;

/**
 * Checks a data asset name: 1 to 255 letters, digits, `_`, `.`, `-`, starting with a
 * letter or digit (so it never holds the `:` or `@` of an azureml: reference).
 *
 * @example
 * checkDataAssetName('iris-train'); // 'iris-train'
 */
export function checkDataAssetName(name: string): string {
  if (typeof name === 'string' && NAME.test(name)) return name;
  throw new ValidationError(
    `invalid data asset name ${JSON.stringify(name)}: use 1 to 255 letters, digits, '_', '.', '-', starting with a letter or digit`,
    { path: 'name' },
  );
}

/**
 * Checks a data asset version: 1 to 100 letters, digits, `_`, `.`, `-`; `latest` is a label, not a version.
 *
 * @example
 * checkDataAssetVersion('3'); // '3'
 */
export function checkDataAssetVersion(version: string): string {
  if (typeof version === 'string' && VERSION.test(version) && version !== 'latest') return version;
  throw new ValidationError(
    `invalid data asset version ${JSON.stringify(version)}: use letters, digits, '_', '.', '-' (e.g. 1 or 2024.06); 'latest' is a label`,
    { path: 'version' },
  );
}

function toAsset(row: AssetRow): DataAsset {
  return {
    name: row.name,
    version: row.version,
    type: row.type,
    path: row.path,
    localPath: row.local_path,
    hash: row.hash,
    fileCount: row.file_count,
    sizeBytes: row.size_bytes,
    description: row.description,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    archived: row.archived === 1,
    createdAt: row.created_at,
  };
}

function sizeOf(files: readonly string[]): number {
  let total = 0;
  for (const f of files) total += statSync(f).size;
  return total;
}

/**
 * Data assets in the tracking store (schema version 7): named, versioned references to
 * a file, a folder or an MLTable, each with the sha256 of its content when registered.
 * The data stays where it is; reading a version checks that it still hashes the same,
 * so data that changed under a name is found out rather than trained on.
 *
 * @example
 * const assets = new DataAssets(store);
 * assets.create({ name: 'iris', type: 'uri_file', path: 'datasets/iris.csv' }); // version '1'
 * assets.open('iris', 'latest').data.files; // ['/work/datasets/iris.csv']
 */
export class DataAssets {
  private readonly clock: () => number;

  constructor(
    readonly store: SqliteStore,
    options: { readonly clock?: () => number } = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Registers a new version: finds the data, checks that it is of the type declared,
   * hashes it, and records it. The version is the next whole number when not given;
   * a version in use is refused (E_EXISTS).
   *
   * @example
   * assets.create({ name: 'sales', type: 'mltable', path: 'data/sales', description: 'Q1' });
   */
  create(spec: DataAssetSpec, options: { readonly cwd?: string } = {}): DataAsset {
    checkDataAssetName(spec.name);
    if (spec.version !== undefined) checkDataAssetVersion(spec.version);
    if (!DATA_KINDS.includes(spec.type)) {
      throw new ValidationError(
        `invalid data type ${JSON.stringify(spec.type)}: expected ${DATA_KINDS.join(', ')}`,
        {
          path: 'type',
        },
      );
    }
    const ref = parseDataReference(spec.path);
    if (ref.form === 'asset' || ref.form === 'latest') {
      throw new ValidationError(
        `the path of a data asset is a file, folder or datastore URI, not another asset (${spec.path})`,
        {
          path: 'path',
        },
      );
    }
    const data = resolveLocalData(spec.path, { store: this.store, cwd: options.cwd });
    if (data.kind !== spec.type) {
      const found = { uri_file: 'a file', uri_folder: 'a folder (or glob)', mltable: 'an MLTable folder' }[
        data.kind
      ];
      throw new ValidationError(
        `data asset ${spec.name}: --type ${spec.type} but ${spec.path} is ${found} (${data.kind})`,
        {
          path: 'type',
        },
      );
    }
    const hash = dataHash(data);
    // keep a datastore URI as written (the data follows its datastore); a local path absolute
    const stored = ref.form === 'datastore' ? spec.path : resolve(options.cwd ?? process.cwd(), spec.path);
    return this.store.write(() => {
      const version = spec.version ?? this.nextVersion(spec.name);
      if (this.find(spec.name, version)) {
        throw new ValidationError(
          `data asset ${spec.name} already has version ${version}: versions never change; give another --version (or none, for the next)`,
          { path: 'version', code: 'E_EXISTS' },
        );
      }
      this.store
        .sql(
          `INSERT INTO data_assets (name, version, type, path, local_path, hash, file_count, size_bytes, description, tags_json, archived, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
        )
        .run(
          spec.name,
          version,
          spec.type,
          stored,
          data.path,
          hash,
          data.files.length,
          sizeOf(data.files),
          spec.description ?? '',
          JSON.stringify(spec.tags ?? {}),
          this.clock(),
        );
      return this.get(spec.name, version);
    });
  }

  private nextVersion(name: string): string {
    const versions = this.store
      .sql('SELECT version FROM data_assets WHERE name = ?')
      .pluck()
      .all(name) as string[];
    let max = 0;
    for (const v of versions) if (/^\d+$/.test(v)) max = Math.max(max, Number(v));
    return String(max + 1);
  }

  /** A version, or undefined. */
  find(name: string, version: string): DataAsset | undefined {
    const row = this.store
      .sql('SELECT * FROM data_assets WHERE name = ? AND version = ?')
      .get(name, version) as AssetRow | undefined;
    return row ? toAsset(row) : undefined;
  }

  /**
   * A version (`latest`: the newest version not archived); a ValidationError (E_NOT_FOUND)
   * naming the versions there are otherwise.
   *
   * @example
   * assets.get('iris', '2').hash;
   */
  get(name: string, version: string): DataAsset {
    if (version === 'latest') return this.latest(name);
    const found = this.find(name, version);
    if (found) return found;
    const versions = this.versions(name);
    throw new ValidationError(
      versions.length === 0
        ? `no data asset named '${name}' in the store ${this.store.dir} (mlsweep data create --name ${name} … registers one)`
        : `data asset ${name} has no version ${version}; it has ${versions.join(', ')}`,
      { path: 'version', code: 'E_NOT_FOUND' },
    );
  }

  /** The newest version not archived (Azure's `@latest`). */
  latest(name: string): DataAsset {
    const row = this.store
      .sql(
        'SELECT * FROM data_assets WHERE name = ? AND archived = 0 ORDER BY created_at DESC, rowid DESC LIMIT 1',
      )
      .get(name) as AssetRow | undefined;
    if (row) return toAsset(row);
    const versions = this.versions(name);
    throw new ValidationError(
      versions.length === 0
        ? `no data asset named '${name}' in the store ${this.store.dir} (mlsweep data create --name ${name} … registers one)`
        : `data asset ${name} has no version that is not archived (versions ${versions.join(', ')}): restore one or name its version`,
      { path: 'version', code: 'E_NOT_FOUND' },
    );
  }

  /** The versions of an asset, oldest first. */
  versions(name: string): string[] {
    return this.store
      .sql('SELECT version FROM data_assets WHERE name = ? ORDER BY created_at, rowid')
      .pluck()
      .all(name) as string[];
  }

  /**
   * Versions by name then age: without `name` the latest version of every asset (as
   * `az ml data list`), with it every version of that asset; archived ones only with
   * `includeArchived`.
   *
   * @example
   * assets.list().map((a) => `${a.name}:${a.version}`);
   */
  list(options: { readonly name?: string; readonly includeArchived?: boolean } = {}): DataAsset[] {
    // two fixed statements rather than `? IS NULL OR …`, whose parameter type PostgreSQL cannot infer
    const archived = options.includeArchived ? '' : ' AND archived = 0';
    const rows = (
      options.name === undefined
        ? this.store
            .sql(`SELECT * FROM data_assets WHERE 1 = 1${archived} ORDER BY name, created_at, rowid`)
            .all()
        : this.store
            .sql(`SELECT * FROM data_assets WHERE name = ?${archived} ORDER BY name, created_at, rowid`)
            .all(options.name)
    ) as AssetRow[];
    const assets = rows.map(toAsset);
    if (options.name !== undefined) return assets;
    const latest = new Map<string, DataAsset>();
    for (const a of assets) latest.set(a.name, a);
    return [...latest.values()];
  }

  /**
   * Archives one version, or every version of the asset when none is given (as
   * `az ml data archive`); returns the versions changed.
   *
   * @example
   * assets.archive('iris', '1');
   */
  archive(name: string, version?: string): DataAsset[] {
    return this.setArchived(name, version, true);
  }

  /** Undoes `archive`: one version, or all of them. */
  restore(name: string, version?: string): DataAsset[] {
    return this.setArchived(name, version, false);
  }

  private setArchived(name: string, version: string | undefined, archived: boolean): DataAsset[] {
    return this.store.write(() => {
      const versions = version === undefined ? this.versions(name) : [this.get(name, version).version];
      if (versions.length === 0) this.get(name, '1');
      const update = this.store.sql('UPDATE data_assets SET archived = ? WHERE name = ? AND version = ?');
      for (const v of versions) update.run(archived ? 1 : 0, name, v);
      return versions.map((v) => this.get(name, v));
    });
  }

  /**
   * Finds a version's data and (unless `verify` is false) checks that it still hashes as
   * registered: data that changed, moved or vanished under the name is a DataError
   * (E_DATA_CHANGED / E_DATA_MISSING) that says so and how to register the new content.
   *
   * @example
   * const { data } = assets.open('iris', 'latest'); // throws when iris.csv was edited since
   */
  open(name: string, version: string, options: { readonly verify?: boolean } = {}): OpenedDataAsset {
    const asset = this.get(name, version);
    let data: LocalData;
    try {
      data = resolveLocalData(asset.path, { store: this.store });
    } catch (cause) {
      if (!(cause instanceof ValidationError)) throw cause;
      throw new DataError(
        `data asset ${asset.name}:${asset.version} is gone: ${cause.message}; restore the data, or register where it is now as a new version (mlsweep data create --name ${asset.name} --type ${asset.type} --path <path>)`,
        'E_DATA_MISSING',
      );
    }
    if (options.verify !== false) {
      const hash = dataHash(data);
      if (hash !== asset.hash) {
        throw new DataError(
          `data asset ${asset.name}:${asset.version} changed under its name: ${asset.path} now hashes to sha256 ${hash.slice(0, 12)}…, registered as ${asset.hash.slice(0, 12)}…; ` +
            `put the registered data back, or register the new content as a new version: mlsweep data create --name ${asset.name} --type ${asset.type} --path ${asset.path}`,
          'E_DATA_CHANGED',
        );
      }
    }
    return { asset, data };
  }
}
