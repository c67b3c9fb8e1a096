// A deployment with target_utilization scale settings is resized by its autoscaler
// (serve/autoscale.ts) from the busy time of its threads: a saturated thread at a 50%
// target doubles the pool, which is swapped in without failing a request. The
// autoscaler's timer is ticked by the test.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import type { AutoscaleTimer } from '../../src/serve/autoscale.ts';
import { deploymentSpec, servedDeployment } from '../../src/serve/single.ts';
import { post, saveModel, startServer, tempDir, until } from './helpers.ts';

const dir = tempDir('scale');
const model = saveModel(dir, 'classification');
const script = join(dir, 'busy.mjs');
writeFileSync(
  script,
  'export function run(body) { const end = Date.now() + body.ms; while (Date.now() < end); return body.ms; }\n',
);

it('a saturated deployment at a 50% target goes from 1 to 2 threads, with no failed request', async () => {
  const ticks: Array<() => void> = [];
  const timer: AutoscaleTimer = {
    every(_ms, tick) {
      ticks.push(tick);
      return () => {};
    },
  };
  const spec = {
    ...deploymentSpec({ name: 'blue', endpointName: 'e', model, instanceCount: 1 }),
    scaleSettings: {
      type: 'target_utilization' as const,
      minInstances: 1,
      maxInstances: 2,
      targetUtilizationPercentage: 50,
      pollingInterval: 1,
    },
  };
  const { base, server } = await startServer({
    config: {
      endpoints: [
        {
          spec: {
            name: 'e',
            description: '',
            tags: {},
            authMode: 'key',
            traffic: { blue: 100 },
            mirrorTraffic: {},
          },
          deployments: [servedDeployment(spec, model, script)],
        },
      ],
    },
    threads: undefined,
    autoscaleTimer: timer,
  });
  assert.equal(ticks.length, 1, 'one autoscaler');
  assert.equal(server.deployments()[0]!.threads, 1);
  // keep the one thread busy: 4 callers of 40 ms of work each, for 12 rounds
  const statuses: number[] = [];
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let i = 0; i < 12; i++) statuses.push((await post(`${base}/score`, { ms: 40 })).status);
    }),
  );
  const load = Promise.all(Array.from({ length: 4 }, () => post(`${base}/score`, { ms: 40 })));
  ticks[0]!();
  await until(() => server.deployments()[0]!.threads === 2, 'two threads');
  statuses.push(...(await load).map((r) => r.status));
  assert.deepEqual(new Set(statuses), new Set([200]));
  assert.equal((await post(`${base}/score`, { ms: 1 })).status, 200);
});
