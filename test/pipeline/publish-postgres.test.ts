// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} bindings
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { publishPipeline } from '../../src/pipeline/published.ts';
import { serveStore } from '../../src/serve/store-server.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { type PgCluster, pgSkip, startPostgres } from '../helpers/postgres.ts';
import { tempDir } from '../tracking/helpers/temp.ts';
import { awaitPublishedRun, GREET_PIPELINE, workspace } from './helpers.ts';

describe('published pipelines on a PostgreSQL store', { skip: pgSkip }, () => {
  let cluster: PgCluster;
  before(async () => {
    cluster = await startPostgres();
  });
  after(async () => {
    await cluster?.destroy();
  });

  it('mlsweep serve --store postgresql://… answers POST /pipelines/{name}/runs and GET …/runs/{id}', async () => {
    const url = await cluster.createDatabase();
    const dir = workspace('pipe-publish-pg', { 'p.yml': GREET_PIPELINE });
    const artifactsDir = tempDir('pipe-publish-pg-artifacts');
    const store = new SqliteStore({ dir: url, artifactsDir });
    const published = publishPipeline(store, 'greet', join(dir, 'p.yml'));
    store.close();

    // the server's store puts step outputs in $MLSWEEP_ARTIFACTS, as every PostgreSQL store command does
    const previous = process.env.MLSWEEP_ARTIFACTS;
    process.env.MLSWEEP_ARTIFACTS = artifactsDir;
    const served = await serveStore(url, { port: 0, logger: false, intervalMs: 60_000 });
    const { port } = await served.server.listen();
    const base = `http://127.0.0.1:${port}/pipelines`;
    const key = { authorization: `Bearer ${published.primaryKey}`, 'content-type': 'application/json' };
    try {
      const wrongKey = await fetch(`${base}/greet/runs`, {
        method: 'POST',
        body: '{}',
        headers: { ...key, authorization: 'Bearer nope' },
      });
      assert.equal(wrongKey.status, 401);
      const started = await fetch(`${base}/greet/runs`, {
        method: 'POST',
        body: JSON.stringify({ inputs: { word: 'hallo' } }),
        headers: key,
      });
      assert.equal(started.status, 202, await started.clone().text());
      const { runId } = (await started.json()) as { runId: string };
      const job = await awaitPublishedRun(`${base}/greet/runs/${runId}`, key);
      assert.equal(job.status, 'completed', JSON.stringify(job));
      const out = job.steps[0]!.outputs['out']!;
      assert.ok(out.startsWith(artifactsDir), out);
      assert.equal(readFileSync(join(out, 'word.txt'), 'utf8'), 'hallo\n');

      // the run is in the database, tagged as a run of the published pipeline
      const check = new SqliteStore({ dir: url, artifactsDir });
      try {
        assert.equal(check.run(runId).tags['mlsweep.pipeline.published'], 'greet');
      } finally {
        check.close();
      }
    } finally {
      await served.close();
      if (previous === undefined) delete process.env.MLSWEEP_ARTIFACTS;
      else process.env.MLSWEEP_ARTIFACTS = previous;
    }
  });
});
