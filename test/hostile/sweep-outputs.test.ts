// `mlsweep sweep` checks its output locations (--report, --output-dir) before the first
// trial runs: a bad one is one line on stderr and exit 2, and no trial is started.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-sweep-outputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// Each trial leaves a marker file: a refused sweep must leave none.
writeFileSync(
  join(dir, 'trial.cjs'),
  `require('fs').writeFileSync(require('path').join(__dirname, 'ran-' + process.argv[2]), '');
console.log('##mlsweep ' + JSON.stringify({ score: Number(process.argv[2]) }));`,
);
const sweepFile = join(dir, 'sweep.json');
writeFileSync(
  sweepFile,
  JSON.stringify({
    type: 'sweep',
    trial: { command: `${JSON.stringify(process.execPath)} trial.cjs \${{search_space.x}}`, code: '.' },
    search_space: { x: { type: 'choice', values: [1, 2] } },
    sampling_algorithm: 'grid',
    objective: { goal: 'maximize', primary_metric: 'score' },
  }),
);

function sweep(...args: string[]) {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'sweep', sweepFile, '--no-track', ...args],
    { cwd: root, encoding: 'utf8' },
  );
  return { code: r.status, stderr: r.stderr };
}

describe('sweep output locations are checked before any trial', () => {
  for (const [option, value] of [
    ['--report', '/no/such/dir/report.html'],
    ['--output-dir', '/no/such/dir/trials'],
    ['--report', dir],
  ] as const) {
    it(`${option} ${value === dir ? '(a folder)' : value}`, () => {
      const r = sweep(option, value);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, new RegExp(`^mlsweep: ${option}`));
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
