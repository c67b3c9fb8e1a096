import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import Fastify from 'fastify';
import { ValidationError } from '../../../src/core/errors.ts';
import { registerMlflowApi } from '../../../src/studio/mlflow/api.ts';
import { createTrackingServer } from '../../../src/studio/mlflow/server.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';
import { startTracking } from './server-helpers.ts';

describe('createTrackingServer', () => {
  it('binds 127.0.0.1 by default and reports its url; /health and /version answer; unknown paths are ENDPOINT_NOT_FOUND', async () => {
    const t = await startTracking('server-default');
    assert.match(t.server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const address = t.server.app.server.address() as { address: string };
    assert.equal(address.address, '127.0.0.1');
    const health = await fetch(`${t.server.url}/health`);
    assert.deepEqual([health.status, await health.text()], [200, 'OK']);
    assert.equal((await fetch(`${t.server.url}/version`)).status, 200);
    const unknown = await t.call('GET', 'nothing/here', {});
    assert.deepEqual([unknown.status, unknown.json.error_code], [404, 'ENDPOINT_NOT_FOUND']);
  });

  it('refuses a host beyond loopback without a key, before opening anything', () => {
    const storeDir = join(tempDir('server-refuse'), 'never');
    assert.throws(
      () => createTrackingServer({ storeDir, host: '0.0.0.0', port: 0, logger: false }),
      (e: unknown) => e instanceof ValidationError && /0\.0\.0\.0 needs a key/.test(e.message),
    );
    assert.throws(() => createTrackingServer({ storeDir, key: '', port: 0, logger: false }), ValidationError);
  });

  it('with a key, bound beyond loopback: Bearer or Basic (key as password) pass, anything else is 401 UNAUTHENTICATED', async () => {
    const key = 's3cret-key-for-tests';
    const server = createTrackingServer({
      storeDir: join(tempDir('server-key'), 'mlruns'),
      host: '0.0.0.0',
      port: 0,
      key,
      logger: false,
    });
    await server.listen();
    try {
      const port = (server.app.server.address() as { port: number }).port;
      const url = `http://127.0.0.1:${port}/api/2.0/mlflow/experiments/get?experiment_id=0`;
      const basic = (user: string, password: string) =>
        `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      for (const authorization of [`Bearer ${key}`, `bearer ${key}`, basic('anyone', key), basic('', key)]) {
        const r = await fetch(url, { headers: { authorization } });
        assert.equal(r.status, 200, authorization);
      }
      for (const headers of [
        {},
        { authorization: 'Bearer wrong' },
        { authorization: basic(key, 'wrong') },
        { authorization: key },
        { authorization: 'Basic !!!' },
      ] as Array<Record<string, string>>) {
        const r = await fetch(url, { headers });
        assert.equal(r.status, 401, JSON.stringify(headers));
        const body = (await r.json()) as { error_code: string };
        assert.equal(body.error_code, 'UNAUTHENTICATED');
        assert.match(r.headers.get('www-authenticate') ?? '', /Bearer/);
      }
      const health = await fetch(`http://127.0.0.1:${port}/health`);
      assert.equal(health.status, 200);
    } finally {
      await server.close();
    }
  });

  it('close() frees the port and the store; a second close is harmless', async () => {
    const storeDir = join(tempDir('server-close'), 'mlruns');
    const server = createTrackingServer({ storeDir, port: 0, logger: false });
    await server.listen();
    const url = server.url;
    await server.close();
    await server.close();
    await assert.rejects(fetch(`${url}/health`));
    // the store was closed cleanly: a new server opens it and sees what was there
    const again = createTrackingServer({ storeDir, port: 0, logger: false });
    await again.listen();
    try {
      const r = await fetch(`${again.url}/api/2.0/mlflow/experiments/get-by-name?experiment_name=Default`);
      assert.equal(r.status, 200);
    } finally {
      await again.close();
    }
  });

  it('an internal failure is INTERNAL_ERROR 500, logged, with no stack in the body', async () => {
    const store = new SqliteStore({ dir: join(tempDir('server-internal'), 'mlruns') });
    const lines: string[] = [];
    const app = Fastify({
      logger: {
        level: 'error',
        stream: { write: (line: string) => void lines.push(line) } as unknown as Writable,
      },
    });
    registerMlflowApi(app, { store });
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      store.close(); // every query now fails inside the store
      const port = (app.server.address() as { port: number }).port;
      const r = await fetch(`http://127.0.0.1:${port}/api/2.0/mlflow/experiments/get?experiment_id=0`);
      assert.equal(r.status, 500);
      const body = (await r.json()) as { error_code: string; message: string };
      assert.equal(body.error_code, 'INTERNAL_ERROR');
      assert.doesNotMatch(body.message, /at |\.ts/);
      assert.ok(lines.some((line) => line.includes('MLflow API request failed')));
    } finally {
      await app.close();
    }
  });

  it('a failing onLogged listener does not fail the request: the write is stored', async () => {
    const storeDir = join(tempDir('server-listener'), 'mlruns');
    const server = createTrackingServer({
      storeDir,
      port: 0,
      logger: false,
      onLogged: () => {
        throw new Error('listener broke');
      },
    });
    await server.listen();
    try {
      const post = (path: string, body: object) =>
        fetch(`${server.url}/api/2.0/mlflow/${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const created = (await (await post('runs/create', {})).json()) as { run: { info: { run_id: string } } };
      const id = created.run.info.run_id;
      const r = await post('runs/log-metric', { run_id: id, key: 'a', value: 2, timestamp: 1 });
      assert.equal(r.status, 200);
      const reader = new SqliteStore({ dir: storeDir });
      assert.equal(reader.run(id).metrics['a'], 2);
      reader.close();
    } finally {
      await server.close();
    }
  });
});
