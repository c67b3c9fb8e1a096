/**
 * MLflow 3's logged-model routes (`logged-models`: create, get, search, finalize, delete,
 * set-tags, delete-tag, log-params), which `mlflow.<flavor>.log_model` calls before it
 * uploads the model's files to the model's `artifact_uri`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { artifactSegments, mlflowArtifactsPath, resolveArtifactPath } from './artifact-paths.ts';
import { listFolder, sendArtifact } from './artifact-routes.ts';
import { MlflowApiError, type MlflowContext } from './context.ts';
import {
  LOGGED_MODEL_STATUSES,
  type LoggedModelRecord,
  type LoggedModelStatus,
  LoggedModels,
} from './logged-models.ts';
import {
  fieldsOf,
  maxResults,
  missing,
  objectList,
  optionalString,
  requiredId,
  stringList,
} from './request.ts';
import { keyValues, pageOf } from './request-fields.ts';
import { compareBy, compileSearchFilter, type OrderKey } from './search-filter.ts';

/**
 * Mounts the logged-model routes under `prefix`.
 *
 * @example
 * registerLoggedModelRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerLoggedModelRoutes(
  app: FastifyInstance,
  prefix: string,
  context: MlflowContext,
): void {
  const models = new LoggedModels(context.artifactRoot);
  const base = `${prefix}/logged-models`;
  const json = (m: LoggedModelRecord) => loggedModelJson(models, m);
  const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;

  app.post(base, async (request) => {
    const fields = fieldsOf(request);
    const experimentId = requiredId(fields, 'experiment_id');
    const experiment = /^\d+$/.test(experimentId)
      ? context.store.findExperiment(Number(experimentId))
      : undefined;
    if (experiment === undefined) {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `No Experiment with id=${experimentId} exists`);
    }
    const sourceRunId = optionalString(fields, 'source_run_id') || undefined;
    if (sourceRunId !== undefined) context.store.run(sourceRunId);
    const name = optionalString(fields, 'name') || undefined;
    const modelType = optionalString(fields, 'model_type') || undefined;
    const model = models.create({
      experimentId: String(experiment.id),
      ...(name !== undefined ? { name } : {}),
      ...(modelType !== undefined ? { modelType } : {}),
      ...(sourceRunId !== undefined ? { sourceRunId } : {}),
      tags: keyValues(fields, 'tags'),
      params: keyValues(fields, 'params'),
    });
    return { model: json(model) };
  });

  const search = async (request: FastifyRequest) => {
    const fields = fieldsOf(request);
    const experimentIds = stringList(fields, 'experiment_ids');
    if (experimentIds.length === 0) throw missing('experiment_ids');
    const size = maxResults(fields, 100, 1000);
    const read = (m: LoggedModelRecord, key: string): string | number | undefined => {
      if (key === 'name') return m.name;
      if (key === 'model_id') return m.modelId;
      if (key === 'status') return m.status;
      if (key === 'source_run_id') return m.sourceRunId;
      if (key === 'model_type') return m.modelType;
      if (key === 'creation_timestamp' || key === 'creation_time') return m.createdAt;
      if (key === 'last_updated_timestamp') return m.updatedAt;
      if (key.startsWith('tags.')) return m.tags[key.slice(5)];
      if (key.startsWith('params.')) return m.params[key.slice(7)];
      return undefined;
    };
    const keep = compileSearchFilter(
      optionalString(fields, 'filter'),
      [
        'name',
        'model_id',
        'status',
        'source_run_id',
        'model_type',
        'creation_timestamp',
        'creation_time',
        'last_updated_timestamp',
      ],
      read,
      ['tags', 'params'],
    );
    const order: OrderKey[] = objectList(fields, 'order_by').map((entry) => {
      const item = entry as { field_name?: unknown; ascending?: unknown };
      const key = typeof item === 'object' && item !== null ? item.field_name : undefined;
      if (
        typeof key !== 'string' ||
        !['name', 'creation_timestamp', 'last_updated_timestamp', 'model_id'].includes(key)
      ) {
        throw new MlflowApiError(
          'INVALID_PARAMETER_VALUE',
          `Invalid order_by entry ${JSON.stringify(entry)}: field_name must be name, creation_timestamp, last_updated_timestamp or model_id`,
        );
      }
      return { key, ascending: item.ascending !== false };
    });
    const all = models
      .list(experimentIds)
      .filter(keep)
      .sort(
        compareBy(
          [...order, { key: 'creation_timestamp', ascending: false }, { key: 'model_id', ascending: true }],
          read,
        ),
      );
    const page = pageOf(all, size, fields);
    return {
      models: page.items.map(json),
      ...(page.nextPageToken !== undefined ? { next_page_token: page.nextPageToken } : {}),
    };
  };
  app.post(`${base}/search`, search);
  app.get(`${base}/search`, search);

  app.get(`${base}/:id`, async (request) => ({ model: json(models.get(idOf(request))) }));

  app.patch(`${base}/:id`, async (request) => {
    const status = fieldsOf(request)['status'];
    const named = typeof status === 'number' ? LOGGED_MODEL_STATUSES[status - 1] : status;
    if (typeof named !== 'string' || !LOGGED_MODEL_STATUSES.includes(named as LoggedModelStatus)) {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Invalid logged model status ${JSON.stringify(status)}: use ${LOGGED_MODEL_STATUSES.join(', ')}`,
      );
    }
    return { model: json(models.finalize(idOf(request), named as LoggedModelStatus)) };
  });

  app.delete(`${base}/:id`, async (request) => {
    models.delete(idOf(request));
    return {};
  });

  app.patch(`${base}/:id/tags`, async (request) => {
    models.setTags(idOf(request), keyValues(fieldsOf(request), 'tags'));
    return {};
  });

  app.delete(`${base}/:id/tags/:key`, async (request) => {
    models.deleteTag(idOf(request), (request.params as { key: string }).key);
    return {};
  });

  app.post(`${base}/:id/params`, async (request) => {
    models.logParams(idOf(request), keyValues(fieldsOf(request), 'params'));
    return {};
  });

  // The model's files, as the UI and `mlflow.artifacts` list and fetch them.
  app.get(`${base}/:id/artifacts/directories`, async (request) => {
    const model = models.get(idOf(request));
    const sub = optionalString(fieldsOf(request), 'artifact_directory_path') ?? '';
    const root = models.artifactUri(model);
    const location = resolveArtifactPath(context.artifactRoot, `${mlflowArtifactsPath(root)}/${sub}`);
    const prefixPath = artifactSegments(sub).join('/');
    const files = listFolder(location.local).map((f) => ({
      ...f,
      path: prefixPath === '' ? f.path : `${prefixPath}/${f.path}`,
    }));
    return { root_uri: root, files };
  });

  app.get(`${base}/:id/artifacts/files`, async (request, reply) => {
    const model = models.get(idOf(request));
    const file = optionalString(fieldsOf(request), 'artifact_file_path') ?? '';
    const path = `${mlflowArtifactsPath(models.artifactUri(model))}/${file}`;
    return sendArtifact(reply, resolveArtifactPath(context.artifactRoot, path));
  });
}

/** A logged model in MLflow's shape: `{info, data}`. */
function loggedModelJson(models: LoggedModels, m: LoggedModelRecord): Record<string, unknown> {
  return {
    info: {
      model_id: m.modelId,
      experiment_id: m.experimentId,
      name: m.name,
      creation_timestamp_ms: m.createdAt,
      last_updated_timestamp_ms: m.updatedAt,
      artifact_uri: models.artifactUri(m),
      status: m.status,
      ...(m.statusMessage !== undefined ? { status_message: m.statusMessage } : {}),
      ...(m.modelType !== undefined ? { model_type: m.modelType } : {}),
      ...(m.sourceRunId !== undefined ? { source_run_id: m.sourceRunId } : {}),
      tags: Object.entries(m.tags).map(([key, value]) => ({ key, value })),
      params: Object.entries(m.params).map(([key, value]) => ({ key, value })),
    },
    data: { metrics: [] },
  };
}
