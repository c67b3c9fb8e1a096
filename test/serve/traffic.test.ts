// Blue/green on a real server: the live traffic split (1,000 seeded requests at 80/20 land
// within ±4%), pinning by the azureml-model-deployment header (a 0% deployment answers
// when pinned; an unknown one is 404), no live traffic (503), and mirror traffic (copies
// counted apart, answers discarded, never delaying the caller).
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { EndpointSpec } from '../../src/registry/endpoint-types.ts';
import { deploymentSpec, servedDeployment } from '../../src/serve/single.ts';
import { chooseDeployment, mirrorTargets, seededRandom } from '../../src/serve/traffic.ts';
import type { ServeConfig, ServedDeployment } from '../../src/serve/types.ts';
import { post, saveModel, startServer, tempDir, until, writeScript } from './helpers.ts';

const dir = tempDir('traffic');
const blueFile = saveModel(dir, 'classification', 'blue.json', 5);
const greenFile = saveModel(dir, 'classification', 'green.json', 3);
const script = writeScript(dir);
const ROW = { data: [[0.9, 0.8, 'Paris']] };

function deployment(name: string, file: string, scoringScript?: string): ServedDeployment {
  return servedDeployment(
    deploymentSpec({ name, endpointName: 'e', model: file, instanceCount: 1 }),
    file,
    scoringScript,
  );
}

function config(
  traffic: EndpointSpec['traffic'],
  mirrorTraffic: EndpointSpec['mirrorTraffic'] = {},
  green: ServedDeployment = deployment('green', greenFile),
): ServeConfig {
  return {
    endpoints: [
      {
        spec: { name: 'e', description: '', tags: {}, authMode: 'key', traffic, mirrorTraffic },
        deployments: [deployment('blue', blueFile), green],
      },
    ],
  };
}

describe('the traffic split', () => {
  it('chooseDeployment: shares by weight, zero shares never, none when all are zero', () => {
    assert.equal(
      chooseDeployment({ blue: 80, green: 20 }, () => 0.79),
      'blue',
    );
    assert.equal(
      chooseDeployment({ blue: 80, green: 20 }, () => 0.8),
      'green',
    );
    assert.equal(
      chooseDeployment({ blue: 0, green: 100 }, () => 0),
      'green',
    );
    assert.equal(
      chooseDeployment({ blue: 0, green: 0 }, () => 0.5),
      undefined,
    );
    assert.deepEqual(
      mirrorTargets({ green: 10 }, 'blue', () => 0.05),
      ['green'],
    );
    assert.deepEqual(
      mirrorTargets({ green: 10 }, 'blue', () => 0.1),
      [],
    );
    assert.deepEqual(
      mirrorTargets({ blue: 10 }, 'blue', () => 0),
      [],
      'never to the deployment serving',
    );
  });

  it('1,000 requests at 80/20 land within ±4% of the split; the header names who served', async () => {
    const { base } = await startServer({ config: config({ blue: 80, green: 20 }), random: seededRandom(42) });
    const counts: Record<string, number> = { blue: 0, green: 0 };
    for (let batch = 0; batch < 20; batch++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => post(`${base}/score`, ROW)));
      for (const a of answers) {
        assert.equal(a.status, 200);
        counts[a.headers.get('azureml-model-deployment')!]!++;
      }
    }
    assert.equal(counts.blue! + counts.green!, 1000);
    assert.ok(counts.blue! >= 760 && counts.blue! <= 840, `blue served ${counts.blue} of 1000`);
  });

  it('the header pins a deployment, even one with 0% traffic; an unknown one is 404', async () => {
    const { base } = await startServer({ config: config({ blue: 100, green: 0 }) });
    for (const path of ['/score', '/invocations']) {
      const body = path === '/score' ? ROW : { instances: ROW.data };
      const pinned = await post(`${base}${path}`, body, { 'azureml-model-deployment': 'green' });
      assert.equal(pinned.status, 200);
      assert.equal(pinned.headers.get('azureml-model-deployment'), 'green');
      assert.equal((await post(`${base}${path}`, body)).headers.get('azureml-model-deployment'), 'blue');
    }
    const unknown = await post(`${base}/score`, ROW, { 'azureml-model-deployment': 'red' });
    assert.equal(unknown.status, 404);
    assert.match(unknown.body.error, /no deployment 'red' \(deployments: blue, green\)/);
    const byName = await post(`${base}/v2/models/green/infer`, {
      inputs: [{ name: 'rows', shape: [1, 3], datatype: 'BYTES', data: ROW.data[0] }],
    });
    assert.equal(byName.headers.get('azureml-model-deployment'), 'green', 'an OIP model name pins too');
  });

  it('no deployment with live traffic: 503 naming the header that pins', async () => {
    const { base } = await startServer({ config: config({ blue: 0, green: 0 }) });
    const r = await post(`${base}/score`, ROW);
    assert.equal(r.status, 503);
    assert.match(r.body.error, /no live traffic to any deployment; .*azureml-model-deployment/);
    assert.equal((await post(`${base}/score`, ROW, { 'azureml-model-deployment': 'blue' })).status, 200);
  });
});

describe('mirror traffic', () => {
  it('copies go to the mirrored deployment, counted apart; the caller only sees blue', async () => {
    const seed = 7;
    const n = 200;
    const { base, server } = await startServer({
      config: config({ blue: 100, green: 0 }, { green: 30 }),
      random: seededRandom(seed),
    });
    for (let i = 0; i < n; i++) {
      const r = await post(`${base}/score`, ROW);
      assert.equal(r.headers.get('azureml-model-deployment'), 'blue');
    }
    // the same draws: one for the split, one for the mirror, per request
    const draws = seededRandom(seed);
    let expected = 0;
    for (let i = 0; i < n; i++) {
      draws();
      if (draws() * 100 < 30) expected++;
    }
    assert.ok(expected > 40 && expected < 80, `${expected} mirrored`);
    const mirrored = () =>
      server.metrics.count('mlsweep_mirror_requests_total', {
        endpoint: 'e',
        deployment: 'green',
        code: '200',
      }) ?? 0;
    await until(() => mirrored() === expected, `${expected} mirrored copies`);
    assert.equal(
      server.metrics.count('mlsweep_requests_total', {
        endpoint: 'e',
        deployment: 'green',
        protocol: 'azure',
        code: '200',
      }),
      undefined,
      'copies are not live requests',
    );
    assert.match(
      server.metricsText(),
      /^mlsweep_mirror_requests_total\{endpoint="e",deployment="green",code="200"\} \d+$/m,
    );
  });

  it('a mirror that never answers does not delay the caller', async () => {
    const gate = join(dir, 'mirror-gate');
    const { base, server } = await startServer({
      config: config({ blue: 100 }, { green: 50 }, deployment('green', greenFile, script)),
      random: () => 0, // every request mirrored
    });
    for (let i = 0; i < 5; i++) {
      const r = await post(`${base}/score`, { ...ROW, gate });
      assert.equal(r.status, 200);
      assert.deepEqual(r.body, ['yes']);
    }
    const mirrored = () =>
      server.metrics.count('mlsweep_mirror_requests_total', {
        endpoint: 'e',
        deployment: 'green',
        code: '200',
      }) ?? 0;
    assert.equal(mirrored(), 0, 'the copies still wait at the gate');
    assert.ok(!existsSync(gate));
    writeFileSync(gate, '');
    await until(() => mirrored() === 5, '5 mirrored copies');
  });
});
