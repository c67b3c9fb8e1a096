import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { nativeAvailable } from '../helpers/backends.ts';

// The native kernels take AVX-512 paths where the CPU has it, and AVX2/AVX paths on every
// other x86-64 CPU. On a machine with AVX-512 the other paths would go untested: these run
// the suites that compare native results with the TypeScript ones bit for bit again, in a
// process where MLSWEEP_NATIVE_NO_AVX512=1 turns the AVX-512 paths off.
const root = fileURLToPath(new URL('../..', import.meta.url));
const suites = [
  'test/models/grow.test.ts',
  'test/compute/boosting-kernel.test.ts',
  'test/models/boosting.test.ts',
];

describe('native kernels without AVX-512', { skip: !nativeAvailable && 'native addon not built' }, () => {
  it('give the same trees, gradients and scores as the TypeScript kernels', () => {
    // a test run of its own, reporting TAP (not to this runner, as NODE_TEST_CONTEXT asks)
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', ...suites], {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, MLSWEEP_NATIVE_NO_AVX512: '1' },
      timeout: 300_000,
    });
    const summary = run.stdout.split('\n').filter((l) => /^# (tests|pass|fail)/.test(l));
    assert.equal(
      run.status,
      0,
      `${summary.join(', ')}\n${run.stdout.slice(-3000)}${run.stderr.slice(-2000)}`,
    );
    assert.match(run.stdout, /^# fail 0$/m);
    assert.doesNotMatch(run.stdout, /^# pass 0$/m);
  });
});
