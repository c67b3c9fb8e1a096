// A real tracking server (createTrackingServer) over a fresh store, on 127.0.0.1 port 0,
// for the experiment, run, search and server tests; closed after the file's tests.
import { join } from 'node:path';
import { after } from 'node:test';
import type { LoggedEvent } from '../../../src/studio/mlflow/context.ts';
import { createTrackingServer, type TrackingServer } from '../../../src/studio/mlflow/server.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { storeOptions, testPostgresUrl } from '../../tracking/helpers/store.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';

/** A JSON answer, read field by field by the tests. */
// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions, not types
export type Json = any;

/** A started tracking server and what the tests need around it. */
export interface Tracking {
  readonly server: TrackingServer;
  readonly storeDir: string;
  /** Every onLogged event, in order. */
  readonly events: LoggedEvent[];
  /** Calls `<prefix>/<path>` with a JSON body (POST) or a query (GET): status and JSON. */
  call(
    method: string,
    path: string,
    body?: unknown,
    options?: { prefix?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; json: Json }>;
  /** A POST that must answer 200; its JSON. */
  post(path: string, body: unknown): Promise<Json>;
  /** A GET that must answer 200; its JSON. */
  get(path: string, query: Record<string, unknown>): Promise<Json>;
  /** A second handle on the same store (as mlsweep's own engines would write it). */
  openStore(): SqliteStore;
}

/**
 * Starts createTrackingServer over a new store folder (optionally one prepared first).
 *
 * @example
 * const t = await startTracking('runs');
 * const { experiment_id } = await t.post('experiments/create', { name: 'iris' });
 */
export async function startTracking(
  label: string,
  options: { key?: string; prepare?: (store: SqliteStore) => void } = {},
): Promise<Tracking> {
  // A folder, or a fresh PostgreSQL database when MLSWEEP_TEST_POSTGRES names a server.
  const location =
    testPostgresUrl === undefined ? { dir: join(tempDir(label), 'mlruns') } : storeOptions(label);
  const storeDir = location.dir;
  if (options.prepare) {
    const store = new SqliteStore(location);
    options.prepare(store);
    store.close();
  }
  const events: LoggedEvent[] = [];
  const server = createTrackingServer({
    storeDir,
    ...(location.artifactsDir !== undefined ? { artifactsDir: location.artifactsDir } : {}),
    port: 0,
    logger: false,
    onLogged: (event) => events.push(event),
    ...(options.key !== undefined ? { key: options.key } : {}),
  });
  await server.listen();
  const stores: SqliteStore[] = [];
  after(async () => {
    for (const s of stores) s.close();
    await server.close();
  });
  const call: Tracking['call'] = async (method, path, body, callOptions = {}) => {
    let target = `${server.url}${callOptions.prefix ?? '/api/2.0/mlflow'}/${path}`;
    const init: RequestInit = { method, headers: { ...callOptions.headers } };
    if (method === 'GET' && body !== undefined) {
      const query = new URLSearchParams();
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
        for (const item of Array.isArray(v) ? v : [v]) query.append(k, String(item));
      }
      target += `?${query}`;
    } else if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      init.headers = { 'content-type': 'application/json', ...callOptions.headers };
    }
    const response = await fetch(target, init);
    const text = await response.text();
    let json: Json;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: response.status, json };
  };
  const ok = async (method: string, path: string, body: unknown) => {
    const { status, json } = await call(method, path, body);
    if (status !== 200) throw new Error(`${method} ${path}: ${status} ${JSON.stringify(json)}`);
    return json;
  };
  return {
    server,
    storeDir,
    events,
    call,
    post: (path, body) => ok('POST', path, body),
    get: (path, query) => ok('GET', path, query),
    openStore() {
      const store = new SqliteStore(location);
      stores.push(store);
      return store;
    },
  };
}
