import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { CLI } from '../helpers/cli.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const curated = `mlsweep-node-${process.version.slice(1).split('.')[0]}`;

describe('trial runs of a sweep with trial.environment', () => {
  it('each record the environment they ran in (name, version, hash), as the sweep run does', () => {
    const dir = tempDir('env-trial-runs');
    writeFileSync(
      join(dir, 'sweep.yml'),
      [
        'type: sweep',
        'trial:',
        `  command: 'echo "##mlsweep {\\"score\\": \${{search_space.x}}}"'`,
        `  environment: ${curated}`,
        'search_space:',
        '  x: {type: choice, values: [1, 2, 3]}',
        'sampling_algorithm: grid',
        'objective: {goal: maximize, primary_metric: score}',
      ].join('\n'),
    );
    const storeDir = join(dir, 'store');
    const run = spawnSync(
      process.execPath,
      [...CLI, 'sweep', join(dir, 'sweep.yml'), '--store', storeDir, '--json'],
      { cwd: root, encoding: 'utf8' },
    );
    assert.equal(run.status, 0, run.stderr);
    const store = new SqliteStore({ dir: storeDir });
    try {
      const runs = store.sql('SELECT run_id, parent_run_id FROM runs').all() as Array<{
        run_id: string;
        parent_run_id: string | null;
      }>;
      const parent = runs.find((r) => r.parent_run_id === null)!;
      const trials = runs.filter((r) => r.parent_run_id === parent.run_id);
      assert.equal(trials.length, 3);
      const sweepTags = store.run(parent.run_id).tags;
      assert.equal(sweepTags['mlsweep.environment.name'], curated);
      for (const t of trials) {
        const tags = store.run(t.run_id).tags;
        for (const key of [
          'mlsweep.environment',
          'mlsweep.environment.name',
          'mlsweep.environment.version',
        ]) {
          assert.equal(tags[key], sweepTags[key], key);
        }
        assert.match(tags['mlsweep.environment.hash']!, /^[0-9a-f]{64}$/);
        assert.equal(tags['mlsweep.environment.hash'], sweepTags['mlsweep.environment.hash']);
      }
    } finally {
      store.close();
    }
  });
});
