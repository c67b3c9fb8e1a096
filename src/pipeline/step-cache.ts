import { existsSync } from 'node:fs';
import type { SqliteStore } from '../tracking/sqlite-store.ts';

/** A step's outputs kept for reuse: the run that made them and where they are. */
export interface CachedStep {
  readonly runId: string;
  readonly outputs: Readonly<Record<string, string>>;
}

/**
 * The cached outputs for a step's key, when every output is still where it was written
 * (a deleted output folder means the step runs again).
 *
 * @example
 * const hit = lookupStep(store, key); // { runId, outputs } or undefined
 */
export function lookupStep(store: SqliteStore, key: string): CachedStep | undefined {
  const row = store
    .sql('SELECT run_id, outputs_json FROM pipeline_step_cache WHERE cache_key = ?')
    .get(key) as { run_id: string; outputs_json: string } | undefined;
  if (!row) return undefined;
  const outputs = JSON.parse(row.outputs_json) as Record<string, string>;
  if (!Object.values(outputs).every((path) => existsSync(path))) return undefined;
  return { runId: row.run_id, outputs };
}

/**
 * Records a step's outputs under its key (the newest run wins).
 *
 * @example
 * recordStep(store, key, { runId: run.id, outputs: { out: '/store/artifacts/azureml/…/out' } });
 */
export function recordStep(store: SqliteStore, key: string, entry: CachedStep, now = Date.now()): void {
  store.write(() => {
    store.sql('DELETE FROM pipeline_step_cache WHERE cache_key = ?').run(key);
    store
      .sql(
        'INSERT INTO pipeline_step_cache (cache_key, run_id, outputs_json, created_at) VALUES (?, ?, ?, ?)',
      )
      .run(key, entry.runId, JSON.stringify(entry.outputs), now);
  });
}
