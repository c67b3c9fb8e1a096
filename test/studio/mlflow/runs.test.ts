import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTracking } from './server-helpers.ts';

const T0 = 1_700_000_000_000;

describe('MLflow API: runs', () => {
  it('create and get: MLflow run shape, the name as attribute and mlflow.runName tag, start_time kept', async () => {
    const t = await startTracking('runs-create');
    const { experiment_id } = await t.post('experiments/create', { name: 'iris' });
    const { run } = await t.post('runs/create', {
      experiment_id,
      run_name: 'rf-1',
      start_time: T0,
      user_id: 'ana',
      tags: [{ key: 'model', value: 'rf' }],
    });
    assert.match(run.info.run_id, /^[0-9a-f]{32}$/);
    assert.deepEqual(run.info, {
      run_id: run.info.run_id,
      run_uuid: run.info.run_id,
      experiment_id,
      run_name: 'rf-1',
      user_id: 'ana',
      status: 'RUNNING',
      start_time: T0,
      artifact_uri: `mlflow-artifacts:/${experiment_id}/${run.info.run_id}/artifacts`,
      lifecycle_stage: 'active',
    });
    const tags = Object.fromEntries(
      run.data.tags.map((x: { key: string; value: string }) => [x.key, x.value]),
    );
    assert.deepEqual(tags, { model: 'rf', 'mlflow.runName': 'rf-1', 'mlflow.user': 'ana' });
    assert.deepEqual(run.data.metrics, []);
    assert.deepEqual(run.data.params, []);
    assert.deepEqual(run.inputs, { dataset_inputs: [] });
    const got = await t.get('runs/get', { run_id: run.info.run_id });
    assert.deepEqual(got.run, run);
    const byUuid = await t.get('runs/get', { run_uuid: run.info.run_id });
    assert.equal(byUuid.run.info.run_id, run.info.run_id);
  });

  it('create: the name from the mlflow.runName tag, the parent from mlflow.parentRunId, experiment 0 by default', async () => {
    const t = await startTracking('runs-parent');
    const parent = (await t.post('runs/create', { tags: [{ key: 'mlflow.runName', value: 'sweep' }] })).run;
    assert.equal(parent.info.run_name, 'sweep');
    assert.equal(parent.info.experiment_id, '0');
    const child = (
      await t.post('runs/create', {
        experiment_id: '0',
        tags: [{ key: 'mlflow.parentRunId', value: parent.info.run_id }],
      })
    ).run;
    assert.equal(t.openStore().run(child.info.run_id).parentRunId, parent.info.run_id);
    assert.deepEqual(
      t
        .openStore()
        .childRuns(parent.info.run_id)
        .map((r) => r.id),
      [child.info.run_id],
    );
  });

  it('get: unknown, a prefix of an id, and a missing run_id', async () => {
    const t = await startTracking('runs-get');
    const { run } = await t.post('runs/create', {});
    for (const run_id of ['0123456789abcdef0123456789abcdef', run.info.run_id.slice(0, 8)]) {
      const r = await t.call('GET', 'runs/get', { run_id });
      assert.deepEqual([r.status, r.json.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
      assert.match(r.json.message, /not found/);
    }
    const missing = await t.call('GET', 'runs/get', {});
    assert.deepEqual([missing.status, missing.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
    assert.match(missing.json.message, /'run_id'/);
  });

  it('update: status, end_time and run_name (renaming the tag too); a bad status is refused', async () => {
    const t = await startTracking('runs-update');
    const id = (await t.post('runs/create', { start_time: T0 })).run.info.run_id;
    const { run_info } = await t.post('runs/update', {
      run_id: id,
      status: 'FINISHED',
      end_time: T0 + 5000,
      run_name: 'best',
    });
    assert.deepEqual(
      [run_info.status, run_info.end_time, run_info.run_name],
      ['FINISHED', T0 + 5000, 'best'],
    );
    const { run } = await t.get('runs/get', { run_id: id });
    assert.ok(
      run.data.tags.some(
        (x: { key: string; value: string }) => x.key === 'mlflow.runName' && x.value === 'best',
      ),
    );
    // end_time as protobuf's int64 string
    const again = await t.post('runs/update', { run_id: id, end_time: String(T0 + 6000) });
    assert.equal(again.run_info.end_time, T0 + 6000);
    assert.equal(again.run_info.status, 'FINISHED');
    const bad = await t.call('POST', 'runs/update', { run_id: id, status: 'DONE' });
    assert.deepEqual([bad.status, bad.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
    const failed = await t.post('runs/update', { run_id: id, status: 'FAILED' });
    assert.equal(failed.run_info.end_time, T0 + 6000);
  });

  it('delete and restore; a deleted run refuses writes with INVALID_PARAMETER_VALUE', async () => {
    const t = await startTracking('runs-delete');
    const id = (await t.post('runs/create', {})).run.info.run_id;
    await t.post('runs/delete', { run_id: id });
    assert.equal((await t.get('runs/get', { run_id: id })).run.info.lifecycle_stage, 'deleted');
    for (const [path, body] of [
      ['runs/log-metric', { key: 'a', value: 1, timestamp: T0 }],
      ['runs/log-parameter', { key: 'a', value: '1' }],
      ['runs/set-tag', { key: 'a', value: '1' }],
      ['runs/log-batch', { metrics: [{ key: 'a', value: 1, timestamp: T0 }] }],
      ['runs/update', { status: 'FINISHED' }],
    ] as const) {
      const r = await t.call('POST', path, { run_id: id, ...body });
      assert.deepEqual([r.status, r.json.error_code], [400, 'INVALID_PARAMETER_VALUE'], path);
      assert.match(r.json.message, /must be in the 'active' state/);
    }
    await t.post('runs/restore', { run_id: id });
    assert.equal((await t.get('runs/get', { run_id: id })).run.info.lifecycle_stage, 'active');
    await t.post('runs/log-metric', { run_id: id, key: 'a', value: 1, timestamp: T0 });
    const unknown = await t.call('POST', 'runs/delete', { run_id: 'f'.repeat(32) });
    assert.equal(unknown.status, 404);
  });

  it('log-metric, log-parameter, set-tag, delete-tag: stored, onLogged told after, NaN and infinities round-trip', async () => {
    const t = await startTracking('runs-log');
    const id = (await t.post('runs/create', {})).run.info.run_id;
    await t.post('runs/log-metric', { run_id: id, key: 'loss', value: 0.5, timestamp: T0, step: 1 });
    await t.post('runs/log-metric', {
      run_id: id,
      key: 'loss',
      value: 0.25,
      timestamp: String(T0 + 1),
      step: '2',
    });
    await t.post('runs/log-metric', { run_id: id, key: 'odd', value: 'NaN', timestamp: T0 });
    await t.post('runs/log-metric', { run_id: id, key: 'big', value: 'Infinity', timestamp: T0 });
    await t.post('runs/log-parameter', { run_id: id, key: 'max_depth', value: '5' });
    await t.post('runs/log-parameter', { run_id: id, key: 'max_depth', value: '5' });
    await t.post('runs/set-tag', { run_id: id, key: 'model', value: 'rf' });
    await t.post('runs/set-tag', { run_id: id, key: 'mlflow.runName', value: 'renamed' });
    const { run } = await t.get('runs/get', { run_id: id });
    const metrics = Object.fromEntries(run.data.metrics.map((m: { key: string }) => [m.key, m]));
    assert.deepEqual(metrics.loss, { key: 'loss', value: 0.25, timestamp: T0 + 1, step: 2 });
    assert.equal(metrics.odd.value, 'NaN');
    assert.equal(metrics.big.value, 'Infinity');
    assert.deepEqual(run.data.params, [{ key: 'max_depth', value: '5' }]);
    assert.equal(run.info.run_name, 'renamed');
    const changed = await t.call('POST', 'runs/log-parameter', { run_id: id, key: 'max_depth', value: '6' });
    assert.deepEqual([changed.status, changed.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
    assert.match(changed.json.message, /max_depth/);
    await t.post('runs/delete-tag', { run_id: id, key: 'model' });
    const after = (await t.get('runs/get', { run_id: id })).run;
    assert.ok(!after.data.tags.some((x: { key: string }) => x.key === 'model'));
    const noTag = await t.call('POST', 'runs/delete-tag', { run_id: id, key: 'model' });
    assert.deepEqual([noTag.status, noTag.json.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    // the store's own view: the mlsweep run holds what MLflow logged
    const stored = t.openStore().run(id);
    assert.equal(stored.metrics['loss'], 0.25);
    assert.equal(stored.params['max_depth'], '5');
    assert.deepEqual(
      t.events.filter((e) => e.runId === id && e.metrics).map((e) => e.metrics![0]!.key),
      ['loss', 'loss', 'odd', 'big'],
    );
    assert.ok(t.events.some((e) => e.params?.['max_depth'] === '5'));
    assert.ok(t.events.some((e) => e.tags?.['model'] === 'rf'));
  });

  it('log-metric and log-parameter: missing fields, bad names, over-long values', async () => {
    const t = await startTracking('runs-log-errors');
    const id = (await t.post('runs/create', {})).run.info.run_id;
    for (const body of [
      { key: 'loss', value: 1 },
      { key: 'loss', timestamp: T0 },
      { key: 'loss', value: 'high', timestamp: T0 },
      { key: 'lo$s', value: 1, timestamp: T0 },
      { key: 'x'.repeat(251), value: 1, timestamp: T0 },
      { key: '../up', value: 1, timestamp: T0 },
      { key: 'loss', value: 1, timestamp: 1.5 },
    ]) {
      const r = await t.call('POST', 'runs/log-metric', { run_id: id, ...body });
      assert.deepEqual([r.status, r.json.error_code], [400, 'INVALID_PARAMETER_VALUE'], JSON.stringify(body));
    }
    const long = await t.call('POST', 'runs/log-parameter', {
      run_id: id,
      key: 'p',
      value: 'x'.repeat(6001),
    });
    assert.equal(long.json.error_code, 'INVALID_PARAMETER_VALUE');
    await t.post('runs/log-parameter', { run_id: id, key: 'p', value: 'x'.repeat(6000) });
    const longTag = await t.call('POST', 'runs/set-tag', { run_id: id, key: 't', value: 'x'.repeat(8001) });
    assert.equal(longTag.json.error_code, 'INVALID_PARAMETER_VALUE');
    const noRun = await t.call('POST', 'runs/log-metric', { key: 'a', value: 1, timestamp: T0 });
    assert.match(noRun.json.message, /'run_id'/);
  });

  it("log-batch: all in one write; MLflow's limits of 1,000 metrics, 100 params, 100 tags, 1,000 in all, 1 MB", async () => {
    const t = await startTracking('runs-batch');
    const id = (await t.post('runs/create', {})).run.info.run_id;
    const metrics = Array.from({ length: 1000 }, (_, i) => ({
      key: 'loss',
      value: 1 / (i + 1),
      timestamp: T0 + i,
      step: i,
    }));
    await t.post('runs/log-batch', { run_id: id, metrics });
    const params = Array.from({ length: 100 }, (_, i) => ({ key: `p${i}`, value: String(i) }));
    const tags = Array.from({ length: 100 }, (_, i) => ({ key: `t${i}`, value: String(i) }));
    await t.post('runs/log-batch', { run_id: id, params, tags });
    const store = t.openStore();
    assert.equal(store.metricHistory(id, 'loss').length, 1000);
    assert.equal(Object.keys(store.run(id).params).length, 100);
    const over = async (body: object, pattern: RegExp) => {
      const r = await t.call('POST', 'runs/log-batch', { run_id: id, ...body });
      assert.deepEqual([r.status, r.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
      assert.match(r.json.message, pattern);
    };
    const metric = (i: number) => ({ key: 'm', value: i, timestamp: T0, step: i });
    await over({ metrics: Array.from({ length: 1001 }, (_, i) => metric(i)) }, /at most 1000 metrics/);
    await over(
      { params: Array.from({ length: 101 }, (_, i) => ({ key: `q${i}`, value: '1' })) },
      /at most 100 params/,
    );
    await over(
      { tags: Array.from({ length: 101 }, (_, i) => ({ key: `u${i}`, value: '1' })) },
      /at most 100 tags/,
    );
    await over(
      {
        metrics: Array.from({ length: 950 }, (_, i) => metric(i)),
        params: [{ key: 'a', value: '1' }],
        tags: Array.from({ length: 50 }, (_, i) => ({ key: `v${i}`, value: '1' })),
      },
      /at most 1000 metrics, params, and tags in total/,
    );
    await over(
      {
        tags: Array.from({ length: 100 }, (_, i) => ({ key: `w${i}`, value: 'x'.repeat(8000) })),
        params: Array.from({ length: 100 }, (_, i) => ({ key: `big${i}`, value: 'x'.repeat(6000) })),
      },
      /at most 1 MB/,
    );
    await over(
      {
        params: [
          { key: 'd', value: '1' },
          { key: 'd', value: '2' },
        ],
      },
      /Duplicate parameter keys/,
    );
    // one bad entry leaves nothing of the batch stored
    await over({ metrics: [metric(5000)], params: [{ key: 'p1', value: 'changed' }] }, /p1/);
    assert.equal(store.metricHistory(id, 'm').length, 0);
    assert.equal(store.metricHistory(id, 'loss').length, 1000);
    assert.ok(!t.events.some((e) => e.metrics?.some((m) => m.key === 'm')));
  });

  it('log-inputs: datasets with their tags appear in the run', async () => {
    const t = await startTracking('runs-inputs');
    const id = (await t.post('runs/create', {})).run.info.run_id;
    const dataset = {
      name: 'iris',
      digest: 'a1b2c3',
      source_type: 'local',
      source: '{"uri": "iris.csv"}',
      schema: '{}',
    };
    await t.post('runs/log-inputs', {
      run_id: id,
      datasets: [{ tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset }],
    });
    const { run } = await t.get('runs/get', { run_id: id });
    assert.deepEqual(run.inputs.dataset_inputs, [
      { tags: [{ key: 'mlflow.data.context', value: 'training' }], dataset },
    ]);
    const bad = await t.call('POST', 'runs/log-inputs', {
      run_id: id,
      datasets: [{ dataset: { name: 'x' } }],
    });
    assert.deepEqual([bad.status, bad.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  });

  it('metrics/get-history: every point by step, paged by max_results and page_token', async () => {
    const t = await startTracking('runs-history');
    const id = (await t.post('runs/create', {})).run.info.run_id;
    const metrics = Array.from({ length: 25 }, (_, i) => ({
      key: 'acc',
      value: i / 25,
      timestamp: T0 + i,
      step: 24 - i,
    }));
    await t.post('runs/log-batch', { run_id: id, metrics });
    const all = await t.get('metrics/get-history', { run_id: id, metric_key: 'acc' });
    assert.equal(all.metrics.length, 25);
    assert.deepEqual(
      all.metrics.map((m: { step: number }) => m.step),
      Array.from({ length: 25 }, (_, i) => i),
    );
    assert.equal(all.next_page_token, undefined);
    const steps: number[] = [];
    let token: string | undefined;
    do {
      const page = await t.get('metrics/get-history', {
        run_id: id,
        metric_key: 'acc',
        max_results: 10,
        ...(token ? { page_token: token } : {}),
      });
      steps.push(...page.metrics.map((m: { step: number }) => m.step));
      token = page.next_page_token;
    } while (token);
    assert.deepEqual(
      steps,
      Array.from({ length: 25 }, (_, i) => i),
    );
    // more than one page (25,000) without max_results: all of them at once, as MLflow answers
    for (let b = 0; b < 26; b++) {
      await t.post('runs/log-batch', {
        run_id: id,
        metrics: Array.from({ length: b === 25 ? 1 : 1000 }, (_, i) => ({
          key: 'many',
          value: i,
          timestamp: T0,
          step: b * 1000 + i,
        })),
      });
    }
    const many = await t.get('metrics/get-history', { run_id: id, metric_key: 'many' });
    assert.equal(many.metrics.length, 25_001);
    assert.equal(many.next_page_token, undefined);
    const none = await t.get('metrics/get-history', { run_id: id, metric_key: 'nope' });
    assert.deepEqual(none.metrics, []);
    const unknown = await t.call('GET', 'metrics/get-history', { run_id: 'e'.repeat(32), metric_key: 'acc' });
    assert.equal(unknown.status, 404);
    const noKey = await t.call('GET', 'metrics/get-history', { run_id: id });
    assert.equal(noKey.json.error_code, 'INVALID_PARAMETER_VALUE');
  });

  it("mlsweep's own runs (a sweep parent with trials) read through the API as they are", async () => {
    let parentId = '';
    let trialId = '';
    const t = await startTracking('runs-own', {
      prepare: (store) => {
        const parent = store.createRun({ experiment: 'sweeps', name: 'sweep-1' });
        const trial = store.createRun({
          experiment: 'sweeps',
          name: 'trial-0',
          parentRunId: parent.id,
          tags: { 'mlsweep.trial': '0' },
        });
        store.logParams(trial.id, { lr: 0.1 });
        store.logMetrics(trial.id, [{ key: 'accuracy', value: 0.9, step: 3, timestamp: T0 }]);
        store.setRunStatus(trial.id, 'FINISHED', T0 + 10);
        parentId = parent.id;
        trialId = trial.id;
      },
    });
    const { run } = await t.get('runs/get', { run_id: trialId });
    assert.equal(run.info.run_name, 'trial-0');
    assert.equal(run.info.status, 'FINISHED');
    assert.equal(run.info.end_time, T0 + 10);
    assert.deepEqual(run.data.metrics, [{ key: 'accuracy', value: 0.9, timestamp: T0, step: 3 }]);
    assert.deepEqual(run.data.params, [{ key: 'lr', value: '0.1' }]);
    const tags = Object.fromEntries(
      run.data.tags.map((x: { key: string; value: string }) => [x.key, x.value]),
    );
    assert.deepEqual(tags, {
      'mlsweep.trial': '0',
      'mlflow.runName': 'trial-0',
      'mlflow.parentRunId': parentId,
    });
  });
});
