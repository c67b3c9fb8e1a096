// `mlsweep sweep --store` is checked before the first trial runs: a store folder that
// cannot be made or written, a file, or a database URL this version cannot open is one
// line on stderr and exit 2, and no trial is started, no folder created.
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { assertOneLine, markerSweep, runCli, tempDir } from './helpers.ts';

const dir = tempDir('sweep-store');

// Each trial leaves a marker file: a refused sweep must leave none.
const sweepFile = markerSweep(dir);
const aFile = join(dir, 'not-a-folder');
writeFileSync(aFile, 'x');

const sweep = (...args: string[]) => runCli(['sweep', sweepFile, ...args]);

const ran = () => existsSync(join(dir, 'ran-1')) || existsSync(join(dir, 'ran-2'));

describe('sweep --store is checked before any trial', () => {
  for (const [label, store, pattern] of [
    [
      'a folder whose parent does not exist',
      '/no/such/dir/x',
      /^mlsweep: --store \/no\/such\/dir\/x: .*does not exist/,
    ],
    ['a file', aFile, /^mlsweep: --store .*is a file, expected a folder/],
  ] as const) {
    it(`${label}: exit 2, one line, no trial`, () => {
      const r = sweep('--store', store);
      assert.equal(r.code, 2, r.stderr);
      assertOneLine(r.stderr, pattern);
      assert.doesNotMatch(r.stderr, /secret/);
      assert.equal(r.stdout, '');
      assert.equal(ran(), false);
    });
  }

  it('a PostgreSQL server that cannot be reached: exit 1, one line naming host and port, never the password, no trial', () => {
    // A URL is a store like a folder (PostgreSQL); an unreachable server is not a usage
    // mistake but a failure of the environment, hence 1 rather than 2.
    const r = sweep('--store', 'postgresql://me:secret@db.example.invalid/mlsweep');
    assert.equal(r.code, 1, r.stderr);
    assertOneLine(r.stderr, /^mlsweep: cannot reach the PostgreSQL store at db\.example\.invalid:5432: /);
    assert.doesNotMatch(r.stderr, /secret/);
    assert.equal(r.stdout, '');
    assert.equal(ran(), false);
  });

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
