/**
 * mlsweep's experiments and runs in MLflow's JSON shapes (mlflow/protos/service.proto):
 * ids as strings, times in ms, key/value lists, and NaN or infinite metric values written
 * as protobuf's JSON writes them ("NaN", "Infinity", "-Infinity").
 */
import type { SqliteStore } from '../../tracking/sqlite-store.ts';
import type { Experiment, MetricRecord, Run } from '../../tracking/types.ts';

/** MLflow's key/value pair. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** MLflow's system tag of a run's name. */
export const RUN_NAME_TAG = 'mlflow.runName';
/** MLflow's system tag of a run's parent. */
export const PARENT_RUN_TAG = 'mlflow.parentRunId';
/** MLflow's system tag of who started a run. */
export const USER_TAG = 'mlflow.user';

/**
 * `{key: value}` as MLflow's `[{key, value}]`.
 *
 * @example
 * keyValues({ a: '1' }); // [{ key: 'a', value: '1' }]
 */
export function keyValues(record: Readonly<Record<string, string>>): KeyValue[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

/**
 * A double as protobuf's JSON writes it: numbers as numbers, NaN and infinities as strings.
 *
 * @example
 * jsonDouble(Number.NaN); // 'NaN'
 */
export function jsonDouble(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

/**
 * A metric point as MLflow's Metric message.
 *
 * @example
 * metricJson({ key: 'loss', value: 0.1, step: 2, timestamp: 1 });
 */
export function metricJson(m: MetricRecord): {
  key: string;
  value: number | string;
  timestamp: number;
  step: number;
} {
  return { key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step };
}

/**
 * Where a run's artifacts are, as MLflow clients resolve it through the artifact proxy
 * (`/api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/...`).
 *
 * @example
 * artifactUri(run); // 'mlflow-artifacts:/1/3f2a.../artifacts'
 */
export function artifactUri(run: Pick<Run, 'experimentId' | 'id'>): string {
  return `mlflow-artifacts:/${run.experimentId}/${run.id}/artifacts`;
}

/**
 * An experiment as MLflow's Experiment message.
 *
 * @example
 * experimentJson(store.experiment('iris')).experiment_id; // '1'
 */
export function experimentJson(e: Experiment) {
  return {
    experiment_id: String(e.id),
    name: e.name,
    artifact_location: `mlflow-artifacts:/${e.id}`,
    lifecycle_stage: e.lifecycleStage ?? 'active',
    last_update_time: e.lastUpdateTime ?? e.createdAt,
    creation_time: e.createdAt,
    tags: keyValues(e.tags),
  };
}

/**
 * A run's RunInfo: MLflow's attributes of a run.
 *
 * @example
 * runInfoJson(run).status; // 'FINISHED'
 */
export function runInfoJson(run: Run) {
  return {
    run_id: run.id,
    run_uuid: run.id,
    experiment_id: String(run.experimentId),
    run_name: run.name,
    user_id: run.tags[USER_TAG] ?? '',
    status: run.status,
    start_time: run.startTime,
    ...(run.endTime === undefined ? {} : { end_time: run.endTime }),
    artifact_uri: artifactUri(run),
    lifecycle_stage: run.lifecycleStage ?? 'active',
  };
}

/**
 * A run as MLflow's Run message: info, data (latest metrics, params, tags with the system
 * tags mlsweep keeps as columns: mlflow.runName, mlflow.parentRunId) and dataset inputs.
 *
 * @example
 * runJson(store, store.run(id)).data.params;
 */
export function runJson(store: SqliteStore, run: Run) {
  const tags: Record<string, string> = { ...run.tags };
  tags[RUN_NAME_TAG] ??= run.name;
  if (run.parentRunId !== undefined) tags[PARENT_RUN_TAG] ??= run.parentRunId;
  return {
    info: runInfoJson(run),
    data: {
      metrics: store.latestMetrics(run.id).map(metricJson),
      params: keyValues(run.params),
      tags: keyValues(tags),
    },
    inputs: {
      dataset_inputs: store.runInputs(run.id).map((d) => ({
        tags: keyValues(d.tags),
        dataset: {
          name: d.name,
          digest: d.digest,
          source_type: d.sourceType,
          source: d.source,
          ...(d.schema === undefined ? {} : { schema: d.schema }),
          ...(d.profile === undefined ? {} : { profile: d.profile }),
        },
      })),
    },
  };
}
