// `mlsweep sweep other.yml --resume <id>` must not continue sweep <id> with another
// file's search space, objective or sampling: it is refused (exit 2) with the
// differences in one line, before anything is written. Limits may be raised; a sweep
// recorded before definitions were kept resumes with a notice. Real CLI processes.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { type CliResult, startCli, tempDir } from './helpers.ts';

const base = tempDir('resume-mismatch');

writeFileSync(
  join(base, 'trial.cjs'),
  `console.log('##mlsweep ' + JSON.stringify({ score: Number(process.argv[2]) }));`,
);

const command = `${JSON.stringify(process.execPath)} trial.cjs \${{search_space.x}}`;

function sweepFile(name: string, changes: Record<string, unknown> = {}): string {
  const file = join(base, `${name}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      type: 'sweep',
      trial: { command, code: '.' },
      search_space: { x: { type: 'choice', values: [1, 2, 3] } },
      sampling_algorithm: { type: 'random', seed: 1 },
      objective: { goal: 'maximize', primary_metric: 'score' },
      limits: { max_total_trials: 3, max_concurrent_trials: 1 },
      ...changes,
    }),
  );
  return file;
}

function cli(args: string[]): Promise<CliResult> {
  return startCli(['sweep', ...args]).done;
}

/** Runs a sweep file to its end in a new store; returns the store and the sweep id. */
async function recorded(name: string, file: string): Promise<{ store: string; id: string }> {
  const store = join(base, name, 'mlruns');
  mkdirSync(join(base, name));
  const { code, stderr } = await cli([file, '--store', store]);
  assert.equal(code, 0, stderr);
  const id = /sweep ([0-9a-f]{32}) recorded in/.exec(stderr)?.[1];
  assert.ok(id, stderr);
  return { store, id };
}

function trialCount(store: string, id: string): number {
  const db = new SqliteStore({ dir: store, create: false });
  try {
    return db.db.prepare('SELECT count(*) FROM trials WHERE sweep_run_id = ?').pluck().get(id) as number;
  } finally {
    db.close();
  }
}

/** The one line of the refusal, on stderr. */
function refusal(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l.startsWith('mlsweep: '));
  assert.equal(lines.length, 1, stderr);
  return lines[0]!;
}

describe('mlsweep sweep --resume with another definition', () => {
  it('another search space and goal: exit 2, each difference named, nothing written', async () => {
    const { store, id } = await recorded('space', sweepFile('space-a'));
    const other = sweepFile('space-b', {
      search_space: { x: { type: 'choice', values: [1, 2] } },
      objective: { goal: 'minimize', primary_metric: 'score' },
    });
    const { code, stdout, stderr } = await cli([other, '--store', store, '--resume', id]);
    assert.equal(code, 2, stderr);
    assert.equal(stdout, '');
    const line = refusal(stderr);
    assert.match(line, new RegExp(`sweep ${id} was recorded with another definition`));
    assert.match(line, /objective\.goal: stored maximize, file minimize/);
    assert.match(line, /search_space\.x: stored choice \[1,2,3\], file choice \[1,2\]/);
    assert.equal(trialCount(store, id), 3);
    const db = new SqliteStore({ dir: store, create: false });
    assert.equal(db.run(id).status, 'FINISHED');
    db.close();
  });

  it('another seed (--seed or the file), another early termination, another command: refused', async () => {
    const { store, id } = await recorded('seed', sweepFile('seed-a'));
    const seeded = await cli([sweepFile('seed-a2'), '--store', store, '--resume', id, '--seed', '2']);
    assert.equal(seeded.code, 2, seeded.stderr);
    assert.match(refusal(seeded.stderr), /sampling_algorithm\.seed: stored 1, file 2/);

    const policy = sweepFile('seed-b', { early_termination: { type: 'bandit', slack_factor: 0.2 } });
    const withPolicy = await cli([policy, '--store', store, '--resume', id]);
    assert.equal(withPolicy.code, 2, withPolicy.stderr);
    assert.match(
      refusal(withPolicy.stderr),
      /early_termination: stored \(none\), file \{.*"slack_factor":0\.2/,
    );

    const echo = sweepFile('seed-c', { trial: { command: `${command} extra`, code: '.' } });
    const otherCommand = await cli([echo, '--store', store, '--resume', id]);
    assert.equal(otherCommand.code, 2, otherCommand.stderr);
    assert.match(refusal(otherCommand.stderr), /trial\.command: stored .*trial\.cjs.*, file .* extra/);
    assert.equal(trialCount(store, id), 3);
  });

  it('the same definition with higher limits and another name resumes', async () => {
    const { store, id } = await recorded('limits', sweepFile('limits-a'));
    const more = sweepFile('limits-b', {
      display_name: 'renamed',
      limits: { max_total_trials: 5, max_concurrent_trials: 2 },
    });
    const { code, stdout, stderr } = await cli([more, '--store', store, '--resume', id, '--json']);
    assert.equal(code, 0, stderr);
    assert.equal(JSON.parse(stdout).counts.completed, 5);
    assert.equal(trialCount(store, id), 5);
  });

  it('a sweep recorded without its definition resumes with a notice, then is checked', async () => {
    const { store, id } = await recorded('old', sweepFile('old-a'));
    // As a store written before definitions were kept has it.
    const db = new SqliteStore({ dir: store, create: false });
    db.db
      .prepare("DELETE FROM tags WHERE run_id = ? AND key IN ('mlsweep.spec', 'mlsweep.spec_hash')")
      .run(id);
    db.close();
    const more = sweepFile('old-b', { limits: { max_total_trials: 4, max_concurrent_trials: 1 } });
    const resumed = await cli([more, '--store', store, '--resume', id]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`notice: sweep ${id} was recorded without its definition`));
    assert.equal(trialCount(store, id), 4);
    // Its definition is recorded now: another one is refused from here on.
    const other = sweepFile('old-c', { objective: { goal: 'minimize', primary_metric: 'score' } });
    const refused = await cli([other, '--store', store, '--resume', id]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refusal(refused.stderr), /objective\.goal: stored maximize, file minimize/);
  });
});
