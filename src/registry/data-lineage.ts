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
