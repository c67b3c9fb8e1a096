// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Azure's ${{...}} bindings
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listPublished, publishPipeline } from '../../src/pipeline/published.ts';
import { serveStore } from '../../src/serve/store-server.ts';
import { awaitPublishedRun, GREET_PIPELINE, openStore, workspace } from './helpers.ts';

describe('published pipelines over HTTP', () => {
  it('POST /pipelines/{name}/runs with a key starts a run (inputs overridable); GET .../runs/{id} reports it', async () => {
    const dir = workspace('pipe-publish', { 'p.yml': GREET_PIPELINE });
    const store = openStore(dir);
    const published = publishPipeline(store, 'greet', join(dir, 'p.yml'));
    assert.equal(
      publishPipeline(store, 'greet', join(dir, 'p.yml')).primaryKey,
      published.primaryKey,
      'keys kept',
    );
    assert.deepEqual(
      listPublished(store).map((p) => p.name),
      ['greet'],
    );
    assert.throws(() => publishPipeline(store, 'bad name', join(dir, 'p.yml')), /invalid pipeline name/);
    store.close();

    const served = await serveStore(join(dir, 'mlruns'), { port: 0, logger: false, intervalMs: 60_000 });
    const { port } = await served.server.listen();
    const base = `http://127.0.0.1:${port}/pipelines`;
    const key = { authorization: `Bearer ${published.secondaryKey}`, 'content-type': 'application/json' };
    try {
      const noKey = await fetch(`${base}/greet/runs`, {
        method: 'POST',
        body: '{}',
        headers: { 'content-type': 'application/json' },
      });
      assert.equal(noKey.status, 401);
      const wrongKey = await fetch(`${base}/greet/runs`, {
        method: 'POST',
        body: '{}',
        headers: { ...key, authorization: 'Bearer nope' },
      });
      assert.equal(wrongKey.status, 401);
      const unknown = await fetch(`${base}/nothing/runs`, { method: 'POST', body: '{}', headers: key });
      assert.equal(unknown.status, 404);
      const badInput = await fetch(`${base}/greet/runs`, {
        method: 'POST',
        body: JSON.stringify({ inputs: { nope: 1 } }),
        headers: key,
      });
      assert.equal(badInput.status, 400, await badInput.clone().text());
      assert.match(
        ((await badInput.json()) as { error: { message: string } }).error.message,
        /no input nope/,
      );

      const started = await fetch(`${base}/greet/runs`, {
        method: 'POST',
        body: JSON.stringify({ inputs: { word: 'bonjour' } }),
        headers: key,
      });
      assert.equal(started.status, 202);
      const { runId } = (await started.json()) as { runId: string };
      const job = await awaitPublishedRun(`${base}/greet/runs/${runId}`, key);
      assert.equal(job.status, 'completed');
      assert.equal(readFileSync(join(job.steps[0]!.outputs['out']!, 'word.txt'), 'utf8'), 'bonjour\n');
      const otherRun = await fetch(`${base}/greet/runs/0123456789abcdef0123456789abcdef`, { headers: key });
      assert.equal(otherRun.status, 404);
      const noKeyGet = await fetch(`${base}/greet/runs/${runId}`);
      assert.equal(noKeyGet.status, 401);
    } finally {
      await served.close();
    }
  });
});
