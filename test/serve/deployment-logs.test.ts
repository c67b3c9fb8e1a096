// Each deployment's own log (serve/logs/deployment-logs.ts) and `mlsweep deployment
// get-logs`: lines appended whole, rotated by rename at the size limit with `keep` files,
// read back newest last across the rotated files; at the logger's level; and end to end,
// a store served by `serveStore` writes a line per answer (and the scoring script's
// failure) under the store, which the CLI prints as text or as JSON.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DeploymentLogs,
  deploymentLogFolder,
  readDeploymentLog,
} from '../../src/serve/logs/deployment-logs.ts';
import { singleModelConfig } from '../../src/serve/single.ts';
import { deploymentLogRoot, serveStore } from '../../src/serve/store-server.ts';
import { sqliteSkip } from '../helpers/sqlite.ts';
import { assertOneLine, root as repoRoot, runCli } from '../hostile/helpers.ts';
import { post, saveModel, startServer, tempDir, writeScript } from './helpers.ts';

const dir = tempDir('deployment-logs');
const T0 = Date.UTC(2026, 11, 3, 12, 0, 0);
const model = saveModel(dir, 'classification');

describe('DeploymentLogs', () => {
  it('appends JSON lines at the level asked, rotates by rename keeping `keep` files, reads the last lines back', async () => {
    const root = join(dir, 'rotate');
    const errors: unknown[] = [];
    const logs = new DeploymentLogs({
      root,
      level: 'info',
      clock: () => T0,
      maxBytes: 1024,
      keep: 2,
      flushIntervalMs: 0,
      flushBytes: 1 << 20,
      onError: (e) => errors.push(e),
    });
    assert.equal(logs.enabled('debug'), false);
    logs.write('iris', 'blue', 'debug', 'not written');
    for (let i = 0; i < 40; i++) {
      logs.write('iris', 'blue', 'info', 'request completed', { reqId: `r${i}`, statusCode: 200 });
      if (i % 5 === 4) await logs.flush(); // an append of 5 lines (about 600 bytes) at a time
    }
    logs.write('iris', 'green', 'error', 'the scoring script failed', { reqId: 'g1', detail: 'boom' });
    await logs.close();
    logs.write('iris', 'blue', 'info', 'after close');
    assert.deepEqual(errors, []);
    const folder = deploymentLogFolder(root, 'iris', 'blue');
    assert.deepEqual(readdirSync(folder).sort(), ['server.log', 'server.log.1', 'server.log.2']);
    for (const name of readdirSync(folder)) {
      const text = readFileSync(join(folder, name), 'utf8');
      assert.ok(text.length <= 1024, `${name} stays under maxBytes`);
      assert.ok(text.endsWith('\n'));
    }
    const last = await readDeploymentLog(root, 'iris', 'blue', 12);
    assert.deepEqual(
      last.map((l) => JSON.parse(l).reqId),
      Array.from({ length: 12 }, (_, i) => `r${28 + i}`),
      'the last lines, oldest first, across the rotated files',
    );
    const first = JSON.parse(last[0]!);
    assert.deepEqual(first, {
      level: 30,
      time: T0,
      endpoint: 'iris',
      deployment: 'blue',
      reqId: 'r28',
      statusCode: 200,
      msg: 'request completed',
    });
    const all = await readDeploymentLog(root, 'iris', 'blue', 1000);
    assert.equal(all.length, 15, 'what the kept files hold: three appends of 5 lines');
    assert.deepEqual(
      (await readDeploymentLog(root, 'iris', 'green', 10)).map((l) => JSON.parse(l).detail),
      ['boom'],
    );
  });

  it('reads only whole lines, nothing from a deployment that logged nothing, and refuses unsafe names', async () => {
    const root = join(dir, 'read');
    const folder = deploymentLogFolder(root, 'e', 'd');
    const logs = new DeploymentLogs({ root, flushIntervalMs: 0 });
    logs.write('e', 'd', 'info', 'one');
    logs.write('e', '../x', 'info', 'refused');
    await logs.close();
    assert.equal(logs.dropped, 1, 'a name that is not a folder name is dropped and counted, never thrown');
    writeFileSync(join(folder, 'server.log'), `${readFileSync(join(folder, 'server.log'), 'utf8')}{"half`);
    assert.deepEqual(
      (await readDeploymentLog(root, 'e', 'd', 5)).map((l) => JSON.parse(l).msg),
      ['one'],
    );
    assert.deepEqual(await readDeploymentLog(root, 'e', 'none', 5), []);
    assert.throws(() => deploymentLogFolder(root, 'e', '..'), /cannot be a folder name/);
  });

  it('drops and counts lines beyond its buffer instead of growing', async () => {
    const logs = new DeploymentLogs({
      root: join(dir, 'bounded'),
      flushIntervalMs: 0,
      flushBytes: 1 << 20,
      maxBufferedBytes: 500,
    });
    for (let i = 0; i < 20; i++) logs.write('e', 'd', 'info', 'x'.repeat(50));
    assert.ok(logs.dropped > 0);
    await logs.close();
    assert.equal((await readDeploymentLog(join(dir, 'bounded'), 'e', 'd', 100)).length, 20 - logs.dropped);
  });
});

describe("a server's deployment logs", () => {
  it("logs each answer with its request id and a scoring script's failure with its message", async () => {
    const root = join(dir, 'server');
    const script = writeScript(dir);
    const { server, base } = await startServer({
      config: singleModelConfig({
        modelFile: model,
        name: 'e',
        deployment: 'blue',
        instanceCount: 1,
        scoringScript: script,
      }),
      deploymentLogRoot: root,
    });
    assert.equal((await post(`${base}/score`, { echo: 1 }, { 'x-request-id': 'fine' })).status, 200);
    assert.equal((await post(`${base}/score`, { fail: 'tea' }, { 'x-request-id': 'broken' })).status, 500);
    await server.close();
    const lines = (await readDeploymentLog(root, 'e', 'blue', 10)).map(
      (l) => JSON.parse(l) as Record<string, unknown>,
    );
    assert.deepEqual(
      lines.map((l) => [l.reqId, l.level, l.msg, l.statusCode ?? null]),
      [
        ['fine', 30, 'request completed', 200],
        ['broken', 50, 'the scoring script failed', null],
        ['broken', 30, 'request completed', 500],
      ],
    );
    assert.match(String(lines[1]!.detail), /boom: tea/);
  });
});

describe('mlsweep deployment get-logs', { skip: sqliteSkip }, () => {
  it('prints the lines a store server wrote for the deployment: one per answer, the failures', async () => {
    const store = join(dir, 'mlruns');
    const examples = join(repoRoot, 'examples', 'endpoints');
    const cli = (args: string[]) => runCli([...args, '--store', store]);
    assert.equal(cli(['endpoint', 'create', '-f', join(examples, 'endpoint.yml')]).code, 0);
    const made = cli(['deployment', 'create', '-f', join(examples, 'blue.yml'), '--all-traffic']);
    assert.equal(made.code, 0, made.stderr);
    const { primaryKey } = JSON.parse(cli(['endpoint', 'get-credentials', 'iris', '--json']).stdout) as {
      primaryKey: string;
    };
    const empty = cli(['deployment', 'get-logs', '--endpoint-name', 'iris', '--name', 'blue']);
    assert.equal(empty.code, 0, empty.stderr);
    assert.match(empty.stdout, /no log lines yet for deployment blue of endpoint iris/);

    const served = await serveStore(store, { port: 0, logger: false, threads: 1 });
    const { port } = await served.server.listen();
    const request = JSON.parse(readFileSync(join(examples, 'request.json'), 'utf8')) as unknown;
    const auth = { authorization: `Bearer ${primaryKey}` };
    assert.equal(
      (await post(`http://127.0.0.1:${port}/score`, request, { ...auth, 'x-request-id': 'ok-1' })).status,
      200,
    );
    assert.equal(
      (await post(`http://127.0.0.1:${port}/score`, { data: 'x' }, { ...auth, 'x-request-id': 'bad-1' }))
        .status,
      400,
    );
    await served.close();
    assert.ok(existsSync(join(deploymentLogRoot(store), 'iris', 'blue', 'server.log')));

    const json = cli(['deployment', 'get-logs', '--endpoint-name', 'iris', '--name', 'blue', '--json']);
    assert.equal(json.code, 0, json.stderr);
    const doc = JSON.parse(json.stdout) as {
      endpointName: string;
      name: string;
      lines: Array<Record<string, unknown>>;
    };
    assert.equal(doc.endpointName, 'iris');
    assert.deepEqual(
      doc.lines.map((l) => [l.reqId, l.statusCode, l.deployment, l.protocol, l.msg]),
      [
        ['ok-1', 200, 'blue', 'azure', 'request completed'],
        ['bad-1', 400, 'blue', 'azure', 'request completed'],
      ],
    );
    const text = cli(['deployment', 'get-logs', '--endpoint-name', 'iris', '--name', 'blue', '--lines', '1']);
    assert.equal(text.code, 0);
    assert.equal(text.stdout.trimEnd().split('\n').length, 1);
    assert.equal(JSON.parse(text.stdout).reqId, 'bad-1', '--lines 1: the last line');

    const unknown = cli(['deployment', 'get-logs', '--endpoint-name', 'iris', '--name', 'nope']);
    assert.equal(unknown.code, 2, unknown.stderr);
    assertOneLine(unknown.stderr, /nope/);
    const bad = cli(['deployment', 'get-logs', '--endpoint-name', 'iris', '--name', 'blue', '--lines', '0']);
    assert.equal(bad.code, 2);
    assertOneLine(bad.stderr.trimEnd().split('\n')[0]!, /--lines <n>' argument '0' is invalid/);
  });
});
