// `mlsweep sweep --store` is checked before the first trial runs: a store folder that
// cannot be made or written, a file, or a database URL this version cannot open is one
// line on stderr and exit 2, and no trial is started, no folder created.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-sweep-store-'));
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
const aFile = join(dir, 'not-a-folder');
writeFileSync(aFile, 'x');

function sweep(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep', sweepFile, ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const ran = () => existsSync(join(dir, 'ran-1')) || existsSync(join(dir, 'ran-2'));

describe('sweep --store is checked before any trial', () => {
  for (const [label, store, pattern] of [
    [
      'a folder whose parent does not exist',
      '/no/such/dir/x',
      /^mlsweep: --store \/no\/such\/dir\/x: .*does not exist/,
    ],
    ['a file', aFile, /^mlsweep: --store .*is a file, expected a folder/],
    [
      'a PostgreSQL URL (not yet)',
      'postgresql://me:secret@db.example/mlsweep',
      /^mlsweep: .*postgresql:\/\/db\.example/,
    ],
  ] as const) {
    it(`${label}: exit 2, one line, no trial`, () => {
      const r = sweep('--store', store);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.trimEnd().split('\n');
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0]!, pattern);
      assert.doesNotMatch(r.stderr, /secret/);
      assert.equal(r.stdout, '');
      assert.equal(ran(), false);
    });
  }

  it('nothing is created at the refused location', () => {
    assert.equal(existsSync('/no/such'), false);
  });

  it('--no-track ignores --store', () => {
    const r = sweep('--store', '/no/such/dir/x', '--no-track');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(ran(), true);
    assert.equal(existsSync('/no/such'), false);
  });
});
