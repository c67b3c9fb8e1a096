import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { storeOptions } from './helpers/store.ts';

function node(
  script: string,
  args: string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [
      '--import',
      'tsx',
      join(import.meta.dirname, 'helpers', script),
      ...args,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('several processes writing one store at once', () => {
  it('4 processes x 5,000 metric points into a new store: no error, all 20,000 points kept', async () => {
    // A new folder store, or a new PostgreSQL database when MLSWEEP_TEST_POSTGRES names a server.
    const options = storeOptions('concurrent');
    const dir = options.dir;
    const writers = [0, 1, 2, 3].map((i) =>
      // Small batches (7 points for one writer) make hundreds of competing transactions.
      node('log-points.ts', [dir, `writer-${i}`, '5000', i === 3 ? '7' : '50']),
    );
    const reader = node('read-runs.ts', [dir, '2000']);
    const results = await Promise.all(writers);
    for (const [i, r] of results.entries()) {
      assert.equal(r.code, 0, `writer ${i} failed: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /locked|busy/i);
    }
    const read = await reader;
    assert.equal(read.code, 0, `the reader failed: ${read.stderr}`);

    const store = new SqliteStore({ ...options, create: false });
    const runs = store.searchRuns({ experiments: ['concurrent'], orderBy: ['name'] });
    assert.deepEqual(
      runs.map((r) => [r.name, r.status, r.metrics['value']]),
      [0, 1, 2, 3].map((i) => [`writer-${i}`, 'FINISHED', 4999 * 0.5]),
    );
    assert.equal(store.db.prepare('SELECT count(*) FROM metrics').pluck().get(), 20_000);
    for (const run of runs) {
      const steps = store.metricHistory(run.id, 'value').map((p) => p.step);
      assert.equal(steps.length, 5000);
      assert.ok(steps.every((s, i) => s === i));
    }
    assert.equal(store.listExperiments().length, 1);
    store.close();
  });
});
