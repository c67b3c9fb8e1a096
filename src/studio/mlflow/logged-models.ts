/**
 * MLflow 3's logged models, kept as one JSON file per model beside its artifacts:
 * `<artifact root>/<experiment_id>/models/<model_id>/meta.json`, the files under
 * `…/<model_id>/artifacts/` (the model's `artifact_uri`, `mlflow-artifacts:/<experiment_id>/models/<model_id>/artifacts`).
 * Each change rewrites the file atomically.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../core/files.ts';
import { MlflowApiError } from './context.ts';

/** A logged model's status, as MLflow names it. */
export type LoggedModelStatus = 'LOGGED_MODEL_PENDING' | 'LOGGED_MODEL_READY' | 'LOGGED_MODEL_UPLOAD_FAILED';

/** The statuses a model may be finalized with. */
export const LOGGED_MODEL_STATUSES: readonly LoggedModelStatus[] = [
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

/** What is stored of a logged model. */
export interface LoggedModelRecord {
  readonly modelId: string;
  readonly experimentId: string;
  readonly name: string;
  readonly modelType: string | undefined;
  readonly sourceRunId: string | undefined;
  readonly status: LoggedModelStatus;
  readonly statusMessage: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly tags: Readonly<Record<string, string>>;
  readonly params: Readonly<Record<string, string>>;
}

/** What a new logged model starts with. */
export interface NewLoggedModel {
  readonly experimentId: string;
  readonly name?: string;
  readonly modelType?: string;
  readonly sourceRunId?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly params?: Readonly<Record<string, string>>;
}

const MODEL_ID = /^m-[0-9a-f]{32}$/;

/**
 * The logged models under an artifact root.
 *
 * @example
 * const models = new LoggedModels('/store/artifacts');
 * const m = models.create({ experimentId: '1', name: 'model' });
 * models.finalize(m.modelId, 'LOGGED_MODEL_READY');
 */
export class LoggedModels {
  constructor(
    readonly root: string,
    private readonly clock: () => number = Date.now,
  ) {}

  /** Creates a model (status PENDING) and its artifact folder. */
  create(spec: NewLoggedModel): LoggedModelRecord {
    const id = `m-${randomUUID().replaceAll('-', '')}`;
    const now = this.clock();
    const record: LoggedModelRecord = {
      modelId: id,
      experimentId: spec.experimentId,
      name: spec.name ?? `model-${id.slice(2, 10)}`,
      modelType: spec.modelType,
      sourceRunId: spec.sourceRunId,
      status: 'LOGGED_MODEL_PENDING',
      statusMessage: undefined,
      createdAt: now,
      updatedAt: now,
      tags: { ...spec.tags },
      params: { ...spec.params },
    };
    mkdirSync(join(this.folder(record.experimentId, id), 'artifacts'), { recursive: true });
    this.save(record);
    return record;
  }

  /** A model by id; RESOURCE_DOES_NOT_EXIST otherwise. */
  get(modelId: string): LoggedModelRecord {
    const file = this.find(modelId);
    if (file === undefined) {
      throw new MlflowApiError('RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${modelId}' not found`);
    }
    return JSON.parse(readFileSync(file, 'utf8')) as LoggedModelRecord;
  }

  /** Sets the status (READY once its files are uploaded). */
  finalize(modelId: string, status: LoggedModelStatus): LoggedModelRecord {
    return this.update(modelId, (m) => ({ ...m, status }));
  }

  /** Sets tags, replacing values of existing keys. */
  setTags(modelId: string, tags: Readonly<Record<string, string>>): LoggedModelRecord {
    return this.update(modelId, (m) => ({ ...m, tags: { ...m.tags, ...tags } }));
  }

  /** Removes a tag; RESOURCE_DOES_NOT_EXIST when the model has no such tag (as MLflow). */
  deleteTag(modelId: string, key: string): LoggedModelRecord {
    return this.update(modelId, (m) => {
      if (!(key in m.tags)) {
        throw new MlflowApiError(
          'RESOURCE_DOES_NOT_EXIST',
          `No tag with key '${key}' found for logged model '${modelId}'`,
        );
      }
      const tags = { ...m.tags };
      delete tags[key];
      return { ...m, tags };
    });
  }

  /** Logs params; a param keeps its first value (a different one is INVALID_PARAMETER_VALUE). */
  logParams(modelId: string, params: Readonly<Record<string, string>>): LoggedModelRecord {
    return this.update(modelId, (m) => {
      for (const [key, value] of Object.entries(params)) {
        const old = m.params[key];
        if (old !== undefined && old !== value) {
          throw new MlflowApiError(
            'INVALID_PARAMETER_VALUE',
            `param '${key}' of logged model '${modelId}' is already '${old}' and cannot change to '${value}'`,
          );
        }
      }
      return { ...m, params: { ...m.params, ...params } };
    });
  }

  /** Deletes a model with its files. */
  delete(modelId: string): void {
    const model = this.get(modelId);
    rmSync(this.folder(model.experimentId, modelId), { recursive: true, force: true });
  }

  /** Every model of the given experiments. */
  list(experimentIds: readonly string[]): LoggedModelRecord[] {
    const out: LoggedModelRecord[] = [];
    for (const experimentId of experimentIds) {
      const dir = join(this.root, experimentId, 'models');
      if (!existsSync(dir)) continue;
      for (const id of readdirSync(dir)) {
        const file = join(dir, id, 'meta.json');
        if (MODEL_ID.test(id) && existsSync(file))
          out.push(JSON.parse(readFileSync(file, 'utf8')) as LoggedModelRecord);
      }
    }
    return out;
  }

  /** The folder of a model's files (`…/<model_id>/artifacts`). */
  artifactDir(model: LoggedModelRecord): string {
    return join(this.folder(model.experimentId, model.modelId), 'artifacts');
  }

  /** The model's artifact URI. */
  artifactUri(model: LoggedModelRecord): string {
    return `mlflow-artifacts:/${model.experimentId}/models/${model.modelId}/artifacts`;
  }

  private update(modelId: string, change: (m: LoggedModelRecord) => LoggedModelRecord): LoggedModelRecord {
    const next = { ...change(this.get(modelId)), updatedAt: this.clock() };
    this.save(next);
    return next;
  }

  private save(record: LoggedModelRecord): void {
    writeFileAtomic(
      join(this.folder(record.experimentId, record.modelId), 'meta.json'),
      `${JSON.stringify(record)}\n`,
    );
  }

  private folder(experimentId: string, modelId: string): string {
    return join(this.root, experimentId, 'models', modelId);
  }

  private find(modelId: string): string | undefined {
    if (typeof modelId !== 'string' || !MODEL_ID.test(modelId)) return undefined;
    if (!existsSync(this.root)) return undefined;
    for (const experimentId of readdirSync(this.root)) {
      const file = join(this.root, experimentId, 'models', modelId, 'meta.json');
      if (existsSync(file)) return file;
    }
    return undefined;
  }
}
