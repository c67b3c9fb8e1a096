// The server hands each scored request of a deployment with a data_collector to its
// collector (serve/data-collector.ts): inputs as {columns, data} and outputs, with the
// request id; files complete when the server closes.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { createServer } from '../../src/serve/server.ts';
import { deploymentSpec, servedDeployment } from '../../src/serve/single.ts';
import { post, saveModel, tempDir } from './helpers.ts';

const dir = tempDir('collect');
const model = saveModel(dir, 'classification');

/** Every line of every `.jsonl` file under `folder`. */
function lines(folder: string): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.jsonl'))
        for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) out.push(JSON.parse(line));
    }
  };
  walk(folder);
  return out;
}

it('inputs and outputs of scored requests are collected with their request ids', async () => {
  const root = join(dir, 'collected');
  const spec = {
    ...deploymentSpec({ name: 'blue', endpointName: 'e', model, instanceCount: 1 }),
    dataCollector: { modelInputs: true, modelOutputs: true, rollingRate: 'day' as const, samplingRate: 1 },
  };
  const server = await createServer({
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
          deployments: [servedDeployment(spec, model)],
        },
      ],
    },
    logger: false,
    port: 0,
    dataCollectorRoot: root,
  });
  const { port } = await server.listen();
  const base = `http://127.0.0.1:${port}`;
  for (const id of ['r1', 'r2']) {
    const r = await post(
      `${base}/score`,
      { input_data: { columns: ['x1', 'x2', 'city'], data: [[0.9, 0.8, 'Paris']] } },
      { 'x-request-id': id },
    );
    assert.equal(r.status, 200);
  }
  await server.close();
  const inputs = lines(join(root, 'e', 'blue', 'model_inputs'));
  const outputs = lines(join(root, 'e', 'blue', 'model_outputs'));
  assert.deepEqual(inputs.map((l) => l.correlationid).sort(), ['r1', 'r2']);
  assert.deepEqual(inputs[0]!.data, [{ x1: 0.9, x2: 0.8, city: 'Paris' }]);
  assert.deepEqual(
    outputs.map((l) => l.data),
    [['yes'], ['yes']],
  );
});
