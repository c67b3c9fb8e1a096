// The build context's entrypoint, run without a container: `node entrypoint.mjs` in the
// packaged folder, with mlsweep taken from this checkout (MLSWEEP_MODULE, through tsx),
// serving the packaged model on a free port of 127.0.0.1.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, sep } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AutoMLPipeline } from '../../src/automl/pipeline.ts';
import { Featurizer } from '../../src/data/featurizer.ts';
import { Table } from '../../src/data/table.ts';
import { RandomForestClassifier } from '../../src/models/index.ts';
import { DEFAULT_PROBE, type DeploymentSpec, type EndpointSpec } from '../../src/registry/endpoint-types.ts';
import { packageEndpoint } from '../../src/serve/package/package-endpoint.ts';
import type { ServedEndpoint } from '../../src/serve/types.ts';

const serverModule = fileURLToPath(new URL('../../src/serve/server.ts', import.meta.url));
const tsx = import.meta.resolve('tsx');
const waiting = existsSync(serverModule) ? false : 'waiting for src/serve/server.ts';

// The server comes from this checkout at run time (not imported here), so that this file
// loads, and says why it skips, in a tree where the server is not there yet.

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlsweep-package-entrypoint-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A seeded forest over x1, x2 and a city, classes `no`/`yes` (yes when x1 + x2 > 1), saved as `dir/file`. */
function saveModel(dir: string, file: string, trees: number): string {
  let s = 7;
  const next = () => {
    s = (s * 16807) % 2147483647;
    return s / 2147483647;
  };
  const n = 60;
  const x1 = Float64Array.from({ length: n }, next);
  const x2 = Float64Array.from({ length: n }, next);
  const city = Array.from({ length: n }, (_, i) => ['Paris', 'Lyon', 'Nice'][i % 3]!);
  const labels = Array.from({ length: n }, (_, i) => (x1[i]! + x2[i]! > 1 ? 1 : 0));
  const table = new Table([
    { name: 'x1', kind: 'numeric', values: x1 },
    { name: 'x2', kind: 'numeric', values: x2 },
    { name: 'city', kind: 'categorical', values: city },
  ]);
  const featurizer = new Featurizer();
  const X = featurizer.fitTransform(table, {
    task: 'classification',
    codes: Int32Array.from(labels),
    nClasses: 2,
  });
  const estimator = new RandomForestClassifier({ nEstimators: trees, seed: 1 }).fit(X, labels);
  const pipeline = new AutoMLPipeline({
    task: 'classification',
    target: 'label',
    classes: ['no', 'yes'],
    featurizer,
    members: [{ name: 'RandomForest', weight: 1, scaled: false, estimator }],
    primaryMetric: 'accuracy',
    validationScore: 0.9,
  });
  const path = join(dir, file);
  pipeline.save(path);
  return path;
}

const keys = {
  primaryKey: 'packaged-primary',
  secondaryKey: 'packaged-secondary',
  tokenSecret: 'packaged-token',
};

function deployment(name: string, model: string): DeploymentSpec {
  return {
    name,
    endpointName: 'iris',
    description: '',
    tags: {},
    model,
    instanceCount: 1,
    requestSettings: {
      requestTimeoutMs: 5000,
      maxConcurrentRequestsPerInstance: 64,
      maxBodyBytes: 1_000_000,
    },
    livenessProbe: DEFAULT_PROBE,
    readinessProbe: DEFAULT_PROBE,
    scaleSettings: { type: 'default' },
  };
}

/** An endpoint of two deployments of a fitted classifier, all traffic to blue, packaged. */
function packaged(): string {
  const dir = tempDir();
  const blueModel = saveModel(dir, 'blue.json', 5);
  const greenModel = saveModel(dir, 'green.json', 7);
  const spec: EndpointSpec = {
    name: 'iris',
    description: '',
    tags: {},
    authMode: 'key',
    traffic: { blue: 100, green: 0 },
    mirrorTraffic: {},
  };
  const endpoint: ServedEndpoint = {
    spec,
    credentials: keys,
    deployments: [
      {
        spec: {
          ...deployment('blue', blueModel),
          // a folder of this machine: the packaged entrypoint writes to MLSWEEP_DATA_DIR instead
          dataCollector: {
            modelInputs: true,
            modelOutputs: true,
            rollingRate: 'hour',
            samplingRate: 1,
            destination: join(dir, 'not-here'),
          },
        },
        modelFile: blueModel,
        modelDir: dir,
        revision: 'blue-1',
      },
      { spec: deployment('green', greenModel), modelFile: greenModel, modelDir: dir, revision: 'green-1' },
    ],
  };
  const out = join(dir, 'context');
  packageEndpoint(endpoint, out);
  return out;
}

/** Runs the context's entrypoint with this checkout's server; resolves when it listens (or exits). */
function run(
  context: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; base?: string; exit?: number | null; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', tsx, 'entrypoint.mjs'], {
    cwd: context,
    env: { ...process.env, MLSWEEP_MODULE: serverModule, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  return new Promise((done) => {
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match) done({ child, base: match[1]!, stderr: () => stderr });
    });
    child.on('exit', (code) => done({ child, exit: code, stderr: () => stderr }));
  });
}

const row = {
  columns: ['x1', 'x2', 'city'],
  data: [
    [0.9, 0.8, 'Paris'],
    [0.1, 0.05, 'Lyon'],
  ],
};

describe('the packaged entrypoint, without a container', { skip: waiting }, () => {
  const context = packaged();

  it('serves the packaged model: ready, scores with a key, refuses without, pins by header, drains on SIGTERM', async () => {
    const { child, base, stderr } = await run(context, {
      MLSWEEP_PRIMARY_KEY: keys.primaryKey,
      MLSWEEP_SECONDARY_KEY: keys.secondaryKey,
      MLSWEEP_TOKEN_SECRET: keys.tokenSecret,
      MLSWEEP_DATA_DIR: join(context, 'collected'),
    });
    assert.ok(base !== undefined, `the entrypoint did not start:\n${stderr()}`);
    const ready = await fetch(`${base}/v2/health/ready`);
    assert.equal(ready.status, 200);
    const score = (headers: Record<string, string>) =>
      fetch(`${base}/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ input_data: row }),
      });
    const scored = await score({ authorization: `Bearer ${keys.primaryKey}` });
    assert.equal(scored.status, 200);
    assert.equal(scored.headers.get('azureml-model-deployment'), 'blue');
    const predictions = (await scored.json()) as unknown[];
    assert.equal(predictions.length, 2);
    assert.ok(
      predictions.every((p) => p === 'yes' || p === 'no'),
      JSON.stringify(predictions),
    );
    assert.equal((await score({ authorization: `Bearer ${keys.secondaryKey}` })).status, 200);
    assert.equal((await score({})).status, 401);
    assert.equal((await score({ authorization: 'Bearer wrong' })).status, 401);
    const pinned = await score({
      authorization: `Bearer ${keys.primaryKey}`,
      'azureml-model-deployment': 'green',
    });
    assert.equal(pinned.status, 200);
    assert.equal(pinned.headers.get('azureml-model-deployment'), 'green');
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
    // what blue scored was collected under MLSWEEP_DATA_DIR, in finished parts
    const collected = (readdirSync(join(context, 'collected'), { recursive: true }) as string[])
      .map((f) => f.split(sep).join('/'))
      .filter((f) => f.endsWith('.jsonl'));
    assert.ok(
      collected.some((f) => /^iris\/blue\/model_inputs\/\d{4}\/\d{2}\/\d{2}\/\d{2}\//.test(f)),
      collected.join(', '),
    );
    assert.ok(collected.some((f) => f.startsWith('iris/blue/model_outputs/')));
    assert.ok(!collected.some((f) => f.startsWith('iris/green/')), 'green collects nothing');
    assert.equal(
      existsSync(join(dirname(context), 'not-here')),
      false,
      'not the destination of the packaging machine',
    );
  });

  it('serves one deployment alone with MLSWEEP_DEPLOYMENT, as each Kubernetes Deployment does', async () => {
    const { child, base, stderr } = await run(context, {
      MLSWEEP_PRIMARY_KEY: keys.primaryKey,
      MLSWEEP_SECONDARY_KEY: keys.secondaryKey,
      MLSWEEP_TOKEN_SECRET: keys.tokenSecret,
      MLSWEEP_DEPLOYMENT: 'green',
      MLSWEEP_INSTANCE_COUNT: '1',
    });
    assert.ok(base !== undefined, `the entrypoint did not start:\n${stderr()}`);
    const scored = await fetch(`${base}/score`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${keys.primaryKey}` },
      body: JSON.stringify({ input_data: row }),
    });
    assert.equal(scored.status, 200);
    // green took 0% of the endpoint's traffic; alone in its pod it takes all of it
    assert.equal(scored.headers.get('azureml-model-deployment'), 'green');
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });

  it('refuses to serve a keyed endpoint open when its keys are not in the environment', async () => {
    const { exit, stderr } = await run(context, {});
    assert.equal(exit, 2);
    assert.match(
      stderr(),
      /endpoint iris authenticates callers \(key\): set MLSWEEP_PRIMARY_KEY, MLSWEEP_SECONDARY_KEY, MLSWEEP_TOKEN_SECRET/,
    );
  });

  it('names the deployments when MLSWEEP_DEPLOYMENT names none of them', async () => {
    const { exit, stderr } = await run(context, { MLSWEEP_DEPLOYMENT: 'purple' });
    assert.equal(exit, 2);
    assert.match(
      stderr(),
      /MLSWEEP_DEPLOYMENT=purple: endpoint iris has no such deployment \(it has blue, green\)/,
    );
  });
});
