// A deployment's `environment`, applied: a real Node environment built from a spec (a
// package.json whose one dependency is a local tarball, so `npm ci --offline` needs no
// network), served by a real server on 127.0.0.1 and by a batch job. The scoring module
// imports the environment's package (ES import and require) and reads its variables.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { Environments } from '../../src/environment/registry.ts';
import { readEnvironmentFile, readEnvironmentObject } from '../../src/environment/spec.ts';
import { BatchEndpointStore } from '../../src/registry/batch-endpoint-store.ts';
import { EndpointStore } from '../../src/registry/endpoint-store.ts';
import { ModelRegistry } from '../../src/registry/model-registry.ts';
import { runBatchJob } from '../../src/serve/batch/job.ts';
import { readBatchDeploymentFile, readBatchEndpointFile } from '../../src/serve/batch/spec.ts';
import { checkDeploymentFiles, type WatchTimer } from '../../src/serve/catalog.ts';
import { type ServedEnvironment, threadEnvironment } from '../../src/serve/deployment-environment.ts';
import { readDeploymentFile, readEndpointFile } from '../../src/serve/endpoint-spec.ts';
import { serveStore } from '../../src/serve/store-server.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { noVenv } from '../environment/helpers.ts';
import { saveModel, tempDir } from './helpers.ts';

const manualTimer: WatchTimer = { setInterval: () => 0, clearInterval: () => undefined };

/** A tarball of the package `greeter` (ESM and CommonJS entry points) and a Node project depending on it. */
function nodeEnvironment(dir: string, greeting: string): string {
  const pkg = join(dir, 'greeter');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(
    join(pkg, 'package.json'),
    JSON.stringify({
      name: 'greeter',
      version: '1.0.0',
      type: 'module',
      exports: { import: './index.js', require: './index.cjs' },
    }),
  );
  writeFileSync(join(pkg, 'index.js'), `export const greet = (x) => \`${greeting} \${x}\`;\n`);
  writeFileSync(join(pkg, 'index.cjs'), `exports.greet = (x) => \`${greeting} \${x} (cjs)\`;\n`);
  const packed = spawnSync('npm', ['pack', '--silent', '--pack-destination', dir], {
    cwd: pkg,
    encoding: 'utf8',
  });
  assert.equal(packed.status, 0, packed.stderr);
  const tarball = join(dir, packed.stdout.trim().split('\n').at(-1)!);
  const integrity = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  const project = join(dir, 'project');
  mkdirSync(project);
  const manifest = {
    name: 'score-env',
    version: '1.0.0',
    private: true,
    dependencies: { greeter: `file:${tarball}` },
  };
  writeFileSync(join(project, 'package.json'), JSON.stringify(manifest));
  writeFileSync(
    join(project, 'package-lock.json'),
    JSON.stringify({
      name: 'score-env',
      version: '1.0.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': manifest,
        'node_modules/greeter': { version: '1.0.0', resolved: `file:${tarball}`, integrity },
      },
    }),
  );
  const envFile = join(dir, 'env.yml');
  writeFileSync(
    envFile,
    'name: score-env\nversion: 1\nbuild:\n  path: project\nenvironment_variables:\n  WHO: the environment\n',
  );
  return envFile;
}

/** A scoring module importing `greeter` both ways, answering what it sees. */
const SCRIPT = `import { createRequire } from 'node:module';
import { greet } from 'greeter';
const require = createRequire(import.meta.url);
const cjs = require('greeter');
export function init() {}
export function run(body) {
  return { esm: greet(process.env.WHO), cjs: cjs.greet('c'), modelDir: process.env.AZUREML_MODEL_DIR };
}
`;

describe('a deployment with an environment', () => {
  it('serves its scoring module inside a built Node environment: its packages resolve, its variables are set (in the scoring threads only)', async () => {
    const dir = tempDir('deploy-env');
    const storeDir = join(dir, 'mlruns');
    const store = new SqliteStore({ dir: storeDir });
    const envFile = nodeEnvironment(dir, 'hello');
    const registered = new Environments(store).register(readEnvironmentFile(envFile).definition);
    store.close();
    saveModel(dir, 'classification', 'model.json');
    mkdirSync(join(dir, 'code'));
    writeFileSync(join(dir, 'code', 'score.mjs'), SCRIPT);
    writeFileSync(join(dir, 'endpoint.yml'), 'name: greet\nauth_mode: key\n');
    writeFileSync(
      join(dir, 'blue.yml'),
      'name: blue\nendpoint_name: greet\nmodel: model.json\ncode_configuration:\n  code: code\n  scoring_script: score.mjs\nenvironment: azureml:score-env@latest\n',
    );
    const read = readDeploymentFile(join(dir, 'blue.yml'));
    assert.equal(read.spec.environment, 'azureml:score-env@latest');
    assert.ok(!read.notices.some((n) => /environment/.test(n)), read.notices.join('; '));
    const endpoints = new EndpointStore({ dir: storeDir });
    endpoints.createOrUpdateEndpoint(readEndpointFile(join(dir, 'endpoint.yml')).spec);
    endpoints.createOrUpdateDeployment(read.spec, { allTraffic: true });
    const key = endpoints.getCredentials('greet').primaryKey;

    const logged: Array<Record<string, unknown>> = [];
    const served = await serveStore(storeDir, {
      port: 0,
      threads: 1,
      timer: manualTimer,
      log: assert.fail,
      logger: {
        level: 'info',
        stream: new Writable({
          write(chunk: Buffer, _encoding, done) {
            for (const line of chunk
              .toString('utf8')
              .split('\n')
              .filter((l) => l !== ''))
              logged.push(JSON.parse(line) as Record<string, unknown>);
            done();
          },
        }),
      },
    });
    try {
      const { port } = await served.server.listen();
      const r = await fetch(`http://127.0.0.1:${port}/endpoints/greet/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: '{}',
      });
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), {
        esm: 'hello the environment',
        cjs: 'hello c (cjs)',
        modelDir: dir,
      });
      // the variables are the scoring threads' own: this process is unchanged
      assert.equal(process.env.WHO, undefined);
      // which environment it runs in: logged when it starts, and listed with the deployment
      const state = served.server.deployments().find((d) => d.deployment === 'blue')!;
      assert.deepEqual(state.environment, { name: 'score-env', version: '1', hash: registered.hash });
      const line = logged.find((l) => l.msg === 'environment')!;
      assert.equal(line.environment, 'score-env:1');
      assert.equal(line.hash, registered.hash);
    } finally {
      await served.close();
    }
  });

  it('runs a batch job scoring module inside it and records the environment on the job run', async () => {
    const dir = tempDir('batch-env');
    const store = new SqliteStore({ dir: join(dir, 'mlruns') });
    try {
      const envFile = nodeEnvironment(dir, 'hi');
      saveModel(dir, 'classification', 'model.json');
      mkdirSync(join(dir, 'code'));
      writeFileSync(
        join(dir, 'code', 'score.mjs'),
        `import { greet } from 'greeter';
export function run(miniBatch) { return miniBatch.map((f) => ({ file: f.split('/').pop(), says: greet(process.env.WHO) })); }
`,
      );
      mkdirSync(join(dir, 'data'));
      writeFileSync(join(dir, 'data', 'a.csv'), 'x1\n1\n');
      writeFileSync(join(dir, 'endpoint.yml'), 'name: scores\n');
      writeFileSync(
        join(dir, 'deployment.yml'),
        // the env.yml path is read relative to the code folder
        `name: module\nendpoint_name: scores\nmodel: ./model.json\ncode_configuration:\n  code: ./code\n  scoring_script: score.mjs\nenvironment: ${envFile}\n`,
      );
      const batch = new BatchEndpointStore({ store });
      batch.createOrUpdateEndpoint(readBatchEndpointFile(join(dir, 'endpoint.yml')).spec);
      batch.createOrUpdateDeployment(readBatchDeploymentFile(join(dir, 'deployment.yml')).spec, {
        setDefault: true,
      });
      const lines: string[] = [];
      const summary = await runBatchJob({
        store,
        endpoint: 'scores',
        input: join(dir, 'data'),
        log: (l) => lines.push(l),
      });
      assert.equal(summary.status, 'Completed', summary.reason);
      assert.deepEqual(readFileSync(summary.output!, 'utf8').trim().split('\n'), [
        'file,says',
        'a.csv,hi the environment',
      ]);
      const tags = store.run(summary.jobId).tags;
      assert.equal(tags['mlsweep.environment'], 'score-env:1');
      assert.match(tags['mlsweep.environment.hash']!, /^[0-9a-f]{64}$/);
      assert.ok(
        lines.some((l) => l.startsWith('environment score-env:1')),
        lines.join('\n'),
      );
    } finally {
      store.close();
    }
  });

  it("gives a scoring module in a conda environment its venv: the python it spawns is the environment's", {
    skip: noVenv,
  }, async () => {
    const dir = tempDir('deploy-env-conda');
    const storeDir = join(dir, 'mlruns');
    saveModel(dir, 'classification', 'model.json');
    mkdirSync(join(dir, 'code'));
    writeFileSync(
      join(dir, 'code', 'score.mjs'),
      `import { execFileSync } from 'node:child_process';
export function run() {
  const prefix = execFileSync('python', ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).trim();
  return { prefix, venv: process.env.VIRTUAL_ENV, stage: process.env.STAGE };
}
`,
    );
    writeFileSync(join(dir, 'endpoint.yml'), 'name: python\nauth_mode: key\n');
    writeFileSync(
      join(dir, 'blue.yml'),
      [
        'name: blue',
        'endpoint_name: python',
        'model: model.json',
        'code_configuration: {code: code, scoring_script: score.mjs}',
        'environment:',
        '  name: pyenv',
        '  conda_file: {dependencies: [python=3]}',
        '  environment_variables: {STAGE: scoring}',
      ].join('\n'),
    );
    const endpoints = new EndpointStore({ dir: storeDir });
    endpoints.createOrUpdateEndpoint(readEndpointFile(join(dir, 'endpoint.yml')).spec);
    endpoints.createOrUpdateDeployment(readDeploymentFile(join(dir, 'blue.yml')).spec, { allTraffic: true });
    const key = endpoints.getCredentials('python').primaryKey;
    const served = await serveStore(storeDir, {
      port: 0,
      threads: 1,
      timer: manualTimer,
      log: assert.fail,
      logger: false,
    });
    try {
      const { port } = await served.server.listen();
      const r = await fetch(`http://127.0.0.1:${port}/endpoints/python/score`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: '{}',
      });
      assert.equal(r.status, 200);
      const body = (await r.json()) as { prefix: string; venv: string; stage: string };
      const hash = served.server.deployments()[0]!.environment!.hash;
      assert.equal(body.venv, join(storeDir, 'environments', hash, 'venv'));
      assert.equal(realpathSync(body.prefix), realpathSync(body.venv));
      assert.equal(body.stage, 'scoring');
    } finally {
      await served.close();
      endpoints.close();
    }
  });

  it('is checked when the deployment is created: an unknown environment is named before anything is stored', () => {
    const dir = tempDir('deploy-env-check');
    const store = new SqliteStore({ dir: join(dir, 'mlruns') });
    try {
      saveModel(dir, 'classification', 'model.json');
      mkdirSync(join(dir, 'code'));
      writeFileSync(join(dir, 'code', 'score.mjs'), SCRIPT);
      writeFileSync(
        join(dir, 'blue.yml'),
        'name: blue\nendpoint_name: greet\nmodel: model.json\ncode_configuration:\n  code: code\n  scoring_script: score.mjs\nenvironment: azureml:nope:3\n',
      );
      const { spec } = readDeploymentFile(join(dir, 'blue.yml'));
      assert.throws(
        () => checkDeploymentFiles(spec, new ModelRegistry({ store })),
        /^ValidationError: deployment blue: environment azureml:nope:3: .*nope/,
      );
      // a curated one is fine
      checkDeploymentFiles(
        { ...spec, environment: `mlsweep-node-${process.version.slice(1).split('.')[0]}` },
        new ModelRegistry({ store }),
      );
    } finally {
      store.close();
    }
  });

  it('runs the scoring module of an image environment in a container (docker run -i of the image), the model on the threads', async () => {
    const dir = tempDir('deploy-env-image');
    // a stand-in docker: logs its argv, then runs what follows the image name (here, on the host)
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    writeFileSync(
      join(bin, 'docker'),
      `#!/bin/sh\nprintf '%s\\n' "$*" > "${join(dir, 'docker.log')}"\nwhile [ "$1" != "example/scorer:1" ]; do shift; done\nshift\nexec "$@"\n`,
    );
    chmodSync(join(bin, 'docker'), 0o755);
    const storeDir = join(dir, 'mlruns');
    const store = new SqliteStore({ dir: storeDir });
    writeFileSync(
      join(dir, 'env.yml'),
      'name: scorer-image\nversion: 1\nimage: example/scorer:1\nenvironment_variables:\n  WHO: the container\n',
    );
    new Environments(store).register(readEnvironmentFile(join(dir, 'env.yml')).definition);
    store.close();
    saveModel(dir, 'classification', 'model.json');
    mkdirSync(join(dir, 'code'));
    writeFileSync(
      join(dir, 'code', 'score.mjs'),
      `let calls = 0;
export function init() { console.log('a line the module prints'); }
export function run(body) {
  if (body.fail) throw new Error('no: ' + body.fail);
  return { who: process.env.WHO, modelDir: process.env.AZUREML_MODEL_DIR, echo: body.x, calls: ++calls };
}
`,
    );
    writeFileSync(join(dir, 'endpoint.yml'), 'name: boxed\nauth_mode: key\n');
    writeFileSync(
      join(dir, 'blue.yml'),
      'name: blue\nendpoint_name: boxed\nmodel: model.json\ncode_configuration:\n  code: code\n  scoring_script: score.mjs\nenvironment: azureml:scorer-image:1\n',
    );
    const endpoints = new EndpointStore({ dir: storeDir });
    endpoints.createOrUpdateEndpoint(readEndpointFile(join(dir, 'endpoint.yml')).spec);
    endpoints.createOrUpdateDeployment(readDeploymentFile(join(dir, 'blue.yml')).spec, { allTraffic: true });
    const key = endpoints.getCredentials('boxed').primaryKey;
    const path = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${path}`;
    let served: Awaited<ReturnType<typeof serveStore>> | undefined;
    try {
      served = await serveStore(storeDir, {
        port: 0,
        threads: 1,
        timer: manualTimer,
        log: assert.fail,
        logger: false,
      });
      const { port } = await served.server.listen();
      const score = async (body: unknown) => {
        const r = await fetch(`http://127.0.0.1:${port}/endpoints/boxed/score`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
          body: JSON.stringify(body),
        });
        return { status: r.status, body: (await r.json()) as unknown };
      };
      assert.deepEqual(await score({ x: 1 }), {
        status: 200,
        body: { who: 'the container', modelDir: dir, echo: 1, calls: 1 },
      });
      assert.deepEqual((await score({ x: 2 })).body, {
        who: 'the container',
        modelDir: dir,
        echo: 2,
        calls: 2,
      });
      const failed = await score({ fail: 'bad' });
      assert.equal(failed.status, 500);
      assert.match(JSON.stringify(failed.body), /the scoring script failed/);
      const argv = readFileSync(join(dir, 'docker.log'), 'utf8');
      assert.match(argv, /^run --rm -i -v (\S+):\1:ro -v (\S+):\2:ro -w /);
      assert.ok(argv.includes(`-v ${join(dir, 'code')}:${join(dir, 'code')}:ro`), argv);
      // variables go by name, their values never in the argv
      assert.ok(
        argv.includes(' -e WHO -e AZUREML_MODEL_DIR example/scorer:1 node --input-type=module -e '),
        argv,
      );
      assert.ok(!argv.includes('the container'), argv);
      assert.equal(process.env.WHO, undefined);
    } finally {
      process.env.PATH = path;
      await served?.close();
      endpoints.close();
    }
  });

  it('names the missing container runtime of an image: neither docker nor podman on PATH', async () => {
    const dir = tempDir('deploy-env-image-missing');
    const definition = readEnvironmentObject(
      { name: 'img', version: '1', image: 'python:3.11-slim' },
      { file: 'inline', baseDir: dir },
    ).definition;
    const served: ServedEnvironment = {
      name: 'img',
      version: '1',
      hash: 'h',
      kind: 'image',
      definition,
      storeDir: dir,
    };
    const empty = join(dir, 'empty-bin');
    mkdirSync(empty);
    await assert.rejects(
      threadEnvironment(served, 'blue', { PATH: empty }),
      /deployment blue: environment img:1: image python:3.11-slim needs docker or podman on PATH/,
    );
  });
});
