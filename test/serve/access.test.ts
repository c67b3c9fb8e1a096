// Who may call an endpoint, on a real server: key mode with either key, token mode with a
// signed token that expires (the server's clock injected), 401 with WWW-Authenticate
// otherwise, in every protocol; probes and /metrics open by default, closed when
// `openPaths` says so.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthMode } from '../../src/registry/endpoint-types.ts';
import { issueToken } from '../../src/serve/auth.ts';
import { singleModelConfig } from '../../src/serve/single.ts';
import type { ServeConfig } from '../../src/serve/types.ts';
import { get, post, saveModel, startServer, tempDir } from './helpers.ts';

const dir = tempDir('access');
const model = saveModel(dir, 'classification');
const credentials = {
  primaryKey: 'primary-key-0123',
  secondaryKey: 'secondary-key-4567',
  tokenSecret: 'token-secret-89',
};
const NOW = Date.UTC(2026, 0, 1);

function config(authMode: AuthMode): ServeConfig {
  const base = singleModelConfig({ modelFile: model, name: 'guarded', instanceCount: 1 });
  const endpoint = base.endpoints[0]!;
  return { endpoints: [{ ...endpoint, spec: { ...endpoint.spec, authMode }, credentials }] };
}

const bearer = (credential: string) => ({ authorization: `Bearer ${credential}` });
const ROWS = { data: [[0.9, 0.8, 'Paris']] };

describe('key auth', () => {
  it('every scoring route needs a key: none or a wrong one is 401 with WWW-Authenticate; either key passes', async () => {
    const { base } = await startServer({ config: config('key') });
    const routes: Array<[string, unknown]> = [
      ['/score', ROWS],
      ['/invocations', { instances: ROWS.data }],
      [
        '/v2/models/guarded/infer',
        { inputs: [{ name: 'r', shape: [1, 3], datatype: 'BYTES', data: ROWS.data[0] }] },
      ],
    ];
    for (const [path, body] of routes) {
      const none = await post(`${base}${path}`, body);
      assert.equal(none.status, 401, path);
      assert.equal(none.headers.get('www-authenticate'), 'Bearer realm="mlsweep"');
      const wrong = await post(`${base}${path}`, body, bearer('nope-nope-nope'));
      assert.equal(wrong.status, 401);
      assert.match(wrong.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
      assert.equal((await post(`${base}${path}`, body, bearer(credentials.primaryKey))).status, 200, path);
      assert.equal((await post(`${base}${path}`, body, bearer(credentials.secondaryKey))).status, 200, path);
    }
    const mlflow = await post(`${base}/invocations`, { instances: ROWS.data });
    assert.equal(mlflow.body.error_code, 'UNAUTHENTICATED');
    assert.equal((await get(`${base}/v2/models/guarded`)).status, 401, 'metadata is not a probe');
  });

  it('probes and /metrics are open by default', async () => {
    const { base } = await startServer({ config: config('key') });
    for (const path of [
      '/ping',
      '/health',
      '/version',
      '/v2/health/live',
      '/v2/health/ready',
      '/v2/models/guarded/ready',
      '/metrics',
    ]) {
      assert.equal((await get(`${base}${path}`)).status, 200, path);
    }
  });

  it('openPaths: [] closes the probes and /metrics too', async () => {
    const { base } = await startServer({ config: config('key'), openPaths: [] });
    for (const path of ['/ping', '/v2/health/ready', '/metrics']) {
      assert.equal((await get(`${base}${path}`)).status, 401, path);
      assert.equal((await get(`${base}${path}`, bearer(credentials.primaryKey))).status, 200, path);
    }
  });
});

describe('token auth', () => {
  it('a token of this endpoint passes until it expires; keys do not', async () => {
    let now = NOW;
    const { base } = await startServer({ config: config('aml_token'), clock: () => now });
    const { accessToken } = issueToken('guarded', credentials, NOW);
    assert.equal((await post(`${base}/score`, ROWS, bearer(accessToken))).status, 200);
    assert.equal((await post(`${base}/score`, ROWS, bearer(credentials.primaryKey))).status, 401);
    const other = issueToken('other-endpoint', credentials, NOW).accessToken;
    assert.equal((await post(`${base}/score`, ROWS, bearer(other))).status, 401);
    now = NOW + 3_600_001;
    const expired = await post(`${base}/score`, ROWS, bearer(accessToken));
    assert.equal(expired.status, 401);
    assert.match(expired.body.error, /wrong or expired/);
  });
});

describe('key rotation', () => {
  it('apply with a regenerated key: the old one is refused and the new one accepted at once', async () => {
    const { base, server } = await startServer({ config: config('key') });
    assert.equal((await post(`${base}/score`, ROWS, bearer(credentials.primaryKey))).status, 200);
    const rotated = config('key');
    const endpoint = rotated.endpoints[0]!;
    await server.apply({
      endpoints: [{ ...endpoint, credentials: { ...credentials, primaryKey: 'primary-key-rotated' } }],
    });
    assert.equal((await post(`${base}/score`, ROWS, bearer(credentials.primaryKey))).status, 401);
    assert.equal((await post(`${base}/score`, ROWS, bearer('primary-key-rotated'))).status, 200);
    assert.equal((await post(`${base}/score`, ROWS, bearer(credentials.secondaryKey))).status, 200);
  });
});
