/**
 * The rows both endpoint stores keep, online (endpoint-store.ts) and batch
 * (batch-endpoint-store.ts): a table of endpoints and a table of their deployments, each
 * spec as JSON with its dates; the lookups, the not-found errors naming what exists, and
 * a deployment written over or added.
 */
import { ValidationError } from '../core/errors.ts';
import { SqliteStore, type SqliteStoreOptions } from '../tracking/sqlite-store.ts';

/** The columns every endpoint and deployment row has. */
export interface SpecRow {
  spec_json: string;
  created_at: number;
  updated_at: number;
  changed_by: string | null;
}

/** A row as a record: the spec parsed, the dates, who changed it last. */
export interface SpecRecord<S> {
  readonly spec: S;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly changedBy: string | undefined;
}

/**
 * A row as a record.
 *
 * @example
 * toRecord<EndpointSpec>(row).spec.name;
 */
export function toRecord<S>(row: SpecRow): SpecRecord<S> {
  return {
    spec: JSON.parse(row.spec_json) as S,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    changedBy: row.changed_by ?? undefined,
  };
}

/** Which tables, and how messages name an endpoint (`endpoint`, `batch endpoint`). */
export interface EndpointTableNames {
  readonly endpoints: 'online_endpoints' | 'batch_endpoints';
  readonly deployments: 'online_deployments' | 'batch_deployments';
  readonly what: string;
}

/**
 * The lookups of one kind of endpoint and its deployments. Table names are constants of
 * this module's callers, never user values; every value goes in as a bound parameter.
 *
 * @example
 * const tables = new EndpointTables(store, { endpoints: 'batch_endpoints', deployments: 'batch_deployments', what: 'batch endpoint' });
 * tables.deploymentNames('scores'); // ['rf']
 */
export class EndpointTables<E extends SpecRow, D extends SpecRow> {
  constructor(
    private readonly store: SqliteStore,
    private readonly names: EndpointTableNames,
  ) {}

  /** An endpoint's row, or undefined. */
  endpointRow(name: string): E | undefined {
    return this.store.sql(`SELECT * FROM ${this.names.endpoints} WHERE name = ?`).get(name) as E | undefined;
  }

  /** A deployment's row, or undefined. */
  deploymentRow(endpoint: string, name: string): D | undefined {
    return this.store
      .sql(`SELECT * FROM ${this.names.deployments} WHERE endpoint_name = ? AND name = ?`)
      .get(endpoint, name) as D | undefined;
  }

  /** Every endpoint's name, sorted. */
  endpointNames(): string[] {
    return this.store.sql(`SELECT name FROM ${this.names.endpoints} ORDER BY name`).pluck().all() as string[];
  }

  /** The names of an endpoint's deployments, sorted. */
  deploymentNames(endpoint: string): string[] {
    return this.store
      .sql(`SELECT name FROM ${this.names.deployments} WHERE endpoint_name = ? ORDER BY name`)
      .pluck()
      .all(endpoint) as string[];
  }

  /** A ValidationError (E_NOT_FOUND) for an endpoint that does not exist, naming those that do. */
  noEndpoint(name: string): ValidationError {
    const known = this.endpointNames();
    return new ValidationError(
      `no ${this.names.what} named '${name}'; known: ${known.length > 0 ? known.join(', ') : 'none yet'}`,
      { path: 'name', code: 'E_NOT_FOUND' },
    );
  }

  /** A ValidationError (E_NOT_FOUND) for a deployment the (existing) endpoint lacks, naming its deployments. */
  noDeployment(endpoint: string, name: string): ValidationError {
    const known = this.deploymentNames(endpoint);
    return new ValidationError(
      `${this.names.what} '${endpoint}' has no deployment named '${name}'; its deployments: ${known.length > 0 ? known.join(', ') : 'none yet'}`,
      { path: 'name', code: 'E_NOT_FOUND' },
    );
  }

  /**
   * Writes a deployment's spec over its row, or adds the row. `mode: 'create'` refuses an
   * existing deployment (E_EXISTS, naming `updateCommand`); `mode: 'update'` a missing one
   * (`missing()` throws the not-found error).
   */
  writeDeployment(
    spec: { readonly name: string; readonly endpointName: string },
    mode: 'create' | 'update' | 'upsert',
    now: number,
    changedBy: string | undefined,
    updateCommand: string,
    missing: () => unknown,
  ): void {
    const existing = this.deploymentRow(spec.endpointName, spec.name);
    if (existing && mode === 'create') {
      throw new ValidationError(
        `${this.names.what} '${spec.endpointName}' already has a deployment named '${spec.name}': update it (${updateCommand}) or choose another name`,
        { path: 'name', code: 'E_EXISTS' },
      );
    }
    if (!existing && mode === 'update') missing();
    const json = JSON.stringify(spec);
    if (existing) {
      this.store
        .sql(
          `UPDATE ${this.names.deployments} SET spec_json = ?, updated_at = ?, changed_by = ? WHERE endpoint_name = ? AND name = ?`,
        )
        .run(json, now, changedBy ?? null, spec.endpointName, spec.name);
    } else {
      this.store
        .sql(
          `INSERT INTO ${this.names.deployments} (endpoint_name, name, spec_json, created_at, updated_at, changed_by)
           VALUES (?, ?, ?, ?, ?, ?)`,
        )
        .run(spec.endpointName, spec.name, json, now, now, changedBy ?? null);
    }
  }
}

/**
 * What an endpoint store (online or batch) is made of: the SQLite store it was given or
 * opened, its clock, and the lookups of its two tables.
 *
 * @example
 * class Batch extends EndpointTablesStore<Row, Row> {
 *   constructor(options = {}) { super(options, { endpoints: 'batch_endpoints', deployments: 'batch_deployments', what: 'batch endpoint' }); }
 * }
 */
export abstract class EndpointTablesStore<E extends SpecRow, D extends SpecRow> {
  readonly store: SqliteStore;
  protected readonly clock: () => number;
  protected readonly tables: EndpointTables<E, D>;
  private readonly ownsStore: boolean;

  constructor(
    options: SqliteStoreOptions & { readonly store?: SqliteStore; readonly clock?: () => number },
    names: EndpointTableNames,
  ) {
    this.store = options.store ?? new SqliteStore(options);
    this.ownsStore = options.store === undefined;
    this.clock = options.clock ?? Date.now;
    this.tables = new EndpointTables(this.store, names);
  }

  /** Closes the store when this object opened it. */
  close(): void {
    if (this.ownsStore) this.store.close();
  }
}
