import type { SqliteStore } from '../tracking/sqlite-store.ts';

/** One piece of data a run read, as the lineage of a model shows it. */
export interface DataLineage {
  /** The data asset's name, or the file or folder name of unregistered data. */
  readonly name: string;
  /** The asset version (registered data only). */
  readonly version: string | undefined;
  /** The sha256 of the content when it was read. */
  readonly digest: string;
  /** `training`, `testing`, `scoring`… (MLflow's `mlflow.data.context`). */
  readonly context: string | undefined;
  /** `uri_file`, `uri_folder` or `mltable`. */
  readonly type: string | undefined;
  /** `azureml:NAME:VERSION` for an asset; the local path otherwise. */
  readonly uri: string;
}

/**
 * The data a run read (its recorded dataset inputs, see `dataInputRecord`), in the
 * order it was recorded: what a model registered from the run was made from. A run
 * that is gone, or that recorded nothing, has no lineage.
 *
 * @example
 * runDataLineage(store, version.runId).map((d) => `${d.name}:${d.version}`); // ['iris:2']
 */
export function runDataLineage(store: SqliteStore, runId: string | undefined): DataLineage[] {
  if (runId === undefined) return [];
  let inputs: ReturnType<SqliteStore['runInputs']>;
  try {
    inputs = store.runInputs(runId);
  } catch {
    return [];
  }
  return inputs.map((input) => {
    let uri = input.name;
    try {
      const source = JSON.parse(input.source) as { uri?: unknown };
      if (typeof source.uri === 'string') uri = source.uri;
    } catch {
      // a source that is not JSON (logged by another MLflow client) is shown by name
    }
    return {
      name: input.name,
      version: input.tags['mlsweep.data.version'],
      digest: input.digest,
      context: input.tags['mlflow.data.context'],
      type: input.tags['mlsweep.data.type'],
      uri,
    };
  });
}

/**
 * One line per piece of data, for a person: `iris:2 (training, uri_file, sha256 9f86d081884c…)`.
 *
 * @example
 * lineageText(runDataLineage(store, runId)); // ['iris:2 (training, uri_file, sha256 9f86d081884c…)']
 */
export function lineageText(lineage: readonly DataLineage[]): string[] {
  return lineage.map((d) => {
    const what = [d.context, d.type, `sha256 ${d.digest.slice(0, 12)}…`]
      .filter((x) => x !== undefined)
      .join(', ');
    return `${d.version === undefined ? d.uri : `${d.name}:${d.version}`} (${what})`;
  });
}

/** Who read a version of a data asset: the runs that recorded it, and the models registered from them. */
export interface DataConsumers {
  readonly runs: ReadonlyArray<{ readonly runId: string; readonly context: string | undefined }>;
  readonly models: ReadonlyArray<{ readonly name: string; readonly version: number }>;
}

/**
 * The other way round from `runDataLineage`: the runs that read this content under this
 * name (same name and digest), and the model versions registered from those runs. What
 * to retrain or look at again when data turns out to be wrong.
 *
 * @example
 * dataConsumers(store, 'iris', asset.hash).models; // [{ name: 'iris-model', version: 1 }]
 */
export function dataConsumers(store: SqliteStore, name: string, digest: string): DataConsumers {
  const rows = store
    .sql('SELECT run_id, tags_json FROM run_inputs WHERE name = ? AND digest = ? ORDER BY logged_at, run_id')
    .all(name, digest) as Array<{ run_id: string; tags_json: string }>;
  const runs = rows.map((r) => ({
    runId: r.run_id,
    context: (JSON.parse(r.tags_json) as Record<string, string>)['mlflow.data.context'],
  }));
  const models: Array<{ name: string; version: number }> = [];
  const byRun = store.sql('SELECT name, version FROM model_versions WHERE run_id = ? ORDER BY name, version');
  for (const runId of new Set(runs.map((r) => r.runId))) {
    models.push(...(byRun.all(runId) as Array<{ name: string; version: number }>));
  }
  return { runs, models };
}
