// Live changes on a real server under a stream of concurrent requests: a traffic change,
// a new deployment and a model update (new revision) swap in with zero failed requests;
// a deployment that cannot load leaves the old snapshot serving; close() lets in-flight
// requests finish while new ones get 503.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { AutoMLPipeline } from '../../src/automl/pipeline.ts';
import { Table } from '../../src/data/table.ts';
import type { EndpointSpec } from '../../src/registry/endpoint-types.ts';
import { createServer } from '../../src/serve/server.ts';
import { deploymentSpec, servedDeployment } from '../../src/serve/single.ts';
import type { ServeConfig, ServedDeployment } from '../../src/serve/types.ts';
import { type Answer, get, post, saveModel, startServer, tempDir, until, writeScript } from './helpers.ts';

const dir = tempDir('live');
const ROW = [0.3, 0.55, 'Lyon']; // the three models below give it three different probabilities

function deployment(name: string, file: string, scoringScript?: string): ServedDeployment {
  return servedDeployment(
    deploymentSpec({ name, endpointName: 'e', model: file, instanceCount: 1 }),
    file,
    scoringScript,
  );
}

function config(traffic: EndpointSpec['traffic'], deployments: ServedDeployment[]): ServeConfig {
  return {
    endpoints: [
      {
        spec: { name: 'e', description: '', tags: {}, authMode: 'key', traffic, mirrorTraffic: {} },
        deployments,
      },
    ],
  };
}

/** The probability of `yes` the model file gives ROW. */
function probaOf(file: string): number {
  const table = new Table([
    { name: 'x1', kind: 'numeric', values: Float64Array.of(ROW[0] as number) },
    { name: 'x2', kind: 'numeric', values: Float64Array.of(ROW[1] as number) },
    { name: 'city', kind: 'categorical', values: [ROW[2] as string] },
  ]);
  return AutoMLPipeline.load(file).predictProba(table)[0]![1]!;
}

/** `workers` loops posting one request after another until stopped; every answer kept. */
function stream(url: string, workers: number): { stop: () => Promise<Answer[]> } {
  let running = true;
  const answers: Answer[] = [];
  const loops = Array.from({ length: workers }, async () => {
    while (running) {
      try {
        answers.push(await post(url, { data: [ROW] }));
      } catch (error) {
        answers.push({ status: 0, headers: new Headers(), body: String(error) });
      }
    }
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      return answers;
    },
  };
}

describe('apply under load', () => {
  it('traffic change, new deployment and model update: zero failed requests, each change in force at once', async () => {
    const blue1 = saveModel(dir, 'classification', 'blue-1.json', 5);
    const blue2 = saveModel(dir, 'classification', 'blue-2.json', 1);
    const green = saveModel(dir, 'classification', 'green.json', 3);
    assert.notEqual(probaOf(blue1), probaOf(blue2), 'the two blue models differ on ROW');
    const { base, server } = await startServer({
      config: config({ blue: 100 }, [deployment('blue', blue1)]),
    });
    const url = `${base}/score?proba=true`;
    const load = stream(url, 8);
    await until(
      () => server.metrics.count('mlsweep_rows_scored_total', { endpoint: 'e', deployment: 'blue' })! > 50,
      'traffic',
    );

    // a new deployment taking all traffic
    await server.apply(
      config({ blue: 0, green: 100 }, [deployment('blue', blue1), deployment('green', green)]),
    );
    const afterGreen = await post(url, { data: [ROW] });
    assert.equal(afterGreen.headers.get('azureml-model-deployment'), 'green');
    assert.equal(afterGreen.body[0].yes, probaOf(green));

    // blue's model replaced (a new revision) and traffic back to it
    await server.apply(
      config({ blue: 100, green: 0 }, [deployment('blue', blue2), deployment('green', green)]),
    );
    const afterUpdate = await post(url, { data: [ROW] });
    assert.equal(afterUpdate.headers.get('azureml-model-deployment'), 'blue');
    assert.equal(afterUpdate.body[0].yes, probaOf(blue2));

    // a split
    await server.apply(
      config({ blue: 50, green: 50 }, [deployment('blue', blue2), deployment('green', green)]),
    );
    await until(
      () =>
        (server.metrics.count('mlsweep_rows_scored_total', { endpoint: 'e', deployment: 'green' }) ?? 0) >
        100,
      'green traffic after the split',
    );
    const answers = await load.stop();
    const failed = answers.filter((a) => a.status !== 200);
    assert.equal(failed.length, 0, JSON.stringify(failed.slice(0, 3)));
    assert.ok(answers.length > 100, `${answers.length} requests`);
    const seen = new Set(answers.map((a) => `${a.headers.get('azureml-model-deployment')}:${a.body[0].yes}`));
    for (const [name, file] of [
      ['blue', blue1],
      ['green', green],
      ['blue', blue2],
    ] as const) {
      assert.ok(seen.has(`${name}:${probaOf(file)}`), `answers of ${name} from ${file}`);
    }
    const expected = new Set([`blue:${probaOf(blue1)}`, `blue:${probaOf(blue2)}`, `green:${probaOf(green)}`]);
    for (const s of seen) assert.ok(expected.has(s), `unexpected answer ${s}`);
  });

  it('a deployment that cannot load rejects apply; the old snapshot keeps serving', async () => {
    const good = saveModel(dir, 'classification', 'good.json');
    const broken = join(dir, 'broken.json');
    writeFileSync(broken, '{"format": "something else"}');
    const { base, server } = await startServer({ config: config({ blue: 100 }, [deployment('blue', good)]) });
    await assert.rejects(
      server.apply(config({ green: 100 }, [deployment('blue', good), deployment('green', broken)])),
      /deployment 'green' of endpoint 'e' cannot start: .*not an mlsweep AutoML pipeline/,
    );
    const r = await post(`${base}/score`, { data: [ROW] });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('azureml-model-deployment'), 'blue');
  });
});

describe('close', () => {
  it('in-flight requests finish; new ones get 503 and readiness fails; then the port closes', async () => {
    const model = saveModel(dir, 'classification', 'closing.json');
    const script = writeScript(dir);
    const gate = join(dir, 'close-gate');
    const server = await createServer({
      config: config({ blue: 100 }, [deployment('blue', model, script)]),
      logger: false,
      port: 0,
    });
    const { port } = await server.listen();
    const base = `http://127.0.0.1:${port}`;
    const inFlight = post(`${base}/score`, { gate, echo: 'finished' });
    await until(() => server.deployments()[0]!.inFlight === 1, 'a request in flight');
    let closed = false;
    const closing = server.close().then(() => {
      closed = true;
    });
    const refused = await post(`${base}/score`, { echo: 'late' });
    assert.equal(refused.status, 503);
    assert.match(refused.body.error, /shutting down/);
    assert.equal((await get(`${base}/v2/health/ready`)).status, 503);
    assert.equal(closed, false);
    writeFileSync(gate, '');
    const finished = await inFlight;
    assert.equal(finished.status, 200);
    assert.deepEqual(finished.body.echo, 'finished');
    await closing;
    await assert.rejects(fetch(`${base}/ping`));
  });

  it('a caller that hung up does not hold the drain', async () => {
    const model = saveModel(dir, 'classification', 'hangup.json');
    const script = writeScript(dir, 'hangup.mjs');
    const gate = join(dir, 'hangup-gate');
    const spec = deploymentSpec({
      name: 'blue',
      endpointName: 'e',
      model,
      instanceCount: 1,
      requestSettings: { requestTimeoutMs: 120_000 },
    });
    const server = await createServer({
      config: config({ blue: 100 }, [servedDeployment(spec, model, script)]),
      logger: false,
      port: 0,
    });
    const { port } = await server.listen();
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/score',
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    req.on('error', () => {});
    req.end(JSON.stringify({ gate }));
    await until(() => server.deployments()[0]!.inFlight === 1, 'the request in flight');
    req.destroy();
    writeFileSync(gate, '');
    await until(() => server.deployments()[0]!.inFlight === 0, 'the scoring done');
    // waiting for the hung-up request would take the 120 s timeout
    const outcome = await Promise.race([
      server.close().then(() => 'closed'),
      new Promise((resolve) => setTimeout(resolve, 10_000, 'still draining')),
    ]);
    assert.equal(outcome, 'closed');
  });
});
