import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTracking } from './server-helpers.ts';

describe('MLflow API: experiments', () => {
  it('create, get, get-by-name: MLflow shapes, ids as strings, tags as key/value lists', async () => {
    const t = await startTracking('exp-create');
    const created = await t.post('experiments/create', {
      name: 'iris',
      artifact_location: 'ignored',
      tags: [{ key: 'team', value: 'ml' }],
    });
    assert.match(created.experiment_id, /^\d+$/);
    const { experiment } = await t.get('experiments/get', { experiment_id: created.experiment_id });
    assert.equal(experiment.experiment_id, created.experiment_id);
    assert.equal(experiment.name, 'iris');
    assert.equal(experiment.lifecycle_stage, 'active');
    assert.equal(experiment.artifact_location, `mlflow-artifacts:/${created.experiment_id}`);
    assert.deepEqual(experiment.tags, [{ key: 'team', value: 'ml' }]);
    assert.equal(typeof experiment.creation_time, 'number');
    assert.equal(typeof experiment.last_update_time, 'number');
    // some clients send ids as JSON numbers: the same experiment
    const numeric = await t.post('runs/create', { experiment_id: Number(created.experiment_id) });
    assert.equal(numeric.run.info.experiment_id, created.experiment_id);
    const byName = await t.get('experiments/get-by-name', { experiment_name: 'iris' });
    assert.deepEqual(byName.experiment, experiment);
    // the ajax-api prefix (MLflow's UI) answers the same
    const ajax = await t.call(
      'GET',
      'experiments/get',
      { experiment_id: created.experiment_id },
      { prefix: '/ajax-api/2.0/mlflow' },
    );
    assert.equal(ajax.status, 200);
    assert.deepEqual(ajax.json.experiment, experiment);
  });

  it('errors: duplicate name, unknown id or name, missing and malformed fields, bad JSON', async () => {
    const t = await startTracking('exp-errors');
    await t.post('experiments/create', { name: 'iris' });
    const duplicate = await t.call('POST', 'experiments/create', { name: 'iris' });
    assert.equal(duplicate.status, 400);
    assert.equal(duplicate.json.error_code, 'RESOURCE_ALREADY_EXISTS');
    assert.match(duplicate.json.message, /iris/);
    const unknown = await t.call('GET', 'experiments/get', { experiment_id: '999' });
    assert.deepEqual([unknown.status, unknown.json.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    assert.match(unknown.json.message, /999/);
    const unknownName = await t.call('GET', 'experiments/get-by-name', { experiment_name: 'nope' });
    assert.deepEqual([unknownName.status, unknownName.json.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    const missing = await t.call('POST', 'experiments/create', {});
    assert.deepEqual([missing.status, missing.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
    assert.match(missing.json.message, /Missing value for required parameter 'name'/);
    const notNumber = await t.call('GET', 'experiments/get', { experiment_id: 'abc' });
    assert.deepEqual([notNumber.status, notNumber.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
    const badJson = await t.call('POST', 'experiments/create', '{"name": ');
    assert.equal(badJson.status, 400);
    assert.equal(typeof badJson.json.error_code, 'string');
    const badTag = await t.call('POST', 'experiments/create', { name: 'x', tags: [{ key: 'a' }] });
    assert.deepEqual([badTag.status, badTag.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  });

  it("experiment '0' is the Default experiment MLflow clients log to when none is set", async () => {
    const t = await startTracking('exp-default');
    const { experiment } = await t.get('experiments/get', { experiment_id: '0' });
    assert.deepEqual([experiment.experiment_id, experiment.name], ['0', 'Default']);
    const del = await t.call('POST', 'experiments/delete', { experiment_id: '0' });
    assert.deepEqual([del.status, del.json.error_code], [400, 'INVALID_PARAMETER_VALUE']);
  });

  it("a store's own Default experiment (created by mlsweep first) answers to id '0'", async () => {
    const t = await startTracking('exp-own-default', { prepare: (s) => void s.createRun({}) });
    const { experiment } = await t.get('experiments/get', { experiment_id: '0' });
    assert.equal(experiment.name, 'Default');
    assert.equal(experiment.experiment_id, '1');
  });

  it('update renames; a taken name is RESOURCE_ALREADY_EXISTS', async () => {
    const t = await startTracking('exp-update');
    const { experiment_id } = await t.post('experiments/create', { name: 'a' });
    await t.post('experiments/create', { name: 'b' });
    assert.deepEqual(await t.post('experiments/update', { experiment_id, new_name: 'c' }), {});
    assert.equal((await t.get('experiments/get', { experiment_id })).experiment.name, 'c');
    const taken = await t.call('POST', 'experiments/update', { experiment_id, new_name: 'b' });
    assert.deepEqual([taken.status, taken.json.error_code], [400, 'RESOURCE_ALREADY_EXISTS']);
    const noName = await t.call('POST', 'experiments/update', { experiment_id });
    assert.equal(noName.json.error_code, 'INVALID_PARAMETER_VALUE');
  });

  it('delete and restore: the lifecycle, the runs deleted with it come back, writes to a deleted one refused', async () => {
    const t = await startTracking('exp-delete');
    const { experiment_id } = await t.post('experiments/create', { name: 'gone' });
    const kept = (await t.post('runs/create', { experiment_id })).run.info.run_id;
    const alone = (await t.post('runs/create', { experiment_id })).run.info.run_id;
    await t.post('runs/delete', { run_id: alone });
    await t.post('experiments/delete', { experiment_id });
    const { experiment } = await t.get('experiments/get', { experiment_id });
    assert.equal(experiment.lifecycle_stage, 'deleted');
    assert.equal((await t.get('runs/get', { run_id: kept })).run.info.lifecycle_stage, 'deleted');
    const again = await t.call('POST', 'experiments/delete', { experiment_id });
    assert.equal(again.json.error_code, 'INVALID_PARAMETER_VALUE');
    const tag = await t.call('POST', 'experiments/set-experiment-tag', {
      experiment_id,
      key: 'a',
      value: 'b',
    });
    assert.equal(tag.json.error_code, 'INVALID_PARAMETER_VALUE');
    const run = await t.call('POST', 'runs/create', { experiment_id });
    assert.equal(run.json.error_code, 'INVALID_PARAMETER_VALUE');
    await t.post('experiments/restore', { experiment_id });
    assert.equal((await t.get('experiments/get', { experiment_id })).experiment.lifecycle_stage, 'active');
    assert.equal((await t.get('runs/get', { run_id: kept })).run.info.lifecycle_stage, 'active');
    assert.equal((await t.get('runs/get', { run_id: alone })).run.info.lifecycle_stage, 'deleted');
    const restoreActive = await t.call('POST', 'experiments/restore', { experiment_id });
    assert.equal(restoreActive.json.error_code, 'INVALID_PARAMETER_VALUE');
    const unknown = await t.call('POST', 'experiments/delete', { experiment_id: '4242' });
    assert.deepEqual([unknown.status, unknown.json.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
  });

  it('set-experiment-tag replaces a value; delete-experiment-tag removes it, an unknown key is 404', async () => {
    const t = await startTracking('exp-tags');
    const { experiment_id } = await t.post('experiments/create', { name: 'tags' });
    await t.post('experiments/set-experiment-tag', { experiment_id, key: 'stage', value: 'dev' });
    await t.post('experiments/set-experiment-tag', { experiment_id, key: 'stage', value: 'prod' });
    assert.deepEqual((await t.get('experiments/get', { experiment_id })).experiment.tags, [
      { key: 'stage', value: 'prod' },
    ]);
    await t.post('experiments/delete-experiment-tag', { experiment_id, key: 'stage' });
    assert.deepEqual((await t.get('experiments/get', { experiment_id })).experiment.tags, []);
    const gone = await t.call('POST', 'experiments/delete-experiment-tag', { experiment_id, key: 'stage' });
    assert.deepEqual([gone.status, gone.json.error_code], [404, 'RESOURCE_DOES_NOT_EXIST']);
    const badKey = await t.call('POST', 'experiments/set-experiment-tag', {
      experiment_id,
      key: 'a*b',
      value: 'x',
    });
    assert.equal(badKey.json.error_code, 'INVALID_PARAMETER_VALUE');
  });

  it('search: filter on name and tags, order_by, view_type, max_results and page tokens (GET and POST)', async () => {
    const t = await startTracking('exp-search');
    for (const [name, team] of [
      ['iris-a', 'ml'],
      ['iris-b', 'ops'],
      ['wine', 'ml'],
      ['Iris-c', 'ml'],
    ]) {
      await t.post('experiments/create', { name, tags: [{ key: 'team', value: team! }] });
    }
    const names = (r: { experiments?: Array<{ name: string }> }) => (r.experiments ?? []).map((e) => e.name);
    const like = await t.post('experiments/search', { filter: "name LIKE 'iris%'", order_by: ['name ASC'] });
    assert.deepEqual(names(like), ['iris-a', 'iris-b']);
    const ilike = await t.post('experiments/search', {
      filter: "name ILIKE 'iris%'",
      order_by: ['name ASC'],
    });
    assert.deepEqual(names(ilike), ['Iris-c', 'iris-a', 'iris-b']);
    const tagged = await t.post('experiments/search', {
      filter: "tags.team = 'ml' and attribute.name != 'wine'",
      order_by: ['name DESC'],
    });
    assert.deepEqual(names(tagged), ['iris-a', 'Iris-c']);
    const byGet = await t.get('experiments/search', { filter: "tags.`team` = 'ops'" });
    assert.deepEqual(names(byGet), ['iris-b']);
    // paging by 2 over every active experiment (Default included), by id
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await t.post('experiments/search', {
        max_results: 2,
        order_by: ['experiment_id ASC'],
        ...(token ? { page_token: token } : {}),
      });
      seen.push(...names(page));
      token = page.next_page_token;
      pages++;
    } while (token);
    assert.deepEqual(seen, ['Default', 'iris-a', 'iris-b', 'wine', 'Iris-c']);
    assert.equal(pages, 3);
    const wine = (await t.get('experiments/get-by-name', { experiment_name: 'wine' })).experiment;
    await t.post('experiments/delete', { experiment_id: wine.experiment_id });
    assert.deepEqual(names(await t.post('experiments/search', { view_type: 'DELETED_ONLY' })), ['wine']);
    assert.equal(names(await t.post('experiments/search', { view_type: 'ALL' })).length, 5);
    assert.equal(names(await t.post('experiments/search', {})).length, 4);
    // MLflow 1.x clients' experiments/list: every experiment of the view, unpaged
    assert.equal(names(await t.get('experiments/list', {})).length, 4);
    assert.deepEqual(names(await t.get('experiments/list', { view_type: 'DELETED_ONLY' })), ['wine']);
    for (const body of [
      { max_results: 50_001 },
      { max_results: 0 },
      { page_token: 'not a token' },
      { filter: 'name >' },
      { filter: "colour = 'red'" },
      { order_by: ['tags.team'] },
      { view_type: 'SOME' },
    ]) {
      const bad = await t.call('POST', 'experiments/search', body);
      assert.deepEqual(
        [bad.status, bad.json.error_code],
        [400, 'INVALID_PARAMETER_VALUE'],
        JSON.stringify(body),
      );
    }
  });
});
