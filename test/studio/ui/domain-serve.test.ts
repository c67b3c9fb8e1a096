// The studio beside a real `mlsweep serve --store` (serveStore) over one store: a traffic
// change made in the studio is what the serving server applies, and the requests it
// answered are the studio's request rates (read from the deployment logs it writes).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EndpointStore } from '../../../src/registry/endpoint-store.ts';
import type { WatchTimer } from '../../../src/serve/catalog.ts';
import { readDeploymentFile, readEndpointFile } from '../../../src/serve/endpoint-spec.ts';
import { serveStore } from '../../../src/serve/store-server.ts';
import { sqliteSkip } from '../../helpers/sqlite.ts';
import { openStudio } from './domain-fixture.ts';

const examples = fileURLToPath(new URL('../../../examples/endpoints', import.meta.url));
const row = {
  input_data: {
    columns: ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'],
    data: [[5.1, 3.5, 1.4, 0.2]],
  },
};

/** The store watch is driven by hand (watch.check()), never by time. */
const manualTimer: WatchTimer = { setInterval: () => 0, clearInterval: () => undefined };

describe('studio and a serving server on one store', { skip: sqliteSkip }, () => {
  it('serves the traffic split changed in the studio, and shows the requests it answered', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlsweep-studio-serve-'));
    const storeDir = join(dir, 'mlruns');
    const endpoints = new EndpointStore({ dir: storeDir });
    endpoints.createOrUpdateEndpoint(readEndpointFile(join(examples, 'endpoint.yml')).spec);
    endpoints.createOrUpdateDeployment(readDeploymentFile(join(examples, 'blue.yml')).spec, {
      allTraffic: true,
    });
    endpoints.createOrUpdateDeployment(readDeploymentFile(join(examples, 'green.yml')).spec);
    const key = endpoints.getCredentials('iris').primaryKey;
    endpoints.close();
    const serving = await serveStore(storeDir, {
      logger: false,
      port: 0,
      threads: 1,
      timer: manualTimer,
      log: assert.fail,
    });
    const studio = await openStudio(dir, { sweepId: '', studyId: '', automlId: '', pipelineId: '' });
    try {
      const { port } = await serving.server.listen();
      const score = async () => {
        const response = await fetch(`http://127.0.0.1:${port}/endpoints/iris/score`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify(row),
        });
        assert.equal(response.status, 200, await response.clone().text());
        await response.text();
        return response.headers.get('azureml-model-deployment');
      };
      for (let i = 0; i < 3; i++) assert.equal(await score(), 'blue');

      const changed = await studio.call('PUT', '/endpoints/iris/traffic', {
        traffic: { blue: 0, green: 100 },
      });
      assert.equal(changed.status, 200);
      // the server's next poll of the store sees the change and applies it
      const applied = new Promise<void>((resolve) => {
        const apply = serving.server.apply.bind(serving.server);
        serving.server.apply = async (config) => {
          await apply(config);
          resolve();
        };
      });
      assert.equal(serving.watch.check(), true);
      await applied;
      for (let i = 0; i < 2; i++) assert.equal(await score(), 'green');
    } finally {
      // closing flushes the deployment logs
      await serving.close();
    }
    try {
      const rates = await studio.get('/endpoints/iris/rates?minutes=5&bucketSeconds=60');
      const requests = Object.fromEntries(
        rates.deployments.map((d: { deployment: string; requests: number }) => [d.deployment, d.requests]),
      );
      assert.deepEqual(requests, { blue: 3, green: 2 });
    } finally {
      await studio.close();
    }
  });
});
