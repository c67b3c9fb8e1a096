/**
 * MLflow's model registry REST routes (`registered-models/…`, `model-versions/…`) over
 * mlsweep's ModelRegistry, so models registered by `mlsweep automl --register` or
 * `mlsweep models` are seen by MLflow clients and models registered by MLflow clients are
 * ordinary registry versions (copied into the store, loadable by `models:/` URIs).
 * Stages (deprecated in MLflow) are accepted and kept as the version tag `mlsweep.stage`.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../../core/errors.ts';
import type { ModelVersion, RegisteredModel } from '../../registry/model-registry.ts';
import {
  artifactSegments,
  mlflowArtifactsPath,
  resolveArtifactPath,
  runArtifactUri,
} from './artifact-paths.ts';
import { sendArtifact } from './artifact-routes.ts';
import { MlflowApiError, type MlflowContext } from './context.ts';
import { LoggedModels } from './logged-models.ts';
import { type Fields, fieldsOf, maxResults, optionalString, requiredString, stringList } from './request.ts';
import { keyValues, pageOf, versionField } from './request-fields.ts';
import { compareBy, compileSearchFilter, parseOrderBy } from './search-filter.ts';

/** The version tag that holds a version's stage. */
export const STAGE_TAG = 'mlsweep.stage';

/** MLflow's stages, spelled as it answers them. */
const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const;

/**
 * Mounts the registry routes under `prefix` (e.g. `/api/2.0/mlflow`).
 *
 * @example
 * registerRegistryRoutes(app, '/api/2.0/mlflow', context);
 */
export function registerRegistryRoutes(app: FastifyInstance, prefix: string, context: MlflowContext): void {
  const { registry } = context;
  const models = `${prefix}/registered-models`;
  const versions = `${prefix}/model-versions`;
  const modelJson = (model: RegisteredModel) => registeredModelJson(context, model);
  const versionJson = (version: ModelVersion) => modelVersionJson(version);

  app.post(`${models}/create`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const description = optionalString(fields, 'description');
    const model = registry.createModel(name, {
      ...(description !== undefined ? { description } : {}),
      tags: keyValues(fields, 'tags'),
    });
    return { registered_model: modelJson(model) };
  });

  app.get(`${models}/get`, async (request) => {
    const name = requiredString(fieldsOf(request), 'name');
    return { registered_model: modelJson(getModel(context, name)) };
  });

  app.post(`${models}/rename`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    getModel(context, name);
    const model = registry.renameModel(name, requiredString(fields, 'new_name'));
    return { registered_model: modelJson(model) };
  });

  app.patch(`${models}/update`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    getModel(context, name);
    const description = fields['description'];
    if (description !== undefined && description !== null) registry.setDescription(name, String(description));
    return { registered_model: modelJson(registry.getModel(name)) };
  });

  app.delete(`${models}/delete`, async (request) => {
    const name = requiredString(fieldsOf(request), 'name');
    getModel(context, name);
    registry.deleteModel(name);
    return {};
  });

  const searchModels = async (fields: Fields) => {
    const size = maxResults(fields, 100, 1000);
    const keep = compileSearchFilter<RegisteredModel>(optionalString(fields, 'filter'), ['name'], (m, key) =>
      key === 'name' ? m.name : key.startsWith('tags.') ? m.tags[key.slice(5)] : undefined,
    );
    const order = parseOrderBy(stringList(fields, 'order_by'), [
      'name',
      'timestamp',
      'creation_timestamp',
      'last_updated_timestamp',
    ]);
    const all = registry
      .listModels()
      .filter(keep)
      .sort(
        compareBy([...order, { key: 'name', ascending: true }], (m, key) =>
          key === 'name' ? m.name : key === 'creation_timestamp' ? m.createdAt : m.updatedAt,
        ),
      );
    const page = pageOf(all, size, fields);
    return {
      registered_models: page.items.map(modelJson),
      ...(page.nextPageToken !== undefined ? { next_page_token: page.nextPageToken } : {}),
    };
  };
  app.get(`${models}/search`, async (request) => searchModels(fieldsOf(request)));
  app.post(`${models}/search`, async (request) => searchModels(fieldsOf(request)));

  const latestVersions = async (fields: Fields) => {
    const name = requiredString(fields, 'name');
    getModel(context, name);
    const stages = stringList(fields, 'stages').map((s) => stageName(String(s)));
    const latest = latestByStage(registry.listVersions(name)).filter(
      (v) => stages.length === 0 || stages.includes(stageOf(v)),
    );
    return { model_versions: latest.map(versionJson) };
  };
  app.post(`${models}/get-latest-versions`, async (request) => latestVersions(fieldsOf(request)));
  app.get(`${models}/get-latest-versions`, async (request) => latestVersions(fieldsOf(request)));

  app.post(`${models}/set-tag`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    getModel(context, name);
    registry.setTag(name, requiredString(fields, 'key'), String(fields['value'] ?? ''));
    return {};
  });

  app.delete(`${models}/delete-tag`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    getModel(context, name);
    registry.deleteTag(name, requiredString(fields, 'key'));
    return {};
  });

  app.post(`${models}/alias`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const alias = requiredString(fields, 'alias');
    const version = getVersion(context, name, versionField(fields));
    registry.setAlias(name, alias, version.version);
    return {};
  });

  app.delete(`${models}/alias`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const alias = requiredString(fields, 'alias');
    getModel(context, name);
    // MLflow answers a missing alias with success: deleting is idempotent.
    if (registry.getModel(name).aliases[alias] !== undefined) registry.deleteAlias(name, alias);
    return {};
  });

  app.get(`${models}/alias`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const alias = requiredString(fields, 'alias');
    const version = getModel(context, name).aliases[alias];
    if (version === undefined) {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Registered model alias ${alias} not found.`);
    }
    return { model_version: versionJson(registry.getVersion(name, version)) };
  });

  app.post(`${versions}/create`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const source = requiredString(fields, 'source');
    const runId = optionalString(fields, 'run_id') || undefined;
    const description = optionalString(fields, 'description');
    getModel(context, name);
    const options = {
      ...(description !== undefined ? { description } : {}),
      tags: keyValues(fields, 'tags'),
    };
    const runs = /^runs:\/([^/]+)\/(.+)$/.exec(source);
    let version: ModelVersion;
    if (runs) {
      version = registry.register(name, { runId: runs[1]!, artifactPath: runs[2]! }, options);
    } else {
      const local = localSource(context, source, optionalString(fields, 'model_id') || undefined, runId);
      version = registry.register(
        name,
        { file: local.path },
        {
          ...options,
          source,
          ...((runId ?? local.runId) !== undefined ? { runId: runId ?? local.runId } : {}),
        },
      );
    }
    return { model_version: versionJson(version) };
  });

  app.get(`${versions}/get`, async (request) => {
    const fields = fieldsOf(request);
    return {
      model_version: versionJson(getVersion(context, requiredString(fields, 'name'), versionField(fields))),
    };
  });

  app.patch(`${versions}/update`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const version = getVersion(context, name, versionField(fields)).version;
    const description = fields['description'];
    if (description !== undefined && description !== null)
      registry.setDescription(name, String(description), version);
    return { model_version: versionJson(registry.getVersion(name, version)) };
  });

  app.delete(`${versions}/delete`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const version = getVersion(context, name, versionField(fields)).version;
    registry.deleteVersion(name, version);
    return {};
  });

  const searchVersions = async (fields: Fields) => {
    const size = maxResults(fields, 10_000, 200_000);
    const read = (v: ModelVersion, key: string): string | number | undefined => {
      if (key === 'name') return v.name;
      if (key === 'version_number') return v.version;
      if (key === 'run_id') return v.runId;
      if (key === 'source_path') return v.source;
      if (key === 'current_stage') return stageOf(v);
      if (key === 'creation_timestamp' || key === 'last_updated_timestamp' || key === 'timestamp')
        return v.createdAt;
      return key.startsWith('tags.') ? v.tags[key.slice(5)] : undefined;
    };
    const keep = compileSearchFilter<ModelVersion>(
      optionalString(fields, 'filter'),
      ['name', 'version_number', 'run_id', 'source_path'],
      read,
    );
    const given = parseOrderBy(stringList(fields, 'order_by'), [
      'name',
      'version_number',
      'timestamp',
      'creation_timestamp',
      'last_updated_timestamp',
    ]);
    const order = [
      ...given,
      { key: 'last_updated_timestamp', ascending: false },
      { key: 'name', ascending: true },
      { key: 'version_number', ascending: false },
    ];
    const all = registry
      .listModels()
      .flatMap((m) => registry.listVersions(m.name))
      .filter(keep)
      .sort(compareBy(order, read));
    const page = pageOf(all, size, fields);
    return {
      model_versions: page.items.map(versionJson),
      ...(page.nextPageToken !== undefined ? { next_page_token: page.nextPageToken } : {}),
    };
  };
  app.get(`${versions}/search`, async (request) => searchVersions(fieldsOf(request)));
  app.post(`${versions}/search`, async (request) => searchVersions(fieldsOf(request)));

  app.get(`${versions}/get-download-uri`, async (request) => {
    const fields = fieldsOf(request);
    const version = getVersion(context, requiredString(fields, 'name'), versionField(fields));
    return { artifact_uri: downloadUri(context, version) };
  });

  // A file of a version, from the registry's own copy (what the UI's model page fetches).
  app.get(`${versions}/get-artifact`, async (request, reply) => {
    const fields = fieldsOf(request);
    const version = getVersion(context, requiredString(fields, 'name'), versionField(fields));
    const segments = artifactSegments(requiredString(fields, 'path'));
    const folder = existsSync(version.path) && statSync(version.path).isDirectory();
    const local = folder
      ? join(version.path, ...segments)
      : segments.join('/') === basename(version.path)
        ? version.path
        : undefined;
    if (local === undefined) {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Artifact '${segments.join('/')}' not found`);
    }
    return sendArtifact(reply, { kind: 'file', local, path: segments.join('/') });
  });

  app.post(`${versions}/transition-stage`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const version = getVersion(context, name, versionField(fields)).version;
    const stage = stageName(requiredString(fields, 'stage'));
    const archive =
      fields['archive_existing_versions'] === true || fields['archive_existing_versions'] === 'true';
    if (archive && (stage === 'Staging' || stage === 'Production')) {
      for (const other of registry.listVersions(name)) {
        if (other.version !== version && stageOf(other) === stage)
          registry.setTag(name, STAGE_TAG, 'Archived', other.version);
      }
    }
    registry.setTag(name, STAGE_TAG, stage, version);
    return { model_version: versionJson(registry.getVersion(name, version)) };
  });

  app.post(`${versions}/set-tag`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const version = getVersion(context, name, versionField(fields)).version;
    registry.setTag(name, requiredString(fields, 'key'), String(fields['value'] ?? ''), version);
    return {};
  });

  app.delete(`${versions}/delete-tag`, async (request) => {
    const fields = fieldsOf(request);
    const name = requiredString(fields, 'name');
    const version = getVersion(context, name, versionField(fields)).version;
    registry.deleteTag(name, requiredString(fields, 'key'), version);
    return {};
  });
}

/** A registered model in MLflow's shape. */
function registeredModelJson(context: MlflowContext, model: RegisteredModel): Record<string, unknown> {
  return {
    name: model.name,
    creation_timestamp: model.createdAt,
    last_updated_timestamp: model.updatedAt,
    description: model.description,
    latest_versions: latestByStage(context.registry.listVersions(model.name)).map(modelVersionJson),
    tags: Object.entries(model.tags).map(([key, value]) => ({ key, value })),
    aliases: Object.entries(model.aliases).map(([alias, version]) => ({ alias, version: String(version) })),
  };
}

/** A model version in MLflow's shape (its stage from the `mlsweep.stage` tag, hidden from its tags). */
function modelVersionJson(version: ModelVersion): Record<string, unknown> {
  return {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.createdAt,
    last_updated_timestamp: version.createdAt,
    current_stage: stageOf(version),
    description: version.description,
    source: version.source,
    ...(version.runId !== undefined ? { run_id: version.runId } : {}),
    status: 'READY',
    tags: Object.entries(version.tags)
      .filter(([key]) => key !== STAGE_TAG)
      .map(([key, value]) => ({ key, value })),
    aliases: [...version.aliases],
  };
}

function stageOf(version: ModelVersion): string {
  return version.tags[STAGE_TAG] ?? 'None';
}

/** A stage as MLflow spells it, whatever the case given. */
function stageName(stage: string): string {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase());
  if (found === undefined) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`,
    );
  }
  return found;
}

/** The newest version in each stage, oldest stage first as MLflow lists them. */
function latestByStage(versions: readonly ModelVersion[]): ModelVersion[] {
  const latest = new Map<string, ModelVersion>();
  for (const v of versions) {
    const current = latest.get(stageOf(v));
    if (current === undefined || v.version > current.version) latest.set(stageOf(v), v);
  }
  return STAGES.flatMap((s) => (latest.has(s) ? [latest.get(s)!] : []));
}

function getModel(context: MlflowContext, name: string): RegisteredModel {
  try {
    return context.registry.getModel(name);
  } catch (error) {
    if (error instanceof ValidationError && error.code === 'E_NOT_FOUND') {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Registered Model with name=${name} not found`);
    }
    throw error;
  }
}

function getVersion(context: MlflowContext, name: string, version: number): ModelVersion {
  getModel(context, name);
  try {
    return context.registry.getVersion(name, version);
  } catch (error) {
    if (error instanceof ValidationError && error.code === 'E_NOT_FOUND') {
      throw new MlflowApiError(
        'RESOURCE_DOES_NOT_EXIST',
        `Model Version (name=${name}, version=${version}) not found`,
      );
    }
    throw error;
  }
}

/**
 * The files of a version's source in this store: an `mlflow-artifacts:/` path, a logged
 * model (`models:/m-…` or `model_id`), or a path inside the artifact root. Anything else is
 * refused: the registry keeps a copy of every version, and a path elsewhere on this machine
 * must never be read on a client's word.
 */
function localSource(
  context: MlflowContext,
  source: string,
  modelId: string | undefined,
  runId: string | undefined,
): { path: string; runId?: string } {
  const logged = /^models:\/(m-[0-9a-f]{32})\/?$/.exec(source)?.[1] ?? modelId;
  if (logged !== undefined && (source.startsWith('models:/') || mlflowArtifactsPath(source) === undefined)) {
    const models = new LoggedModels(context.artifactRoot);
    const model = models.get(logged);
    return {
      path: models.artifactDir(model),
      ...(model.sourceRunId !== undefined ? { runId: model.sourceRunId } : {}),
    };
  }
  const inArtifacts = mlflowArtifactsPath(source);
  const root = context.artifactRoot;
  let path: string | undefined;
  if (inArtifacts !== undefined) {
    const location = resolveArtifactPath(root, inArtifacts);
    if (location.kind === 'file') path = location.local;
  } else if (runId !== undefined && !source.startsWith('file:')) {
    // As MLflow's server: a local path only inside the artifact folder of the run named by run_id.
    const runFolder = resolve(context.store.run(runId).artifactDir);
    const local = resolve(source);
    if (local === runFolder || local.startsWith(`${runFolder}${sep}`)) path = local;
  }
  if (path === undefined || !existsSync(path)) {
    throw new MlflowApiError(
      'INVALID_PARAMETER_VALUE',
      `Invalid model version source '${source}': give runs:/RUN_ID/PATH, models:/MODEL_ID, the mlflow-artifacts:/ URI of files uploaded to this server, or a path inside the artifact folder of the run named by run_id`,
    );
  }
  return { path };
}

/** Where a client downloads a version's files from. */
function downloadUri(context: MlflowContext, version: ModelVersion): string {
  const runs = /^runs:\/([^/]+)\/(.+)$/.exec(version.source);
  if (runs) {
    try {
      const run = context.store.run(runs[1]!);
      return `${runArtifactUri(run.experimentId, run.id)}/${runs[2]}`;
    } catch {
      return version.source;
    }
  }
  const logged = /^models:\/(m-[0-9a-f]{32})\/?$/.exec(version.source)?.[1];
  if (logged !== undefined) {
    const models = new LoggedModels(context.artifactRoot);
    return models.artifactUri(models.get(logged));
  }
  return version.source;
}
