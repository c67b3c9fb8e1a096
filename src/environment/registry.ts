import { ValidationError } from '../core/errors.ts';
import type { SqliteStore } from '../tracking/sqlite-store.ts';
import { builtManifest, cacheRoot } from './cache.ts';
import { curatedEnvironments, curatedHash } from './curated.ts';
import { environmentHash } from './hash.ts';
import type { EnvironmentDefinition, EnvironmentKind } from './types.ts';

/** A registered (or curated) environment version, as `environment list|show` report it. */
export interface EnvironmentRecord {
  readonly name: string;
  readonly version: string;
  readonly kind: EnvironmentKind;
  readonly hash: string;
  readonly description: string;
  readonly curated: boolean;
  /** Built into this store's cache (curated and image environments need no build: always true). */
  readonly built: boolean;
  readonly createdAt: number | undefined;
  readonly definition: EnvironmentDefinition;
}

interface Row {
  name: string;
  version: string;
  kind: EnvironmentKind;
  hash: string;
  spec_json: string;
  description: string;
  created_at: number;
}

/**
 * The hash of any definition, curated or not.
 *
 * @example
 * hashOf(readEnvironmentFile('env.yml').definition);
 */
export function hashOf(definition: EnvironmentDefinition): string {
  return definition.curated ? curatedHash(definition) : environmentHash(definition);
}

/**
 * The environments of a store (table `environments`), plus the curated ones that ship
 * with mlsweep. Versions never change once registered.
 *
 * @example
 * const envs = new Environments(store);
 * envs.register(readEnvironmentFile('env.yml').definition);
 * envs.get('py-sklearn', 'latest').hash;
 */
export class Environments {
  private readonly clock: () => number;

  constructor(
    readonly store: SqliteStore,
    options: { readonly clock?: () => number } = {},
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Registers a version (the next whole number when `versionGiven` is false); a version
   * in use is refused (E_EXISTS), and so is a curated name.
   *
   * @example
   * envs.register(definition, true);
   */
  register(definition: EnvironmentDefinition, versionGiven = true): EnvironmentRecord {
    if (curatedEnvironments().some((c) => c.name === definition.name)) {
      throw new ValidationError(
        `${definition.name} is a curated environment of mlsweep: give yours another name`,
        {
          path: 'name',
          code: 'E_EXISTS',
        },
      );
    }
    return this.store.write(() => {
      const version = versionGiven ? definition.version : this.nextVersion(definition.name);
      if (this.row(definition.name, version) !== undefined) {
        throw new ValidationError(
          `environment ${definition.name} already has version ${version}: versions never change; give another version (or none, for the next)`,
          { path: 'version', code: 'E_EXISTS' },
        );
      }
      const stored = { ...definition, version };
      this.store
        .sql(
          'INSERT INTO environments (name, version, kind, hash, spec_json, description, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
        )
        .run(
          stored.name,
          version,
          stored.kind,
          hashOf(stored),
          JSON.stringify(stored),
          stored.description,
          this.clock(),
        );
      return this.get(stored.name, version);
    });
  }

  private nextVersion(name: string): string {
    const versions = this.store
      .sql('SELECT version FROM environments WHERE name = ?')
      .pluck()
      .all(name) as string[];
    let max = 0;
    for (const v of versions) if (/^\d+$/.test(v)) max = Math.max(max, Number(v));
    return String(max + 1);
  }

  private row(name: string, version: string): Row | undefined {
    return this.store.sql('SELECT * FROM environments WHERE name = ? AND version = ?').get(name, version) as
      | Row
      | undefined;
  }

  private record(definition: EnvironmentDefinition, createdAt: number | undefined): EnvironmentRecord {
    const hash = hashOf(definition);
    const needsBuild = !definition.curated && definition.kind !== 'image';
    return {
      name: definition.name,
      version: definition.version,
      kind: definition.kind,
      hash,
      description: definition.description,
      curated: definition.curated === true,
      built: !needsBuild || builtManifest(cacheRoot(this.store.dir), hash) !== undefined,
      createdAt,
      definition,
    };
  }

  /**
   * A version (`latest`: the highest whole number, else the newest registered); curated
   * names answer too. A ValidationError (E_NOT_FOUND) names the versions there are.
   *
   * @example
   * envs.get('mlsweep-node-20', 'latest').curated; // true
   */
  get(name: string, version: string): EnvironmentRecord {
    const curated = curatedEnvironments().find((c) => c.name === name);
    if (curated !== undefined) {
      if (version === 'latest' || version === curated.version) return this.record(curated, undefined);
      throw new ValidationError(
        `the curated environment ${name} has only version ${curated.version} (the running Node)`,
        { path: 'version', code: 'E_NOT_FOUND' },
      );
    }
    const rows = this.store
      .sql('SELECT * FROM environments WHERE name = ? ORDER BY created_at')
      .all(name) as Row[];
    if (rows.length === 0) {
      throw new ValidationError(
        `no environment named '${name}' in the store ${this.store.dir} (mlsweep environment create -f env.yml registers one)`,
        { path: 'environment', code: 'E_NOT_FOUND' },
      );
    }
    const row = version === 'latest' ? latest(rows) : rows.find((r) => r.version === version);
    if (row === undefined) {
      throw new ValidationError(
        `environment ${name} has no version ${version} (it has ${rows.map((r) => r.version).join(', ')})`,
        { path: 'version', code: 'E_NOT_FOUND' },
      );
    }
    return this.record(JSON.parse(row.spec_json) as EnvironmentDefinition, row.created_at);
  }

  /**
   * Every version of every environment (or of `name`), curated ones first.
   *
   * @example
   * envs.list().map((e) => `${e.name}:${e.version}`);
   */
  list(options: { readonly name?: string } = {}): EnvironmentRecord[] {
    const curated = curatedEnvironments()
      .filter((c) => options.name === undefined || c.name === options.name)
      .map((c) => this.record(c, undefined));
    const rows = (
      options.name === undefined
        ? this.store.sql('SELECT * FROM environments ORDER BY name, created_at').all()
        : this.store.sql('SELECT * FROM environments WHERE name = ? ORDER BY created_at').all(options.name)
    ) as Row[];
    return [
      ...curated,
      ...rows.map((r) => this.record(JSON.parse(r.spec_json) as EnvironmentDefinition, r.created_at)),
    ];
  }
}

function latest(rows: readonly Row[]): Row {
  const numbered = rows.filter((r) => /^\d+$/.test(r.version));
  if (numbered.length > 0) return numbered.reduce((a, b) => (Number(b.version) > Number(a.version) ? b : a));
  return rows[rows.length - 1]!;
}
