// Data collection through the CLI server's shutdown: `mlsweep serve --store` with a
// deployment collecting inputs and outputs answers a burst of requests and is sent SIGTERM
// at once, while the last records are still on their way to the collector's writer thread
// (serve/collect/thread.ts). Every answered request must be in the files, each part
// finished (`.jsonl`, no `.jsonl.tmp` left), and the process must exit 0.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { EndpointStore } from '../../src/registry/endpoint-store.ts';
import { parseDeploymentYaml, parseEndpointYaml } from '../../src/serve/endpoint-spec.ts';
import { sqliteSkip } from '../helpers/sqlite.ts';
import { startCli } from '../hostile/helpers.ts';
import { post, saveModel, tempDir, until } from './helpers.ts';

const dir = tempDir('collect-sigterm');
saveModel(dir, 'classification');

/** The request ids of every line of the `.jsonl` files under `folder`, and the files still `.tmp`. */
function collected(folder: string): { ids: string[]; unfinished: number } {
  const ids: string[] = [];
  let unfinished = 0;
  for (const entry of readdirSync(folder, { recursive: true }) as string[]) {
    if (entry.endsWith('.jsonl.tmp')) unfinished++;
    if (!entry.endsWith('.jsonl')) continue;
    for (const line of readFileSync(join(folder, entry), 'utf8').split('\n').filter(Boolean)) {
      ids.push((JSON.parse(line) as { correlationid: string }).correlationid);
    }
  }
  return { ids: ids.sort(), unfinished };
}

it('SIGTERM right after a burst: every answered request is collected, parts finished, exit 0', {
  skip: sqliteSkip,
}, async () => {
  const storeDir = join(dir, 'mlruns');
  const endpoints = new EndpointStore({ dir: storeDir });
  try {
    endpoints.createOrUpdateEndpoint(parseEndpointYaml('name: iris\n').spec);
    const collections = '{model_inputs: {enabled: true}, model_outputs: {enabled: true}}';
    const spec = parseDeploymentYaml(
      `name: blue\nendpoint_name: iris\nmodel: classification.json\ninstance_count: 1\ndata_collector: {collections: ${collections}}\n`,
      { baseDir: dir },
    ).spec;
    endpoints.createOrUpdateDeployment(spec, { allTraffic: true });
    const cli = startCli(['serve', '--store', storeDir, '--port', '0', '--log-level', 'warn']);
    await until(
      () => /listening on http:\/\/\S+/.test(cli.stderr()) || cli.child.exitCode !== null,
      'listening',
    );
    const url = /listening on (http:\/\/\S+)/.exec(cli.stderr())?.[1];
    assert.ok(url, cli.stderr());
    const auth = { authorization: `Bearer ${endpoints.getCredentials('iris').primaryKey}` };
    // 1-row and 100-row requests, 8 at a time
    const ids = Array.from({ length: 160 }, (_, i) => `q${String(i).padStart(3, '0')}`);
    for (let at = 0; at < ids.length; at += 8) {
      await Promise.all(
        ids.slice(at, at + 8).map(async (id, k) => {
          const rows = k % 2 === 0 ? 1 : 100;
          const data = Array.from({ length: rows }, (_, r) => [
            r / rows,
            0.5,
            r % 2 === 0 ? 'Paris' : 'Lyon',
          ]);
          const r = await post(
            `${url}/score`,
            { input_data: { columns: ['x1', 'x2', 'city'], data } },
            {
              ...auth,
              'x-request-id': id,
            },
          );
          assert.equal(r.status, 200);
        }),
      );
    }
    cli.child.kill('SIGTERM');
    const done = await cli.done;
    assert.equal(done.code, 0, done.stderr);
    const folder = join(storeDir, 'datastores', 'workspaceblobstore', 'modelDataCollector', 'iris', 'blue');
    const inputs = collected(join(folder, 'model_inputs'));
    const outputs = collected(join(folder, 'model_outputs'));
    assert.deepEqual(inputs.ids, ids);
    assert.deepEqual(outputs.ids, ids);
    assert.equal(inputs.unfinished + outputs.unfinished, 0);
  } finally {
    endpoints.close();
  }
});
