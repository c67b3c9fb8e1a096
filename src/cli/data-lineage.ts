// What a CLI job records of the data it read: the store azureml: references are looked
// up in, and the run (with its dataset inputs) that a registered model points back to.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AutoMLResult } from '../automl/types.ts';
import { ValidationError } from '../core/errors.ts';
import { dataInputRecord, type ResolvedDataInput, resolveDataInput } from '../registry/data-input.ts';
import { ModelRegistry } from '../registry/model-registry.ts';
import { defaultStoreDir, SqliteStore } from '../tracking/sqlite-store.ts';

/**
 * The store to resolve data references with (never created here): `--store`, or the
 * default store ($MLSWEEP_STORE or ./mlruns), when a reference is `azureml:`; `--store`
 * when it exists (an MLTable may name datastore URIs); else none, as plain paths need
 * none. The caller closes it.
 *
 * @example
 * const store = dataRefStore([o.train, o.test], o.store);
 */
export function dataRefStore(
  refs: ReadonlyArray<string | undefined>,
  storeDir: string | undefined,
): SqliteStore | undefined {
  const dir = storeDir ?? defaultStoreDir();
  if (refs.some((r) => r !== undefined && /^azureml:/i.test(r)))
    return new SqliteStore({ dir, create: false });
  return storeDir !== undefined && existsSync(storeDir)
    ? new SqliteStore({ dir: storeDir, create: false })
    : undefined;
}

/** What `recordAutoMLRun` records. */
export interface AutoMLRunRecord {
  /** Default $MLSWEEP_STORE or ./mlruns (created when needed). */
  readonly storeDir?: string;
  readonly experiment: string;
  readonly result: AutoMLResult;
  readonly testMetrics: Record<string, number> | undefined;
  /** The saved pipeline: logged as the run's artifact `model/<name>`. */
  readonly modelFile: string;
  readonly inputs: ReadonlyArray<{ readonly input: ResolvedDataInput; readonly context: string }>;
  /** Register the logged pipeline under this name. */
  readonly register?: string;
  /**
   * Files logged beside the model under `model/` (e.g. the job's `result.json`, which
   * `mlsweep report models:/...` reads); with them the `model` folder is registered.
   */
  readonly companions?: readonly string[];
  /** The data schema the registered version records (e.g. the input columns and their kinds). */
  readonly dataSchema?: unknown;
  /** Called with the open store and the run before the run is finished (e.g. to record its child runs). */
  readonly onRun?: (store: SqliteStore, runId: string) => void;
}

/** The run recorded, and the model version registered from it. */
export interface RecordedRun {
  readonly runId: string;
  readonly experiment: string;
  readonly data: ReadonlyArray<{
    readonly name: string;
    readonly version?: string;
    readonly digest: string;
    readonly context: string;
  }>;
  readonly model?: { readonly name: string; readonly version: number };
}

/**
 * Records an AutoML job as a run (FINISHED, or KILLED when a signal cut the search
 * short): its task, metric and best model as params, the best validation score and the
 * test metrics (`test_<name>`) as metrics, every data input with its hash (MLflow
 * dataset inputs), the pipeline as artifact; and registers that artifact when asked, so
 * `mlsweep models show` can list the data behind the model.
 *
 * @example
 * recordAutoMLRun({ experiment: 'automl', result, testMetrics, modelFile: 'model.json', inputs: [{ input, context: 'training' }], register: 'iris' });
 */
export function recordAutoMLRun(record: AutoMLRunRecord): RecordedRun {
  const store = new SqliteStore({ ...(record.storeDir !== undefined ? { dir: record.storeDir } : {}) });
  try {
    const { result } = record;
    const run = store.createRun({
      experiment: record.experiment,
      name: `automl-${result.best.model}`,
      tags: { 'mlsweep.kind': 'automl', ...(result.partial ? { 'mlsweep.partial': 'true' } : {}) },
    });
    const inputs = record.inputs.map(({ input, context }) => dataInputRecord(input, context));
    const now = Date.now();
    store.write(() => {
      store.logParams(run.id, {
        task: result.task,
        primary_metric: result.primaryMetric,
        best_model: result.best.model,
        validation: result.validation,
      });
      const metrics = [
        ...(Number.isFinite(result.best.score)
          ? [{ key: result.primaryMetric, value: result.best.score }]
          : []),
        ...Object.entries(record.testMetrics ?? {}).map(([k, value]) => ({ key: `test_${k}`, value })),
      ];
      store.logMetrics(
        run.id,
        metrics.map((m) => ({ ...m, step: 0, timestamp: now })),
      );
      store.logInputs(run.id, inputs);
    });
    const artifact = store.logArtifact(run.id, record.modelFile, 'model');
    for (const file of record.companions ?? []) store.logArtifact(run.id, file, 'model');
    record.onRun?.(store, run.id);
    // a search stopped by a signal saved its best pipeline so far: recorded, as a run that was killed
    store.setRunStatus(run.id, result.partial ? 'KILLED' : 'FINISHED', Date.now());
    const model =
      record.register === undefined
        ? undefined
        : new ModelRegistry({ store }).register(
            record.register,
            { runId: run.id, artifactPath: record.companions?.length ? 'model' : artifact },
            {
              description: `mlsweep automl: ${result.best.model} (${result.task})`,
              ...(record.dataSchema !== undefined ? { dataSchema: record.dataSchema } : {}),
            },
          );
    return {
      runId: run.id,
      experiment: record.experiment,
      data: inputs.map((d) => ({
        name: d.name,
        ...(d.tags['mlsweep.data.version'] !== undefined ? { version: d.tags['mlsweep.data.version'] } : {}),
        digest: d.digest,
        context: d.tags['mlflow.data.context'] ?? '',
      })),
      ...(model ? { model: { name: model.name, version: model.version } } : {}),
    };
  } finally {
    store.close();
  }
}

/** A sweep file's `inputs` entry, literal or `{type, path, mode}`. */
type SweepInput =
  | string
  | number
  | boolean
  | { readonly type: string; readonly path: string; readonly mode: string | undefined };

/** The `azureml:` inputs of a sweep file, resolved. */
export interface ResolvedSweepInputs<T> {
  /** The spec with each `azureml:` input's path replaced by its local path. */
  readonly spec: T;
  /** Each resolved input by its name in `inputs`. */
  readonly resolved: ReadonlyArray<{ readonly name: string; readonly input: ResolvedDataInput }>;
}

/**
 * Resolves the `azureml:` path inputs of a sweep file (`azureml:NAME:VERSION`,
 * `azureml:NAME@latest`, `azureml://datastores/…`) to local paths, so `${{inputs.NAME}}`
 * gives a trial the file, folder or MLTable folder; an asset's content is checked against
 * its hash first. Other inputs are left as they are.
 *
 * @example
 * const { spec: local, resolved } = resolveSweepInputs(loadSweepFile('sweep.yml'), options.store);
 */
export function resolveSweepInputs<
  T extends { readonly inputs: Readonly<Record<string, SweepInput>>; readonly notices: readonly string[] },
>(spec: T, storeDir: string | undefined): ResolvedSweepInputs<T> {
  const refs = Object.entries(spec.inputs).filter(
    (e): e is [string, Exclude<SweepInput, string | number | boolean>] =>
      typeof e[1] === 'object' && /^azureml:/i.test(e[1].path),
  );
  if (refs.length === 0) return { spec, resolved: [] };
  const store = dataRefStore(
    refs.map(([, v]) => v.path),
    storeDir,
  );
  try {
    const resolved = refs.map(([name, v]) => {
      try {
        return { name, input: resolveDataInput(v.path, store ? { store } : {}) };
      } catch (error) {
        if (error instanceof ValidationError) {
          throw new ValidationError(`inputs.${name}.path: ${error.message}`, { path: `inputs.${name}.path` });
        }
        throw error;
      }
    });
    const inputs: Record<string, SweepInput> = { ...spec.inputs };
    for (const { name, input } of resolved)
      inputs[name] = { ...(spec.inputs[name] as object), path: input.path } as SweepInput;
    // the loader's "the trial gets it unchanged" no longer holds: say what it became instead
    const names = new Set(resolved.map((r) => r.name));
    const notices = [
      ...spec.notices.filter((n) => ![...names].some((name) => n.startsWith(`inputs.${name}.path `))),
      ...resolved.map(
        ({ name, input }) =>
          `inputs.${name}: ${(spec.inputs[name] as { path: string }).path} is ${input.asset ? `data asset ${input.asset.name}:${input.asset.version}, ` : ''}${input.kind} ${input.path}`,
      ),
    ];
    return { spec: { ...spec, inputs, notices }, resolved };
  } finally {
    store?.close();
  }
}

/**
 * Records the data assets a sweep's inputs named on the sweep's run (MLflow dataset
 * inputs, context `training`), so its trials' data is known; a sweep recorded elsewhere
 * than a store folder (`where` is not an mlsweep.db) is left as it is.
 *
 * @example
 * recordSweepInputs(tracked.where, tracked.store.sweepId, resolved);
 */
export function recordSweepInputs(
  where: string,
  sweepId: string,
  resolved: ResolvedSweepInputs<unknown>['resolved'],
): void {
  const assets = resolved.filter((r) => r.input.asset !== undefined);
  if (assets.length === 0 || !where.endsWith('mlsweep.db')) return;
  const store = new SqliteStore({ dir: dirname(where), create: false });
  try {
    store.logInputs(
      sweepId,
      assets.map((r) => dataInputRecord(r.input, 'training')),
    );
  } finally {
    store.close();
  }
}
