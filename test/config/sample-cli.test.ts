import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CLI } from '../helpers/cli.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));

function mlsweep(...args: string[]) {
  const r = spawnSync(process.execPath, [...CLI, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mlsweep sample', () => {
  it('--json prints one document with the suggested sets; a seed makes it reproducible', () => {
    const a = mlsweep('sample', 'examples/random-sobol.yml', '-n', '4', '--seed', '5', '--json');
    assert.equal(a.code, 0, a.stderr);
    const doc = JSON.parse(a.stdout);
    assert.equal(doc.sampler, 'sobol');
    assert.equal(doc.seed, 5);
    assert.equal(doc.count, 4);
    assert.deepEqual(Object.keys(doc.params[0]), ['lr', 'l2', 'depth', 'subsample']);
    const b = JSON.parse(
      mlsweep('sample', 'examples/random-sobol.yml', '-n', '4', '--seed', '5', '--json').stdout,
    );
    assert.deepEqual(b.params, doc.params);
  });

  it('stops when a grid is exhausted and prints a table without --json', () => {
    const r = mlsweep('sample', 'examples/grid.yml', '-n', '100');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], '36 parameter sets from the grid sampler; the grid sampler has no more');
    assert.match(lines[1] as string, /^#\s+kernel\s+degree\s+C$/);
    assert.match(lines[2] as string, /^0\s+linear\s+0\s+0\.5$/);
  });

  it('prints notices on stderr and errors with the file and line, exit code 2', () => {
    const ok = mlsweep('sample', 'examples/azure-job.yml', '-n', '1', '--json');
    assert.match(ok.stderr, /notice: compute is used by Azure ML only/);
    JSON.parse(ok.stdout);
    const bad = mlsweep('sample', 'test/config/corpus/invalid/misspelt-limit.yml');
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr.trim(),
      "mlsweep: test/config/corpus/invalid/misspelt-limit.yml:line 11: limits.max_total_trails: unknown key 'max_total_trails'; did you mean 'max_total_trials'?",
    );
  });
});
