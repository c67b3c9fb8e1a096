import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { checkAlias, checkModelName, parseModelUri } from '../../src/registry/names.ts';
import { Tracker } from '../../src/tracking/tracker.ts';
import { storeOptions } from '../tracking/helpers/store.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

function setup() {
  const dir = tempDir('registry');
  const tracker = new Tracker(storeOptions('registry'));
  const registry = new ModelRegistry({ store: tracker.store });
  const modelFile = join(dir, 'model.json');
  writeFileSync(modelFile, JSON.stringify({ type: 'stub', weights: [1, 2, 3] }));
  const run = tracker.startRun({ experiment: 'iris' });
  run.logMetric('accuracy', 0.93);
  run.logArtifact(modelFile, 'model');
  run.end();
  return { dir, tracker, registry, modelFile, runId: run.id };
}

describe('ModelRegistry', () => {
  it('registers from a run artifact: version 1 records the run, its metrics and the data schema', () => {
    const { registry, runId, tracker } = setup();
    const schema = { columns: [{ name: 'sepal_length', type: 'number' }], target: 'species' };
    const v = registry.register(
      'iris-rf',
      { runId, artifactPath: 'model/model.json' },
      { dataSchema: schema, description: 'first', tags: { stage: 'dev' } },
    );
    assert.equal(v.version, 1);
    assert.equal(v.runId, runId);
    assert.equal(v.source, `runs:/${runId}/model/model.json`);
    assert.deepEqual(v.metrics, { accuracy: 0.93 });
    assert.deepEqual(v.dataSchema, schema);
    assert.deepEqual(v.tags, { stage: 'dev' });
    assert.equal(v.description, 'first');
    assert.ok(v.path.startsWith(join(tracker.store.dir, 'models', 'iris-rf', '1')));
    assert.deepEqual(JSON.parse(readFileSync(v.path, 'utf8')).weights, [1, 2, 3]);
    tracker.close();
  });

  it('increments versions, moves aliases, loads by number, alias and latest', () => {
    const { registry, runId, modelFile, tracker } = setup();
    registry.register('iris-rf', { runId, artifactPath: 'model/model.json' });
    writeFileSync(modelFile, JSON.stringify({ type: 'stub', weights: [9] }));
    const v2 = registry.register('iris-rf', { file: modelFile }, { metrics: { accuracy: 0.97 } });
    assert.equal(v2.version, 2);
    assert.equal(v2.runId, undefined);
    registry.setAlias('iris-rf', 'production', 1);
    registry.setAlias('iris-rf', 'staging', 2);
    assert.deepEqual(registry.getModel('iris-rf').aliases, { production: 1, staging: 2 });
    assert.equal(registry.load('models:/iris-rf@production').version.version, 1);
    registry.setAlias('iris-rf', 'production', 2);
    const loaded = registry.load('models:/iris-rf@production', {
      fromJSON: (json) => (json as { weights: number[] }).weights,
    });
    assert.deepEqual(loaded.model, [9]);
    assert.deepEqual(registry.load('models:/iris-rf/1').model, { type: 'stub', weights: [1, 2, 3] });
    assert.equal(registry.resolve('models:/iris-rf/latest').version, 2);
    assert.deepEqual(registry.getVersion('iris-rf', 2).aliases, ['production', 'staging']);
    registry.deleteAlias('iris-rf', 'staging');
    assert.deepEqual(registry.getModel('iris-rf').aliases, { production: 2 });
    assert.equal(registry.getModel('iris-rf').latestVersion, 2);
    tracker.close();
  });

  it('keeps descriptions and tags on models and versions; lists models and versions', () => {
    const { registry, modelFile, tracker } = setup();
    registry.register('b-model', { file: modelFile });
    registry.register('a-model', { file: modelFile });
    registry.setDescription('a-model', 'the A model');
    registry.setDescription('a-model', 'v1 notes', 1);
    registry.setTag('a-model', 'team', 'ml');
    registry.setTag('a-model', 'validated', 'yes', 1);
    assert.deepEqual(
      registry.listModels().map((m) => m.name),
      ['a-model', 'b-model'],
    );
    const a = registry.getModel('a-model');
    assert.equal(a.description, 'the A model');
    assert.deepEqual(a.tags, { team: 'ml' });
    const v1 = registry.listVersions('a-model')[0]!;
    assert.equal(v1.description, 'v1 notes');
    assert.deepEqual(v1.tags, { validated: 'yes' });
    tracker.close();
  });

  it('registers a folder and loads its model.json', () => {
    const { registry, dir, tracker } = setup();
    mkdirSync(join(dir, 'bundle'));
    writeFileSync(join(dir, 'bundle', 'model.json'), '{"kind":"bundle"}');
    writeFileSync(join(dir, 'bundle', 'extra.bin'), 'xx');
    const v = registry.register('bundle', { file: join(dir, 'bundle') });
    assert.ok(existsSync(join(v.path, 'extra.bin')));
    assert.deepEqual(registry.load('models:/bundle/1').model, { kind: 'bundle' });
    tracker.close();
  });

  it('rejects invalid names and aliases, unknown models, versions, aliases and artifacts', () => {
    const { registry, runId, modelFile, tracker } = setup();
    assert.throws(
      () => registry.register('iris rf', { file: modelFile }),
      (e: unknown) =>
        e instanceof ValidationError &&
        e.path === 'name' &&
        /invalid model name "iris rf".*contains " "/.test(e.message),
    );
    assert.throws(() => registry.register('../escape', { file: modelFile }), /invalid model name/);
    assert.throws(() => registry.register('m', { file: join(modelFile, 'nope') }), /does not exist/);
    assert.throws(
      () => registry.register('m', { runId, artifactPath: 'missing.json' }),
      /has no artifact 'missing.json'; its artifacts: model\/model.json/,
    );
    assert.throws(
      () => registry.register('m', { runId: 'ffffffffff', artifactPath: 'x' }),
      /unknown run 'ffffffffff'/,
    );
    registry.register('m', { file: modelFile });
    assert.throws(() => registry.setAlias('m', 'latest', 1), /'latest' is reserved/);
    assert.throws(() => registry.setAlias('m', '3', 1), /invalid alias "3"/);
    assert.throws(() => registry.setAlias('m', 'prod', 2), /model 'm' has no version 2; it has 1/);
    assert.throws(() => registry.getModel('n'), /no registered model named 'n'; known: m/);
    assert.throws(() => registry.resolve('models:/m@prod'), /has no alias 'prod'; its aliases: none/);
    assert.throws(() => registry.deleteAlias('m', 'prod'), /has no alias 'prod'/);
    assert.equal(registry.listVersions('m').length, 1);
    tracker.close();
  });
});

describe('registry names and URIs', () => {
  it('parses models:/ URIs', () => {
    assert.deepEqual(parseModelUri('models:/iris-rf/3'), { name: 'iris-rf', version: 3 });
    assert.deepEqual(parseModelUri('models:/iris-rf@production'), { name: 'iris-rf', alias: 'production' });
    assert.deepEqual(parseModelUri('models:/iris-rf@latest'), { name: 'iris-rf', latest: true });
    assert.deepEqual(parseModelUri('models:/iris.v2/latest'), { name: 'iris.v2', latest: true });
  });

  it('rejects malformed URIs, names and aliases with the reason', () => {
    assert.throws(() => parseModelUri('model:/x/1'), /expected models:\/NAME\/VERSION/);
    assert.throws(() => parseModelUri('models:/x/0'), /invalid model version '0'/);
    assert.throws(() => parseModelUri('models:/x/1/2'), /invalid model URI/);
    assert.throws(() => parseModelUri('models:/x@'), /invalid model URI/);
    assert.throws(() => checkModelName(''), /invalid model name ""/);
    assert.throws(() => checkModelName('a'.repeat(129)), /1 to 128/);
    assert.throws(() => checkModelName('_x'), /starting with a letter or digit/);
    assert.equal(checkModelName('Iris_RF-2.1'), 'Iris_RF-2.1');
    assert.throws(() => checkAlias('prod@1'), /invalid alias/);
    assert.equal(checkAlias('_canary-1'), '_canary-1');
  });
});
