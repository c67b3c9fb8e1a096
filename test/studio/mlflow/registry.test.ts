// MLflow's model registry routes on a real server: registered models and model versions
// with MLflow's request and response bodies and error codes, paging and filters; models
// registered by mlsweep seen through them and versions registered through them loadable.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { type Json, startServer } from './registry-helpers.ts';

describe('MLflow registered-models routes', () => {
  it('creates, gets, updates, tags, renames and deletes a model', async () => {
    const s = await startServer('reg-models');
    const created = await s.call('POST', 'registered-models/create', {
      name: 'iris-rf',
      description: 'forests',
      tags: [{ key: 'team', value: 'ml' }],
    });
    assert.equal(created.status, 200);
    const model = created.json.registered_model;
    assert.equal(model.name, 'iris-rf');
    assert.equal(model.description, 'forests');
    assert.deepEqual(model.tags, [{ key: 'team', value: 'ml' }]);
    assert.deepEqual(model.latest_versions, []);
    assert.deepEqual(model.aliases, []);
    assert.equal(typeof model.creation_timestamp, 'number');

    const again = await s.call('POST', 'registered-models/create', { name: 'iris-rf' });
    assert.equal(again.status, 400);
    assert.equal(again.json.error_code, 'RESOURCE_ALREADY_EXISTS');

    const missingName = await s.call('POST', 'registered-models/create', {});
    assert.equal(missingName.status, 400);
    assert.equal(missingName.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(missingName.json.message, /'name'/);

    const got = await s.call('GET', 'registered-models/get', { name: 'iris-rf' });
    assert.equal(got.json.registered_model.name, 'iris-rf');
    const none = await s.call('GET', 'registered-models/get', { name: 'nope' });
    assert.equal(none.status, 404);
    assert.equal(none.json.error_code, 'RESOURCE_DOES_NOT_EXIST');
    assert.match(none.json.message, /nope/);

    const updated = await s.call('PATCH', 'registered-models/update', {
      name: 'iris-rf',
      description: 'new',
    });
    assert.equal(updated.json.registered_model.description, 'new');

    assert.equal(
      (await s.call('POST', 'registered-models/set-tag', { name: 'iris-rf', key: 'k', value: 'v' })).status,
      200,
    );
    assert.deepEqual(
      (await s.call('GET', 'registered-models/get', { name: 'iris-rf' })).json.registered_model.tags,
      [
        { key: 'k', value: 'v' },
        { key: 'team', value: 'ml' },
      ],
    );
    assert.equal(
      (await s.call('DELETE', 'registered-models/delete-tag', { name: 'iris-rf', key: 'team' })).status,
      200,
    );
    assert.deepEqual(
      (await s.call('GET', 'registered-models/get', { name: 'iris-rf' })).json.registered_model.tags,
      [{ key: 'k', value: 'v' }],
    );

    // a version, so the rename moves its files and rows too
    const file = join(s.store.dir, 'm.json');
    writeFileSync(file, '{"a":1}');
    s.context.registry.register('iris-rf', { file });
    s.context.registry.setAlias('iris-rf', 'prod', 1);
    const renamed = await s.call('POST', 'registered-models/rename', {
      name: 'iris-rf',
      new_name: 'iris-forest',
    });
    assert.equal(renamed.status, 200);
    assert.equal(renamed.json.registered_model.name, 'iris-forest');
    assert.deepEqual(renamed.json.registered_model.aliases, [{ alias: 'prod', version: '1' }]);
    assert.deepEqual(renamed.json.registered_model.tags, [{ key: 'k', value: 'v' }]);
    assert.equal((await s.call('GET', 'registered-models/get', { name: 'iris-rf' })).status, 404);
    assert.deepEqual(s.context.registry.load('models:/iris-forest@prod').model, { a: 1 });

    await s.call('POST', 'registered-models/create', { name: 'other' });
    const taken = await s.call('POST', 'registered-models/rename', {
      name: 'other',
      new_name: 'iris-forest',
    });
    assert.equal(taken.json.error_code, 'RESOURCE_ALREADY_EXISTS');

    assert.equal((await s.call('DELETE', 'registered-models/delete', { name: 'iris-forest' })).status, 200);
    assert.equal((await s.call('GET', 'registered-models/get', { name: 'iris-forest' })).status, 404);
    assert.equal(existsSync(join(s.store.dir, 'models', 'iris-forest')), false);
    assert.equal((await s.call('DELETE', 'registered-models/delete', { name: 'iris-forest' })).status, 404);
  });

  it('searches by name LIKE and tags, orders and pages', async () => {
    const s = await startServer('reg-search');
    for (const name of ['alpha', 'beta', 'gamma', 'alpine', 'delta']) {
      await s.call('POST', 'registered-models/create', { name, tags: [{ key: 'first', value: name[0]! }] });
    }
    const names = (r: { json: Json }) => r.json.registered_models.map((m: { name: string }) => m.name);
    assert.deepEqual(names(await s.call('GET', 'registered-models/search', {})), [
      'alpha',
      'alpine',
      'beta',
      'delta',
      'gamma',
    ]);
    assert.deepEqual(names(await s.call('GET', 'registered-models/search', { filter: "name LIKE 'al%'" })), [
      'alpha',
      'alpine',
    ]);
    assert.deepEqual(
      names(await s.call('GET', 'registered-models/search', { filter: "name ILIKE '%ETA'" })),
      ['beta'],
    );
    assert.deepEqual(names(await s.call('GET', 'registered-models/search', { filter: "name = 'gamma'" })), [
      'gamma',
    ]);
    assert.deepEqual(names(await s.call('GET', 'registered-models/search', { filter: "tags.first = 'a'" })), [
      'alpha',
      'alpine',
    ]);
    assert.deepEqual(names(await s.call('GET', 'registered-models/search', { order_by: 'name DESC' })), [
      'gamma',
      'delta',
      'beta',
      'alpine',
      'alpha',
    ]);
    const first = await s.call('GET', 'registered-models/search', { max_results: 2 });
    assert.deepEqual(names(first), ['alpha', 'alpine']);
    assert.equal(typeof first.json.next_page_token, 'string');
    const second = await s.call('GET', 'registered-models/search', {
      max_results: 2,
      page_token: first.json.next_page_token,
    });
    assert.deepEqual(names(second), ['beta', 'delta']);
    const third = await s.call('GET', 'registered-models/search', {
      max_results: 2,
      page_token: second.json.next_page_token,
    });
    assert.deepEqual(names(third), ['gamma']);
    assert.equal(third.json.next_page_token, undefined);

    const bad = await s.call('GET', 'registered-models/search', { filter: 'owner = 1' });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.match(bad.json.message, /owner/);
    assert.equal(
      (await s.call('GET', 'registered-models/search', { order_by: 'size' })).json.error_code,
      'INVALID_PARAMETER_VALUE',
    );
    assert.equal(
      (await s.call('GET', 'registered-models/search', { page_token: 'xx' })).json.error_code,
      'INVALID_PARAMETER_VALUE',
    );
    assert.equal((await s.call('GET', 'registered-models/search', { max_results: 5000 })).status, 400);
    // the UI's prefix answers the same
    const ajax = await fetch(
      `${s.url}/ajax-api/2.0/mlflow/registered-models/search?filter=${encodeURIComponent("name = 'beta'")}`,
    );
    assert.deepEqual(
      ((await ajax.json()) as Json).registered_models.map((m: Json) => m.name),
      ['beta'],
    );
  });
});

describe('MLflow model-versions routes', () => {
  it('registers from runs:/ and mlflow-artifacts:/ sources, updates, tags, aliases, stages and deletes', async () => {
    const s = await startServer('reg-versions');
    const run = s.store.createRun({ experiment: 'iris' });
    const modelDir = join(s.store.dir, 'src-model');
    mkdirSync(modelDir);
    writeFileSync(join(modelDir, 'model.json'), '{"kind":"forest"}');
    s.store.logArtifact(run.id, modelDir, '');
    s.store.logMetrics(run.id, [{ key: 'accuracy', value: 0.9, step: 0, timestamp: 1 }]);

    const none = await s.call('POST', 'model-versions/create', {
      name: 'iris-rf',
      source: `runs:/${run.id}/src-model`,
    });
    assert.equal(none.status, 404);
    assert.equal(none.json.error_code, 'RESOURCE_DOES_NOT_EXIST');

    await s.call('POST', 'registered-models/create', { name: 'iris-rf' });
    const v1 = await s.call('POST', 'model-versions/create', {
      name: 'iris-rf',
      source: `runs:/${run.id}/src-model`,
      run_id: run.id,
      tags: [{ key: 'algo', value: 'rf' }],
      description: 'first',
    });
    assert.equal(v1.status, 200);
    const mv = v1.json.model_version;
    assert.equal(mv.name, 'iris-rf');
    assert.equal(mv.version, '1');
    assert.equal(mv.source, `runs:/${run.id}/src-model`);
    assert.equal(mv.run_id, run.id);
    assert.equal(mv.status, 'READY');
    assert.equal(mv.current_stage, 'None');
    assert.equal(mv.description, 'first');
    assert.deepEqual(mv.tags, [{ key: 'algo', value: 'rf' }]);
    assert.deepEqual(mv.aliases, []);
    // an ordinary registry version: copied and loadable by mlsweep
    assert.deepEqual(s.context.registry.load('models:/iris-rf/1').model, { kind: 'forest' });

    // a client's uploaded files named by their mlflow-artifacts URI
    const put = await fetch(
      `${s.url}/api/2.0/mlflow-artifacts/artifacts/${run.experimentId}/${run.id}/artifacts/model/model.json`,
      {
        method: 'PUT',
        body: '{"kind":"uploaded"}',
        headers: { 'content-type': 'application/json' },
      },
    );
    assert.equal(put.status, 200);
    const source = `mlflow-artifacts:/${run.experimentId}/${run.id}/artifacts/model`;
    const v2 = await s.call('POST', 'model-versions/create', { name: 'iris-rf', source, run_id: run.id });
    assert.equal(v2.json.model_version.version, '2');
    assert.equal(v2.json.model_version.source, source);
    assert.deepEqual(s.context.registry.load('models:/iris-rf/2').model, { kind: 'uploaded' });

    const outside = await s.call('POST', 'model-versions/create', { name: 'iris-rf', source: '/etc/passwd' });
    assert.equal(outside.status, 400);
    assert.equal(outside.json.error_code, 'INVALID_PARAMETER_VALUE');
    const escaping = await s.call('POST', 'model-versions/create', {
      name: 'iris-rf',
      source: 'mlflow-artifacts:/../../etc',
    });
    assert.equal(escaping.json.error_code, 'INVALID_PARAMETER_VALUE');

    // a local path only inside the artifact folder of the run named by run_id (MLflow's rule)
    const inRun = join(s.store.run(run.id).artifactDir, 'src-model');
    const v3 = await s.call('POST', 'model-versions/create', {
      name: 'iris-rf',
      source: inRun,
      run_id: run.id,
    });
    assert.equal(v3.status, 200);
    assert.equal(v3.json.model_version.source, inRun);
    const otherRun = s.store.createRun({ experiment: 'iris' });
    const wrongRun = await s.call('POST', 'model-versions/create', {
      name: 'iris-rf',
      source: inRun,
      run_id: otherRun.id,
    });
    assert.equal(wrongRun.json.error_code, 'INVALID_PARAMETER_VALUE');
    assert.equal(
      (await s.call('POST', 'model-versions/create', { name: 'iris-rf', source: inRun })).status,
      400,
    );
    await s.call('DELETE', 'model-versions/delete', { name: 'iris-rf', version: '3' });

    // the registry's copy, file by file
    const artifact = await fetch(
      `${s.url}/api/2.0/mlflow/model-versions/get-artifact?name=iris-rf&version=1&path=model.json`,
    );
    assert.equal(await artifact.text(), '{"kind":"forest"}');
    const noFile = await fetch(
      `${s.url}/api/2.0/mlflow/model-versions/get-artifact?name=iris-rf&version=1&path=none.json`,
    );
    assert.equal(noFile.status, 404);
    const upward = await fetch(
      `${s.url}/api/2.0/mlflow/model-versions/get-artifact?name=iris-rf&version=1&path=..%2F..%2F..%2Fmlsweep.db`,
    );
    assert.equal(upward.status, 400);

    const got = await s.call('GET', 'model-versions/get', { name: 'iris-rf', version: '2' });
    assert.equal(got.json.model_version.source, source);
    assert.equal(
      (await s.call('GET', 'model-versions/get', { name: 'iris-rf', version: '9' })).json.error_code,
      'RESOURCE_DOES_NOT_EXIST',
    );
    assert.equal(
      (await s.call('GET', 'model-versions/get', { name: 'iris-rf', version: 'x' })).json.error_code,
      'INVALID_PARAMETER_VALUE',
    );

    const updated = await s.call('PATCH', 'model-versions/update', {
      name: 'iris-rf',
      version: '1',
      description: 'best',
    });
    assert.equal(updated.json.model_version.description, 'best');

    await s.call('POST', 'model-versions/set-tag', {
      name: 'iris-rf',
      version: '2',
      key: 'ok',
      value: 'yes',
    });
    assert.deepEqual(
      (await s.call('GET', 'model-versions/get', { name: 'iris-rf', version: '2' })).json.model_version.tags,
      [{ key: 'ok', value: 'yes' }],
    );
    await s.call('DELETE', 'model-versions/delete-tag', { name: 'iris-rf', version: '2', key: 'ok' });
    assert.deepEqual(
      (await s.call('GET', 'model-versions/get', { name: 'iris-rf', version: '2' })).json.model_version.tags,
      [],
    );

    // aliases
    assert.equal(
      (await s.call('POST', 'registered-models/alias', { name: 'iris-rf', alias: 'champion', version: '1' }))
        .status,
      200,
    );
    const byAlias = await s.call('GET', 'registered-models/alias', { name: 'iris-rf', alias: 'champion' });
    assert.equal(byAlias.json.model_version.version, '1');
    assert.deepEqual(byAlias.json.model_version.aliases, ['champion']);
    assert.deepEqual(
      (await s.call('GET', 'registered-models/get', { name: 'iris-rf' })).json.registered_model.aliases,
      [{ alias: 'champion', version: '1' }],
    );
    assert.equal(s.context.registry.resolve('models:/iris-rf@champion').version, 1);
    await s.call('POST', 'registered-models/alias', { name: 'iris-rf', alias: 'champion', version: '2' });
    assert.equal(
      (await s.call('GET', 'registered-models/alias', { name: 'iris-rf', alias: 'champion' })).json
        .model_version.version,
      '2',
    );
    assert.equal(
      (await s.call('POST', 'registered-models/alias', { name: 'iris-rf', alias: 'x', version: '7' })).status,
      404,
    );
    assert.equal(
      (await s.call('DELETE', 'registered-models/alias', { name: 'iris-rf', alias: 'champion' })).status,
      200,
    );
    const gone = await s.call('GET', 'registered-models/alias', { name: 'iris-rf', alias: 'champion' });
    assert.equal(gone.status, 404);
    assert.equal(gone.json.error_code, 'RESOURCE_DOES_NOT_EXIST');

    // stages, kept as tags and hidden from them
    const staged = await s.call('POST', 'model-versions/transition-stage', {
      name: 'iris-rf',
      version: '1',
      stage: 'production',
    });
    assert.equal(staged.json.model_version.current_stage, 'Production');
    assert.deepEqual(staged.json.model_version.tags, [{ key: 'algo', value: 'rf' }]);
    const moved = await s.call('POST', 'model-versions/transition-stage', {
      name: 'iris-rf',
      version: '2',
      stage: 'Production',
      archive_existing_versions: true,
    });
    assert.equal(moved.json.model_version.current_stage, 'Production');
    assert.equal(
      (await s.call('GET', 'model-versions/get', { name: 'iris-rf', version: '1' })).json.model_version
        .current_stage,
      'Archived',
    );
    assert.equal(
      (
        await s.call('POST', 'model-versions/transition-stage', {
          name: 'iris-rf',
          version: '1',
          stage: 'Gold',
        })
      ).json.error_code,
      'INVALID_PARAMETER_VALUE',
    );
    const latest = await s.call('POST', 'registered-models/get-latest-versions', { name: 'iris-rf' });
    assert.deepEqual(
      latest.json.model_versions.map((v: Json) => [v.version, v.current_stage]),
      [
        ['2', 'Production'],
        ['1', 'Archived'],
      ],
    );
    const onlyProd = await s.call('POST', 'registered-models/get-latest-versions', {
      name: 'iris-rf',
      stages: ['Production'],
    });
    assert.deepEqual(
      onlyProd.json.model_versions.map((v: Json) => v.version),
      ['2'],
    );

    // download URIs point at the artifact proxy
    const uri1 = await s.call('GET', 'model-versions/get-download-uri', { name: 'iris-rf', version: '1' });
    assert.equal(
      uri1.json.artifact_uri,
      `mlflow-artifacts:/${run.experimentId}/${run.id}/artifacts/src-model`,
    );
    const uri2 = await s.call('GET', 'model-versions/get-download-uri', { name: 'iris-rf', version: '2' });
    assert.equal(uri2.json.artifact_uri, source);

    assert.equal(
      (await s.call('DELETE', 'model-versions/delete', { name: 'iris-rf', version: '1' })).status,
      200,
    );
    assert.equal((await s.call('GET', 'model-versions/get', { name: 'iris-rf', version: '1' })).status, 404);
    assert.equal(existsSync(join(s.store.dir, 'models', 'iris-rf', '1')), false);
    // a deleted version's number is never given again (version 3 was registered and deleted above)
    assert.equal(
      (await s.call('DELETE', 'model-versions/delete', { name: 'iris-rf', version: '2' })).status,
      200,
    );
    const v4 = await s.call('POST', 'model-versions/create', {
      name: 'iris-rf',
      source: `runs:/${run.id}/src-model`,
    });
    assert.equal(v4.json.model_version.version, '4');
    assert.deepEqual(s.context.registry.load('models:/iris-rf/latest').model, { kind: 'forest' });
    assert.equal(
      (await s.call('DELETE', 'model-versions/delete', { name: 'iris-rf', version: '1' })).status,
      404,
    );
  });

  it('searches versions by name, run_id and tags, and shows models registered by mlsweep', async () => {
    const s = await startServer('reg-vsearch');
    const file = join(s.store.dir, 'model.json');
    writeFileSync(file, '{}');
    const runA = s.store.createRun({ experiment: 'e' });
    const runB = s.store.createRun({ experiment: 'e' });
    // registered the way `mlsweep automl --register` does, through the library
    s.context.registry.register('a', { file }, { runId: runA.id, tags: { stage: 'dev' } });
    s.context.registry.register('a', { file }, { runId: runB.id });
    s.context.registry.register('b', { file }, { runId: runA.id });
    const list = (r: { json: Json }) => r.json.model_versions.map((v: Json) => `${v.name}/${v.version}`);
    assert.deepEqual(
      list(
        await s.call('GET', 'model-versions/search', {
          filter: "name = 'a'",
          order_by: 'version_number ASC',
        }),
      ),
      ['a/1', 'a/2'],
    );
    assert.deepEqual(
      list(
        await s.call('GET', 'model-versions/search', { filter: `run_id = '${runA.id}'`, order_by: 'name' }),
      ),
      ['a/1', 'b/1'],
    );
    assert.deepEqual(
      list(await s.call('GET', 'model-versions/search', { filter: `run_id IN ('${runB.id}', 'zz')` })),
      ['a/2'],
    );
    assert.deepEqual(list(await s.call('GET', 'model-versions/search', { filter: "tags.stage = 'dev'" })), [
      'a/1',
    ]);
    assert.deepEqual(
      list(await s.call('GET', 'model-versions/search', { filter: "name = 'a' AND version_number = 2" })),
      ['a/2'],
    );
    const page = await s.call('GET', 'model-versions/search', {
      max_results: 2,
      order_by: ['name ASC', 'version_number ASC'],
    });
    assert.deepEqual(list(page), ['a/1', 'a/2']);
    const rest = await s.call('GET', 'model-versions/search', {
      max_results: 2,
      order_by: ['name ASC', 'version_number ASC'],
      page_token: page.json.next_page_token,
    });
    assert.deepEqual(list(rest), ['b/1']);
    const model = (await s.call('GET', 'registered-models/get', { name: 'a' })).json.registered_model;
    assert.deepEqual(
      model.latest_versions.map((v: Json) => v.version),
      ['2'],
    );
    const bad = await s.call('GET', 'model-versions/search', { filter: "name = 'a' OR name = 'b'" });
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error_code, 'INVALID_PARAMETER_VALUE');
  });
});
