// What a CLI job records of the data it read: the store azureml: references are looked
// up in, and the run (with its dataset inputs) that a registered model points back to.
import { existsSync } from 'node:fs';
import type { AutoMLResult } from '../automl/types.ts';
import { dataInputRecord, type ResolvedDataInput } from '../registry/data-input.ts';
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
 * Records an AutoML job as a finished run: its task, metric and best model as params,
 * the best validation score and the test metrics (`test_<name>`) as metrics, every data
 * input with its hash (MLflow dataset inputs), the pipeline as artifact; and registers
 * that artifact when asked, so `mlsweep models show` can list the data behind the model.
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
    store.setRunStatus(run.id, 'FINISHED', Date.now());
    const model =
      record.register === undefined
        ? undefined
        : new ModelRegistry({ store }).register(
            record.register,
            { runId: run.id, artifactPath: artifact },
            { description: `mlsweep automl: ${result.best.model} (${result.task})` },
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
