import assert from 'node:assert/strict';
import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.ts';
import { EndpointStore } from '../../src/registry/endpoint-store.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import {
  checkDeploymentFiles,
  loadServeConfig,
  type WatchTimer,
  watchStore,
} from '../../src/serve/catalog.ts';
import { parseDeploymentYaml, parseEndpointYaml } from '../../src/serve/endpoint-spec.ts';
import type { ServeConfig } from '../../src/serve/types.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const PIPELINE = JSON.stringify({ format: 'mlsweep-automl-pipeline', version: 1 });

/** A store with endpoint iris: blue (a model file, all traffic) and green (a folder with a scoring module). */
function setup() {
  const dir = tempDir('catalog');
  const storeDir = join(dir, 'mlruns');
  writeFileSync(join(dir, 'model.json'), PIPELINE);
  mkdirSync(join(dir, 'green-model'));
  writeFileSync(join(dir, 'green-model', 'model.json'), PIPELINE);
  mkdirSync(join(dir, 'code'));
  writeFileSync(
    join(dir, 'code', 'score.mjs'),
    'export function init() {}\nexport function run(b) { return b; }\n',
  );
  const endpoints = new EndpointStore({ dir: storeDir });
  endpoints.createOrUpdateEndpoint(parseEndpointYaml('name: iris\n').spec);
  const deployment = (text: string) => parseDeploymentYaml(text, { baseDir: dir }).spec;
  endpoints.createOrUpdateDeployment(deployment('name: blue\nendpoint_name: iris\nmodel: model.json\n'), {
    allTraffic: true,
  });
  endpoints.createOrUpdateDeployment(
    deployment(
      'name: green\nendpoint_name: iris\nmodel: {path: green-model}\ncode_configuration: {code: code, scoring_script: score.mjs}\ndata_collector: {collections: {model_inputs: {enabled: true}}}\n',
    ),
  );
  return { dir, storeDir, endpoints, deployment };
}

/** A timer the test ticks by hand. */
function manualTimer(): WatchTimer & { tick(): void; stopped: boolean } {
  let fn: (() => void) | undefined;
  return {
    stopped: false,
    setInterval(f) {
      fn = f;
      return 1;
    },
    clearInterval() {
      this.stopped = true;
    },
    tick() {
      fn?.();
    },
  };
}

const revisions = (config: ServeConfig) =>
  Object.fromEntries(config.endpoints.flatMap((e) => e.deployments.map((d) => [d.spec.name, d.revision])));

/** Sets a file's modification time to `seconds` since the epoch (a rewrite, without waiting for the clock). */
const touch = (file: string, seconds: number) => utimesSync(file, seconds, seconds);

describe('loadServeConfig', () => {
  it('resolves every deployment to its files, with the endpoint and its credentials', () => {
    const { dir, storeDir, endpoints } = setup();
    const config = loadServeConfig(storeDir);
    assert.equal(config.endpoints.length, 1);
    const [endpoint] = config.endpoints;
    assert.deepEqual(endpoint!.spec.traffic, { blue: 100, green: 0 });
    assert.deepEqual(endpoint!.credentials, endpoints.getCredentials('iris'));
    const [blue, green] = endpoint!.deployments;
    assert.equal(blue!.modelFile, join(dir, 'model.json'));
    assert.equal(blue!.modelDir, dir);
    assert.equal(blue!.scoringScript, undefined);
    assert.equal(green!.modelFile, join(dir, 'green-model', 'model.json'));
    assert.equal(green!.modelDir, join(dir, 'green-model'));
    assert.equal(green!.scoringScript, join(dir, 'code', 'score.mjs'));
    assert.match(blue!.revision, /^[0-9a-f]{16}$/);
    assert.equal(blue!.spec.dataCollector, undefined);
    assert.equal(
      green!.spec.dataCollector?.destination,
      join(storeDir, 'datastores', 'workspaceblobstore', 'modelDataCollector'),
      "a collector without a destination writes into the store's datastore",
    );
    endpoints.close();
  });

  it('resolves registry references, following an alias', () => {
    const { dir, storeDir, endpoints, deployment } = setup();
    const registry = new ModelRegistry({ store: endpoints.store });
    registry.register('iris', { file: join(dir, 'model.json') });
    registry.register('iris', { file: join(dir, 'green-model') });
    registry.setAlias('iris', 'production', 1);
    endpoints.createOrUpdateDeployment(
      deployment('name: red\nendpoint_name: iris\nmodel: azureml:iris@latest\n'),
    );
    endpoints.createOrUpdateDeployment(
      deployment('name: prod\nendpoint_name: iris\nmodel: models:/iris@production\n'),
    );
    const byName = () =>
      Object.fromEntries(loadServeConfig(storeDir).endpoints[0]!.deployments.map((d) => [d.spec.name, d]));
    const first = byName();
    assert.equal(first['red']!.modelFile, join(storeDir, 'models', 'iris', '2', 'green-model', 'model.json'));
    assert.equal(first['red']!.modelDir, join(storeDir, 'models', 'iris', '2', 'green-model'));
    assert.equal(first['prod']!.modelFile, join(storeDir, 'models', 'iris', '1', 'model.json'));
    registry.setAlias('iris', 'production', 2);
    const second = byName();
    assert.equal(
      second['prod']!.modelFile,
      join(storeDir, 'models', 'iris', '2', 'green-model', 'model.json'),
    );
    assert.notEqual(second['prod']!.revision, first['prod']!.revision);
    assert.equal(second['red']!.revision, first['red']!.revision);
    endpoints.close();
  });

  it('a revision changes only when its spec, model file or scoring module changes', () => {
    const { dir, storeDir, endpoints, deployment } = setup();
    touch(join(dir, 'model.json'), 1_000_000);
    const r0 = revisions(loadServeConfig(storeDir));
    assert.deepEqual(revisions(loadServeConfig(storeDir)), r0, 'nothing changed');
    endpoints.updateTraffic('iris', { blue: 50, green: 50 });
    endpoints.regenerateKey('iris', 'primary');
    assert.deepEqual(
      revisions(loadServeConfig(storeDir)),
      r0,
      'traffic and keys are not a deployment revision',
    );
    touch(join(dir, 'model.json'), 1_000_001);
    const r1 = revisions(loadServeConfig(storeDir));
    assert.notEqual(r1['blue'], r0['blue'], 'the model file was rewritten');
    assert.equal(r1['green'], r0['green']);
    touch(join(dir, 'code', 'score.mjs'), 1_000_002);
    const r2 = revisions(loadServeConfig(storeDir));
    assert.notEqual(r2['green'], r1['green'], 'the scoring module changed');
    assert.equal(r2['blue'], r1['blue']);
    endpoints.createOrUpdateDeployment(
      deployment('name: blue\nendpoint_name: iris\nmodel: model.json\ninstance_count: 2\n'),
    );
    const r3 = revisions(loadServeConfig(storeDir));
    assert.notEqual(r3['blue'], r2['blue'], 'the spec changed');
    assert.equal(r3['green'], r2['green']);
    endpoints.close();
  });

  it('names the deployment whose model is gone; refuses a store that does not exist', () => {
    const { dir, storeDir, endpoints } = setup();
    rmSync(join(dir, 'model.json'));
    assert.throws(
      () => loadServeConfig(storeDir),
      (e: unknown) => e instanceof DataError && /deployment blue\) does not exist/.test(e.message),
    );
    assert.throws(() => loadServeConfig(join(dir, 'nowhere')), /no mlsweep store/);
    endpoints.close();
  });
});

describe('checkDeploymentFiles', () => {
  it('accepts a pipeline, refuses other JSON without a scoring module, a missing model or module', () => {
    const { dir, endpoints, deployment } = setup();
    const registry = new ModelRegistry({ store: endpoints.store });
    assert.equal(
      checkDeploymentFiles(deployment('name: blue\nendpoint_name: iris\nmodel: model.json\n'), registry)
        .modelFile,
      join(dir, 'model.json'),
    );
    writeFileSync(join(dir, 'other.json'), '{"type":"RandomForestClassifier"}');
    writeFileSync(join(dir, 'broken.json'), '{');
    const refused = (text: string, pattern: RegExp) =>
      assert.throws(
        () => checkDeploymentFiles(deployment(text), registry),
        (e: unknown) => e instanceof Error && pattern.test(e.message),
      );
    refused(
      'name: blue\nendpoint_name: iris\nmodel: other.json\n',
      /is not a pipeline saved by mlsweep automl \(its format is null\)/,
    );
    refused('name: blue\nendpoint_name: iris\nmodel: broken.json\n', /is not JSON/);
    refused(
      'name: blue\nendpoint_name: iris\nmodel: missing.json\n',
      /missing\.json \(deployment blue\) does not exist/,
    );
    refused('name: blue\nendpoint_name: iris\nmodel: models:/nope/1\n', /no registered model named 'nope'/);
    refused(
      'name: blue\nendpoint_name: iris\nmodel: code\n',
      /the model folder .*code \(deployment blue\) has no model\.json/,
    );
    refused(
      'name: blue\nendpoint_name: iris\nmodel: model.json\ncode_configuration: {code: code, scoring_script: nope.mjs}\n',
      /the scoring module of deployment blue, .*nope\.mjs, does not exist/,
    );
    // any model file is fine for a scoring module
    checkDeploymentFiles(
      deployment(
        'name: blue\nendpoint_name: iris\nmodel: other.json\ncode_configuration: {code: code, scoring_script: score.mjs}\n',
      ),
      registry,
    );
    endpoints.close();
  });
});

describe('watchStore', () => {
  it('calls onChange only when what is served changes', () => {
    const { dir, storeDir, endpoints } = setup();
    const initial = loadServeConfig(storeDir);
    const seen: ServeConfig[] = [];
    const timer = manualTimer();
    const watch = watchStore(
      storeDir,
      (c) => {
        seen.push(c);
      },
      { initial, timer, log: assert.fail },
    );
    timer.tick();
    timer.tick();
    assert.equal(seen.length, 0, 'nothing changed since the initial snapshot');
    endpoints.updateTraffic('iris', { blue: 80, green: 20 });
    timer.tick();
    assert.equal(seen.length, 1);
    assert.deepEqual(seen[0]!.endpoints[0]!.spec.traffic, { blue: 80, green: 20 });
    timer.tick();
    assert.equal(seen.length, 1, 'reported once');
    endpoints.regenerateKey('iris', 'secondary');
    assert.equal(watch.check(), true);
    assert.equal(
      seen[1]!.endpoints[0]!.credentials!.secondaryKey,
      endpoints.getCredentials('iris').secondaryKey,
    );
    touch(join(dir, 'model.json'), 2_000_000);
    assert.equal(watch.check(), true, 'a model file rewritten in place');
    assert.notEqual(revisions(seen[2]!)['blue'], revisions(seen[1]!)['blue']);
    assert.equal(revisions(seen[2]!)['green'], revisions(seen[1]!)['green']);
    // a change that changes nothing served (the same traffic again) bumps the counter but calls nobody
    endpoints.updateTraffic('iris', { blue: 80, green: 20 });
    assert.equal(watch.check(), false);
    assert.equal(seen.length, 3);
    watch.stop();
    assert.equal(timer.stopped, true);
    endpoints.close();
  });

  it('reports changes made between the initial snapshot and the start, and alias moves', () => {
    const { dir, storeDir, endpoints, deployment } = setup();
    const registry = new ModelRegistry({ store: endpoints.store });
    registry.register('iris', { file: join(dir, 'model.json') });
    registry.register('iris', { file: join(dir, 'green-model') });
    registry.setAlias('iris', 'production', 1);
    endpoints.createOrUpdateDeployment(
      deployment('name: prod\nendpoint_name: iris\nmodel: models:/iris@production\n'),
    );
    const initial = loadServeConfig(storeDir);
    endpoints.updateTraffic('iris', { green: 100 });
    const seen: ServeConfig[] = [];
    const watch = watchStore(
      storeDir,
      (c) => {
        seen.push(c);
      },
      {
        initial,
        timer: manualTimer(),
        log: assert.fail,
      },
    );
    assert.equal(watch.check(), true);
    registry.setAlias('iris', 'production', 2);
    assert.equal(watch.check(), true, 'the alias moved: the counter did not, the model did');
    const prod = seen[1]!.endpoints[0]!.deployments.find((d) => d.spec.name === 'prod')!;
    assert.equal(prod.modelFile, join(storeDir, 'models', 'iris', '2', 'green-model', 'model.json'));
    watch.stop();
    endpoints.close();
  });

  it('keeps the last good snapshot while the store cannot be read, logs each problem once, recovers', () => {
    const { dir, storeDir, endpoints } = setup();
    const initial = loadServeConfig(storeDir);
    const seen: ServeConfig[] = [];
    const logged: string[] = [];
    const watch = watchStore(
      storeDir,
      (c) => {
        seen.push(c);
      },
      {
        initial,
        timer: manualTimer(),
        log: (m) => logged.push(m),
      },
    );
    const model = join(dir, 'model.json');
    rmSync(model);
    endpoints.updateTraffic('iris', { green: 100 });
    assert.equal(watch.check(), false);
    assert.equal(watch.check(), false);
    assert.equal(seen.length, 0);
    assert.equal(logged.length, 1);
    assert.match(
      logged[0]!,
      /cannot read the endpoints of .*deployment blue\) does not exist.*still serving the last good configuration/,
    );
    writeFileSync(model, PIPELINE);
    assert.equal(watch.check(), true);
    assert.deepEqual(seen[0]!.endpoints[0]!.spec.traffic, { blue: 0, green: 100 });
    watch.stop();
    endpoints.close();
  });

  it('waits for an onChange that returns a promise; a rejected one is offered again at the next change', async () => {
    const { storeDir, endpoints } = setup();
    const initial = loadServeConfig(storeDir);
    const logged: string[] = [];
    const calls: ServeConfig[] = [];
    let settle: { resolve: () => void; reject: (e: Error) => void } | undefined;
    const watch = watchStore(
      storeDir,
      (c) => {
        calls.push(c);
        return new Promise<void>((resolve, reject) => {
          settle = { resolve, reject };
        });
      },
      { initial, timer: manualTimer(), log: (m) => logged.push(m) },
    );
    endpoints.updateTraffic('iris', { green: 100 });
    assert.equal(watch.check(), true);
    endpoints.updateTraffic('iris', { blue: 50, green: 50 });
    assert.equal(watch.check(), false, 'the first apply is still running');
    settle!.reject(new Error('green failed to load'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.match(logged[0]!, /was not applied \(green failed to load\); still serving the last good one/);
    assert.equal(watch.check(), true, 'the change made meanwhile is offered');
    assert.deepEqual(calls[1]!.endpoints[0]!.spec.traffic, { blue: 50, green: 50 });
    settle!.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(watch.check(), false);
    // after a rejection, the same snapshot is offered again once the store changes back to it
    endpoints.updateTraffic('iris', { green: 100 });
    assert.equal(watch.check(), true);
    settle!.reject(new Error('again'));
    await new Promise((resolve) => setImmediate(resolve));
    endpoints.updateTraffic('iris', { green: 100 });
    assert.equal(watch.check(), true, 'offered again after the failed apply');
    assert.equal(calls.length, 4);
    watch.stop();
    endpoints.close();
  });

  it('a store that does not exist yet is logged, not thrown', () => {
    const logged: string[] = [];
    const dir = tempDir('catalog-missing');
    const watch = watchStore(join(dir, 'mlruns'), () => assert.fail('no snapshot'), {
      timer: manualTimer(),
      log: (m) => logged.push(m),
    });
    assert.equal(watch.check(), false);
    assert.match(logged[0]!, /no mlsweep store/);
    watch.stop();
  });
});
