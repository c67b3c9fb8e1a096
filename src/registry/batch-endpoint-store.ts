/**
 * Batch endpoints and their deployments in the tracking store (tables of schema version
 * 9), in the shapes of `az ml batch-endpoint` / `az ml batch-deployment`: an endpoint
 * names a default deployment, which `invoke` uses when no deployment is named. Every
 * change is one write transaction.
 */
import { ValidationError } from '../core/errors.ts';
import { SqliteStore, type SqliteStoreOptions } from '../tracking/sqlite-store.ts';
import { checkEndpointName } from './endpoint-names.ts';
import type { ChangeOptions, WriteMode } from './endpoint-store.ts';

/** What a batch deployment does with the rows its scoring returns. */
export const OUTPUT_ACTIONS = ['append_row', 'summary_only'] as const;
/** `append_row`: one output file of every scored row; `summary_only`: only the job's summary. */
export type OutputAction = (typeof OUTPUT_ACTIONS)[number];

/** The `logging_level` values Azure accepts, quietest last. */
export const LOGGING_LEVELS = ['debug', 'info', 'warning'] as const;
export type LoggingLevel = (typeof LOGGING_LEVELS)[number];

/** Azure's defaults of a batch deployment's settings. */
export const BATCH_DEFAULTS = {
  instanceCount: 1,
  maxConcurrencyPerInstance: 1,
  miniBatchSize: 10,
  outputAction: 'append_row' as OutputAction,
  outputFileName: 'predictions.csv',
  maxRetries: 3,
  timeoutSeconds: 30,
  errorThreshold: -1,
  loggingLevel: 'info' as LoggingLevel,
} as const;

/** A `batchEndpoint` as the store keeps it. */
export interface BatchEndpointSpec {
  readonly name: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** The deployment `invoke` uses when none is named (Azure's `defaults.deployment_name`). */
  readonly defaultDeployment?: string;
}

/** A batch deployment (`modelBatchDeployment`), every default filled in, every path absolute. */
export interface BatchDeploymentSpec {
  readonly name: string;
  readonly endpointName: string;
  readonly description: string;
  readonly tags: Readonly<Record<string, string>>;
  /** `models:/NAME/VERSION`, `models:/NAME@ALIAS`, or an absolute path to a model file or folder. */
  readonly model: string;
  /** A scoring module exporting `init()` and `run(miniBatch)`: its folder (absolute) and its path inside. */
  readonly codeConfiguration?: { readonly code: string; readonly scoringScript: string };
  /** Recorded, not applied: scoring runs in this Node.js. */
  readonly environment?: string;
  readonly instanceCount: number;
  readonly maxConcurrencyPerInstance: number;
  /** Files per mini-batch. */
  readonly miniBatchSize: number;
  /**
   * Bytes per mini-batch, when `mini_batch_size` was a size (`10MB`, Azure's tabular
   * meaning); also the most bytes of one file scored as one piece (a larger file is split
   * by rows). Absent: files are counted, and a file beyond 16 MiB is split by rows.
   */
  readonly miniBatchBytes?: number;
  readonly outputAction: OutputAction;
  readonly outputFileName: string;
  readonly retrySettings: { readonly maxRetries: number; readonly timeoutSeconds: number };
  /** Errors (bad rows and failed mini-batches) allowed before the job fails; -1 ignores all. */
  readonly errorThreshold: number;
  readonly loggingLevel: LoggingLevel;
}

/** A batch endpoint with its dates. */
export interface BatchEndpointRecord {
  readonly spec: BatchEndpointSpec;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly changedBy: string | undefined;
}

/** A batch deployment with its dates. */
export interface BatchDeploymentRecord {
  readonly spec: BatchDeploymentSpec;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly changedBy: string | undefined;
}

interface Row {
  spec_json: string;
  default_deployment?: string | null;
  created_at: number;
  updated_at: number;
  changed_by: string | null;
}

/**
 * Batch endpoints and deployments of a store.
 *
 * @example
 * const batch = new BatchEndpointStore({ dir: 'mlruns' });
 * batch.createOrUpdateEndpoint({ name: 'scores', description: '', tags: {} }, { mode: 'create' });
 * batch.createOrUpdateDeployment(spec, { setDefault: true });
 * batch.resolveDeployment('scores').spec.name; // the default deployment
 * batch.close();
 */
export class BatchEndpointStore {
  readonly store: SqliteStore;
  private readonly ownsStore: boolean;
  private readonly clock: () => number;

  constructor(
    options: SqliteStoreOptions & { readonly store?: SqliteStore; readonly clock?: () => number } = {},
  ) {
    this.store = options.store ?? new SqliteStore(options);
    this.ownsStore = options.store === undefined;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Creates a batch endpoint or replaces its description and tags. Its default deployment
   * is kept unless the spec names one (which must exist).
   *
   * @example
   * batch.createOrUpdateEndpoint({ name: 'scores', description: 'nightly', tags: {} }, { mode: 'update' });
   */
  createOrUpdateEndpoint(
    spec: BatchEndpointSpec,
    options: ChangeOptions & { readonly mode?: WriteMode } = {},
  ): BatchEndpointRecord {
    checkEndpointName(spec.name, 'endpoint');
    const mode = options.mode ?? 'upsert';
    return this.store.write(() => {
      const now = this.clock();
      const existing = this.endpointRow(spec.name);
      if (existing && mode === 'create') {
        throw new ValidationError(
          `a batch endpoint named '${spec.name}' already exists: update it (batch-endpoint update) or choose another name`,
          { path: 'name', code: 'E_EXISTS' },
        );
      }
      if (!existing && mode === 'update') this.getEndpoint(spec.name);
      const { defaultDeployment, ...rest } = spec;
      if (defaultDeployment !== undefined && existing) this.getDeployment(spec.name, defaultDeployment);
      if (defaultDeployment !== undefined && !existing) {
        throw new ValidationError(
          `defaults.deployment_name '${defaultDeployment}': the endpoint '${spec.name}' is new and has no deployments yet; create one with --set-default`,
          { path: 'defaults.deployment_name' },
        );
      }
      if (existing) {
        this.store
          .sql(
            `UPDATE batch_endpoints SET spec_json = ?, default_deployment = coalesce(?, default_deployment),
               updated_at = ?, changed_by = ? WHERE name = ?`,
          )
          .run(JSON.stringify(rest), defaultDeployment ?? null, now, options.changedBy ?? null, spec.name);
      } else {
        this.store
          .sql(
            `INSERT INTO batch_endpoints (name, spec_json, default_deployment, created_at, updated_at, changed_by)
             VALUES (?, ?, NULL, ?, ?, ?)`,
          )
          .run(spec.name, JSON.stringify(rest), now, now, options.changedBy ?? null);
      }
      return this.getEndpoint(spec.name);
    });
  }

  /** A batch endpoint; a ValidationError (E_NOT_FOUND) naming the known ones otherwise. */
  getEndpoint(name: string): BatchEndpointRecord {
    const row = this.endpointRow(name);
    if (row) return endpointRecord(row);
    const known = this.endpointNames();
    throw new ValidationError(
      `no batch endpoint named '${name}'; known: ${known.length > 0 ? known.join(', ') : 'none yet'}`,
      { path: 'name', code: 'E_NOT_FOUND' },
    );
  }

  /** Every batch endpoint, by name. */
  listEndpoints(): BatchEndpointRecord[] {
    const rows = this.store.sql('SELECT * FROM batch_endpoints ORDER BY name').all() as Row[];
    return rows.map(endpointRecord);
  }

  /**
   * Deletes a batch endpoint and its deployments; returns the deployments removed.
   *
   * @example
   * batch.deleteEndpoint('scores'); // { deployments: ['rf'] }
   */
  deleteEndpoint(name: string): { deployments: string[] } {
    return this.store.write(() => {
      this.getEndpoint(name);
      const deployments = this.deploymentNames(name);
      this.store.sql('DELETE FROM batch_endpoints WHERE name = ?').run(name);
      return { deployments };
    });
  }

  /**
   * Creates or replaces a deployment of an existing batch endpoint. With `setDefault`, or
   * when the endpoint has no default yet, it becomes the endpoint's default.
   *
   * @example
   * batch.createOrUpdateDeployment(spec, { mode: 'create', setDefault: true });
   */
  createOrUpdateDeployment(
    spec: BatchDeploymentSpec,
    options: ChangeOptions & { readonly mode?: WriteMode; readonly setDefault?: boolean } = {},
  ): BatchDeploymentRecord {
    checkEndpointName(spec.name, 'deployment');
    const mode = options.mode ?? 'upsert';
    return this.store.write(() => {
      const now = this.clock();
      const endpoint = this.getEndpoint(spec.endpointName);
      const existing = this.deploymentRow(spec.endpointName, spec.name);
      if (existing && mode === 'create') {
        throw new ValidationError(
          `batch endpoint '${spec.endpointName}' already has a deployment named '${spec.name}': update it (batch-deployment update) or choose another name`,
          { path: 'name', code: 'E_EXISTS' },
        );
      }
      if (!existing && mode === 'update') this.getDeployment(spec.endpointName, spec.name);
      if (existing) {
        this.store
          .sql(
            'UPDATE batch_deployments SET spec_json = ?, updated_at = ?, changed_by = ? WHERE endpoint_name = ? AND name = ?',
          )
          .run(JSON.stringify(spec), now, options.changedBy ?? null, spec.endpointName, spec.name);
      } else {
        this.store
          .sql(
            `INSERT INTO batch_deployments (endpoint_name, name, spec_json, created_at, updated_at, changed_by)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(spec.endpointName, spec.name, JSON.stringify(spec), now, now, options.changedBy ?? null);
      }
      if (options.setDefault || endpoint.spec.defaultDeployment === undefined) {
        this.store
          .sql(
            'UPDATE batch_endpoints SET default_deployment = ?, updated_at = ?, changed_by = ? WHERE name = ?',
          )
          .run(spec.name, now, options.changedBy ?? null, spec.endpointName);
      }
      return this.getDeployment(spec.endpointName, spec.name);
    });
  }

  /** A deployment; a ValidationError (E_NOT_FOUND) naming the endpoint's deployments otherwise. */
  getDeployment(endpoint: string, name: string): BatchDeploymentRecord {
    const row = this.deploymentRow(endpoint, name);
    if (row) return deploymentRecord(row);
    this.getEndpoint(endpoint);
    const known = this.deploymentNames(endpoint);
    throw new ValidationError(
      `batch endpoint '${endpoint}' has no deployment named '${name}'; its deployments: ${known.length > 0 ? known.join(', ') : 'none yet'}`,
      { path: 'name', code: 'E_NOT_FOUND' },
    );
  }

  /**
   * The deployment `invoke` uses: the one named, else the endpoint's default.
   *
   * @example
   * batch.resolveDeployment('scores', undefined).spec.name; // 'rf' (the default)
   */
  resolveDeployment(endpoint: string, name?: string): BatchDeploymentRecord {
    if (name !== undefined) return this.getDeployment(endpoint, name);
    const chosen = this.getEndpoint(endpoint).spec.defaultDeployment;
    if (chosen === undefined) {
      throw new ValidationError(
        `batch endpoint '${endpoint}' has no default deployment: create one (mlsweep batch-deployment create -f d.yml --set-default) or pass --deployment-name`,
        { path: '--deployment-name', code: 'E_NOT_FOUND' },
      );
    }
    return this.getDeployment(endpoint, chosen);
  }

  /** The deployments of a batch endpoint, by name. */
  listDeployments(endpoint: string): BatchDeploymentRecord[] {
    this.getEndpoint(endpoint);
    const rows = this.store
      .sql('SELECT * FROM batch_deployments WHERE endpoint_name = ? ORDER BY name')
      .all(endpoint) as Row[];
    return rows.map(deploymentRecord);
  }

  /**
   * Deletes a deployment. The default deployment of an endpoint that has others is
   * refused (as Azure refuses it): make another the default first.
   *
   * @example
   * batch.deleteDeployment('scores', 'old');
   */
  deleteDeployment(endpoint: string, name: string, options: ChangeOptions = {}): void {
    this.store.write(() => {
      this.getDeployment(endpoint, name);
      const others = this.deploymentNames(endpoint).filter((d) => d !== name);
      const isDefault = this.getEndpoint(endpoint).spec.defaultDeployment === name;
      if (isDefault && others.length > 0) {
        throw new ValidationError(
          `deployment '${name}' is the default of batch endpoint '${endpoint}': make another the default first, e.g. mlsweep batch-endpoint update ${endpoint} --default-deployment ${others[0]}`,
          { path: 'defaults.deployment_name', code: 'E_IS_DEFAULT' },
        );
      }
      this.store
        .sql('DELETE FROM batch_deployments WHERE endpoint_name = ? AND name = ?')
        .run(endpoint, name);
      if (isDefault) {
        this.store
          .sql(
            'UPDATE batch_endpoints SET default_deployment = NULL, updated_at = ?, changed_by = ? WHERE name = ?',
          )
          .run(this.clock(), options.changedBy ?? null, endpoint);
      }
    });
  }

  /**
   * Makes a deployment the endpoint's default.
   *
   * @example
   * batch.setDefaultDeployment('scores', 'rf-v2');
   */
  setDefaultDeployment(endpoint: string, name: string, options: ChangeOptions = {}): BatchEndpointRecord {
    return this.store.write(() => {
      this.getDeployment(endpoint, name);
      this.store
        .sql(
          'UPDATE batch_endpoints SET default_deployment = ?, updated_at = ?, changed_by = ? WHERE name = ?',
        )
        .run(name, this.clock(), options.changedBy ?? null, endpoint);
      return this.getEndpoint(endpoint);
    });
  }

  /** Closes the store when this object opened it. */
  close(): void {
    if (this.ownsStore) this.store.close();
  }

  private endpointRow(name: string): Row | undefined {
    return this.store.sql('SELECT * FROM batch_endpoints WHERE name = ?').get(name) as Row | undefined;
  }

  private deploymentRow(endpoint: string, name: string): Row | undefined {
    return this.store
      .sql('SELECT * FROM batch_deployments WHERE endpoint_name = ? AND name = ?')
      .get(endpoint, name) as Row | undefined;
  }

  private endpointNames(): string[] {
    return this.store.sql('SELECT name FROM batch_endpoints ORDER BY name').pluck().all() as string[];
  }

  private deploymentNames(endpoint: string): string[] {
    return this.store
      .sql('SELECT name FROM batch_deployments WHERE endpoint_name = ? ORDER BY name')
      .pluck()
      .all(endpoint) as string[];
  }
}

function endpointRecord(row: Row): BatchEndpointRecord {
  const spec = JSON.parse(row.spec_json) as BatchEndpointSpec;
  return {
    spec: {
      ...spec,
      ...(row.default_deployment ? { defaultDeployment: row.default_deployment } : {}),
    },
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    changedBy: row.changed_by ?? undefined,
  };
}

function deploymentRecord(row: Row): BatchDeploymentRecord {
  return {
    spec: JSON.parse(row.spec_json) as BatchDeploymentSpec,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    changedBy: row.changed_by ?? undefined,
  };
}
