// A real MLflow API server over a fresh store, on 127.0.0.1 port 0, for the registry,
// artifact and logged-model tests.
import { join } from 'node:path';
import { after } from 'node:test';
import Fastify from 'fastify';
import { registerMlflowApi } from '../../../src/studio/mlflow/api.ts';
import type { MlflowContext } from '../../../src/studio/mlflow/context.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { storeOptions, testPostgresUrl } from '../../tracking/helpers/store.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';

/** A JSON answer, read field by field by the tests. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions, not types
export type Json = any;

/** A started server: its base URL, JSON helpers, and the context behind it. */
export interface TestServer {
  readonly url: string;
  readonly context: MlflowContext;
  readonly store: SqliteStore;
  /** Calls `/api/2.0/mlflow/<path>` with a JSON body (or query for GET); status and JSON. */
  call(method: string, path: string, body?: Record<string, unknown>): Promise<{ status: number; json: Json }>;
}

/** Starts a server over a new store in a temporary folder; closed after the file's tests. */
export async function startServer(label: string): Promise<TestServer> {
  // A folder, or a fresh PostgreSQL database when MLSWEEP_TEST_POSTGRES names a server.
  const store = new SqliteStore(
    testPostgresUrl === undefined ? { dir: join(tempDir(label), 'mlruns') } : storeOptions(label),
  );
  const app = Fastify({ logger: false });
  const context = registerMlflowApi(app, { store });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  const url = `http://127.0.0.1:${address.port}`;
  after(async () => {
    await app.close();
    store.close();
  });
  return {
    url,
    context,
    store,
    async call(method, path, body) {
      let target = `${url}/api/2.0/mlflow/${path}`;
      const init: RequestInit = { method };
      if (method === 'GET' && body !== undefined) {
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(body)) {
          for (const item of Array.isArray(v) ? v : [v]) query.append(k, String(item));
        }
        target += `?${query}`;
      } else if (body !== undefined) {
        init.body = JSON.stringify(body);
        init.headers = { 'content-type': 'application/json' };
      }
      const response = await fetch(target, init);
      const text = await response.text();
      return { status: response.status, json: text === '' ? undefined : JSON.parse(text) };
    },
  };
}
