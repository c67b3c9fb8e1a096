// MLflow 3's logged-model routes on a real server, in the order `mlflow.<flavor>.log_model`
// calls them: create (PENDING), upload the files to its artifact_uri, log params, set tags,
// finalize (READY), register a version from `models:/<model_id>`; then search and delete.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Json, startServer } from './registry-helpers.ts';

describe('MLflow logged-models routes', () => {
  it('creates, uploads, finalizes, registers, searches and deletes a logged model', async () => {
    const s = await startServer('logged-models');
    const run = s.store.createRun({ experiment: 'iris' });
    const experimentId = String(run.experimentId);

    const noExperiment = await s.call('POST', 'logged-models', { experiment_id: '999', name: 'm' });
    assert.equal(noExperiment.status, 404);
    assert.equal(noExperiment.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
    const noId = await s.call('POST', 'logged-models', { name: 'm' });
    assert.equal(noId.json.error_code, 'INVALID_PARAMETER_VALUE');

    const created = await s.call('POST', 'logged-models', {
      experiment_id: experimentId,
      name: 'forest',
      model_type: 'sklearn',
      source_run_id: run.id,
      params: [{ key: 'n_estimators', value: '100' }],
      tags: [{ key: 'mlflow.user', value: 'me' }],
    });
    assert.equal(created.status, 200);
    const info = created.json.model.info;
    assert.match(info.model_id, /^m-[0-9a-f]{32}$/);
    assert.equal(info.experiment_id, experimentId);
    assert.equal(info.name, 'forest');
    assert.equal(info.status, 'LOGGED_MODEL_PENDING');
    assert.equal(info.source_run_id, run.id);
    assert.equal(info.model_type, 'sklearn');
    assert.equal(info.artifact_uri, `mlflow-artifacts:/${experimentId}/models/${info.model_id}/artifacts`);
    assert.deepEqual(info.params, [{ key: 'n_estimators', value: '100' }]);
    assert.deepEqual(created.json.model.data, { metrics: [] });
    const id: string = info.model_id;

    // the client uploads the model's files to its artifact_uri through the proxy
    const artifacts = `${s.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${id}/artifacts`;
    assert.equal(
      (await fetch(`${artifacts}/model.json`, { method: 'PUT', body: '{"trees":3}' })).status,
      200,
    );

    // its files, listed and fetched by model id
    assert.equal((await fetch(`${artifacts}/data/x.txt`, { method: 'PUT', body: 'x' })).status, 200);
    const dirs = await s.call('GET', `logged-models/${id}/artifacts/directories`);
    assert.equal(dirs.json.root_uri, info.artifact_uri);
    assert.deepEqual(dirs.json.files, [
      { path: 'data', is_dir: true },
      { path: 'model.json', is_dir: false, file_size: 11 },
    ]);
    const sub = await s.call('GET', `logged-models/${id}/artifacts/directories`, {
      artifact_directory_path: 'data',
    });
    assert.deepEqual(sub.json.files, [{ path: 'data/x.txt', is_dir: false, file_size: 1 }]);
    const file = await fetch(
      `${s.url}/api/2.0/mlflow/logged-models/${id}/artifacts/files?artifact_file_path=model.json`,
    );
    assert.equal(await file.text(), '{"trees":3}');
    const escaping = await s.call('GET', `logged-models/${id}/artifacts/files`, {
      artifact_file_path: '../../../../mlsweep.db',
    });
    assert.equal(escaping.json.error_code, 'INVALID_PARAMETER_VALUE');
    // the model's record beside its files is not reachable through the proxy
    const record = `${s.url}/api/2.0/mlflow-artifacts/artifacts/${experimentId}/models/${id}/meta.json`;
    assert.equal((await fetch(record)).status, 400);
    assert.equal((await fetch(record, { method: 'PUT', body: '{}' })).status, 400);
    assert.equal((await s.call('GET', `logged-models/${id}`)).json.model.info.name, 'forest');

    assert.equal(
      (await s.call('POST', `logged-models/${id}/params`, { params: [{ key: 'max_depth', value: '5' }] }))
        .status,
      200,
    );
    const clash = await s.call('POST', `logged-models/${id}/params`, {
      params: [{ key: 'max_depth', value: '6' }],
    });
    assert.equal(clash.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.equal(
      (await s.call('PATCH', `logged-models/${id}/tags`, { tags: [{ key: 'team', value: 'ml' }] })).status,
      200,
    );
    assert.equal((await s.call('DELETE', `logged-models/${id}/tags/mlflow.user`)).status, 200);
    assert.equal((await s.call('DELETE', `logged-models/${id}/tags/mlflow.user`)).status, 404);

    const badStatus = await s.call('PATCH', `logged-models/${id}`, { model_id: id, status: 'DONE' });
    assert.equal(badStatus.json.error_code, 'INVALID_PARAMETER_VALUE');
    const ready = await s.call('PATCH', `logged-models/${id}`, {
      model_id: id,
      status: 'LOGGED_MODEL_READY',
    });
    assert.equal(ready.json.model.info.status, 'LOGGED_MODEL_READY');

    const got = (await s.call('GET', `logged-models/${id}`)).json.model.info;
    assert.deepEqual(got.tags, [{ key: 'team', value: 'ml' }]);
    assert.deepEqual(got.params, [
      { key: 'n_estimators', value: '100' },
      { key: 'max_depth', value: '5' },
    ]);
    assert.equal((await s.call('GET', `logged-models/m-${'0'.repeat(32)}`)).status, 404);
    assert.equal((await s.call('GET', 'logged-models/..')).status, 404);

    // MLflow 3 registers a logged model by models:/<model_id>, passing its id too
    await s.call('POST', 'registered-models/create', { name: 'iris-forest' });
    const version = await s.call('POST', 'model-versions/create', {
      name: 'iris-forest',
      source: `models:/${id}`,
      model_id: id,
    });
    assert.equal(version.status, 200);
    assert.equal(version.json.model_version.source, `models:/${id}`);
    assert.equal(version.json.model_version.run_id, run.id);
    assert.deepEqual(s.context.registry.load('models:/iris-forest/1').model, { trees: 3 });
    const uri = await s.call('GET', 'model-versions/get-download-uri', { name: 'iris-forest', version: '1' });
    assert.equal(uri.json.artifact_uri, info.artifact_uri);

    // search: by experiment, filter, order, pages
    const second = (await s.call('POST', 'logged-models', { experiment_id: experimentId, name: 'boost' }))
      .json.model.info;
    const names = (r: { json: Json }) => r.json.models.map((m: Json) => m.info.name);
    assert.deepEqual(
      names(
        await s.call('POST', 'logged-models/search', {
          experiment_ids: [experimentId],
          order_by: [{ field_name: 'name', ascending: true }],
        }),
      ),
      ['boost', 'forest'],
    );
    assert.deepEqual(
      names(
        await s.call('POST', 'logged-models/search', {
          experiment_ids: [experimentId],
          filter: "status = 'LOGGED_MODEL_READY'",
        }),
      ),
      ['forest'],
    );
    assert.deepEqual(
      names(
        await s.call('POST', 'logged-models/search', {
          experiment_ids: [experimentId],
          filter: "params.max_depth = '5' AND tags.team = 'ml'",
        }),
      ),
      ['forest'],
    );
    const page = await s.call('POST', 'logged-models/search', {
      experiment_ids: [experimentId],
      max_results: 1,
      order_by: [{ field_name: 'name', ascending: false }],
    });
    assert.deepEqual(names(page), ['forest']);
    const rest = await s.call('POST', 'logged-models/search', {
      experiment_ids: [experimentId],
      max_results: 1,
      order_by: [{ field_name: 'name', ascending: false }],
      page_token: page.json.next_page_token,
    });
    assert.deepEqual(names(rest), ['boost']);
    assert.equal(rest.json.next_page_token, undefined);
    assert.equal(
      (await s.call('POST', 'logged-models/search', {})).json.error_code,
      'INVALID_PARAMETER_VALUE',
    );

    assert.equal((await s.call('DELETE', `logged-models/${second.model_id}`)).status, 200);
    assert.equal((await s.call('GET', `logged-models/${second.model_id}`)).status, 404);
    assert.equal(existsSync(join(s.context.artifactRoot, experimentId, 'models', second.model_id)), false);
    // the registered copy outlives the logged model it came from
    assert.equal((await s.call('DELETE', `logged-models/${id}`)).status, 200);
    assert.deepEqual(s.context.registry.load('models:/iris-forest/1').model, { trees: 3 });
  });
});
