import { randomBytes } from 'node:crypto';
import { ValidationError } from '../core/errors.ts';
import type { SqliteStore, SqliteStoreOptions } from '../tracking/sqlite-store.ts';
import { checkEndpointName } from './endpoint-names.ts';
import { EndpointTablesStore, type SpecRecord, toRecord } from './endpoint-tables.ts';
import { checkTraffic } from './endpoint-traffic.ts';
import {
  AUTH_MODES,
  type DeploymentSpec,
  type EndpointCredentials,
  type EndpointSpec,
} from './endpoint-types.ts';

/** An endpoint as the store keeps it: its spec and who changed it last (as the caller named them), when. */
export type EndpointRecord = SpecRecord<EndpointSpec>;

/** A deployment as the store keeps it. */
export type DeploymentRecord = SpecRecord<DeploymentSpec>;

/** Who makes a change, recorded with it (the studio shows it). */
export interface ChangeOptions {
  readonly changedBy?: string;
}

/** Whether a write may create, replace, or both (Azure's create refuses an existing name). */
export type WriteMode = 'create' | 'update' | 'upsert';

/** The last change of any endpoint or deployment of the store. */
export interface EndpointChange {
  /** Grows by one with every change: a server polls it to see that something changed. */
  readonly generation: number;
  readonly changedAt: number | undefined;
  readonly changedBy: string | undefined;
}

/** Which key of an endpoint to replace. */
export type KeyType = 'primary' | 'secondary';

interface EndpointRow {
  name: string;
  spec_json: string;
  credentials_json: string;
  created_at: number;
  updated_at: number;
  changed_by: string | null;
}

interface DeploymentRow {
  endpoint_name: string;
  name: string;
  spec_json: string;
  created_at: number;
  updated_at: number;
  changed_by: string | null;
}

/**
 * A new secret: 32 random bytes in base64url (43 characters), as long as Azure's keys.
 *
 * @example
 * newSecret(); // 'q3X…' (43 characters)
 */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Online endpoints and their deployments in the tracking store (tables of schema
 * version 4), with each endpoint's keys and token secret. Every change is one
 * transaction that also bumps a change counter, `generation()`, so a server serving the
 * store polls one integer to learn that something changed.
 *
 * @example
 * const endpoints = new EndpointStore({ dir: 'mlruns' });
 * endpoints.createOrUpdateEndpoint(endpointSpec, { mode: 'create' });
 * endpoints.createOrUpdateDeployment(blueSpec, { allTraffic: true });
 * endpoints.updateTraffic('iris', { blue: 90, green: 10 });
 * endpoints.close();
 */
export class EndpointStore extends EndpointTablesStore<EndpointRow, DeploymentRow> {
  constructor(
    options: SqliteStoreOptions & { readonly store?: SqliteStore; readonly clock?: () => number } = {},
  ) {
    super(options, {
      endpoints: 'online_endpoints',
      deployments: 'online_deployments',
      what: 'endpoint',
    });
  }

  /**
   * Creates an endpoint with new credentials, or replaces the spec of an existing one
   * (its credentials stay). With `keepTraffic` an existing endpoint keeps its traffic
   * (an endpoint file without `traffic`); otherwise the spec's traffic is checked against
   * the endpoint's deployments (see checkTraffic).
   *
   * @example
   * endpoints.createOrUpdateEndpoint({ ...spec, description: 'v2' }, { mode: 'update', keepTraffic: true });
   */
  createOrUpdateEndpoint(
    spec: EndpointSpec,
    options: ChangeOptions & { readonly mode?: WriteMode; readonly keepTraffic?: boolean } = {},
  ): EndpointRecord {
    checkEndpointName(spec.name, 'endpoint');
    if (!AUTH_MODES.includes(spec.authMode)) {
      throw new ValidationError(
        `invalid auth mode ${JSON.stringify(spec.authMode)}: expected ${AUTH_MODES.join(' or ')}`,
        { path: 'auth_mode' },
      );
    }
    const mode = options.mode ?? 'upsert';
    return this.change(options, (now) => {
      const existing = this.tables.endpointRow(spec.name);
      if (existing && mode === 'create') {
        throw new ValidationError(
          `an endpoint named '${spec.name}' already exists: update it (endpoint update) or choose another name`,
          { path: 'name', code: 'E_EXISTS' },
        );
      }
      if (!existing && mode === 'update') this.getEndpoint(spec.name);
      const deployments = this.tables.deploymentNames(spec.name);
      const old = existing ? (JSON.parse(existing.spec_json) as EndpointSpec) : undefined;
      const traffic =
        old && options.keepTraffic
          ? { traffic: old.traffic, mirrorTraffic: old.mirrorTraffic }
          : checkTraffic(spec.name, deployments, spec.traffic, spec.mirrorTraffic);
      const stored: EndpointSpec = { ...spec, ...traffic };
      if (existing) {
        this.store
          .sql('UPDATE online_endpoints SET spec_json = ?, updated_at = ?, changed_by = ? WHERE name = ?')
          .run(JSON.stringify(stored), now, options.changedBy ?? null, spec.name);
      } else {
        const credentials: EndpointCredentials = {
          primaryKey: newSecret(),
          secondaryKey: newSecret(),
          tokenSecret: newSecret(),
        };
        this.store
          .sql(
            `INSERT INTO online_endpoints (name, spec_json, credentials_json, created_at, updated_at, changed_by)
             VALUES (?, ?, ?, ?, ?, ?)`,
          )
          .run(
            spec.name,
            JSON.stringify(stored),
            JSON.stringify(credentials),
            now,
            now,
            options.changedBy ?? null,
          );
      }
      return this.getEndpoint(spec.name);
    });
  }

  /** An endpoint; a ValidationError (E_NOT_FOUND) naming the known ones otherwise. */
  getEndpoint(name: string): EndpointRecord {
    const row = this.tables.endpointRow(name);
    if (row) return toRecord<EndpointSpec>(row);
    throw this.tables.noEndpoint(name);
  }

  /** An endpoint, or undefined. */
  findEndpoint(name: string): EndpointRecord | undefined {
    const row = this.tables.endpointRow(name);
    return row ? toRecord<EndpointSpec>(row) : undefined;
  }

  /** Every endpoint, by name. */
  listEndpoints(): EndpointRecord[] {
    const rows = this.store.sql('SELECT * FROM online_endpoints ORDER BY name').all() as EndpointRow[];
    return rows.map((row) => toRecord<EndpointSpec>(row));
  }

  /**
   * Deletes an endpoint with all its deployments; returns the names of the deployments removed.
   *
   * @example
   * endpoints.deleteEndpoint('iris'); // { deployments: ['blue', 'green'] }
   */
  deleteEndpoint(name: string, options: ChangeOptions = {}): { deployments: string[] } {
    return this.change(options, () => {
      this.getEndpoint(name);
      const deployments = this.tables.deploymentNames(name);
      // The deployments go with it (ON DELETE CASCADE).
      this.store.sql('DELETE FROM online_endpoints WHERE name = ?').run(name);
      return { deployments };
    });
  }

  /**
   * Creates or replaces a deployment of an existing endpoint. A new deployment joins the
   * endpoint's traffic at 0%; with `allTraffic` it takes 100% of the live traffic (and
   * loses any mirror traffic), as `az ml online-deployment create --all-traffic` does.
   *
   * @example
   * endpoints.createOrUpdateDeployment(greenSpec, { mode: 'create' });
   */
  createOrUpdateDeployment(
    spec: DeploymentSpec,
    options: ChangeOptions & { readonly mode?: WriteMode; readonly allTraffic?: boolean } = {},
  ): DeploymentRecord {
    checkEndpointName(spec.name, 'deployment');
    const mode = options.mode ?? 'upsert';
    return this.change(options, (now) => {
      const endpoint = this.getEndpoint(spec.endpointName).spec;
      this.tables.writeDeployment(spec, mode, now, options.changedBy, 'deployment update', () =>
        this.getDeployment(spec.endpointName, spec.name),
      );
      const traffic = options.allTraffic ? { [spec.name]: 100 } : endpoint.traffic;
      const mirror = Object.fromEntries(
        Object.entries(endpoint.mirrorTraffic).filter(([name]) => !options.allTraffic || name !== spec.name),
      );
      this.writeTraffic(endpoint, traffic, mirror, now, options);
      return this.getDeployment(spec.endpointName, spec.name);
    });
  }

  /** A deployment; a ValidationError (E_NOT_FOUND) naming the endpoint's deployments otherwise. */
  getDeployment(endpoint: string, name: string): DeploymentRecord {
    const row = this.tables.deploymentRow(endpoint, name);
    if (row) return toRecord<DeploymentSpec>(row);
    this.getEndpoint(endpoint);
    throw this.tables.noDeployment(endpoint, name);
  }

  /** The deployments of an endpoint, by name; a ValidationError when the endpoint is unknown. */
  listDeployments(endpoint: string): DeploymentRecord[] {
    this.getEndpoint(endpoint);
    const rows = this.store
      .sql('SELECT * FROM online_deployments WHERE endpoint_name = ? ORDER BY name')
      .all(endpoint) as DeploymentRow[];
    return rows.map((row) => toRecord<DeploymentSpec>(row));
  }

  /**
   * Deletes a deployment. One that still takes live or mirror traffic is refused, as
   * Azure refuses it: move its traffic first (updateTraffic).
   *
   * @example
   * endpoints.updateTraffic('iris', { green: 100 });
   * endpoints.deleteDeployment('iris', 'blue');
   */
  deleteDeployment(endpoint: string, name: string, options: ChangeOptions = {}): void {
    this.change(options, (now) => {
      this.getDeployment(endpoint, name);
      const spec = this.getEndpoint(endpoint).spec;
      const live = Object.hasOwn(spec.traffic, name) ? spec.traffic[name]! : 0;
      const mirror = Object.hasOwn(spec.mirrorTraffic, name) ? spec.mirrorTraffic[name]! : 0;
      if (live > 0 || mirror > 0) {
        throw new ValidationError(
          `deployment '${name}' of endpoint '${endpoint}' still takes ${live > 0 ? `${live}% of its live traffic` : `${mirror}% of its traffic as a mirror`}: ` +
            `move it first, e.g. mlsweep endpoint update ${endpoint} ${live > 0 ? `--traffic ${suggestion(spec.traffic, name)}` : `--mirror-traffic ${name}=0`}`,
          { path: 'traffic', code: 'E_HAS_TRAFFIC' },
        );
      }
      this.store
        .sql('DELETE FROM online_deployments WHERE endpoint_name = ? AND name = ?')
        .run(endpoint, name);
      const rest = (map: Readonly<Record<string, number>>) =>
        Object.fromEntries(Object.entries(map).filter(([key]) => key !== name));
      this.writeTraffic(spec, rest(spec.traffic), rest(spec.mirrorTraffic), now, options);
    });
  }

  /**
   * Sets an endpoint's live traffic and/or mirror traffic (undefined keeps it), checked
   * with Azure's rules (see checkTraffic); deployments not named get 0%.
   *
   * @example
   * endpoints.updateTraffic('iris', { blue: 90, green: 10 });
   * endpoints.updateTraffic('iris', undefined, { green: 20 });
   */
  updateTraffic(
    endpoint: string,
    traffic: Readonly<Record<string, number>> | undefined,
    mirrorTraffic?: Readonly<Record<string, number>>,
    options: ChangeOptions = {},
  ): EndpointRecord {
    return this.change(options, (now) => {
      const spec = this.getEndpoint(endpoint).spec;
      this.writeTraffic(spec, traffic ?? spec.traffic, mirrorTraffic ?? spec.mirrorTraffic, now, options);
      return this.getEndpoint(endpoint);
    });
  }

  /** The keys and token secret of an endpoint. */
  getCredentials(endpoint: string): EndpointCredentials {
    this.getEndpoint(endpoint);
    const json = this.store
      .sql('SELECT credentials_json FROM online_endpoints WHERE name = ?')
      .pluck()
      .get(endpoint) as string;
    return JSON.parse(json) as EndpointCredentials;
  }

  /**
   * Replaces one key of an endpoint with a new random one; the other key (and the token
   * secret) stay, so callers move to the other key first and lose nothing.
   *
   * @example
   * endpoints.regenerateKey('iris', 'secondary').secondaryKey;
   */
  regenerateKey(endpoint: string, keyType: KeyType, options: ChangeOptions = {}): EndpointCredentials {
    if (keyType !== 'primary' && keyType !== 'secondary') {
      throw new ValidationError(
        `invalid key type ${JSON.stringify(keyType)}: expected primary or secondary`,
        {
          path: 'key_type',
        },
      );
    }
    return this.change(options, (now) => {
      const old = this.getCredentials(endpoint);
      const credentials: EndpointCredentials = {
        ...old,
        [keyType === 'primary' ? 'primaryKey' : 'secondaryKey']: newSecret(),
      };
      this.store
        .sql(
          'UPDATE online_endpoints SET credentials_json = ?, updated_at = ?, changed_by = ? WHERE name = ?',
        )
        .run(JSON.stringify(credentials), now, options.changedBy ?? null, endpoint);
      return credentials;
    });
  }

  /**
   * The change counter: it grows with every change to an endpoint, a deployment, traffic
   * or a key, committed with the change itself.
   *
   * @example
   * if (endpoints.generation() !== seen) reload();
   */
  generation(): number {
    return this.lastChange().generation;
  }

  /** The change counter with the time and author of the last change. */
  lastChange(): EndpointChange {
    const row = this.store
      .sql('SELECT generation, changed_at, changed_by FROM online_endpoints_generation WHERE id = 1')
      .get() as { generation: number; changed_at: number | null; changed_by: string | null };
    return {
      generation: row.generation,
      changedAt: row.changed_at ?? undefined,
      changedBy: row.changed_by ?? undefined,
    };
  }

  /** Runs one change in a write transaction that also bumps the change counter. */
  private change<T>(options: ChangeOptions, fn: (now: number) => T): T {
    return this.store.write(() => {
      const now = this.clock();
      const result = fn(now);
      this.store
        .sql(
          'UPDATE online_endpoints_generation SET generation = generation + 1, changed_at = ?, changed_by = ? WHERE id = 1',
        )
        .run(now, options.changedBy ?? null);
      return result;
    });
  }

  private writeTraffic(
    spec: EndpointSpec,
    traffic: Readonly<Record<string, number>>,
    mirrorTraffic: Readonly<Record<string, number>>,
    now: number,
    options: ChangeOptions,
  ): void {
    const checked = checkTraffic(spec.name, this.tables.deploymentNames(spec.name), traffic, mirrorTraffic);
    this.store
      .sql('UPDATE online_endpoints SET spec_json = ?, updated_at = ?, changed_by = ? WHERE name = ?')
      .run(JSON.stringify({ ...spec, ...checked }), now, options.changedBy ?? null, spec.name);
  }
}

/** A traffic assignment that moves `name`'s share to the other deployments, for a message. */
function suggestion(traffic: Readonly<Record<string, number>>, name: string): string {
  const others = Object.keys(traffic).filter((key) => key !== name);
  return others.length > 0 ? `${others[0]}=100` : `${name}=0`;
}
