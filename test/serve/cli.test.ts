// `mlsweep serve --model` as a child process: options checked before starting (one line,
// exit 2), `listening on http://HOST:PORT` on stderr when ready, a generated key beyond
// loopback, and SIGTERM / SIGINT draining to exit 0.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EndpointStore } from '../../src/registry/endpoint-store.ts';
import { parseDeploymentYaml, parseEndpointYaml } from '../../src/serve/endpoint-spec.ts';
import { sqliteSkip } from '../helpers/sqlite.ts';
import { assertOneLine, type RunningCli, runCli, startCli } from '../hostile/helpers.ts';
import { get, post, saveModel, tempDir, until, writeScript } from './helpers.ts';

const dir = tempDir('cli');
const model = saveModel(dir, 'classification');
const ROWS = { data: [[0.9, 0.8, 'Paris']] };

/** Waits for the listening line; answers the URL. */
async function listening(cli: RunningCli): Promise<string> {
  await until(
    () => /listening on http:\/\/\S+/.test(cli.stderr()) || cli.child.exitCode !== null,
    'the listening line',
  );
  const url = /listening on (http:\/\/\S+)/.exec(cli.stderr())?.[1];
  assert.ok(url, cli.stderr());
  return url;
}

describe('mlsweep serve', () => {
  it('a missing model file, a bad port or a bad name: one line, exit 2, nothing started', () => {
    const cases: Array<[string[], RegExp]> = [
      [['--model', `${dir}/none.json`], /--model: the model file .*none\.json does not exist/],
      [['--model', model, '--port', '70000'], /'70000' is invalid\. expected an integer >= 0 and <= 65535/],
      [['--model', model, '--workers', '0'], /'0' is invalid\. expected an integer >= 1/],
      [['--model', model, '--name', 'a b'], /--name: invalid endpoint name "a b"/],
      [[], /give --model FILE \(one model\), or --store DIR/],
      [['--store', `${dir}/no-store`], /--store: .*no-store does not exist/],
      [['--store', dir, '--key', 'abcdefghij'], /--key is for --model/],
      [['--model', model, '--key', 'short'], /--key must be at least 8 characters/],
    ];
    for (const [args, pattern] of cases) {
      const r = runCli(['serve', ...args]);
      assert.equal(r.code, 2, r.stderr);
      const first = r.stderr.trimEnd().split('\n')[0]!;
      assertOneLine(first, pattern);
    }
  });

  it('serves the model, prints where, and drains on SIGTERM to exit 0', async () => {
    const cli = startCli([
      'serve',
      '--model',
      model,
      '--name',
      'iris',
      '--port',
      '0',
      '--workers',
      '1',
      '--json',
    ]);
    const url = await listening(cli);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const r = await post(`${url}/endpoints/iris/score`, ROWS);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, ['yes']);
    await until(() => cli.stdout().includes('}'), 'the JSON document');
    assert.equal(JSON.parse(cli.stdout()).url, url);
    cli.child.kill('SIGTERM');
    const done = await cli.done;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /stopping: finishing requests in flight/);
    assert.match(done.stderr, /\nstopped\n/);
  });

  it('beyond loopback without --key: a key is generated and required; SIGINT exits 0', async () => {
    const cli = startCli(['serve', '--model', model, '--host', '0.0.0.0', '--port', '0', '--workers', '1']);
    const url = await listening(cli);
    const key = /key: (\S+) \(generated/.exec(cli.stderr())?.[1];
    assert.ok(key, cli.stderr());
    const local = url.replace('0.0.0.0', '127.0.0.1');
    assert.equal((await post(`${local}/score`, ROWS)).status, 401);
    assert.equal((await post(`${local}/score`, ROWS, { authorization: `Bearer ${key}` })).status, 200);
    cli.child.kill('SIGINT');
    assert.equal((await cli.done).code, 0);
  });

  it('--store serves every endpoint of the store with its keys, and applies a change live', {
    skip: sqliteSkip,
  }, async () => {
    const storeDir = join(dir, 'mlruns');
    saveModel(dir, 'classification', 'green.json', 1);
    const endpoints = new EndpointStore({ dir: storeDir });
    try {
      endpoints.createOrUpdateEndpoint(parseEndpointYaml('name: iris\n').spec);
      const deployment = (text: string) => parseDeploymentYaml(text, { baseDir: dir }).spec;
      endpoints.createOrUpdateDeployment(
        deployment('name: blue\nendpoint_name: iris\nmodel: classification.json\ninstance_count: 1\n'),
        {
          allTraffic: true,
        },
      );
      const cli = startCli(['serve', '--store', storeDir, '--port', '0', '--log-level', 'warn']);
      const url = await listening(cli);
      const { primaryKey } = endpoints.getCredentials('iris');
      const auth = { authorization: `Bearer ${primaryKey}` };
      assert.equal((await post(`${url}/endpoints/iris/score`, ROWS)).status, 401);
      const blue = await post(`${url}/endpoints/iris/score`, ROWS, auth);
      assert.equal(blue.headers.get('azureml-model-deployment'), 'blue');
      endpoints.createOrUpdateDeployment(
        deployment('name: green\nendpoint_name: iris\nmodel: green.json\ninstance_count: 1\n'),
        {
          allTraffic: true,
        },
      );
      await until(async () => {
        const r = await post(`${url}/score`, ROWS, auth);
        assert.equal(r.status, 200);
        return r.headers.get('azureml-model-deployment') === 'green';
      }, 'green serving after the store changed');
      cli.child.kill('SIGTERM');
      const done = await cli.done;
      assert.equal(done.code, 0, done.stderr);
    } finally {
      endpoints.close();
    }
  });

  it('--tracking mounts the MLflow tracking API beside the scoring routes; beyond loopback behind its own key', {
    skip: sqliteSkip,
  }, async () => {
    const storeDir = join(dir, 'mlruns-tracking');
    const cli = startCli([
      'serve',
      '--model',
      model,
      '--store',
      storeDir,
      '--tracking',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--workers',
      '1',
      '--log-level',
      'warn',
      '--json',
    ]);
    const url = (await listening(cli)).replace('0.0.0.0', '127.0.0.1');
    await until(() => cli.stdout().includes('}'), 'the JSON document');
    const doc = JSON.parse(cli.stdout()) as { key: string; trackingKey: string };
    assert.ok(doc.trackingKey && doc.trackingKey !== doc.key, cli.stdout());
    const create = `${url}/api/2.0/mlflow/experiments/create`;
    const refused = await post(create, { name: 'from-mlflow' });
    assert.equal(refused.status, 401);
    assert.equal((refused.body as { error_code: string }).error_code, 'UNAUTHENTICATED');
    // the scoring key does not open the tracking API, nor the tracking key the endpoint
    assert.equal((await post(create, { name: 'x' }, { authorization: `Bearer ${doc.key}` })).status, 401);
    assert.equal(
      (await post(`${url}/score`, ROWS, { authorization: `Bearer ${doc.trackingKey}` })).status,
      401,
    );
    const made = await post(create, { name: 'from-mlflow' }, { authorization: `Bearer ${doc.trackingKey}` });
    assert.equal(made.status, 200);
    assert.match((made.body as { experiment_id: string }).experiment_id, /^\d+$/);
    assert.equal((await post(`${url}/score`, ROWS, { authorization: `Bearer ${doc.key}` })).status, 200);
    const bad = runCli(['serve', '--model', model, '--tracking-key', 'abcdefghij']);
    assert.equal(bad.code, 2);
    assertOneLine(bad.stderr, /--tracking-key needs --tracking/);
    cli.child.kill('SIGTERM');
    assert.equal((await cli.done).code, 0);
  });

  it('SIGTERM with a request in flight: new ones get 503, it finishes, then exit 0', {
    skip: sqliteSkip,
  }, async () => {
    const storeDir = join(dir, 'mlruns-drain');
    const code = join(dir, 'drain-code');
    mkdirSync(code);
    writeScript(code);
    const gate = join(dir, 'drain-gate');
    const endpoints = new EndpointStore({ dir: storeDir });
    try {
      endpoints.createOrUpdateEndpoint(parseEndpointYaml('name: slow\n').spec);
      endpoints.createOrUpdateDeployment(
        parseDeploymentYaml(
          'name: blue\nendpoint_name: slow\nmodel: classification.json\ninstance_count: 1\ncode_configuration: {code: drain-code, scoring_script: score.mjs}\n',
          { baseDir: dir },
        ).spec,
        { allTraffic: true },
      );
      const cli = startCli(['serve', '--store', storeDir, '--port', '0', '--log-level', 'warn']);
      const url = await listening(cli);
      const auth = { authorization: `Bearer ${endpoints.getCredentials('slow').primaryKey}` };
      const inFlight = post(`${url}/score`, { gate, echo: 'done' }, auth);
      // the in-flight gauge of /metrics says when the request is being scored
      await until(
        async () =>
          /mlsweep_requests_in_flight\{endpoint="slow",deployment="blue"\} 1/.test(
            (await get(`${url}/metrics`)).body,
          ),
        'the request in flight',
      );
      cli.child.kill('SIGTERM');
      await until(() => cli.stderr().includes('stopping'), 'the drain');
      const late = await post(`${url}/score`, { echo: 'late' }, auth);
      assert.equal(late.status, 503);
      writeFileSync(gate, '');
      const finished = await inFlight;
      assert.equal(finished.status, 200);
      assert.equal(finished.body.echo, 'done');
      const done = await cli.done;
      assert.equal(done.code, 0, done.stderr);
    } finally {
      endpoints.close();
    }
  });
});
