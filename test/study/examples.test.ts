// The README's ask/tell and multi-objective snippets live in examples/: each runs here.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../tracking/helpers/temp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe('examples: studies and multi-objective sweeps', () => {
  it('examples/study-ask-tell.ts: asks, prunes, tells, and finds the enqueued optimum', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/study-ask-tell.ts'], {
      cwd: root,
    });
    assert.match(stdout, /^31 trials, \d+ pruned$/m);
    assert.match(stdout, /^best trial 0: loss 0\.2000 \{ x: 2, optimizer: 'adam' \}$/m);
  });

  it('examples/multi-objective.ts: a Pareto front from sweep() and from a study', async () => {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'examples/multi-objective.ts'], {
      cwd: root,
    });
    assert.match(stdout, /^sweep: \d+ trials on the Pareto front, hypervolume \d+\.\d{4}$/m);
    assert.match(
      stdout,
      /^study: \d+ trials on the Pareto front, hypervolume \d+\.\d{4} against \(0\.4, 6\)$/m,
    );
  });

  it('examples/study-shell.sh: the shell loop through mlsweep study', async () => {
    const store = tempDir('study-shell');
    const { stdout } = await run('bash', ['examples/study-shell.sh', store], { cwd: root });
    const best = JSON.parse(stdout) as { id: number; params: { x: number }; value: number };
    assert.deepEqual([best.id, best.params.x, best.value], [0, 2, 0]);
  });

  it('examples/multi-objective.yml and examples/spaces/study-space.yml load', async () => {
    const { loadSweepFile } = await import('../../src/config/load.ts');
    const { loadSearchSpaceFile } = await import('../../src/config/search-space-file.ts');
    assert.equal(loadSweepFile(join(root, 'examples/multi-objective.yml')).objectives?.length, 2);
    assert.deepEqual(
      loadSearchSpaceFile(join(root, 'examples/spaces/study-space.yml')).parameters.map((p) => p.path),
      ['x', 'units'],
    );
  });
});
