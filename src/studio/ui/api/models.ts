/**
 * The model registry in the studio: models, their versions (source run, metrics, tags,
 * stage, aliases), and the writes a person confirms in the page: moving or removing an
 * alias, setting or deleting a tag, a stage transition. Each write and its audit entry
 * (who, when, from -> to) are one transaction, and the `models` topic tells open pages.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ModelVersion } from '../../../registry/model-registry.ts';
import { STAGE_TAG } from '../../mlflow/registry-routes.ts';
import type { StudioContext } from '../context.ts';
import { StudioApiError } from '../errors.ts';
import { pageOfList } from './page-list.ts';
import { queryString } from './query.ts';

/** The stages a version may be moved to (MLflow's, kept as the version tag `mlsweep.stage`). */
export const MODEL_STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

/** A version as the studio shows it: its stage apart from its other tags. */
export interface VersionView {
  readonly name: string;
  readonly version: number;
  readonly description: string;
  readonly source: string;
  readonly runId?: string;
  readonly metrics: Readonly<Record<string, number>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly stage: string;
  readonly aliases: readonly string[];
  readonly createdAt: number;
}

/**
 * A version with its stage apart from its tags.
 *
 * @example
 * versionView(registry.getVersion('iris', 2)).stage; // 'Production'
 */
export function versionView(v: ModelVersion): VersionView {
  const { [STAGE_TAG]: stage, ...tags } = v.tags;
  return {
    name: v.name,
    version: v.version,
    description: v.description,
    source: v.source,
    ...(v.runId !== undefined ? { runId: v.runId } : {}),
    metrics: v.metrics,
    tags,
    stage: stage ?? 'None',
    aliases: v.aliases,
    createdAt: v.createdAt,
  };
}

/** A body's field as text, or a 400 naming it. */
function bodyText(request: FastifyRequest, field: string): string {
  const value = (request.body as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string' || value === '') {
    throw new StudioApiError(400, 'INVALID_VALUE', `the body needs "${field}" as a non-empty string`);
  }
  return value;
}

/** A version number from the path or the body, or a 400 naming it. */
function versionNumber(value: unknown, field: string): number {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\d+$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new StudioApiError(
      400,
      'INVALID_VALUE',
      `${field} must be a version number (1, 2, ...), got ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/**
 * Mounts the registry routes: `GET /studio/api/models[?q=]`, `GET /studio/api/models/:name`,
 * `PUT|DELETE /studio/api/models/:name/aliases/:alias` (body `{version}`),
 * `PUT|DELETE /studio/api/models/:name/versions/:version/tags/:key` (body `{value}`),
 * `PUT /studio/api/models/:name/versions/:version/stage` (body `{stage, archiveExisting?}`).
 *
 * @example
 * registerModelsApi(scope, ctx);
 */
export function registerModelsApi(app: FastifyInstance, ctx: StudioContext): void {
  const { registry } = ctx;
  const changed = (name: string) => ctx.events.publish('models', { name });

  app.get('/studio/api/models', async (request) => {
    const query = request.query as Record<string, unknown>;
    const q = queryString(query, 'q')?.toLowerCase();
    const models = registry.listModels().filter((m) => q === undefined || m.name.toLowerCase().includes(q));
    return pageOfList(models, query);
  });

  app.get('/studio/api/models/:name', async (request) => {
    const { name } = request.params as { name: string };
    return ctx.store.read(() => ({
      model: registry.getModel(name),
      versions: registry.listVersions(name).reverse().map(versionView),
    }));
  });

  app.put('/studio/api/models/:name/aliases/:alias', async (request) => {
    const { name, alias } = request.params as { name: string; alias: string };
    const version = versionNumber(
      (request.body as Record<string, unknown> | undefined)?.['version'],
      'version',
    );
    ctx.store.write(() => {
      const from = registry.getModel(name).aliases[alias];
      registry.setAlias(name, alias, version);
      ctx.audit(request, 'model.alias.set', `${name}@${alias}`, { from: from ?? null, to: version });
    });
    changed(name);
    return { model: registry.getModel(name) };
  });

  app.delete('/studio/api/models/:name/aliases/:alias', async (request) => {
    const { name, alias } = request.params as { name: string; alias: string };
    ctx.store.write(() => {
      const from = registry.getModel(name).aliases[alias];
      registry.deleteAlias(name, alias);
      ctx.audit(request, 'model.alias.delete', `${name}@${alias}`, { from: from ?? null, to: null });
    });
    changed(name);
    return { model: registry.getModel(name) };
  });

  app.put('/studio/api/models/:name/versions/:version/tags/:key', async (request) => {
    const { name, key } = request.params as { name: string; key: string };
    const version = versionNumber((request.params as { version: string }).version, 'version');
    if (key === STAGE_TAG) {
      throw new StudioApiError(
        400,
        'INVALID_VALUE',
        `the tag ${STAGE_TAG} is the version's stage: move the stage instead`,
      );
    }
    const value = (request.body as Record<string, unknown> | undefined)?.['value'];
    if (typeof value !== 'string') {
      throw new StudioApiError(400, 'INVALID_VALUE', 'the body needs "value" as a string');
    }
    ctx.store.write(() => {
      const from = registry.getVersion(name, version).tags[key];
      registry.setTag(name, key, value, version);
      ctx.audit(request, 'model.tag.set', `${name}/${version}#${key}`, { from: from ?? null, to: value });
    });
    changed(name);
    return { version: versionView(registry.getVersion(name, version)) };
  });

  app.delete('/studio/api/models/:name/versions/:version/tags/:key', async (request) => {
    const { name, key } = request.params as { name: string; key: string };
    const version = versionNumber((request.params as { version: string }).version, 'version');
    ctx.store.write(() => {
      const from = registry.getVersion(name, version).tags[key];
      if (from === undefined || key === STAGE_TAG) {
        throw new StudioApiError(
          404,
          'NOT_FOUND',
          `version ${version} of model '${name}' has no tag '${key}'`,
        );
      }
      registry.deleteTag(name, key, version);
      ctx.audit(request, 'model.tag.delete', `${name}/${version}#${key}`, { from, to: null });
    });
    changed(name);
    return { version: versionView(registry.getVersion(name, version)) };
  });

  app.put('/studio/api/models/:name/versions/:version/stage', async (request) => {
    const { name } = request.params as { name: string };
    const version = versionNumber((request.params as { version: string }).version, 'version');
    const asked = bodyText(request, 'stage');
    const stage = MODEL_STAGES.find((s) => s.toLowerCase() === asked.toLowerCase());
    if (stage === undefined) {
      throw new StudioApiError(
        400,
        'INVALID_VALUE',
        `stage must be one of ${MODEL_STAGES.join(', ')}, got ${JSON.stringify(asked)}`,
      );
    }
    const archive = (request.body as Record<string, unknown>)['archiveExisting'] === true;
    ctx.store.write(() => {
      const from = versionView(registry.getVersion(name, version)).stage;
      const archived: number[] = [];
      if (archive && (stage === 'Staging' || stage === 'Production')) {
        for (const other of registry.listVersions(name)) {
          if (other.version !== version && versionView(other).stage === stage) {
            registry.setTag(name, STAGE_TAG, 'Archived', other.version);
            archived.push(other.version);
          }
        }
      }
      registry.setTag(name, STAGE_TAG, stage, version);
      ctx.audit(request, 'model.stage.set', `${name}/${version}`, { from, to: stage, archived });
    });
    changed(name);
    return { version: versionView(registry.getVersion(name, version)) };
  });
}
