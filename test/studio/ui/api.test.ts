// The studio's JSON API on a real server (createTrackingServer with the studio, 127.0.0.1
// port 0) over the sample store: experiments, runs (filter, sort, paging, keys), one run
// (metrics, artifacts, download, log, lineage), compare, writes (write header, audit).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startStudio, type TestStudio } from '../../helpers/browser.ts';
import { fillSampleStore, SAMPLE_RUNS, type SampleStore } from './sample-store.ts';

describe('studio API', () => {
  let studio: TestStudio;
  let sample: SampleStore;
  before(async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'mlsweep-studio-sample-'));
    studio = await startStudio({
      watch: false,
      prepare: (store) => {
        sample = fillSampleStore(store, scratch);
      },
    });
  });
  after(async () => {
    await studio?.close();
  });

  it('lists experiments with run counts and last activity, latest activity first', async () => {
    const { status, json } = await studio.api('GET', '/experiments');
    assert.equal(status, 200);
    const names = json.items.map((e: { name: string }) => e.name);
    assert.deepEqual([...names].sort(), ['Default', 'empty', 'iris']);
    const activity = json.items.map(
      (e: { lastRunAt: number | null; createdAt: number }) => e.lastRunAt ?? e.createdAt,
    );
    assert.deepEqual(
      activity,
      [...activity].sort((a, b) => b - a),
    );
    const iris = json.items.find((e: { name: string }) => e.name === 'iris');
    assert.equal(iris.runCount, SAMPLE_RUNS);
    assert.equal(iris.lastRunAt, Date.UTC(2026, 0, 1) + (SAMPLE_RUNS - 1) * 1000);
    assert.equal(json.total, json.items.length);
  });

  it('pages runs newest first with the total and the column keys', async () => {
    const first = await studio.api('GET', '/runs?experiment=iris&limit=10');
    assert.equal(first.status, 200);
    assert.equal(first.json.total, SAMPLE_RUNS);
    assert.equal(first.json.items.length, 10);
    assert.equal(first.json.items[0].name, 'run-29');
    assert.equal(first.json.nextPageToken, '10');
    assert.deepEqual(first.json.keys, {
      params: ['depth', 'kind', 'lr'],
      metrics: ['acc', 'loss'],
      tags: ['team'],
    });
    const last = await studio.api('GET', '/runs?experiment=iris&limit=10&pageToken=20');
    assert.equal(last.json.items.length, 10);
    assert.equal(last.json.items[9].name, 'run-00');
    assert.equal(last.json.nextPageToken, undefined);
  });

  it('filters with the MLflow language and counts only the matches', async () => {
    const filter = encodeURIComponent("params.kind = 'gb' and metrics.acc > 0.6");
    const { json } = await studio.api('GET', `/runs?filter=${filter}&limit=100`);
    assert.ok(json.items.length > 0);
    assert.equal(json.total, json.items.length);
    for (const run of json.items) {
      assert.equal(run.params.kind, 'gb');
      assert.ok(run.metrics.acc > 0.6);
    }
    const all = await studio.api('GET', '/runs?limit=100');
    const expected = all.json.items.filter(
      (r: { params: { kind: string }; metrics: { acc: number } }) =>
        r.params.kind === 'gb' && r.metrics.acc > 0.6,
    );
    assert.equal(json.total, expected.length);
  });

  it('sorts by a metric, a param or an attribute, either way', async () => {
    const byAcc = await studio.api('GET', `/runs?orderBy=${encodeURIComponent('metrics.acc ASC')}&limit=100`);
    const accs = byAcc.json.items.map((r: { metrics: { acc: number } }) => r.metrics.acc);
    assert.deepEqual(
      accs,
      [...accs].sort((a, b) => a - b),
    );
    const byName = await studio.api('GET', `/runs?orderBy=${encodeURIComponent('name DESC')}&limit=3`);
    assert.deepEqual(
      byName.json.items.map((r: { name: string }) => r.name),
      ['run-29', 'run-28', 'run-27'],
    );
    const byDepth = await studio.api(
      'GET',
      `/runs?orderBy=${encodeURIComponent('params.depth DESC')}&limit=5`,
    );
    for (const run of byDepth.json.items) assert.equal(run.params.depth, '6');
  });

  it('answers a bad filter, sort or page with 400 and the message', async () => {
    const bad = await studio.api('GET', `/runs?filter=${encodeURIComponent('metrics.acc >')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'INVALID_VALUE');
    assert.match(bad.json.error.message, /expected a value/);
    const sort = await studio.api('GET', `/runs?orderBy=${encodeURIComponent('color ASC')}`);
    assert.equal(sort.status, 400);
    assert.match(sort.json.error.message, /unknown field/);
    const limit = await studio.api('GET', '/runs?limit=0');
    assert.equal(limit.status, 400);
    assert.match(limit.json.error.message, /^limit must be a whole number/);
    const experiment = await studio.api('GET', '/runs?experiment=nope');
    assert.equal(experiment.status, 404);
  });

  it('shows one run with its lineage: the dataset it used and the model registered from it', async () => {
    const { status, json } = await studio.api('GET', `/runs/${sample.richRun}`);
    assert.equal(status, 200);
    assert.equal(json.name, 'run-07');
    assert.equal(json.experimentName, 'iris');
    assert.equal(json.inputs[0].name, 'iris-train');
    assert.equal(json.inputs[0].tags['mlflow.data.context'], 'training');
    assert.deepEqual(
      json.models.map((m: { name: string; version: number }) => `${m.name}/${m.version}`),
      ['iris-rf/1'],
    );
    const missing = await studio.api('GET', '/runs/0123456789abcdef0123456789abcdef');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'NOT_FOUND');
  });

  it("gives every metric's points by step", async () => {
    const { json } = await studio.api('GET', `/runs/${sample.runIds[0]}/metrics`);
    assert.deepEqual(json.items.map((m: { key: string }) => m.key).sort(), ['acc', 'loss']);
    const acc = json.items.find((m: { key: string }) => m.key === 'acc');
    assert.deepEqual(
      acc.points.map((p: number[]) => p[0]),
      [0, 1, 2, 3, 4],
    );
  });

  it('lists artifacts, downloads one, shows the log, and refuses paths out of the run', async () => {
    const list = await studio.api('GET', `/runs/${sample.richRun}/artifacts`);
    assert.deepEqual(list.json.items.map((a: { path: string }) => a.path).sort(), [
      'model/model.json',
      'train.log',
    ]);
    const file = await fetch(
      `${studio.url}/studio/api/runs/${sample.richRun}/artifacts/file?path=${encodeURIComponent('model/model.json')}`,
    );
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'application/octet-stream');
    assert.match(
      file.headers.get('content-disposition') ?? '',
      /^attachment; filename\*=UTF-8''model\.json$/,
    );
    assert.equal(await file.text(), '{"kind":"rf"}\n');
    const logs = await studio.api('GET', `/runs/${sample.richRun}/logs`);
    assert.equal(logs.json.file, 'train.log');
    assert.match(logs.json.text, /epoch 2 loss 0\.5/);
    for (const path of ['../../../mlsweep.db', '/etc/passwd', 'model/../../x', 'nope.txt', 'model']) {
      const refused = await studio.api(
        'GET',
        `/runs/${sample.richRun}/artifacts/file?path=${encodeURIComponent(path)}`,
      );
      assert.equal(refused.status, 404, path);
    }
  });

  it('compares runs: histories of each, and parameter importance with enough of them', async () => {
    const two = await studio.api('GET', `/compare?runs=${sample.runIds.slice(0, 2).join(',')}&metric=acc`);
    assert.equal(two.status, 200);
    assert.equal(two.json.runs.length, 2);
    assert.equal(two.json.histories[0].metrics.acc.length, 5);
    assert.match(two.json.importance.note, /at least 10 runs/);
    const many = await studio.api('GET', `/compare?runs=${sample.runIds.join(',')}&metric=acc`);
    const names = many.json.importance.values.map((v: { name: string }) => v.name);
    assert.deepEqual([...names].sort(), ['depth', 'kind', 'lr']);
    // acc is built from depth: the forest must rank it first
    const top = many.json.importance.values.reduce((a: { importance: number }, b: { importance: number }) =>
      a.importance >= b.importance ? a : b,
    );
    assert.equal(top.name, 'depth');
    const one = await studio.api('GET', `/compare?runs=${sample.runIds[0]}`);
    assert.equal(one.status, 400);
  });

  it('refuses a write without the X-Mlsweep-Studio header (CSRF), and audits one with it', async () => {
    const id = sample.runIds[3]!;
    const refused = await studio.api('PATCH', `/runs/${id}`, { body: { tags: { note: 'x' } } });
    assert.equal(refused.status, 403);
    assert.match(refused.json.error.message, /X-Mlsweep-Studio: 1/);
    const wrong = await studio.api('PATCH', `/runs/${id}`, {
      body: { tags: { note: 'x' } },
      headers: { 'x-mlsweep-studio': 'yes' },
    });
    assert.equal(wrong.status, 403);
    const done = await studio.api('PATCH', `/runs/${id}`, {
      body: { tags: { note: 'best so far' } },
      headers: { 'x-mlsweep-studio': '1' },
    });
    assert.equal(done.status, 200);
    assert.equal(done.json.tags.note, 'best so far');
    const audit = await studio.api('GET', '/audit?limit=5');
    assert.equal(audit.json.total, 1);
    const entry = audit.json.items[0];
    assert.equal(entry.action, 'run.update');
    assert.equal(entry.target, id);
    assert.equal(entry.actor, 'local 127.0.0.1');
    assert.deepEqual(entry.detail, { tags: { note: 'best so far' } });
    assert.ok(Math.abs(entry.at - Date.now()) < 60_000);
    const invalid = await studio.api('PATCH', `/runs/${id}`, {
      body: { tags: { note: 5 } },
      headers: { 'x-mlsweep-studio': '1' },
    });
    assert.equal(invalid.status, 400);
    assert.equal((await studio.api('GET', '/audit')).json.total, 1, 'a refused write is not recorded');
  });

  it('answers an unknown API path with the JSON error body', async () => {
    const { status, json } = await studio.api('GET', '/nothing/here');
    assert.equal(status, 404);
    assert.equal(json.error.code, 'NOT_FOUND');
  });
});
