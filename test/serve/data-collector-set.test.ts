import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  type DataCollectorSettings,
  DEFAULT_PROBE,
  type DeploymentSpec,
} from '../../src/registry/endpoint-types.ts';
import { DataCollectors } from '../../src/serve/collect/collectors.ts';
import type { ServeConfig } from '../../src/serve/types.ts';

const root = mkdtempSync(join(tmpdir(), 'mlsweep-collectors-'));
after(() => rmSync(root, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 11, 3, 9, 30);

function config(deployments: Record<string, DataCollectorSettings | undefined>): ServeConfig {
  const specs = Object.entries(deployments).map(
    ([name, dataCollector]): DeploymentSpec => ({
      name,
      endpointName: 'iris',
      description: '',
      tags: {},
      model: '/m.json',
      instanceCount: 1,
      requestSettings: { requestTimeoutMs: 5000, maxConcurrentRequestsPerInstance: 8, maxBodyBytes: 1000 },
      livenessProbe: DEFAULT_PROBE,
      readinessProbe: DEFAULT_PROBE,
      scaleSettings: { type: 'default' },
      ...(dataCollector === undefined ? {} : { dataCollector }),
    }),
  );
  return {
    endpoints: [
      {
        spec: { name: 'iris', description: '', tags: {}, authMode: 'key', traffic: {}, mirrorTraffic: {} },
        deployments: specs.map((spec) => ({
          spec,
          modelFile: '/m.json',
          modelDir: '/',
          revision: spec.name,
        })),
      },
    ],
  };
}

const hourly: DataCollectorSettings = {
  modelInputs: true,
  modelOutputs: true,
  rollingRate: 'hour',
  samplingRate: 1,
};

describe('DataCollectors', () => {
  it('follows the snapshot: starts, keeps, replaces on a settings change, closes what is gone', async () => {
    const errors: unknown[] = [];
    const set = new DataCollectors({
      root,
      clock: () => T0,
      flushIntervalMs: 0,
      onError: (e) => errors.push(e),
    });
    await set.apply(
      config({ blue: hourly, green: undefined, off: { ...hourly, modelInputs: false, modelOutputs: false } }),
    );
    assert.ok(set.get('iris', 'blue'));
    assert.equal(set.get('iris', 'green'), undefined);
    assert.equal(set.get('iris', 'off'), undefined);
    const blue = set.get('iris', 'blue')!;
    blue.collect({ requestId: 'a', time: T0, inputs: [1], outputs: [2] });

    await set.apply(config({ blue: hourly, green: hourly }));
    assert.equal(set.get('iris', 'blue'), blue, 'same settings: the same collector');
    assert.ok(set.get('iris', 'green'));

    await set.apply(config({ blue: { ...hourly, rollingRate: 'minute' } }));
    assert.notEqual(set.get('iris', 'blue'), blue, 'new settings: a new collector');
    assert.equal(set.get('iris', 'green'), undefined);
    // the replaced collector was closed: its record is on disk, in a finished part
    assert.equal(blue.stats().files, 2);
    assert.deepEqual(readdirSync(join(root, 'iris', 'blue')).sort(), ['model_inputs', 'model_outputs']);
    assert.deepEqual(
      set.stats().map((s) => [s.endpoint, s.deployment, s.collected]),
      [['iris', 'blue', 0]],
    );
    await set.close();
    assert.equal(set.get('iris', 'blue'), undefined);
    assert.deepEqual(errors, []);
  });

  it('reports unusable settings instead of throwing, and serves on', async () => {
    const errors: unknown[] = [];
    const set = new DataCollectors({ root, flushIntervalMs: 0, onError: (e) => errors.push(e) });
    await set.apply(config({ blue: { ...hourly, samplingRate: 3 } }));
    assert.equal(set.get('iris', 'blue'), undefined);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /sampling_rate/);
    await set.close();
  });
});
