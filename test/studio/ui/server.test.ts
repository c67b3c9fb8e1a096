// The studio's server side: its files (content types, no way out of the folder), the key
// guard and session cookie, the events stream (in-process writes and another process's),
// the store watcher driven by hand, and a clean close with streams open.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ValidationError } from '../../../src/core/errors.ts';
import { ModelRegistry } from '../../../src/registry/model-registry.ts';
import { createTrackingServer } from '../../../src/studio/mlflow/server.ts';
import { createEventHub } from '../../../src/studio/ui/events.ts';
import { watchStore } from '../../../src/studio/ui/watcher.ts';
import { appendAudit } from '../../../src/tracking/audit-log.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { type Json, startStudio, type TestStudio } from '../../helpers/browser.ts';
import { openEvents } from '../../helpers/event-stream.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';
import { startLiveLogger } from './live-process.ts';
import { manualTimers } from './manual-timers.ts';

/** A GET with the path sent exactly as written (fetch would resolve `..` first). */
function rawGet(url: string, path: string): Promise<{ status: number; body: string; type: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += String(chunk);
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body, type: String(res.headers['content-type']) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('studio files', () => {
  let studio: TestStudio;
  before(async () => {
    studio = await startStudio({ watch: false });
  });
  after(async () => {
    await studio?.close();
  });

  it('serves the shell, scripts, styles and the bundled ECharts with their content types', async () => {
    for (const [path, type] of [
      ['/studio/', 'text/html; charset=utf-8'],
      ['/static/app.js', 'text/javascript; charset=utf-8'],
      ['/static/lib/table.js', 'text/javascript; charset=utf-8'],
      ['/static/studio.css', 'text/css; charset=utf-8'],
      ['/static/vendor/echarts.min.js', 'text/javascript; charset=utf-8'],
    ] as const) {
      const response = await fetch(`${studio.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get('content-type'), type, path);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff', path);
      assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/, path);
      await response.arrayBuffer();
    }
    const root = await fetch(`${studio.url}/`, { redirect: 'manual' });
    assert.equal(root.status, 302);
    assert.equal(root.headers.get('location'), '/studio/');
  });

  it('points the shell at /static/v/BUILD/, cached for good, while another build revalidates', async () => {
    const html = await (await fetch(`${studio.url}/studio/`)).text();
    const build = /"\/static\/v\/([a-z0-9]+)\/app\.js"/.exec(html)?.[1];
    assert.ok(build, html);
    assert.match(html, new RegExp(`"/static/v/${build}/studio\\.css"`));
    const current = await fetch(`${studio.url}/static/v/${build}/lib/dom.js`);
    assert.equal(current.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(current.headers.get('content-type'), 'text/javascript; charset=utf-8');
    await current.text();
    const old = await fetch(`${studio.url}/static/v/0000/lib/dom.js`);
    assert.equal(old.headers.get('cache-control'), 'no-cache');
    await old.text();
    const traversal = await rawGet(studio.url, `/static/v/${build}/../../package.json`);
    assert.equal(traversal.status, 404);
  });

  it('answers 304 to a file the browser already has', async () => {
    const first = await fetch(`${studio.url}/static/app.js`);
    const etag = first.headers.get('etag');
    await first.text();
    assert.ok(etag);
    const again = await fetch(`${studio.url}/static/app.js`, { headers: { 'if-none-match': etag } });
    assert.equal(again.status, 304);
  });

  it('never serves a file outside the web folder, nor an unknown type', async () => {
    for (const path of [
      '/static/../package.json',
      '/static/%2e%2e/package.json',
      '/static/%2e%2e%2f%2e%2e%2f%2e%2e%2fpackage.json',
      '/static/lib/..%2f..%2f..%2f..%2fpackage.json',
      '/static/..%5c..%5cpackage.json',
      '/static//etc/passwd',
      '/static/%2fetc%2fpasswd',
      '/static/lib/../../ui/plugin.ts',
      '/static/lib%00.js',
      '/static/vendor/../../../node_modules/echarts/package.json',
      '/static/nothing.js',
      '/static/lib',
    ]) {
      const answer = await rawGet(studio.url, path);
      assert.ok(answer.status === 404 || answer.status === 400, `${path}: ${answer.status}`);
      assert.doesNotMatch(answer.body, /"name": "mlsweep"|root:|registerStudio/, path);
    }
  });
});

describe('studio guard', () => {
  const key = 'studio-key-1234';
  let studio: TestStudio;
  before(async () => {
    studio = await startStudio({ key, watch: false });
  });
  after(async () => {
    await studio?.close();
  });

  it('refuses a host beyond loopback without a key before anything opens', () => {
    assert.throws(
      () =>
        createTrackingServer({ storeDir: join(tempDir('guard'), 'mlruns'), host: '0.0.0.0', studio: true }),
      (error: unknown) => error instanceof ValidationError && /needs a key/.test(error.message),
    );
  });

  it('asks for the key on every API request; Bearer or Basic with the key pass', async () => {
    const bare = await studio.api('GET', '/runs');
    assert.equal(bare.status, 401);
    assert.equal(bare.json.error.code, 'UNAUTHENTICATED');
    const wrong = await studio.api('GET', '/runs', { headers: { authorization: 'Bearer not-the-key' } });
    assert.equal(wrong.status, 401);
    const bearer = await studio.api('GET', '/runs', { headers: { authorization: `Bearer ${key}` } });
    assert.equal(bearer.status, 200);
    const basic = Buffer.from(`me:${key}`).toString('base64');
    assert.equal(
      (await studio.api('GET', '/runs', { headers: { authorization: `Basic ${basic}` } })).status,
      200,
    );
    const events = await fetch(`${studio.url}/studio/api/events`);
    assert.equal(events.status, 401);
    await events.text();
    const mlflow = await fetch(`${studio.url}/api/2.0/mlflow/experiments/search?max_results=1`);
    assert.equal(mlflow.status, 401);
    await mlflow.text();
  });

  it('logs a browser in with an HttpOnly SameSite=Strict cookie, never the key itself', async () => {
    const page = await fetch(`${studio.url}/studio/login`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post" action="\/studio\/login">/);
    const bad = await fetch(`${studio.url}/studio/login?key=nope`, { redirect: 'manual' });
    assert.equal(bad.status, 401);
    assert.equal(bad.headers.get('set-cookie'), null);
    await bad.text();
    const good = await fetch(`${studio.url}/studio/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `key=${encodeURIComponent(key)}`,
    });
    assert.equal(good.status, 303);
    assert.equal(good.headers.get('location'), '/studio/');
    const cookie = good.headers.get('set-cookie') ?? '';
    assert.match(cookie, /^mlsweep_studio=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    assert.ok(!cookie.includes(key));
    const session = cookie.split(';')[0]!;
    assert.equal((await studio.api('GET', '/runs', { headers: { cookie: session } })).status, 200);
    const forged = await studio.api('GET', '/runs', { headers: { cookie: 'mlsweep_studio=forged' } });
    assert.equal(forged.status, 401);
    const stream = await openEvents(studio.url, { cookie: session });
    assert.equal(stream.response.status, 200);
    assert.equal(stream.response.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    stream.close();
  });

  it('records the writer as the key holder', async () => {
    const store = new SqliteStore({ dir: studio.storeDir });
    const run = store.createRun({ experiment: 'guarded' });
    store.close();
    const done = await studio.api('PATCH', `/runs/${run.id}`, {
      body: { name: 'renamed' },
      headers: { authorization: `Bearer ${key}`, 'x-mlsweep-studio': '1' },
    });
    assert.equal(done.status, 200);
    const audit = await studio.api('GET', '/audit', { headers: { authorization: `Bearer ${key}` } });
    assert.equal(audit.json.items[0].actor, 'key 127.0.0.1');
  });
});

describe('studio live events', () => {
  let studio: TestStudio;
  before(async () => {
    studio = await startStudio({ watch: { intervalMs: 200 } });
  });
  after(async () => {
    await studio?.close();
  });

  it('streams what the MLflow API logs at once', async () => {
    const stream = await openEvents(studio.url);
    const created = await fetch(`${studio.url}/api/2.0/mlflow/runs/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ experiment_id: '0', run_name: 'mlflow-run' }),
    });
    const runId = ((await created.json()) as Json).run.info.run_id as string;
    await fetch(`${studio.url}/api/2.0/mlflow/runs/log-metric`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ run_id: runId, key: 'acc', value: 0.5, timestamp: 1, step: 0 }),
    }).then((r) => r.text());
    const data = await stream.waitFor('metrics', (d) => d.runIds.includes(runId));
    assert.deepEqual(data.runIds, [runId]);
    stream.close();
  });

  it("streams another process's new run and metric points (the store watcher)", async (t) => {
    const stream = await openEvents(studio.url);
    const started = Date.now();
    const logger = await startLiveLogger(studio.storeDir, 'from-another-process');
    try {
      await stream.waitFor('runs');
      await stream.waitFor('metrics', (d) => d.runIds.includes(logger.runId));
      t.diagnostic(`first metrics event ${Date.now() - started} ms after the logger started`);
      const count = stream.events.filter((e) => e.topic === 'metrics').length;
      await logger.step();
      const stepped = Date.now();
      await stream.waitFor(
        'metrics',
        (d) =>
          d.runIds.includes(logger.runId) &&
          stream.events.filter((e) => e.topic === 'metrics').length > count,
      );
      t.diagnostic(`a step's event ${Date.now() - stepped} ms after its commit`);
      await logger.finish();
    } finally {
      logger.kill();
      stream.close();
    }
  });

  it('closes cleanly with an event stream open', async () => {
    const other = await startStudio({ watch: false });
    const stream = await openEvents(other.url);
    assert.equal(stream.response.status, 200);
    await other.close();
    stream.close();
  });
});

describe('store watcher', () => {
  it('publishes a topic only after a commit that changed it (timers injected, polled by hand)', () => {
    const dir = join(tempDir('watcher'), 'mlruns');
    const watched = new SqliteStore({ dir });
    const writer = new SqliteStore({ dir });
    const hub = createEventHub();
    const seen: Array<{ topic: string; data: Json }> = [];
    hub.subscribe((topic, data) => seen.push({ topic, data }));
    const manual = manualTimers();
    const watcher = watchStore(watched, hub, { timers: manual.timers });
    try {
      assert.ok(manual.scheduled(), 'the watcher polls on its timer');
      assert.deepEqual(watcher.check(), [], 'nothing changed since the baseline');
      const run = writer.createRun({ experiment: 'w' });
      assert.deepEqual(watcher.check(), ['runs']);
      writer.logMetrics(run.id, [{ key: 'loss', value: 1, step: 0, timestamp: 1 }]);
      assert.deepEqual(watcher.check(), ['metrics']);
      assert.deepEqual(seen.at(-1), { topic: 'metrics', data: { runIds: [run.id] } });
      assert.deepEqual(watcher.check(), []);
      writer.setRunStatus(run.id, 'FINISHED', 2);
      assert.deepEqual(watcher.check(), ['runs']);
      const registry = new ModelRegistry({ store: writer });
      registry.createModel('m');
      assert.deepEqual(watcher.check(), ['models']);
      appendAudit(writer, { at: 1, actor: 'test', action: 'x.y', target: 't', detail: {} });
      assert.deepEqual(watcher.check(), ['audit']);
      // a write through the watched connection itself is seen too (total_changes)
      watched.setTags(run.id, { a: 'b' });
      watched.createRun({ experiment: 'w' });
      assert.deepEqual(watcher.check(), ['runs']);
      manual.scheduled()?.();
      watcher.stop();
      assert.equal(manual.scheduled(), undefined);
    } finally {
      writer.close();
      watched.close();
    }
  });
});
