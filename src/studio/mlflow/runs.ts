/**
 * MLflow's run routes: create, get, update, delete, restore, log-metric, log-parameter,
 * log-batch, log-inputs, set-tag, delete-tag and metrics/get-history (runs/search is in
 * search.ts). Writes go through the store in one transaction each, and the context's
 * onLogged hears of metrics, params and tags once they are stored.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RunStatus } from '../../tracking/types.ts';
import { RUN_STATUSES } from '../../tracking/types.ts';
import { MlflowApiError, type MlflowContext } from './context.ts';
import { metricJson, PARENT_RUN_TAG, RUN_NAME_TAG, runInfoJson, runJson, USER_TAG } from './convert.ts';
import { activeExperiment, activeRunId, findRunById, runById } from './lookup.ts';
import {
  type Fields,
  fieldsOf,
  maxResults,
  objectList,
  optionalId,
  optionalInteger,
  optionalString,
  pageOffset,
  pageToken,
  requiredString,
} from './request.ts';
import { registerRunSearchRoutes } from './search.ts';
import { checkBatchLimits, checkMetric, checkParam, checkTag } from './validate.ts';

/** Most points metrics/get-history returns in one page (MLflow's own limit). */
export const MAX_HISTORY_RESULTS = 25_000;

/**
 * Mounts the run routes under `prefix` (e.g. `/api/2.0/mlflow`).
 *
 * @example
 * registerRunRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerRunRoutes(app: FastifyInstance, prefix: string, context: MlflowContext): void {
  const { store } = context;
  const base = `${prefix}/runs`;
  const notify = (event: Parameters<NonNullable<MlflowContext['onLogged']>>[0]) => {
    if (context.onLogged === undefined) return;
    try {
      context.onLogged(event);
    } catch {
      // A listener's failure must not undo or fail a write that is already stored.
    }
  };

  app.post(`${base}/create`, async (request) => {
    const fields = fieldsOf(request);
    const experiment = activeExperiment(store, optionalId(fields, 'experiment_id') ?? '0');
    const tags: Record<string, string> = {};
    for (const tag of objectList(fields, 'tags')) {
      const { key, value } = checkTag(tag);
      tags[key] = value;
    }
    const runName = optionalString(fields, 'run_name') || tags[RUN_NAME_TAG] || undefined;
    const userId = optionalString(fields, 'user_id');
    if (userId) tags[USER_TAG] ??= userId;
    const parent = tags[PARENT_RUN_TAG];
    const parentRunId = parent !== undefined && findRunById(store, parent) !== undefined ? parent : undefined;
    const startTime = optionalInteger(fields, 'start_time');
    const run = store.write(() => {
      const created = store.createRun({
        experiment: experiment.id,
        ...(runName !== undefined ? { name: runName } : {}),
        ...(parentRunId !== undefined ? { parentRunId } : {}),
        ...(startTime !== undefined ? { startTime } : {}),
      });
      // MLflow keeps the name as a tag too; clients read it from either.
      store.setTags(created.id, { ...tags, [RUN_NAME_TAG]: created.name });
      return store.run(created.id);
    });
    notify({ runId: run.id, tags: run.tags });
    return { run: runJson(store, run) };
  });

  app.get(`${base}/get`, async (request) => {
    return { run: runJson(store, runById(store, runIdOf(fieldsOf(request)))) };
  });

  app.post(`${base}/update`, async (request) => {
    const fields = fieldsOf(request);
    const runId = activeRunId(store, runIdOf(fields));
    const status = optionalString(fields, 'status');
    if (status !== undefined && !RUN_STATUSES.includes(status as RunStatus)) {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Invalid value '${status}' for parameter 'status': use one of ${RUN_STATUSES.join(', ')}`,
      );
    }
    const endTime = optionalInteger(fields, 'end_time');
    const name = optionalString(fields, 'run_name') || undefined;
    const updated = store.write(() => {
      store.updateRun(runId, {
        ...(status !== undefined ? { status: status as RunStatus } : {}),
        ...(endTime !== undefined ? { endTime } : {}),
        ...(name !== undefined ? { name } : {}),
      });
      if (name !== undefined) store.setTags(runId, { [RUN_NAME_TAG]: name });
      return store.run(runId);
    });
    return { run_info: runInfoJson(updated) };
  });

  app.post(`${base}/delete`, async (request) => {
    const run = runById(store, runIdOf(fieldsOf(request)));
    store.setRunLifecycle(run.id, 'deleted');
    return {};
  });

  app.post(`${base}/restore`, async (request) => {
    const run = runById(store, runIdOf(fieldsOf(request)));
    store.setRunLifecycle(run.id, 'active');
    return {};
  });

  app.post(`${base}/log-metric`, async (request) => {
    const fields = fieldsOf(request);
    const runId = activeRunId(store, runIdOf(fields));
    const metric = checkMetric(fields);
    store.logMetrics(runId, [metric]);
    notify({ runId: runId, metrics: [metric] });
    return {};
  });

  const logParam = async (request: FastifyRequest) => {
    const fields = fieldsOf(request);
    const runId = activeRunId(store, runIdOf(fields));
    const { key, value } = checkParam(fields);
    store.logParams(runId, { [key]: value });
    notify({ runId: runId, params: { [key]: value } });
    return {};
  };
  app.post(`${base}/log-parameter`, logParam);
  app.post(`${base}/log-param`, logParam);

  app.post(`${base}/log-batch`, async (request) => {
    const fields = fieldsOf(request);
    const metricsIn = objectList(fields, 'metrics');
    const paramsIn = objectList(fields, 'params');
    const tagsIn = objectList(fields, 'tags');
    checkBatchLimits(metricsIn.length, paramsIn.length, tagsIn.length, bodyBytes(request));
    const runId = activeRunId(store, runIdOf(fields));
    const metrics = metricsIn.map(checkMetric);
    const params: Record<string, string> = {};
    const duplicates = new Set<string>();
    for (const p of paramsIn) {
      const { key, value } = checkParam(p);
      if (key in params && params[key] !== value) duplicates.add(key);
      params[key] = value;
    }
    if (duplicates.size > 0) {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Duplicate parameter keys have been submitted: ${JSON.stringify([...duplicates])}. Please ensure the request contains only one param value per param key.`,
      );
    }
    const tags: Record<string, string> = {};
    for (const t of tagsIn) {
      const { key, value } = checkTag(t);
      tags[key] = value;
    }
    store.write(() => {
      if (Object.keys(params).length > 0) store.logParams(runId, params);
      if (metrics.length > 0) store.logMetrics(runId, metrics);
      if (Object.keys(tags).length > 0) applyTags(runId, tags);
    });
    notify({
      runId,
      ...(metrics.length > 0 ? { metrics } : {}),
      ...(Object.keys(params).length > 0 ? { params } : {}),
      ...(Object.keys(tags).length > 0 ? { tags } : {}),
    });
    return {};
  });

  app.post(`${base}/log-inputs`, async (request) => {
    const fields = fieldsOf(request);
    const runId = activeRunId(store, runIdOf(fields));
    const inputs = objectList(fields, 'datasets').map((input) => {
      const dataset = input['dataset'];
      if (typeof dataset !== 'object' || dataset === null || Array.isArray(dataset)) {
        throw new MlflowApiError(
          'INVALID_PARAMETER_VALUE',
          "Missing value for required parameter 'dataset' of a dataset input.",
        );
      }
      const d = dataset as Fields;
      const tags: Record<string, string> = {};
      for (const tag of objectList(input, 'tags')) {
        const { key, value } = checkTag(tag);
        tags[key] = value;
      }
      const schema = optionalString(d, 'schema');
      const profile = optionalString(d, 'profile');
      return {
        name: requiredString(d, 'name'),
        digest: requiredString(d, 'digest'),
        sourceType: requiredString(d, 'source_type'),
        source: requiredString(d, 'source'),
        ...(schema !== undefined ? { schema } : {}),
        ...(profile !== undefined ? { profile } : {}),
        tags,
      };
    });
    store.logInputs(runId, inputs);
    return {};
  });

  app.post(`${base}/set-tag`, async (request) => {
    const fields = fieldsOf(request);
    const runId = activeRunId(store, runIdOf(fields));
    const { key, value } = checkTag(fields);
    store.write(() => applyTags(runId, { [key]: value }));
    notify({ runId: runId, tags: { [key]: value } });
    return {};
  });

  app.post(`${base}/delete-tag`, async (request) => {
    const fields = fieldsOf(request);
    const runId = activeRunId(store, requiredString(fields, 'run_id'));
    const key = requiredString(fields, 'key');
    if (!store.deleteTag(runId, key)) {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `No tag with name: ${key} in run with id ${runId}`);
    }
    return {};
  });

  app.get(`${prefix}/metrics/get-history`, async (request) => {
    const fields = fieldsOf(request);
    const run = runById(store, runIdOf(fields));
    const key = requiredString(fields, 'metric_key');
    const points = store.metricHistory(run.id, key);
    // Without max_results or a token MLflow answers every point in one page.
    if (fields['max_results'] === undefined && fields['page_token'] === undefined) {
      return { metrics: points.map(metricJson) };
    }
    const limit = maxResults(fields, MAX_HISTORY_RESULTS, MAX_HISTORY_RESULTS);
    const offset = pageOffset(fields);
    const page = points.slice(offset, offset + limit);
    const next = pageToken(offset, limit, points.length > offset + limit);
    return { metrics: page.map(metricJson), ...(next === undefined ? {} : { next_page_token: next }) };
  });

  registerRunSearchRoutes(app, prefix, context);

  /** Sets tags; `mlflow.runName` renames the run too, as in MLflow. Inside a write. */
  function applyTags(runId: string, tags: Readonly<Record<string, string>>): void {
    store.setTags(runId, tags);
    const name = tags[RUN_NAME_TAG];
    if (name !== undefined && name.trim() !== '') store.updateRun(runId, { name });
  }
}

/** `run_id`, or the older `run_uuid` that MLflow still accepts. */
function runIdOf(fields: Fields): string {
  const runId = optionalString(fields, 'run_id') || optionalString(fields, 'run_uuid');
  if (!runId) return requiredString(fields, 'run_id');
  return runId;
}

/** The size of the request body: its Content-Length, else the size of the parsed JSON. */
function bodyBytes(request: FastifyRequest): number {
  const length = Number(request.headers['content-length']);
  if (Number.isSafeInteger(length) && length >= 0) return length;
  return Buffer.byteLength(JSON.stringify(request.body ?? {}));
}
