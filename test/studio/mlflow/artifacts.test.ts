// The mlflow-artifacts proxy on a real server: uploads (streamed, atomic), downloads,
// listings and deletes, a run's artifact_uri mapped onto mlsweep's artifact folder, the
// older artifacts/list route, and paths that try to leave the artifact root.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { startServer } from './registry-helpers.ts';

/** A request sent as written (fetch would normalise `..` away). */
function raw(
  url: string,
  method: string,
  path: string,
  body?: Buffer,
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ hostname, port, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        done({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', fail);
    req.end(body);
  });
}

describe('mlflow-artifacts routes', () => {
  it("uploads, downloads, lists and deletes a run's artifacts where mlsweep keeps them", async () => {
    const s = await startServer('artifacts');
    const run = s.store.createRun({ experiment: 'iris' });
    const base = `${s.url}/api/2.0/mlflow-artifacts/artifacts/${run.experimentId}/${run.id}/artifacts`;
    const bytes = randomBytes(300_000);
    const put = await fetch(`${base}/model/model.pkl`, {
      method: 'PUT',
      body: bytes,
      headers: { 'content-type': 'application/octet-stream' },
    });
    assert.equal(put.status, 200);
    assert.deepEqual(await put.json(), {});
    // a JSON file is uploaded as application/json and stored as sent, not parsed
    const json = '{"flavors": {"python_function": {}}}';
    const putJson = await fetch(`${base}/model/MLmodel.json`, {
      method: 'PUT',
      body: json,
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(putJson.status, 200);
    // where mlsweep keeps the run's artifacts
    assert.deepEqual(s.store.listArtifacts(run.id), ['model/MLmodel.json', 'model/model.pkl']);
    assert.deepEqual(readFileSync(join(s.store.run(run.id).artifactDir, 'model', 'model.pkl')), bytes);

    const got = await fetch(`${base}/model/model.pkl`);
    assert.equal(got.status, 200);
    assert.deepEqual(Buffer.from(await got.arrayBuffer()), bytes);
    const gotJson = await fetch(`${base}/model/MLmodel.json`);
    assert.equal(await gotJson.text(), json);

    // mlsweep's own artifacts are seen through the same URI
    const local = join(s.store.dir, 'notes.txt');
    writeFileSync(local, 'hello');
    s.store.logArtifact(run.id, local);
    assert.equal(await (await fetch(`${base}/notes.txt`)).text(), 'hello');

    const list = async (path: string) =>
      (await (
        await fetch(`${s.url}/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(path)}`)
      ).json()) as {
        files: unknown[];
      };
    assert.deepEqual((await list(`${run.experimentId}/${run.id}/artifacts`)).files, [
      { path: 'model', is_dir: true },
      { path: 'notes.txt', is_dir: false, file_size: 5 },
    ]);
    assert.deepEqual((await list(`${run.experimentId}/${run.id}/artifacts/model`)).files, [
      { path: 'MLmodel.json', is_dir: false, file_size: json.length },
      { path: 'model.pkl', is_dir: false, file_size: bytes.length },
    ]);
    assert.deepEqual((await list(`${run.experimentId}/${run.id}`)).files, [
      { path: 'artifacts', is_dir: true },
    ]);
    assert.deepEqual((await list(`${run.experimentId}/${run.id}/artifacts/none`)).files, []);

    // the older route, by run id, with paths relative to the run's root
    const old = await s.call('GET', 'artifacts/list', { run_id: run.id, path: 'model' });
    assert.equal(old.json.root_uri, `mlflow-artifacts:/${run.experimentId}/${run.id}/artifacts`);
    assert.deepEqual(
      old.json.files.map((f: { path: string }) => f.path),
      ['model/MLmodel.json', 'model/model.pkl'],
    );
    assert.equal((await s.call('GET', 'artifacts/list', { run_id: 'f'.repeat(32) })).status, 404);

    const missing = await fetch(`${base}/nope.txt`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { error_code: string }).error_code, 'RESOURCE_DOES_NOT_EXIST');
    const folder = await fetch(`${base}/model`);
    assert.equal(folder.status, 400);

    assert.equal((await fetch(`${base}/model/model.pkl`, { method: 'DELETE' })).status, 200);
    assert.deepEqual(s.store.listArtifacts(run.id), ['model/MLmodel.json', 'notes.txt']);
    // deleting what is not there succeeds, as in MLflow
    assert.equal((await fetch(`${base}/model/model.pkl`, { method: 'DELETE' })).status, 200);
    assert.equal(
      (
        await fetch(`${s.url}/api/2.0/mlflow-artifacts/artifacts/${run.experimentId}/${run.id}`, {
          method: 'DELETE',
        })
      ).status,
      400,
    );
    assert.equal(s.store.run(run.id).artifactDir !== '' && existsSync(s.store.run(run.id).artifactDir), true);

    // the UI's prefix serves the same files
    assert.equal(
      await (
        await fetch(
          `${s.url}/ajax-api/2.0/mlflow-artifacts/artifacts/${run.experimentId}/${run.id}/artifacts/notes.txt`,
        )
      ).text(),
      'hello',
    );
  });

  it('refuses paths that leave the artifact root, and a run folder without artifacts/', async () => {
    const s = await startServer('artifacts-escape');
    const run = s.store.createRun({ experiment: 'iris' });
    for (const path of [
      '/api/2.0/mlflow-artifacts/artifacts/..%2F..%2Fsecret.txt',
      '/api/2.0/mlflow-artifacts/artifacts/0/..%2F..%2F..%2Fsecret.txt',
      '/api/2.0/mlflow-artifacts/artifacts/%2E%2E/secret.txt',
    ]) {
      const put = await raw(s.url, 'PUT', path, Buffer.from('x'));
      assert.equal(put.status, 400, path);
      assert.equal(JSON.parse(put.text).error_code, 'INVALID_PARAMETER_VALUE');
      assert.equal((await raw(s.url, 'GET', path)).status, 400, path);
    }
    assert.equal(existsSync(join(s.store.dir, 'secret.txt')), false);
    assert.equal(existsSync(join(s.store.dir, '..', 'secret.txt')), false);
    const list = await raw(s.url, 'GET', '/api/2.0/mlflow-artifacts/artifacts?path=..%2F..');
    assert.equal(list.status, 400);
    const bare = await fetch(
      `${s.url}/api/2.0/mlflow-artifacts/artifacts/${run.experimentId}/${run.id}/model.pkl`,
      {
        method: 'PUT',
        body: 'x',
      },
    );
    assert.equal(bare.status, 400);
    assert.match(((await bare.json()) as { message: string }).message, /artifacts\//);
  });

  it('keeps the old file when an upload is cut off midway', async () => {
    const s = await startServer('artifacts-cut');
    const run = s.store.createRun({ experiment: 'iris' });
    const path = `/api/2.0/mlflow-artifacts/artifacts/${run.experimentId}/${run.id}/artifacts/data.bin`;
    assert.equal((await raw(s.url, 'PUT', path, Buffer.from('old'))).status, 200);
    const { hostname, port } = new URL(s.url);
    await new Promise<void>((done) => {
      const req = request({ hostname, port, method: 'PUT', path, headers: { 'content-length': '1000000' } });
      req.on('error', () => done());
      req.write(randomBytes(10_000), () => req.destroy());
      req.on('close', () => done());
    });
    const folder = s.store.run(run.id).artifactDir;
    // the server notices the cut connection and removes its temporary file
    for (let i = 0; i < 200 && readdirSync(folder).length > 1; i++)
      await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(readdirSync(folder), ['data.bin']);
    assert.equal(readFileSync(join(folder, 'data.bin'), 'utf8'), 'old');
  });
});
