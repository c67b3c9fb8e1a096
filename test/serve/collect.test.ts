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
  // the rows are copied from the body's text: a cell keeps the caller's spelling
  const spelt = await post(
    `${base}/score`,
    '{"input_data": {"columns": ["x1", "x2", "city"], "data": [[0.90, 8e-1, "Lyon"]]}}',
    { 'x-request-id': 'r0' },
  );
  assert.equal(spelt.status, 200);
  const mlflow = await post(
    `${base}/invocations`,
    { dataframe_split: { columns: ['x1', 'x2', 'city'], data: [[0.5, 0.25, 'Nice']] } },
    { 'x-request-id': 'm1' },
  );
  assert.equal(mlflow.status, 200);
  const records = await post(
    `${base}/invocations`,
    { dataframe_records: [{ x1: 0.75, x2: 0.5, city: 'Paris' }] },
    { 'x-request-id': 'm2' },
  );
  assert.equal(records.status, 200);
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
  const byId = new Map(inputs.map((l) => [l.correlationid, l.data]));
  assert.deepEqual([...byId.keys()].sort(), ['m1', 'm2', 'r0', 'r1', 'r2']);
  assert.deepEqual(byId.get('r1'), [{ x1: 0.9, x2: 0.8, city: 'Paris' }]);
  assert.deepEqual(byId.get('r0'), [{ x1: 0.9, x2: 0.8, city: 'Lyon' }]);
  assert.deepEqual(byId.get('m1'), [{ x1: 0.5, x2: 0.25, city: 'Nice' }]);
  assert.deepEqual(byId.get('m2'), [{ x1: 0.75, x2: 0.5, city: 'Paris' }]);
  const text = readdirSync(join(root, 'e', 'blue', 'model_inputs'), { recursive: true })
    .filter((f) => String(f).endsWith('.jsonl'))
    .map((f) => readFileSync(join(root, 'e', 'blue', 'model_inputs', String(f)), 'utf8'))
    .join('');
  assert.ok(text.includes('"x1":0.90,"x2":8e-1,"city":"Lyon"'), 'copied from the body, not formatted again');
  const answered = new Map(outputs.map((l) => [l.correlationid, l.data]));
  assert.equal(answered.size, 5);
  assert.deepEqual(answered.get('r1'), ['yes']);
  assert.deepEqual(answered.get('r2'), ['yes']);
  for (const labels of answered.values()) assert.ok(['yes', 'no'].includes((labels as string[])[0]!));
});
