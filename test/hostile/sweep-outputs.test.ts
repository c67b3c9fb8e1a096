// `mlsweep sweep` checks its output locations (--report, --output-dir) before the first
// trial runs: a bad one is one line on stderr and exit 2, and no trial is started.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneLine, markerSweep, runCli, tempDir } from './helpers.ts';

const dir = tempDir('sweep-outputs');

// Each trial leaves a marker file: a refused sweep must leave none.
const sweepFile = markerSweep(dir);

const sweep = (...args: string[]) => runCli(['sweep', sweepFile, '--no-track', ...args]);

describe('sweep output locations are checked before any trial', () => {
  for (const [option, value] of [
    ['--report', '/no/such/dir/report.html'],
    ['--output-dir', '/no/such/dir/trials'],
    ['--report', dir],
  ] as const) {
    it(`${option} ${value === dir ? '(a folder)' : value}`, () => {
      const r = sweep(option, value);
      assert.equal(r.code, 2, r.stderr);
      assertOneLine(r.stderr, new RegExp(`^mlsweep: ${option}`));
      assert.equal(existsSync(join(dir, 'ran-1')) || existsSync(join(dir, 'ran-2')), false);
    });
  }

  it('a good --report is written once the sweep ends', () => {
    const report = join(dir, 'report.html');
    const r = sweep('--report', report);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(existsSync(report), true);
    assert.equal(existsSync(join(dir, 'ran-2')), true);
  });
});
