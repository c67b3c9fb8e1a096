// Scoring modules (Azure's score.py contract in JS/TS: init() once with
// AZUREML_MODEL_DIR, run(body) per request, errors as 500s logged and not crashing), and
// the request settings: the timeout (408) and max_concurrent_requests_per_instance (429).
// The module's run waits on a gate file, so "in flight" is a state the test controls.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { RequestSettings } from '../../src/registry/endpoint-types.ts';
import { createServer } from '../../src/serve/server.ts';
import { singleModelConfig } from '../../src/serve/single.ts';
import { post, saveModel, startServer, tempDir, until, writeScript } from './helpers.ts';

const dir = tempDir('scripts');
const model = saveModel(dir, 'classification');
const script = writeScript(dir);

function scripted(settings: Partial<RequestSettings> = {}, scoringScript = script) {
  return singleModelConfig({
    modelFile: model,
    name: 's',
    instanceCount: 1,
    scoringScript,
    requestSettings: settings,
  });
}

/** A log stream that keeps every line. */
function logLines(): { stream: Writable; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  return { stream, lines };
}

describe('scoring modules', () => {
  it('/score gives the raw body to run; init saw AZUREML_MODEL_DIR; the other protocols use the model', async () => {
    const { base } = await startServer({ config: scripted() });
    const r = await post(`${base}/score`, { echo: { anything: [1, 'two'] } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { dir, echo: { anything: [1, 'two'] } });
    const mlflow = await post(`${base}/invocations`, { instances: [[0.9, 0.8, 'Paris']] });
    assert.deepEqual(mlflow.body, { predictions: ['yes'] });
  });

  it("run's error is a 500 with its message in the log, not in the answer; the server goes on", async () => {
    const log = logLines();
    const { base } = await startServer({ config: scripted(), logger: { stream: log.stream } });
    const r = await post(`${base}/score`, { fail: 'the disk is full' }, { 'x-request-id': 'req-500' });
    assert.equal(r.status, 500);
    assert.match(r.body.error, /the scoring script failed/);
    assert.doesNotMatch(JSON.stringify(r.body), /disk is full/);
    const logged = log.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    assert.ok(
      logged.some((l) => l.reqId === 'req-500' && String(l.detail).includes('boom: the disk is full')),
      log.lines.join('\n'),
    );
    assert.equal((await post(`${base}/score`, { echo: 1 })).status, 200);
  });

  it('a TypeScript module works too', async () => {
    const ts = join(dir, 'score.ts');
    writeFileSync(
      ts,
      'let calls: number = 0;\nexport function init(): void {}\nexport function run(body: { n: number }): number { calls++; return body.n * 2 + calls * 0; }\n',
    );
    const { base } = await startServer({ config: scripted({}, ts) });
    assert.deepEqual((await post(`${base}/score`, { n: 21 })).body, 42);
  });

  it('a module whose init throws, or without run, fails the start naming the deployment', async () => {
    const bad = join(dir, 'bad-init.mjs');
    writeFileSync(
      bad,
      "export function init() { throw new Error('no GPU here'); }\nexport function run() {}\n",
    );
    await assert.rejects(
      createServer({ config: scripted({}, bad), logger: false }),
      /deployment 'default' of endpoint 's' cannot start: no GPU here/,
    );
    const norun = join(dir, 'no-run.mjs');
    writeFileSync(norun, 'export function init() {}\n');
    await assert.rejects(
      createServer({ config: scripted({}, norun), logger: false }),
      /does not export a function run/,
    );
  });
});

describe('request settings', () => {
  it('a request past request_timeout_ms answers 408', async () => {
    const gate = join(dir, 'gate-408');
    const { base } = await startServer({ config: scripted({ requestTimeoutMs: 100 }) });
    const r = await post(`${base}/score`, { gate });
    assert.equal(r.status, 408);
    assert.match(
      r.body.error,
      /longer than 100 ms \(request_settings\.request_timeout_ms of deployment 'default'\)/,
    );
    writeFileSync(gate, '');
  });

  it('a run that timed out does not hold the thread: it is ended, and the next request is answered', async () => {
    const gate = join(dir, 'gate-never'); // never opened: the script would wait for ever
    const { base, server } = await startServer({ config: scripted({ requestTimeoutMs: 3000 }) });
    const stuck = await post(`${base}/score`, { gate });
    assert.equal(stuck.status, 408);
    // cancelled before the 408 was answered: nothing of it is left in flight
    assert.equal(server.deployments()[0]!.inFlight, 0);
    const next = await post(`${base}/score`, { echo: 5 });
    assert.equal(next.status, 200, 'a fresh thread (model loaded, init run again) answers');
    assert.equal(next.body.echo, 5);
  });

  it('beyond max_concurrent_requests_per_instance × instances in flight: 429 with Retry-After', async () => {
    const gate = join(dir, 'gate-429');
    const { base, server } = await startServer({ config: scripted({ maxConcurrentRequestsPerInstance: 2 }) });
    const first = [post(`${base}/score`, { gate, echo: 1 }), post(`${base}/score`, { gate, echo: 2 })];
    await until(() => server.deployments()[0]!.inFlight === 2, 'two requests in flight');
    const refused = await post(`${base}/score`, { echo: 3 });
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    assert.match(refused.body.error, /has 2 requests in flight/);
    assert.match(server.metricsText(), /code="429"\} 1$/m);
    writeFileSync(gate, '');
    assert.deepEqual(
      (await Promise.all(first)).map((r) => r.status),
      [200, 200],
    );
    assert.equal((await post(`${base}/score`, { echo: 4 })).status, 200);
  });
});
