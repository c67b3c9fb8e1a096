import { statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { readYamlFile } from '../data/yaml-file.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';

/** A named root folder that `azureml://datastores/<name>/paths/<path>` URIs are read under. */
export interface Datastore {
  readonly name: string;
  /** `local` for every datastore here (a folder on this machine). */
  readonly type: 'local';
  /** The absolute folder. */
  readonly path: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `workspaceblobstore` and `workspacefilestore`: part of every store, cannot be deleted. */
  readonly builtIn: boolean;
  /** When it was created (undefined for the built-in ones). */
  readonly createdAt: number | undefined;
}

/** What `createDatastore` takes (Azure's datastore YAML, local folders only). */
export interface DatastoreSpec {
  readonly name: string;
  /** A folder; relative paths are read from `cwd`. */
  readonly path: string;
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

/** The default datastore: the store's artifacts folder, where runs keep their outputs. */
export const WORKSPACE_BLOB_STORE = 'workspaceblobstore';
/** The store's files folder (`<store>/files`), for data that belongs to no run. */
export const WORKSPACE_FILE_STORE = 'workspacefilestore';

const NAME = /^[A-Za-z0-9_]{1,255}$/;
const CLOUD_TYPES = ['azure_blob', 'azure_file', 'azure_data_lake_gen1', 'azure_data_lake_gen2', 'one_lake'];
/** Keys of Azure's datastore YAML that only a cloud datastore uses: accepted, reported as ignored. */
const CLOUD_KEYS = [
  'account_name',
  'container_name',
  'file_share_name',
  'filesystem',
  'store_name',
  'endpoint',
  'protocol',
  'credentials',
  'service_data_access_auth_identity',
];

interface DatastoreRow {
  name: string;
  type: string;
  path: string;
  description: string;
  tags_json: string;
  created_at: number;
}

/**
 * Checks a datastore name as Azure does: 1 to 255 letters, digits and underscores.
 *
 * @example
 * checkDatastoreName('training_data'); // 'training_data'
 */
export function checkDatastoreName(name: string): string {
  if (typeof name === 'string' && NAME.test(name)) return name;
  throw new ValidationError(
    `invalid datastore name ${JSON.stringify(name)}: use 1 to 255 letters, digits and '_'`,
    { path: 'name' },
  );
}

function builtIns(store: SqliteStore): Datastore[] {
  return [
    {
      name: WORKSPACE_BLOB_STORE,
      type: 'local',
      path: join(store.dir, 'artifacts'),
      description: "the store's artifacts folder: runs' outputs",
      tags: {},
      builtIn: true,
      createdAt: undefined,
    },
    {
      name: WORKSPACE_FILE_STORE,
      type: 'local',
      path: join(store.dir, 'files'),
      description: "the store's files folder",
      tags: {},
      builtIn: true,
      createdAt: undefined,
    },
  ];
}

function toDatastore(row: DatastoreRow): Datastore {
  return {
    name: row.name,
    type: 'local',
    path: row.path,
    description: row.description,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
    builtIn: false,
    createdAt: row.created_at,
  };
}

/**
 * Every datastore of a store, by name: the two built-in ones and those created.
 *
 * @example
 * listDatastores(store).map((d) => d.name); // ['workspaceblobstore', 'workspacefilestore', 'training']
 */
export function listDatastores(store: SqliteStore): Datastore[] {
  const rows = store.sql('SELECT * FROM datastores ORDER BY name').all() as DatastoreRow[];
  return [...builtIns(store), ...rows.map(toDatastore)].sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
}

/**
 * A datastore by name; a ValidationError (E_NOT_FOUND) naming the known ones otherwise.
 *
 * @example
 * getDatastore(store, 'workspaceblobstore').path; // '/work/mlruns/artifacts'
 */
export function getDatastore(store: SqliteStore, name: string): Datastore {
  const builtIn = builtIns(store).find((d) => d.name === name);
  if (builtIn) return builtIn;
  const row = store.sql('SELECT * FROM datastores WHERE name = ?').get(name) as DatastoreRow | undefined;
  if (row) return toDatastore(row);
  throw new ValidationError(
    `no datastore named '${name}' in the store ${store.dir}; known: ${listDatastores(store)
      .map((d) => d.name)
      .join(', ')} (mlsweep datastore create -f ds.yml adds one)`,
    { path: 'name', code: 'E_NOT_FOUND' },
  );
}

/**
 * Creates a datastore for a local folder (which must exist). A name in use is refused
 * (E_EXISTS), the built-in names always.
 *
 * @example
 * createDatastore(store, { name: 'training', path: '/data/training' });
 */
export function createDatastore(
  store: SqliteStore,
  spec: DatastoreSpec,
  options: { readonly cwd?: string; readonly clock?: () => number } = {},
): Datastore {
  checkDatastoreName(spec.name);
  const path = resolve(options.cwd ?? process.cwd(), spec.path);
  let isDir = false;
  try {
    isDir = statSync(path).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    throw new ValidationError(`datastore '${spec.name}': path ${path} is not a folder on this machine`, {
      path: 'path',
    });
  }
  return store.write(() => {
    if (
      builtIns(store).some((d) => d.name === spec.name) ||
      store.sql('SELECT 1 FROM datastores WHERE name = ?').get(spec.name)
    ) {
      throw new ValidationError(
        `a datastore named '${spec.name}' already exists: delete it first or choose another name`,
        {
          path: 'name',
          code: 'E_EXISTS',
        },
      );
    }
    store
      .sql(
        'INSERT INTO datastores (name, type, path, description, tags_json, created_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        spec.name,
        'local',
        path,
        spec.description ?? '',
        JSON.stringify(spec.tags ?? {}),
        (options.clock ?? Date.now)(),
      );
    return getDatastore(store, spec.name);
  });
}

/**
 * Deletes a created datastore (the folder and its files stay: only the name goes). The
 * built-in ones cannot be deleted, nor one that data assets are registered under
 * (E_IN_USE); an unknown name is E_NOT_FOUND.
 *
 * @example
 * deleteDatastore(store, 'training');
 */
export function deleteDatastore(store: SqliteStore, name: string): Datastore {
  return store.write(() => {
    const found = getDatastore(store, name);
    if (found.builtIn) {
      throw new ValidationError(`the datastore '${name}' is part of every store and cannot be deleted`, {
        path: 'name',
        code: 'E_BUILT_IN',
      });
    }
    // a data asset registered under the datastore would lose its data: refused, naming them
    const users = (
      store
        .sql(
          "SELECT name, version, path FROM data_assets WHERE path LIKE 'azureml:%' ORDER BY name, created_at",
        )
        .all() as Array<{ name: string; version: string; path: string }>
    ).filter((a) => new RegExp(`datastores/${name}/paths(/|$)`, 'i').test(a.path));
    if (users.length > 0) {
      throw new ValidationError(
        `the datastore '${name}' holds the data of ${users
          .slice(0, 5)
          .map((a) => `${a.name}:${a.version}`)
          .join(', ')}${users.length > 5 ? ` and ${users.length - 5} more` : ''}: they would lose their data`,
        { path: 'name', code: 'E_IN_USE' },
      );
    }
    store.sql('DELETE FROM datastores WHERE name = ?').run(name);
    return found;
  });
}

/** A datastore file read: the spec, and the keys it had that do nothing here. */
export interface DatastoreFile {
  readonly spec: DatastoreSpec;
  readonly ignored: readonly string[];
}

/**
 * Reads a datastore YAML in Azure's shape (`name`, `type`, `description`, `tags`, and a
 * local `path`, relative to the file's folder). Azure's cloud types (azure_blob,
 * azure_file, data lakes) are refused: only local folders work here. Mistakes are
 * ConfigErrors naming the file, line and key.
 *
 * @example
 * const { spec } = readDatastoreFile('ds.yml'); // name: training, type: local, path: ./data
 */
export function readDatastoreFile(file: string): DatastoreFile {
  const doc = readYamlFile(file);
  const root = doc.value;
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw doc.error([], 'a datastore file is a mapping with name, type and path');
  }
  const r = root as Record<string, unknown>;
  const ignored: string[] = [];
  for (const key of Object.keys(r)) {
    if (['name', 'type', 'path', 'description', 'tags', '$schema'].includes(key)) continue;
    if (CLOUD_KEYS.includes(key)) ignored.push(key);
    else
      throw doc.error(
        [key],
        'unknown key; a local datastore has name, type: local, path, description and tags',
      );
  }
  if (typeof r.name !== 'string')
    throw doc.error(['name'], `expected a datastore name, got ${JSON.stringify(r.name)}`);
  if (!NAME.test(r.name))
    throw doc.error(['name'], `invalid name ${JSON.stringify(r.name)}: use 1 to 255 letters, digits and '_'`);
  const type = r.type ?? 'local';
  if (CLOUD_TYPES.includes(String(type))) {
    const account = typeof r.account_name === 'string' ? ` (account ${r.account_name})` : '';
    throw doc.error(
      ['type'],
      `${String(type)}${account} is cloud storage, which mlsweep cannot reach: only local folders work here; write type: local and path: <folder>`,
    );
  }
  if (type !== 'local') throw doc.error(['type'], `expected local, got ${JSON.stringify(type)}`);
  if (typeof r.path !== 'string' || r.path === '') {
    throw doc.error(['path'], `expected the datastore's folder, got ${JSON.stringify(r.path)}`);
  }
  if (r.description !== undefined && typeof r.description !== 'string') {
    throw doc.error(['description'], `expected text, got ${JSON.stringify(r.description)}`);
  }
  const tags = r.tags ?? {};
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    throw doc.error(['tags'], 'expected a mapping of tag names to values');
  }
  const folder = dirname(resolve(file));
  return {
    spec: {
      name: r.name,
      path: isAbsolute(r.path) ? r.path : resolve(folder, r.path),
      ...(r.description !== undefined ? { description: r.description as string } : {}),
      tags: Object.fromEntries(Object.entries(tags).map(([k, v]) => [k, String(v)])),
    },
    ignored,
  };
}
