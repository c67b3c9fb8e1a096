// biome-ignore-all lint/suspicious/noTemplateCurlyInString: a sweep file's ${{...}} placeholders and a trial script's template text
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataAssets } from '../../src/registry/data-assets.ts';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { mlsweep } from '../tracking/helpers/cli.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

describe('sweep inputs that name data assets', () => {
  it('the trial gets the local path of azureml:NAME@latest, and the sweep run records the asset', () => {
    const dir = tempDir('sweep-data');
    const storeDir = join(dir, 'mlruns');
    writeFileSync(join(dir, 'rows.csv'), 'x\n1\n2\n3\n');
    const store = new SqliteStore({ dir: storeDir });
    const asset = new DataAssets(store).create({
      name: 'rows',
      type: 'uri_file',
      path: join(dir, 'rows.csv'),
    });
    store.close();
    // the trial counts the lines of the file it was given and reports the count
    writeFileSync(
      join(dir, 'count.mjs'),
      "import { readFileSync } from 'node:fs';\nconst n = readFileSync(process.argv[2], 'utf8').trim().split('\\n').length;\nconsole.log(`##mlsweep ${JSON.stringify({ lines: n + Number(process.argv[3]) * 0 })}`);\n",
    );
    writeFileSync(
      join(dir, 'sweep.yml'),
      [
        'type: sweep',
        'inputs:',
        '  data: { type: uri_file, path: "azureml:rows@latest" }',
        'trial:',
        '  code: .',
        '  command: node count.mjs ${{inputs.data}} ${{search_space.k}}',
        'search_space:',
        '  k: { type: choice, values: [1] }',
        'sampling_algorithm: grid',
        'objective: { goal: maximize, primary_metric: lines }',
        'limits: { max_total_trials: 1 }',
        '',
      ].join('\n'),
    );
    const r = mlsweep(['sweep', join(dir, 'sweep.yml'), '--store', storeDir, '--json']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /inputs\.data: azureml:rows@latest is data asset rows:1, uri_file .*rows\.csv/);
    assert.doesNotMatch(r.stderr, /the trial gets it unchanged/);
    const result = JSON.parse(r.stdout);
    assert.equal(result.best.value, 4);
    const check = new SqliteStore({ dir: storeDir, create: false });
    try {
      const sweepRun = check.searchRuns({}).find((run) => check.runInputs(run.id).length > 0);
      assert.ok(sweepRun, 'a run records the data input');
      const [input] = check.runInputs(sweepRun.id);
      assert.deepEqual(
        [input!.name, input!.digest, input!.tags['mlsweep.data.version']],
        ['rows', asset.hash, '1'],
      );
    } finally {
      check.close();
    }
    assert.ok(readFileSync(join(dir, 'rows.csv'), 'utf8').startsWith('x'));
  });
});
