import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createTrackingServer } from '../../../src/studio/mlflow/server.ts';
import { SCHEMA_VERSION } from '../../../src/tracking/migrations.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';

describe('a store written before schema 5 (no lifecycle columns) served by the tracking server', () => {
  it('is migrated on open: its experiments and runs are active and searchable, its data intact', async () => {
    const storeDir = join(tempDir('upgrade'), 'mlruns');
    const old = new SqliteStore({ dir: storeDir });
    const run = old.createRun({ experiment: 'legacy', name: 'old-run' });
    old.logMetrics(run.id, [{ key: 'acc', value: 0.75, step: 2, timestamp: 1 }]);
    // Take the store back to schema 4, as an mlsweep before this change left it: undo each
    // later migration, newest first (a new migration adds its undo here).
    old.db.exec(`
      DROP INDEX runs_by_status;
      DROP INDEX runs_by_start;
      DROP TABLE audit_log;
      DELETE FROM schema_migrations WHERE version = 13;
      ALTER TABLE published_pipelines DROP COLUMN secondary_key;
      ALTER TABLE published_pipelines DROP COLUMN primary_key;
      DELETE FROM schema_migrations WHERE version = 12;
      DROP TABLE published_pipelines;
      DROP TABLE pipeline_step_cache;
      DROP TABLE components;
      DELETE FROM schema_migrations WHERE version = 11;
      DROP TABLE schedule_fires;
      DROP TABLE schedules;
      DROP TABLE environments;
      DELETE FROM schema_migrations WHERE version = 10;
      DROP TABLE batch_deployments;
      DROP TABLE batch_endpoints;
      DELETE FROM schema_migrations WHERE version = 9;
      DROP TABLE sweep_queue_retries;
      DROP TABLE sweep_workers;
      ALTER TABLE trials DROP COLUMN worker_id;
      DELETE FROM schema_migrations WHERE version = 8;
      DROP TABLE data_assets;
      DROP TABLE datastores;
      DELETE FROM schema_migrations WHERE version = 7;
      ALTER TABLE registered_models DROP COLUMN last_version;
      DELETE FROM schema_migrations WHERE version = 6;
      DROP TABLE run_inputs;
      ALTER TABLE runs DROP COLUMN deleted_time;
      ALTER TABLE runs DROP COLUMN lifecycle_stage;
      ALTER TABLE experiments DROP COLUMN deleted_time;
      ALTER TABLE experiments DROP COLUMN last_update_time;
      ALTER TABLE experiments DROP COLUMN lifecycle_stage;
      DELETE FROM schema_migrations WHERE version = 5;
      PRAGMA user_version = 4;
    `);
    assert.equal(SCHEMA_VERSION, 13, 'a migration after 13: add its undo above');
    assert.ok(
      !old.db
        .prepare('SELECT sql FROM sqlite_master WHERE name = ?')
        .pluck()
        .get('runs')!
        .toString()
        .includes('lifecycle'),
    );
    old.close();

    const server = createTrackingServer({ storeDir, port: 0, logger: false });
    await server.listen();
    try {
      const post = async (path: string, body: object) =>
        (await fetch(`${server.url}/api/2.0/mlflow/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        }).then((r) => r.json())) as {
          runs: Array<{ info: { run_name: string; lifecycle_stage: string }; data: { metrics: unknown[] } }>;
        };
      const experiment = (await fetch(
        `${server.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=legacy`,
      ).then((r) => r.json())) as { experiment: { experiment_id: string; lifecycle_stage: string } };
      assert.equal(experiment.experiment.lifecycle_stage, 'active');
      const found = await post('runs/search', {
        experiment_ids: [experiment.experiment.experiment_id],
        filter: 'metrics.acc > 0.5',
      });
      assert.equal(found.runs.length, 1);
      assert.equal(found.runs[0]!.info.run_name, 'old-run');
      assert.equal(found.runs[0]!.info.lifecycle_stage, 'active');
      assert.deepEqual(found.runs[0]!.data.metrics, [{ key: 'acc', value: 0.75, timestamp: 1, step: 2 }]);
    } finally {
      await server.close();
    }
  });
});
