/**
 * Batch endpoints and their deployments in the tracking store (tables of schema version
 * 9), in the shapes of `az ml batch-endpoint` / `az ml batch-deployment`: an endpoint
 * names a default deployment, which `invoke` uses when no deployment is named. Every
 * change is one write transaction.
 */
import { ValidationError } from '../core/errors.ts';
import type { SqliteStore, SqliteStoreOptions } from '../tracking/sqlite-store.ts';
import { checkEndpointName } from './endpoint-names.ts';
import type { ChangeOptions, WriteMode } from './endpoint-store.ts';
import { EndpointTablesStore, type SpecRecord, toRecord } from './endpoint-tables.ts';

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
export type BatchEndpointRecord = SpecRecord<BatchEndpointSpec>;

/** A batch deployment with its dates. */
export type BatchDeploymentRecord = SpecRecord<BatchDeploymentSpec>;

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
export class BatchEndpointStore extends EndpointTablesStore<Row, Row> {
  constructor(
    options: SqliteStoreOptions & { readonly store?: SqliteStore; readonly clock?: () => number } = {},
  ) {
    super(options, {
      endpoints: 'batch_endpoints',
      deployments: 'batch_deployments',
      what: 'batch endpoint',
    });
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
      const existing = this.tables.endpointRow(spec.name);
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
    const row = this.tables.endpointRow(name);
    if (row) return endpointRecord(row);
    throw this.tables.noEndpoint(name);
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
      const deployments = this.tables.deploymentNames(name);
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
      this.tables.writeDeployment(spec, mode, now, options.changedBy, 'batch-deployment update', () =>
        this.getDeployment(spec.endpointName, spec.name),
      );
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
    const row = this.tables.deploymentRow(endpoint, name);
    if (row) return toRecord<BatchDeploymentSpec>(row);
    this.getEndpoint(endpoint);
    throw this.tables.noDeployment(endpoint, name);
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
    return rows.map((row) => toRecord<BatchDeploymentSpec>(row));
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
      const others = this.tables.deploymentNames(endpoint).filter((d) => d !== name);
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
}

function endpointRecord(row: Row): BatchEndpointRecord {
  const record = toRecord<BatchEndpointSpec>(row);
  return row.default_deployment
    ? { ...record, spec: { ...record.spec, defaultDeployment: row.default_deployment } }
    : record;
}
