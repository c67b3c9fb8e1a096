/**
 * MLflow's experiment routes: create, get, get-by-name, search, update (rename), delete,
 * restore, set-experiment-tag, delete-experiment-tag.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ViewType } from '../../tracking/types.ts';
import { MlflowApiError, type MlflowContext } from './context.ts';
import { experimentJson } from './convert.ts';
import { activeExperiment, experimentById } from './lookup.ts';
import {
  fieldsOf,
  maxResults,
  objectList,
  optionalString,
  pageOffset,
  pageToken,
  requiredId,
  requiredString,
  stringList,
} from './request.ts';
import { checkTag } from './validate.ts';

/** MLflow's view types and what each shows. */
export const VIEW_TYPES: Readonly<Record<string, ViewType>> = {
  ACTIVE_ONLY: 'active',
  DELETED_ONLY: 'deleted',
  ALL: 'all',
};

/**
 * A `view_type` / `run_view_type` field (default ACTIVE_ONLY).
 *
 * @example
 * viewType({ view_type: 'ALL' }, 'view_type'); // 'all'
 */
export function viewType(fields: Readonly<Record<string, unknown>>, name: string): ViewType {
  const value = fields[name];
  if (value === undefined || value === null || value === '') return 'active';
  const view = typeof value === 'string' ? VIEW_TYPES[value] : undefined;
  if (view === undefined) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid value ${JSON.stringify(value)} for parameter '${name}': use ACTIVE_ONLY, DELETED_ONLY or ALL`,
    );
  }
  return view;
}

/**
 * Mounts the experiment routes under `prefix` (e.g. `/api/2.0/mlflow`).
 *
 * @example
 * registerExperimentRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerExperimentRoutes(app: FastifyInstance, prefix: string, context: MlflowContext): void {
  const { store } = context;
  const base = `${prefix}/experiments`;

  app.post(`${base}/create`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const tags: Record<string, string> = {};
    for (const tag of objectList(fields, 'tags')) {
      const { key, value } = checkTag(tag);
      tags[key] = value;
    }
    if (store.findExperiment(name)?.name === name) {
      throw new MlflowApiError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${name}) already exists.`);
    }
    return { experiment_id: String(store.createExperiment(name, tags).id) };
  });

  app.get(`${base}/get`, async (request) => {
    const id = requiredId(fieldsOf(request), 'experiment_id');
    return { experiment: experimentJson(experimentById(store, id)) };
  });

  app.get(`${base}/get-by-name`, async (request) => {
    const name = requiredString(fieldsOf(request), 'experiment_name');
    const found = store.findExperiment(name);
    if (found === undefined || found.name !== name) {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Could not find experiment with name '${name}'`);
    }
    return { experiment: experimentJson(found) };
  });

  const search = async (request: FastifyRequest) => {
    const fields = fieldsOf(request);
    const limit = maxResults(fields, 1000, 50_000);
    const offset = pageOffset(fields);
    const filter = optionalString(fields, 'filter');
    const found = store.searchExperiments({
      ...(filter !== undefined ? { filter } : {}),
      orderBy: stringList(fields, 'order_by'),
      view: viewType(fields, 'view_type'),
      maxResults: limit + 1,
      offset,
    });
    const next = pageToken(offset, limit, found.length > limit);
    return {
      experiments: found.slice(0, limit).map(experimentJson),
      ...(next === undefined ? {} : { next_page_token: next }),
    };
  };
  app.get(`${base}/search`, search);
  app.post(`${base}/search`, search);

  // MLflow 1.x clients list experiments instead of searching them: every one in the view.
  app.get(`${base}/list`, async (request) => ({
    experiments: store
      .searchExperiments({
        view: viewType(fieldsOf(request), 'view_type'),
        maxResults: Number.MAX_SAFE_INTEGER,
      })
      .map(experimentJson),
  }));

  app.post(`${base}/update`, async (request) => {
    const fields = fieldsOf(request);
    const experiment = activeExperiment(store, requiredId(fields, 'experiment_id'));
    const newName = requiredString(fields, 'new_name');
    const taken = store.findExperiment(newName);
    if (taken !== undefined && taken.name === newName && taken.id !== experiment.id) {
      throw new MlflowApiError('RESOURCE_ALREADY_EXISTS', `Experiment(name=${newName}) already exists.`);
    }
    store.renameExperiment(experiment.id, newName);
    return {};
  });

  app.post(`${base}/delete`, async (request) => {
    const experiment = activeExperiment(store, requiredId(fieldsOf(request), 'experiment_id'));
    if (experiment.id === store.defaultExperiment().id) {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Cannot delete the default experiment '${experiment.id}'.`,
      );
    }
    store.setExperimentLifecycle(experiment.id, 'deleted');
    return {};
  });

  app.post(`${base}/restore`, async (request) => {
    const experiment = experimentById(store, requiredId(fieldsOf(request), 'experiment_id'));
    if (experiment.lifecycleStage !== 'deleted') {
      throw new MlflowApiError(
        'INVALID_PARAMETER_VALUE',
        `Cannot restore an active experiment: experiment ${experiment.id} is not deleted.`,
      );
    }
    store.setExperimentLifecycle(experiment.id, 'active');
    return {};
  });

  app.post(`${base}/set-experiment-tag`, async (request) => {
    const fields = fieldsOf(request);
    const experiment = activeExperiment(store, requiredId(fields, 'experiment_id'));
    const { key, value } = checkTag(fields);
    store.setExperimentTags(experiment.id, { [key]: value });
    return {};
  });

  app.post(`${base}/delete-experiment-tag`, async (request) => {
    const fields = fieldsOf(request);
    const experiment = activeExperiment(store, requiredId(fields, 'experiment_id'));
    const key = requiredString(fields, 'key');
    if (!store.deleteExperimentTag(experiment.id, key)) {
      throw new MlflowApiError(
        'RESOURCE_DOES_NOT_EXIST',
        `No tag with name: ${key} in experiment with id ${experiment.id}`,
      );
    }
    return {};
  });
}
