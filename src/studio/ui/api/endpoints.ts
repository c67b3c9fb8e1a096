/**
 * Online endpoints and deployments in the studio (their traffic split, mirror traffic and
 * request rates), the traffic edit a person confirms in the page, and batch endpoints with
 * their jobs. Traffic is written through `EndpointStore.updateTraffic`, the call
 * `mlsweep endpoint update --traffic` makes, so a running `mlsweep serve --store` follows
 * it at its next poll; the write and its audit entry are one transaction.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BatchEndpointStore } from '../../../registry/batch-endpoint-store.ts';
import { type EndpointRecord, EndpointStore } from '../../../registry/endpoint-store.ts';
import { BATCH_DEPLOYMENT_TAG, BATCH_ENDPOINT_TAG, BATCH_JOB_TYPE } from '../../../serve/batch/job.ts';
import { SWEEP_TYPE_TAG } from '../../../store/tags.ts';
import type { StudioContext } from '../context.ts';
import { StudioApiError } from '../errors.ts';
import { deploymentRates } from './endpoint-rates.ts';
import { pageOfList } from './page-list.ts';
import { queryInteger } from './query.ts';

/** An endpoint's line in the list. */
function endpointLine(endpoints: EndpointStore, record: EndpointRecord): Record<string, unknown> {
  return {
    name: record.spec.name,
    description: record.spec.description,
    authMode: record.spec.authMode,
    tags: record.spec.tags,
    traffic: record.spec.traffic,
    mirrorTraffic: record.spec.mirrorTraffic,
    deployments: endpoints.listDeployments(record.spec.name).map((d) => d.spec.name),
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    ...(record.changedBy !== undefined ? { changedBy: record.changedBy } : {}),
  };
}

/** A percent map from the body, each value a whole number (the store checks the rest). */
function percents(value: unknown, field: string): Record<string, number> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StudioApiError(
      400,
      'INVALID_VALUE',
      `${field} must be an object of deployment name -> percent`,
    );
  }
  const out: Record<string, number> = {};
  for (const [name, percent] of Object.entries(value)) {
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 0 || percent > 100) {
      throw new StudioApiError(
        400,
        'INVALID_VALUE',
        `${field}.${name} must be a whole percent from 0 to 100, got ${JSON.stringify(percent)}`,
      );
    }
    out[name] = percent;
  }
  return out;
}

/** Single quotes doubled, for a value inside a filter's quoted string. */
function quoted(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

/**
 * Mounts the endpoint routes: `GET /studio/api/endpoints`, `GET /studio/api/endpoints/:name`,
 * `GET /studio/api/endpoints/:name/rates?minutes=&bucketSeconds=`,
 * `PUT /studio/api/endpoints/:name/traffic` (body `{traffic, mirrorTraffic?}`, traffic summing
 * to 100), `GET /studio/api/batch-endpoints`, `GET /studio/api/batch-endpoints/:name`.
 *
 * @example
 * registerEndpointsApi(scope, ctx);
 */
export function registerEndpointsApi(app: FastifyInstance, ctx: StudioContext): void {
  const endpoints = new EndpointStore({ store: ctx.store });
  const batch = new BatchEndpointStore({ store: ctx.store });

  app.get('/studio/api/endpoints', async (request) =>
    pageOfList(
      ctx.store.read(() => endpoints.listEndpoints().map((r) => endpointLine(endpoints, r))),
      request.query as Record<string, unknown>,
    ),
  );

  app.get('/studio/api/endpoints/:name', async (request) => {
    const { name } = request.params as { name: string };
    return ctx.store.read(() => ({
      endpoint: endpointLine(endpoints, endpoints.getEndpoint(name)),
      deployments: endpoints.listDeployments(name).map((d) => ({
        ...d.spec,
        createdAt: d.createdAt,
        updatedAt: d.updatedAt,
        ...(d.changedBy !== undefined ? { changedBy: d.changedBy } : {}),
      })),
    }));
  });

  app.get('/studio/api/endpoints/:name/rates', async (request) => {
    const { name } = request.params as { name: string };
    const query = request.query as Record<string, unknown>;
    const minutes = queryInteger(query, 'minutes', 1, 24 * 60) ?? 15;
    const bucketSeconds = queryInteger(query, 'bucketSeconds', 1, 3600) ?? 60;
    const deployments = endpoints
      .listDeployments(endpoints.getEndpoint(name).spec.name)
      .map((d) => d.spec.name);
    const window = { now: Date.now(), minutes, bucketSeconds };
    return { ...window, deployments: await deploymentRates(ctx.storeDir, name, deployments, window) };
  });

  app.put('/studio/api/endpoints/:name/traffic', async (request: FastifyRequest) => {
    const { name } = request.params as { name: string };
    const body = (request.body ?? {}) as Record<string, unknown>;
    const traffic = percents(body['traffic'], 'traffic');
    const mirror =
      body['mirrorTraffic'] === undefined ? undefined : percents(body['mirrorTraffic'], 'mirrorTraffic');
    const sum = Object.values(traffic).reduce((a, b) => a + b, 0);
    if (sum !== 100) {
      throw new StudioApiError(
        400,
        'INVALID_VALUE',
        `the traffic of endpoint '${name}' must sum to 100, got ${sum}`,
      );
    }
    const record = ctx.store.write(() => {
      const before = endpoints.getEndpoint(name).spec;
      const after = endpoints.updateTraffic(name, traffic, mirror, { changedBy: ctx.actor(request) });
      ctx.audit(request, 'endpoint.traffic.set', name, {
        from: { traffic: before.traffic, mirrorTraffic: before.mirrorTraffic },
        to: { traffic: after.spec.traffic, mirrorTraffic: after.spec.mirrorTraffic },
      });
      return after;
    });
    ctx.events.publish('endpoints', { name });
    return { endpoint: endpointLine(endpoints, record) };
  });

  app.get('/studio/api/batch-endpoints', async (request) =>
    pageOfList(
      ctx.store.read(() =>
        batch.listEndpoints().map((r) => ({
          ...r.spec,
          deployments: batch.listDeployments(r.spec.name).map((d) => d.spec.name),
          createdAt: r.createdAt,
          updatedAt: r.updatedAt,
        })),
      ),
      request.query as Record<string, unknown>,
    ),
  );

  app.get('/studio/api/batch-endpoints/:name', async (request) => {
    const { name } = request.params as { name: string };
    return ctx.store.read(() => {
      const record = batch.getEndpoint(name);
      const jobs = ctx.store
        .searchRuns({ filter: `tags."${BATCH_ENDPOINT_TAG}" = ${quoted(record.spec.name)}`, maxResults: 200 })
        .filter((r) => r.tags[SWEEP_TYPE_TAG] === BATCH_JOB_TYPE)
        .sort((a, b) => b.startTime - a.startTime)
        .map((r) => ({
          jobId: r.id,
          status: r.status,
          deployment: r.tags[BATCH_DEPLOYMENT_TAG] ?? null,
          startTime: r.startTime,
          endTime: r.endTime ?? null,
          metrics: r.metrics,
        }));
      return {
        endpoint: { ...record.spec, createdAt: record.createdAt, updatedAt: record.updatedAt },
        deployments: batch.listDeployments(name).map((d) => ({ ...d.spec, updatedAt: d.updatedAt })),
        jobs,
      };
    });
  });
}
