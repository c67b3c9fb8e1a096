import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { readConfigText } from '../data/yaml-file.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import type { Literal } from './component.ts';
import { type PipelineSpec, parsePipelineText } from './pipeline-spec.ts';

/** A published pipeline: a name that runs a pipeline file's content as it was published. */
export interface PublishedPipeline {
  readonly name: string;
  /** The file it was published from (absolute); relative paths inside are read from its folder. */
  readonly file: string;
  readonly text: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** `POST /pipelines/{name}/runs` needs `Authorization: Bearer` and one of these. */
  readonly primaryKey: string;
  readonly secondaryKey: string;
}

/** A random key: 32 bytes, base64url. */
const newKey = (): string => randomBytes(32).toString('base64url');

const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/;

interface Row {
  name: string;
  file: string;
  spec_text: string;
  created_at: number;
  updated_at: number;
  primary_key: string;
  secondary_key: string;
}

const toPublished = (row: Row): PublishedPipeline => ({
  name: row.name,
  file: row.file,
  text: row.spec_text,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  primaryKey: row.primary_key,
  secondaryKey: row.secondary_key,
});

/**
 * Publishes a pipeline file under a name (validated first, as `job create` would);
 * publishing the name again replaces it. Its text is kept, so later edits of the file do
 * not change what the name runs until it is published again.
 *
 * @example
 * publishPipeline(store, 'nightly', 'pipeline.yml');
 */
export function publishPipeline(
  store: SqliteStore,
  name: string,
  file: string,
  now = Date.now(),
): PublishedPipeline {
  if (!NAME.test(name)) {
    throw new ValidationError(
      `invalid pipeline name ${JSON.stringify(name)}: use letters, digits, '_' and '-' (at most 63)`,
      {
        path: '--name',
      },
    );
  }
  const path = resolve(file);
  const text = readConfigText(file);
  parsePipelineText(text, file, dirname(path), { store });
  store.write(() => {
    // Publishing again keeps the keys, so callers keep working with the new content.
    const existing = store.sql('SELECT * FROM published_pipelines WHERE name = ?').get(name) as
      | Row
      | undefined;
    store.sql('DELETE FROM published_pipelines WHERE name = ?').run(name);
    store
      .sql(
        `INSERT INTO published_pipelines (name, file, spec_text, created_at, updated_at, primary_key, secondary_key)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        name,
        path,
        text,
        existing?.created_at ?? now,
        now,
        existing?.primary_key || newKey(),
        existing?.secondary_key || newKey(),
      );
  });
  return getPublished(store, name);
}

/**
 * A published pipeline by name (a ValidationError E_NOT_FOUND otherwise).
 *
 * @example
 * getPublished(store, 'nightly').file;
 */
export function getPublished(store: SqliteStore, name: string): PublishedPipeline {
  const row = store.sql('SELECT * FROM published_pipelines WHERE name = ?').get(name) as Row | undefined;
  if (!row) throw new ValidationError(`no published pipeline ${name}`, { path: 'name', code: 'E_NOT_FOUND' });
  return toPublished(row);
}

/**
 * Every published pipeline, by name.
 *
 * @example
 * listPublished(store).map((p) => p.name);
 */
export function listPublished(store: SqliteStore): PublishedPipeline[] {
  return (store.sql('SELECT * FROM published_pipelines ORDER BY name').all() as Row[]).map(toPublished);
}

/**
 * The validated spec of a published pipeline with input overrides applied.
 *
 * @example
 * const spec = publishedSpec(store, 'nightly', { rows: 100 });
 */
export function publishedSpec(
  store: SqliteStore,
  name: string,
  overrides: Readonly<Record<string, Literal>> = {},
): PipelineSpec {
  const published = getPublished(store, name);
  return parsePipelineText(published.text, published.file, dirname(published.file), { store, overrides });
}
