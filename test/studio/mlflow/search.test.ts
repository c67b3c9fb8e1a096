import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTracking, type Tracking } from './server-helpers.ts';

const T0 = 1_700_000_000_000;

/** Five runs in one experiment and one in another, with dotted metric and param keys. */
async function seed(
  t: Tracking,
): Promise<{ experimentId: string; otherId: string; ids: Record<string, string> }> {
  const experimentId = (await t.post('experiments/create', { name: 'search' })).experiment_id;
  const otherId = (await t.post('experiments/create', { name: 'other' })).experiment_id;
  const ids: Record<string, string> = {};
  const rows: Array<[string, number, string, string]> = [
    ['rf-1', 0.91, '5', 'FINISHED'],
    ['rf-2', 0.85, '10', 'FINISHED'],
    ['knn-1', 0.88, '3', 'FAILED'],
    ['knn-2', 0.95, '7', 'RUNNING'],
    ['lr-1', 0.7, '2', 'FINISHED'],
  ];
  for (const [i, [name, acc, depth, status]] of rows.entries()) {
    const { run } = await t.post('runs/create', {
      experiment_id: experimentId,
      run_name: name,
      start_time: T0 + i * 1000,
    });
    const id = run.info.run_id as string;
    ids[name] = id;
    await t.post('runs/log-batch', {
      run_id: id,
      metrics: [
        { key: 'val.acc', value: acc, timestamp: T0, step: 0 },
        ...(name === 'lr-1' ? [] : [{ key: 'loss', value: 1 - acc, timestamp: T0, step: 0 }]),
      ],
      params: [{ key: 'model.max_depth', value: depth }],
      tags: [{ key: 'family', value: name.split('-')[0]! }],
    });
    if (status !== 'RUNNING') await t.post('runs/update', { run_id: id, status, end_time: T0 + 99_000 });
  }
  ids['other'] = (
    await t.post('runs/create', { experiment_id: otherId, run_name: 'rf-other' })
  ).run.info.run_id;
  return { experimentId, otherId, ids };
}

describe('MLflow API: runs/search', () => {
  it('filters in MLflow syntax: quoted keys with dots, attributes.status, tags.`mlflow.runName`, in, like', async () => {
    const t = await startTracking('search-filter');
    const { experimentId } = await seed(t);
    const names = async (filter: string, order = ['attributes.run_name ASC']) => {
      const r = await t.post('runs/search', { experiment_ids: [experimentId], filter, order_by: order });
      return (r.runs ?? []).map((x: { info: { run_name: string } }) => x.info.run_name);
    };
    assert.deepEqual(await names('metrics.`val.acc` > 0.9'), ['knn-2', 'rf-1']);
    assert.deepEqual(await names('metrics."val.acc" >= 0.88 and metrics.`val.acc` < 0.95'), [
      'knn-1',
      'rf-1',
    ]);
    assert.deepEqual(await names('metrics.val.acc < 0.8'), ['lr-1']);
    assert.deepEqual(await names("params.`model.max_depth` = '10'"), ['rf-2']);
    assert.deepEqual(await names("attributes.status = 'FINISHED'"), ['lr-1', 'rf-1', 'rf-2']);
    assert.deepEqual(await names("attribute.status != 'FINISHED' and tags.family = 'knn'"), [
      'knn-1',
      'knn-2',
    ]);
    assert.deepEqual(await names("tags.`mlflow.runName` = 'rf-2'"), ['rf-2']);
    assert.deepEqual(await names("tags.mlflow.runName LIKE 'knn%'"), ['knn-1', 'knn-2']);
    assert.deepEqual(await names("tags.`mlflow.runName` ILIKE 'RF%'"), ['rf-1', 'rf-2']);
    assert.deepEqual(await names("attributes.run_name IN ('lr-1', 'rf-1')"), ['lr-1', 'rf-1']);
    assert.deepEqual(await names(`attributes.start_time >= ${T0 + 3000}`), ['knn-2', 'lr-1']);
    assert.deepEqual(await names("(tags.family = 'lr' or metrics.loss < 0.1) and status != 'RUNNING'"), [
      'lr-1',
      'rf-1',
    ]);
    assert.deepEqual(await names('metrics.loss > 0'), ['knn-1', 'knn-2', 'rf-1', 'rf-2']);
    assert.deepEqual(await names("params.`model.max_depth` = 'none'"), []);
    // quotes in a value stay in the value: no SQL reaches the database from a filter
    assert.deepEqual(await names("tags.family = 'rf'' OR 1=1 --'"), []);
    assert.deepEqual(await names('tags.family = "knn"'), ['knn-1', 'knn-2']);
  });

  it('order_by on metrics, params, attributes; missing values last; runs of other experiments left out', async () => {
    const t = await startTracking('search-order');
    const { experimentId, otherId } = await seed(t);
    const names = async (order_by: string[], experiment_ids = [experimentId]) => {
      const r = await t.post('runs/search', { experiment_ids, order_by });
      return (r.runs ?? []).map((x: { info: { run_name: string } }) => x.info.run_name);
    };
    assert.deepEqual(await names(['metrics.`val.acc` DESC']), ['knn-2', 'rf-1', 'knn-1', 'rf-2', 'lr-1']);
    assert.deepEqual(await names(['metrics.loss ASC']), ['knn-2', 'rf-1', 'knn-1', 'rf-2', 'lr-1']);
    assert.deepEqual(await names(['tags.family ASC', 'attributes.start_time DESC']), [
      'knn-2',
      'knn-1',
      'lr-1',
      'rf-2',
      'rf-1',
    ]);
    // default: newest first
    assert.deepEqual(await names([]), ['lr-1', 'knn-2', 'knn-1', 'rf-2', 'rf-1']);
    assert.equal((await names([], [experimentId, otherId])).length, 6);
    assert.deepEqual(await names([], ['4242']), []);
    assert.deepEqual(await names([], []), []);
  });

  it('max_results and page_token walk every run once, in order; bad tokens and limits refused', async () => {
    const t = await startTracking('search-paging');
    const { experimentId } = await seed(t);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.post('runs/search', {
        experiment_ids: [experimentId],
        order_by: ['metrics.`val.acc` DESC'],
        max_results: 2,
        ...(token ? { page_token: token } : {}),
      });
      seen.push(...page.runs.map((x: { info: { run_name: string } }) => x.info.run_name));
      token = page.next_page_token;
      pages++;
    } while (token);
    assert.deepEqual(seen, ['knn-2', 'rf-1', 'knn-1', 'rf-2', 'lr-1']);
    assert.equal(pages, 3);
    const exact = await t.post('runs/search', { experiment_ids: [experimentId], max_results: 5 });
    assert.equal(exact.runs.length, 5);
    assert.equal(exact.next_page_token, undefined);
    for (const body of [
      { max_results: 50_001 },
      { max_results: -1 },
      { page_token: 'bm90IGpzb24=' },
      { filter: 'metrics.acc >' },
      { filter: "metrics.acc = 'high'" },
      { filter: "colour = 'red'" },
      { order_by: ['metrics.acc SIDEWAYS'] },
      { run_view_type: 'EVERYTHING' },
      { experiment_ids: ['abc'] },
    ]) {
      const r = await t.call('POST', 'runs/search', { experiment_ids: [experimentId], ...body });
      assert.deepEqual([r.status, r.json.error_code], [400, 'INVALID_PARAMETER_VALUE'], JSON.stringify(body));
    }
  });

  it('run_view_type: ACTIVE_ONLY by default, DELETED_ONLY, ALL', async () => {
    const t = await startTracking('search-view');
    const { experimentId, ids } = await seed(t);
    await t.post('runs/delete', { run_id: ids['rf-2'] });
    const count = async (run_view_type?: string) =>
      (
        (
          await t.post('runs/search', {
            experiment_ids: [experimentId],
            ...(run_view_type ? { run_view_type } : {}),
          })
        ).runs ?? []
      ).length;
    assert.equal(await count(), 4);
    assert.equal(await count('ACTIVE_ONLY'), 4);
    assert.equal(await count('DELETED_ONLY'), 1);
    assert.equal(await count('ALL'), 5);
  });

  it("mlsweep's own runs are found by the same filters (tags.mlflow.runName reads the run's name)", async () => {
    let experimentId = '';
    const t = await startTracking('search-own', {
      prepare: (store) => {
        const parent = store.createRun({ experiment: 'automl', name: 'automl-1' });
        experimentId = String(parent.experimentId);
        for (const [i, acc] of [0.8, 0.9].entries()) {
          const child = store.createRun({ experiment: 'automl', name: `child-${i}`, parentRunId: parent.id });
          store.logMetrics(child.id, [{ key: 'accuracy', value: acc, step: 0, timestamp: T0 }]);
        }
      },
    });
    const r = await t.post('runs/search', {
      experiment_ids: [experimentId],
      filter: "tags.`mlflow.runName` LIKE 'child%' and metrics.accuracy > 0.85",
    });
    assert.deepEqual(
      r.runs.map((x: { info: { run_name: string } }) => x.info.run_name),
      ['child-1'],
    );
    const parentId = r.runs[0].data.tags.find((x: { key: string }) => x.key === 'mlflow.parentRunId').value;
    const children = await t.post('runs/search', {
      experiment_ids: [experimentId],
      filter: `tags.mlflow.parentRunId = '${parentId}'`,
    });
    assert.equal(children.runs.length, 2);
  });
});
