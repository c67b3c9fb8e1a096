import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import { type ComponentSpec, readComponentFile } from './component.ts';
import { contentHash, jsonHash } from './content-hash.ts';

/** A registered component version. */
export interface RegisteredComponent {
  readonly name: string;
  readonly version: string;
  /** The content hash: the spec and the files of its `code` folder. */
  readonly hash: string;
  readonly spec: ComponentSpec;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

interface Row {
  name: string;
  version: string;
  hash: string;
  spec_json: string;
  created_at: number;
}

/**
 * A component's content hash: what it runs (command, ports, environment, variables,
 * determinism) and the bytes of its `code` folder; its name, version and descriptions
 * do not count, so a renamed copy is still the same work.
 *
 * @example
 * componentHash(readComponentFile('prep.yml')); // 'a1b2…'
 */
export function componentHash(spec: ComponentSpec): string {
  return jsonHash({
    command: spec.command,
    inputs: spec.inputs,
    outputs: spec.outputs,
    environment: spec.environment ?? null,
    environmentVariables: spec.environmentVariables,
    isDeterministic: spec.isDeterministic,
    code: spec.code === undefined ? null : contentHash(spec.code),
  });
}

function toComponent(row: Row): RegisteredComponent {
  return {
    name: row.name,
    version: row.version,
    hash: row.hash,
    spec: JSON.parse(row.spec_json) as ComponentSpec,
    createdAt: row.created_at,
  };
}

/**
 * Registers a component version. Without a version in the file it gets the next whole
 * number; registering the same content again under its version is a no-op, different
 * content under a taken version an error.
 *
 * @example
 * const { version } = createComponent(store, readComponentFile('prep.yml'));
 */
export function createComponent(
  store: SqliteStore,
  spec: ComponentSpec,
  now = Date.now(),
): RegisteredComponent {
  const hash = componentHash(spec);
  return store.write(() => {
    let version = spec.version;
    if (version === '') {
      const versions = (
        store.sql('SELECT version FROM components WHERE name = ?').all(spec.name) as { version: string }[]
      ).map((r) => Number(r.version));
      version = String(Math.max(0, ...versions.filter(Number.isSafeInteger)) + 1);
    }
    const existing = store
      .sql('SELECT * FROM components WHERE name = ? AND version = ?')
      .get(spec.name, version) as Row | undefined;
    if (existing && existing.hash !== hash) {
      throw new ValidationError(
        `component ${spec.name}:${version} is already registered with other content: give the file a new version`,
        { path: 'version', code: 'E_COMPONENT_EXISTS' },
      );
    }
    if (!existing) {
      const stored: ComponentSpec = { ...spec, version };
      store
        .sql(
          'INSERT INTO components (name, version, hash, spec_json, base_dir, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(spec.name, version, hash, JSON.stringify(stored), spec.baseDir, spec.description ?? '', now);
    }
    return getComponent(store, spec.name, version);
  });
}

/**
 * A registered component: a version, or `latest` (the newest registered).
 *
 * @example
 * getComponent(store, 'prep', 'latest').version; // '3'
 */
export function getComponent(store: SqliteStore, name: string, version: string): RegisteredComponent {
  const row = (
    version === 'latest'
      ? store
          .sql('SELECT * FROM components WHERE name = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
          .get(name)
      : store.sql('SELECT * FROM components WHERE name = ? AND version = ?').get(name, version)
  ) as Row | undefined;
  if (!row) {
    const known = listComponents(store)
      .filter((c) => c.name === name)
      .map((c) => c.version);
    throw new ValidationError(
      `no component ${name}${version === 'latest' ? '' : `:${version}`} in the store${
        known.length ? ` (versions: ${known.join(', ')})` : ''
      }: register it with mlsweep component create -f <file>`,
      { path: 'component', code: 'E_NOT_FOUND' },
    );
  }
  return toComponent(row);
}

/**
 * Every registered component version, by name then creation.
 *
 * @example
 * listComponents(store).map((c) => `${c.name}:${c.version}`);
 */
export function listComponents(store: SqliteStore): RegisteredComponent[] {
  return (store.sql('SELECT * FROM components ORDER BY name, created_at, rowid').all() as Row[]).map(
    toComponent,
  );
}

/** A component reference as a pipeline step writes it. */
export type ComponentRef =
  | { readonly form: 'registered'; readonly name: string; readonly version: string }
  | { readonly form: 'file'; readonly path: string };

/**
 * What a `component:` string names: `azureml:name:version`, `azureml:name@latest`
 * (or `azureml:name`, the latest) or a YAML file.
 *
 * @example
 * parseComponentRef('azureml:prep@latest'); // { form: 'registered', name: 'prep', version: 'latest' }
 */
export function parseComponentRef(ref: string): ComponentRef {
  const m = /^azureml:([A-Za-z_][A-Za-z0-9_-]*)(?::([^:@/]+)|@latest)?$/i.exec(ref);
  if (m) return { form: 'registered', name: m[1]!, version: m[2] ?? 'latest' };
  if (/^azureml:/i.test(ref)) {
    throw new ValidationError(
      `${ref}: a component reference is azureml:name:version or azureml:name@latest`,
      {
        path: 'component',
      },
    );
  }
  return { form: 'file', path: ref.replace(/^file:/, '') };
}

/**
 * Resolves a `component:` string to its spec: a registered version from the store, or a
 * file relative to `cwd`. A missing file or version is a ValidationError naming it.
 *
 * @example
 * resolveComponentRef('azureml:prep:1', { store, cwd: '.' }).spec.command;
 */
export function resolveComponentRef(
  ref: string,
  options: { store?: SqliteStore; cwd: string },
): { spec: ComponentSpec; source: string } {
  const parsed = parseComponentRef(ref);
  if (parsed.form === 'registered') {
    if (!options.store) {
      throw new ValidationError(`${ref} names a registered component, which needs a store (--store)`, {
        path: 'component',
      });
    }
    const found = getComponent(options.store, parsed.name, parsed.version);
    return { spec: found.spec, source: `azureml:${found.name}:${found.version}` };
  }
  const path = isAbsolute(parsed.path) ? parsed.path : resolve(options.cwd, parsed.path);
  if (!existsSync(path)) {
    throw new ValidationError(`component file ${parsed.path} does not exist (read from ${options.cwd})`, {
      path: 'component',
      code: 'E_NOT_FOUND',
    });
  }
  return { spec: readComponentFile(path), source: path };
}
