// The store driving a real server (serveStore: loadServeConfig, createServer, watchStore
// with server.apply as onChange): endpoints changed through the store while it serves —
// keys, traffic and deployments, over HTTP on 127.0.0.1.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EndpointStore } from '../../src/registry/endpoint-store.ts';
import type { WatchTimer } from '../../src/serve/catalog.ts';
import { readDeploymentFile, readEndpointFile } from '../../src/serve/endpoint-spec.ts';
import { serveStore } from '../../src/serve/store-server.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const examples = fileURLToPath(new URL('../../examples/endpoints', import.meta.url));
const request = {
  input_data: {
    columns: ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'],
    data: [[5.1, 3.5, 1.4, 0.2]],
  },
};

function manualTimer(): WatchTimer {
  return { setInterval: () => 0, clearInterval: () => undefined };
}

describe('a server fed by the store', () => {
  it('applies key, traffic and deployment changes while serving', async () => {
    const storeDir = join(tempDir('catalog-server'), 'mlruns');
    const endpoints = new EndpointStore({ dir: storeDir });
    endpoints.createOrUpdateEndpoint(readEndpointFile(join(examples, 'endpoint.yml')).spec);
    endpoints.createOrUpdateDeployment(readDeploymentFile(join(examples, 'blue.yml')).spec, {
      allTraffic: true,
    });
    const applied: Promise<void>[] = [];
    const { server, watch, close } = await serveStore(storeDir, {
      logger: false,
      port: 0,
      threads: 1,
      timer: manualTimer(),
      log: assert.fail,
    });
    // watch what the server applies, to wait for it
    const apply = server.apply.bind(server);
    server.apply = (config) => {
      const done = apply(config);
      applied.push(done);
      return done;
    };
    const changed = async () => {
      assert.equal(watch.check(), true);
      assert.ok(applied.length > 0);
      await applied.at(-1);
    };
    try {
      const { port } = await server.listen();
      const score = async (key: string, pin?: string) => {
        const r = await fetch(`http://127.0.0.1:${port}/endpoints/iris/score`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${key}`,
            ...(pin ? { 'azureml-model-deployment': pin } : {}),
          },
          body: JSON.stringify(request),
        });
        return {
          status: r.status,
          deployment: r.headers.get('azureml-model-deployment'),
          body: await r.text(),
        };
      };
      const keys = endpoints.getCredentials('iris');
      const first = await score(keys.primaryKey);
      assert.equal(first.status, 200, first.body);
      assert.equal(first.deployment, 'blue');
      assert.deepEqual(JSON.parse(first.body), ['setosa']);
      assert.equal((await score('wrong')).status, 401);

      // a new primary key: the old one stops working, the secondary never did
      const rotated = endpoints.regenerateKey('iris', 'primary');
      await changed();
      assert.equal((await score(keys.primaryKey)).status, 401);
      assert.equal((await score(rotated.primaryKey)).status, 200);
      assert.equal((await score(keys.secondaryKey)).status, 200);

      // green joins at 0% (answers only when pinned), then takes all the traffic
      endpoints.createOrUpdateDeployment(readDeploymentFile(join(examples, 'green.yml')).spec);
      await changed();
      assert.equal((await score(rotated.primaryKey)).deployment, 'blue');
      assert.equal((await score(rotated.primaryKey, 'green')).deployment, 'green');
      endpoints.updateTraffic('iris', { green: 100 });
      await changed();
      for (let i = 0; i < 5; i++) assert.equal((await score(rotated.primaryKey)).deployment, 'green');
      endpoints.deleteDeployment('iris', 'blue');
      await changed();
      const gone = await score(rotated.primaryKey, 'blue');
      assert.equal(gone.status, 404, gone.body);
      assert.equal(watch.check(), false, 'nothing changed since');
    } finally {
      await close();
      endpoints.close();
    }
    // green collects its inputs and outputs into the store's datastore (green.yml has no destination)
    const collected = join(
      storeDir,
      'datastores',
      'workspaceblobstore',
      'modelDataCollector',
      'iris',
      'green',
    );
    assert.deepEqual(readdirSync(collected).sort(), ['model_inputs', 'model_outputs']);
  });
});
