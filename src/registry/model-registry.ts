import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { DataError, ValidationError } from '../core/errors.ts';
import { copyAtomic } from '../core/files.ts';
import { safeSubpath } from '../tracking/artifacts.ts';
import { SqliteStore, type SqliteStoreOptions } from '../tracking/sqlite-store.ts';
import { checkAlias, checkModelName, type ModelReference, parseModelUri } from './names.ts';

/** A registered model: a name that holds versions. */
export interface RegisteredModel {
  readonly name: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** alias -> version. */
  readonly aliases: Readonly<Record<string, number>>;
  readonly latestVersion: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** One version of a registered model, with where it came from. */
export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  /** `runs:/RUN_ID/ARTIFACT_PATH` or the absolute path of the file it was registered from. */
  readonly source: string;
  readonly runId: string | undefined;
  /** The registry's own copy (file or folder). */
  readonly path: string;
  /** The metrics it was registered with (by default, the source run's latest metrics). */
  readonly metrics: Readonly<Record<string, number>>;
  /** The data schema it was trained on, as given at registration. */
  readonly dataSchema: unknown;
  readonly tags: Readonly<Record<string, string>>;
  readonly aliases: readonly string[];
  readonly createdAt: number;
}

/** Where a version comes from: a run's artifact, or a file or folder. */
export type ModelSource =
  | { readonly runId: string; readonly artifactPath: string }
  | { readonly file: string };

/** What a version records besides its source. */
export interface RegisterOptions {
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
  /** Default: the source run's latest metrics, or none. */
  readonly metrics?: Readonly<Record<string, number>>;
  /** Any JSON value, e.g. the training data's column schema. */
  readonly dataSchema?: unknown;
  /** The run a file came from, when registering a file. */
  readonly runId?: string;
  /**
   * The source to record instead of the resolved path (e.g. the `mlflow-artifacts:/` URI
   * an MLflow client gave for a file of this store), when registering a file.
   */
  readonly source?: string;
}

/** What a registered model starts with when it is created before any version. */
export interface CreateModelOptions {
  readonly description?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

interface VersionRow {
  name: string;
  version: number;
  description: string;
  source: string;
  run_id: string | null;
  path: string;
  metrics_json: string;
  data_schema_json: string | null;
  created_at: number;
}

/**
 * The model registry: named models with numbered versions copied into
 * `<store>/models/NAME/VERSION/`, tags, descriptions and movable aliases, in the same
 * SQLite store as the runs they came from.
 *
 * @example
 * const registry = new ModelRegistry();
 * const v = registry.register('iris-rf', { runId, artifactPath: 'model.json' });
 * registry.setAlias('iris-rf', 'production', v.version);
 * const { model } = registry.load('models:/iris-rf@production');
 */
export class ModelRegistry {
  readonly store: SqliteStore;
  private readonly ownsStore: boolean;

  constructor(options: SqliteStoreOptions & { readonly store?: SqliteStore } = {}) {
    this.store = options.store ?? new SqliteStore(options);
    this.ownsStore = options.store === undefined;
  }

  /**
   * Registers a new version (the model is created on its first version) and copies the
   * model into the registry.
   *
   * @example
   * registry.register('iris-rf', { file: 'model.json' }, { metrics: { accuracy: 0.95 }, dataSchema: schema });
   */
  register(name: string, source: ModelSource, options: RegisterOptions = {}): ModelVersion {
    checkModelName(name);
    const from = this.resolveSource(source, options);
    const now = Date.now();
    let folder: string | undefined;
    let staging: string | undefined;
    let version: number;
    try {
      version = this.store.write(() => {
        this.store
          .sql(
            'INSERT INTO registered_models (name, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at',
          )
          .run(name, now, now);
        // The highest number ever given, kept by the model: a deleted version's number is
        // not given again (as MLflow), so `models:/name/3` never names two models over time.
        // (Two columns, compared here: SQLite's two-argument max() is PostgreSQL's greatest().)
        const numbers = this.store
          .sql(
            `SELECT m.last_version AS given, coalesce((SELECT max(v.version) FROM model_versions v WHERE v.name = m.name), 0) AS highest
             FROM registered_models m WHERE m.name = ?`,
          )
          .get(name) as { given: number; highest: number };
        const next = Math.max(numbers.given, numbers.highest) + 1;
        this.store.sql('UPDATE registered_models SET last_version = ? WHERE name = ?').run(next, name);
        // The copy is made in a staging folder and renamed into place, so the version's
        // folder holds the whole model or does not exist; a folder left by a registration
        // that failed before its commit is replaced.
        folder = join(this.store.dir, 'models', name, String(next));
        staging = join(dirname(folder), `.${next}.${process.pid}.tmp`);
        rmSync(folder, { recursive: true, force: true });
        rmSync(staging, { recursive: true, force: true });
        mkdirSync(staging, { recursive: true });
        copyAtomic(from.path, join(staging, basename(from.path)));
        renameSync(staging, folder);
        const target = join(folder, basename(from.path));
        this.store
          .sql(
            `INSERT INTO model_versions (name, version, description, source, run_id, path, metrics_json, data_schema_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            name,
            next,
            options.description ?? '',
            from.source,
            from.runId ?? null,
            relative(this.store.dir, target).split(sep).join('/'),
            JSON.stringify(options.metrics ?? from.metrics),
            options.dataSchema === undefined ? null : JSON.stringify(options.dataSchema),
            now,
          );
        for (const [key, value] of Object.entries(options.tags ?? {})) this.setTag(name, key, value, next);
        return next;
      });
    } catch (error) {
      if (staging !== undefined) rmSync(staging, { recursive: true, force: true });
      if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
      throw error;
    }
    return this.getVersion(name, version);
  }

  /** A registered model; a ValidationError (E_NOT_FOUND) naming the known ones otherwise. */
  getModel(name: string): RegisteredModel {
    checkModelName(name);
    const row = this.store
      .sql(
        `SELECT m.name, m.description, m.created_at, m.updated_at, max(v.version) AS latest
         FROM registered_models m LEFT JOIN model_versions v ON v.name = m.name WHERE m.name = ? GROUP BY m.name`,
      )
      .get(name) as
      | { name: string; description: string; created_at: number; updated_at: number; latest: number | null }
      | undefined;
    if (!row) {
      const known = this.listModels().map((m) => m.name);
      throw new ValidationError(
        `no registered model named '${name}'; known: ${known.length > 0 ? known.join(', ') : 'none yet'}`,
        { path: 'name', code: 'E_NOT_FOUND' },
      );
    }
    const aliases = this.store
      .sql('SELECT alias, version FROM model_aliases WHERE name = ? ORDER BY alias')
      .all(name) as Array<{ alias: string; version: number }>;
    return {
      name: row.name,
      description: row.description,
      tags: this.pairs('SELECT key, value FROM registered_model_tags WHERE name = ? ORDER BY key', name),
      aliases: Object.fromEntries(aliases.map((a) => [a.alias, a.version])),
      latestVersion: row.latest ?? 0,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }

  /** Every registered model, by name. */
  listModels(): RegisteredModel[] {
    const names = this.store
      .sql('SELECT name FROM registered_models ORDER BY name')
      .pluck()
      .all() as string[];
    return names.map((name) => this.getModel(name));
  }

  /** One version; a ValidationError (E_NOT_FOUND) naming the existing versions otherwise. */
  getVersion(name: string, version: number): ModelVersion {
    this.getModel(name);
    const row = this.store
      .sql('SELECT * FROM model_versions WHERE name = ? AND version = ?')
      .get(name, version) as VersionRow | undefined;
    if (!row) {
      const versions = this.listVersions(name).map((v) => v.version);
      throw new ValidationError(
        `model '${name}' has no version ${JSON.stringify(version)}; it has ${versions.length > 0 ? versions.join(', ') : 'none'}`,
        { path: 'version', code: 'E_NOT_FOUND' },
      );
    }
    return this.toVersion(row);
  }

  /** Every version of a model, oldest first. */
  listVersions(name: string): ModelVersion[] {
    const rows = this.store
      .sql('SELECT * FROM model_versions WHERE name = ? ORDER BY version')
      .all(checkModelName(name)) as VersionRow[];
    return rows.map((row) => this.toVersion(row));
  }

  /** Sets the description of a model, or of one of its versions. */
  setDescription(name: string, description: string, version?: number): void {
    if (version === undefined) {
      this.getModel(name);
      this.store
        .sql('UPDATE registered_models SET description = ?, updated_at = ? WHERE name = ?')
        .run(description, Date.now(), name);
    } else {
      this.getVersion(name, version);
      this.store
        .sql('UPDATE model_versions SET description = ? WHERE name = ? AND version = ?')
        .run(description, name, version);
    }
  }

  /** Sets a tag on a model, or on one of its versions. */
  setTag(name: string, key: string, value: string, version?: number): void {
    if (key === '') throw new ValidationError('a tag key must not be empty', { path: 'tags' });
    if (version === undefined) {
      this.getModel(name);
      this.store
        .sql(
          'INSERT INTO registered_model_tags (name, key, value) VALUES (?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET value = excluded.value',
        )
        .run(name, key, String(value));
    } else {
      this.getVersion(name, version);
      this.store
        .sql(
          'INSERT INTO model_version_tags (name, version, key, value) VALUES (?, ?, ?, ?) ON CONFLICT (name, version, key) DO UPDATE SET value = excluded.value',
        )
        .run(name, version, key, String(value));
    }
  }

  /**
   * Points an alias at a version, moving it if it pointed elsewhere.
   *
   * @example
   * registry.setAlias('iris-rf', 'production', 3);
   */
  setAlias(name: string, alias: string, version: number): void {
    checkAlias(alias);
    this.store.write(() => {
      this.getVersion(name, version);
      this.store
        .sql(
          'INSERT INTO model_aliases (name, alias, version) VALUES (?, ?, ?) ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version',
        )
        .run(name, alias, version);
    });
  }

  /** Removes an alias; a ValidationError when the model has no such alias. */
  deleteAlias(name: string, alias: string): void {
    this.getModel(name);
    const removed = this.store.sql('DELETE FROM model_aliases WHERE name = ? AND alias = ?').run(name, alias);
    if (removed.changes === 0) {
      throw new ValidationError(`model '${name}' has no alias '${alias}'`, {
        path: 'alias',
        code: 'E_NOT_FOUND',
      });
    }
  }

  /**
   * The version a `models:/` URI names.
   *
   * @example
   * registry.resolve('models:/iris-rf@production').version; // 3
   */
  resolve(uri: string): ModelVersion {
    const ref: ModelReference = parseModelUri(uri);
    if ('version' in ref) return this.getVersion(ref.name, ref.version);
    const model = this.getModel(ref.name);
    if ('latest' in ref) {
      if (model.latestVersion === 0) {
        throw new ValidationError(`model '${ref.name}' has no version yet`, {
          path: 'uri',
          code: 'E_NOT_FOUND',
        });
      }
      return this.getVersion(ref.name, model.latestVersion);
    }
    const version = model.aliases[ref.alias];
    if (version === undefined) {
      const known = Object.keys(model.aliases);
      throw new ValidationError(
        `model '${ref.name}' has no alias '${ref.alias}'; its aliases: ${known.length > 0 ? known.join(', ') : 'none'}`,
        { path: 'uri', code: 'E_NOT_FOUND' },
      );
    }
    return this.getVersion(ref.name, version);
  }

  /**
   * Loads a registered model: its JSON (the file, or `model.json` in a registered folder),
   * passed through `fromJSON` when given (e.g. an estimator's static fromJSON).
   *
   * @example
   * const { model, version } = registry.load('models:/iris-rf/3', { fromJSON: RandomForestClassifier.fromJSON });
   */
  load<T = unknown>(
    uri: string,
    options: { fromJSON?: (json: unknown) => T } = {},
  ): { version: ModelVersion; model: T } {
    const { version, file } = this.modelFile(uri);
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new DataError(
        `${file} (${uri}) is not valid JSON: ${(error as Error).message}`,
        'E_MODEL_INVALID',
      );
    }
    return { version, model: options.fromJSON ? options.fromJSON(json) : (json as T) };
  }

  /**
   * The file of the model a `models:/` URI names: the registered file, or `model.json` in
   * a registered folder; a DataError (E_MODEL_MISSING) when the registry's copy is gone.
   *
   * @example
   * registry.modelFile('models:/iris-rf@production').file; // '<store>/models/iris-rf/3/model.json'
   */
  modelFile(uri: string): { version: ModelVersion; file: string } {
    const version = this.resolve(uri);
    const folder = existsSync(version.path) && statSync(version.path).isDirectory();
    const file = folder ? join(version.path, 'model.json') : version.path;
    if (!existsSync(file)) {
      throw new DataError(`the files of ${uri} are missing: ${file} does not exist`, 'E_MODEL_MISSING');
    }
    return { version, file };
  }

  /**
   * Creates a registered model with no version yet (as MLflow's create-registered-model
   * does); a ValidationError (E_EXISTS) when the name is taken.
   *
   * @example
   * registry.createModel('iris-rf', { description: 'forests on iris', tags: { team: 'ml' } });
   */
  createModel(name: string, options: CreateModelOptions = {}): RegisteredModel {
    checkModelName(name);
    const now = Date.now();
    this.store.write(() => {
      const inserted = this.store
        .sql(
          'INSERT INTO registered_models (name, description, created_at, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
        )
        .run(name, options.description ?? '', now, now);
      if (inserted.changes === 0) {
        throw new ValidationError(`a registered model named '${name}' already exists`, {
          path: 'name',
          code: 'E_EXISTS',
        });
      }
      for (const [key, value] of Object.entries(options.tags ?? {})) this.setTag(name, key, value);
    });
    return this.getModel(name);
  }

  /**
   * Renames a model with its versions, tags and aliases, and moves its folder; a
   * ValidationError (E_EXISTS) when the new name is taken.
   *
   * @example
   * registry.renameModel('iris-rf', 'iris-forest');
   */
  renameModel(name: string, newName: string): RegisteredModel {
    checkModelName(newName);
    const from = join(this.store.dir, 'models', name);
    const to = join(this.store.dir, 'models', newName);
    this.store.write(() => {
      this.getModel(name);
      if (name === newName) return;
      const taken = this.store.sql('SELECT 1 FROM registered_models WHERE name = ?').get(newName);
      if (taken !== undefined || existsSync(to)) {
        throw new ValidationError(`a registered model named '${newName}' already exists`, {
          path: 'new_name',
          code: 'E_EXISTS',
        });
      }
      // The rows reference each other by name: checking the keys at commit lets every
      // table change in one transaction.
      this.store.deferForeignKeys();
      this.store
        .sql('UPDATE registered_models SET name = ?, updated_at = ? WHERE name = ?')
        .run(newName, Date.now(), name);
      for (const table of ['registered_model_tags', 'model_version_tags', 'model_aliases']) {
        this.store.sql(`UPDATE ${table} SET name = ? WHERE name = ?`).run(newName, name);
      }
      const rows = this.store
        .sql('SELECT version, path FROM model_versions WHERE name = ?')
        .all(name) as Array<{
        version: number;
        path: string;
      }>;
      const oldPrefix = `models/${name}/`;
      for (const row of rows) {
        const path = row.path.startsWith(oldPrefix)
          ? `models/${newName}/${row.path.slice(oldPrefix.length)}`
          : row.path;
        this.store
          .sql('UPDATE model_versions SET name = ?, path = ? WHERE name = ? AND version = ?')
          .run(newName, path, name, row.version);
      }
      // Moved last, inside the transaction: when the move fails, nothing is committed.
      if (existsSync(from)) renameSync(from, to);
    });
    return this.getModel(newName);
  }

  /**
   * Deletes a model with every version, tag and alias, and its registry folder.
   *
   * @example
   * registry.deleteModel('iris-rf');
   */
  deleteModel(name: string): void {
    this.store.write(() => {
      this.getModel(name);
      this.store.sql('DELETE FROM registered_models WHERE name = ?').run(name);
    });
    rmSync(join(this.store.dir, 'models', name), { recursive: true, force: true });
  }

  /**
   * Deletes one version (its tags and aliases with it) and its registry copy.
   *
   * @example
   * registry.deleteVersion('iris-rf', 2);
   */
  deleteVersion(name: string, version: number): void {
    this.store.write(() => {
      this.getVersion(name, version);
      this.store.sql('DELETE FROM model_versions WHERE name = ? AND version = ?').run(name, version);
      this.store.sql('UPDATE registered_models SET updated_at = ? WHERE name = ?').run(Date.now(), name);
    });
    rmSync(join(this.store.dir, 'models', name, String(version)), { recursive: true, force: true });
  }

  /**
   * Removes a tag of a model, or of one of its versions; a key it does not have is no error.
   *
   * @example
   * registry.deleteTag('iris-rf', 'team');
   */
  deleteTag(name: string, key: string, version?: number): void {
    if (version === undefined) {
      this.getModel(name);
      this.store.sql('DELETE FROM registered_model_tags WHERE name = ? AND key = ?').run(name, key);
    } else {
      this.getVersion(name, version);
      this.store
        .sql('DELETE FROM model_version_tags WHERE name = ? AND version = ? AND key = ?')
        .run(name, version, key);
    }
  }

  /** Closes the store when the registry opened it. */
  close(): void {
    if (this.ownsStore) this.store.close();
  }

  private resolveSource(
    source: ModelSource,
    options: RegisterOptions,
  ): { path: string; source: string; runId: string | undefined; metrics: Record<string, number> } {
    if ('runId' in source) {
      const run = this.store.run(source.runId);
      const artifact = safeSubpath(source.artifactPath);
      const path = join(run.artifactDir, artifact);
      if (!existsSync(path)) {
        const files = this.store.listArtifacts(run.id);
        throw new ValidationError(
          `run ${run.id} has no artifact '${source.artifactPath}'; its artifacts: ${files.length > 0 ? files.join(', ') : 'none'}`,
          { path: 'artifactPath', code: 'E_NOT_FOUND' },
        );
      }
      return { path, source: `runs:/${run.id}/${artifact}`, runId: run.id, metrics: { ...run.metrics } };
    }
    const path = resolve(source.file);
    if (!existsSync(path)) {
      throw new ValidationError(`model file ${source.file} does not exist`, {
        path: 'file',
        code: 'E_NOT_FOUND',
      });
    }
    const run = options.runId === undefined ? undefined : this.store.run(options.runId);
    return { path, source: options.source ?? path, runId: run?.id, metrics: { ...run?.metrics } };
  }

  private toVersion(row: VersionRow): ModelVersion {
    const aliases = this.store
      .sql('SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias')
      .pluck()
      .all(row.name, row.version) as string[];
    return {
      name: row.name,
      version: row.version,
      description: row.description,
      source: row.source,
      runId: row.run_id ?? undefined,
      path: join(this.store.dir, row.path),
      metrics: JSON.parse(row.metrics_json) as Record<string, number>,
      dataSchema: row.data_schema_json === null ? undefined : (JSON.parse(row.data_schema_json) as unknown),
      tags: this.pairs(
        'SELECT key, value FROM model_version_tags WHERE name = ? AND version = ? ORDER BY key',
        row.name,
        row.version,
      ),
      aliases,
      createdAt: row.created_at,
    };
  }

  private pairs(sql: string, ...args: unknown[]): Record<string, string> {
    const rows = this.store.sql(sql).all(...args) as Array<{ key: string; value: string }>;
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }
}
