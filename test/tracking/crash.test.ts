import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { CLI } from '../helpers/cli.ts';
import { tempDir } from './helpers/temp.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cli = [...CLI, 'sweep'];

/** A sweep of 40 command trials, 4 at a time; each trial reports 3 points ~60 ms apart. */
function writeSweep(dir: string): string {
  writeFileSync(
    join(dir, 'trial.mjs'),
    `const x = Number(process.argv[2]);
for (let step = 0; step < 3; step++) {
  console.log('##mlsweep ' + JSON.stringify({ score: x + step, step }));
  await new Promise((r) => setTimeout(r, 60));
}
`,
  );
  const file = join(dir, 'crash.yml');
  writeFileSync(
    file,
    `type: sweep
experiment_name: crash
trial:
  command: '"${process.execPath}" trial.mjs \${{search_space.x}}'
  code: .
search_space:
  x: { type: uniform, min_value: 0, max_value: 1 }
sampling_algorithm: { type: random, seed: 3 }
objective: { goal: maximize, primary_metric: score }
limits: { max_total_trials: 40, max_concurrent_trials: 4 }
`,
  );
  return file;
}

interface Point {
  run_id: string;
  key: string;
  step: number;
  value: number;
}

function completedCount(dir: string): number {
  if (!existsSync(join(dir, 'mlsweep.db'))) return 0;
  try {
    const store = new SqliteStore({ dir, create: false });
    try {
      return store.db
        .prepare("SELECT count(*) FROM trials WHERE status = 'completed'")
        .pluck()
        .get() as number;
    } finally {
      store.close();
    }
  } catch {
    return 0;
  }
}

describe('crash and resume (mlsweep sweep --resume)', () => {
  it('SIGKILL mid-run, resume: exactly 40 completed, no duplicate numbers, every point kept', async () => {
    const work = tempDir('crash');
    const file = writeSweep(work);
    const store = join(work, 'mlruns');
    const child = spawn(process.execPath, [...cli, file, '--store', store], { cwd: root });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    for (let i = 0; i < 1200 && child.exitCode === null && completedCount(store) < 8; i++) await sleep(25);
    assert.ok(completedCount(store) >= 8, `the sweep did not get going: ${stderr}`);
    child.kill('SIGKILL');
    await exited;

    const before = new SqliteStore({ dir: store, create: false });
    const sweepId = before.db
      .prepare("SELECT run_id FROM tags WHERE key = 'mlsweep.type' AND value = 'sweep'")
      .pluck()
      .get() as string;
    const pointsBefore = before.db.prepare('SELECT run_id, key, step, value FROM metrics').all() as Point[];
    const runningBefore = before.db
      .prepare("SELECT count(*) FROM trials WHERE status = 'running'")
      .pluck()
      .get();
    const completedBefore = before.db
      .prepare("SELECT count(*) FROM trials WHERE status = 'completed'")
      .pluck()
      .get();
    before.close();
    assert.ok(Number(runningBefore) >= 1, 'some trials were running at the kill');
    assert.ok(Number(completedBefore) < 40, 'the kill came before the end');
    assert.ok(pointsBefore.length >= 24);
    assert.match(stderr, new RegExp(`sweep ${sweepId} recorded in .*--resume ${sweepId}`));

    const resumed = spawnSync(
      process.execPath,
      [...cli, file, '--store', store, '--resume', sweepId, '--json'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`resuming sweep ${sweepId}: \\d+ trials recorded`));
    const result = JSON.parse(resumed.stdout) as {
      counts: { completed: number };
      trials: Array<{ id: number }>;
    };
    assert.equal(result.counts.completed, 40);

    const after = new SqliteStore({ dir: store, create: false });
    const trials = after.db
      .prepare(
        'SELECT t.number, t.status, t.retry_of, t.run_id FROM trials t WHERE sweep_run_id = ? ORDER BY number',
      )
      .all(sweepId) as Array<{ number: number; status: string; retry_of: number | null; run_id: string }>;
    const numbers = trials.map((t) => t.number);
    assert.equal(new Set(numbers).size, numbers.length, 'no duplicate trial numbers');
    assert.equal(trials.filter((t) => t.status === 'completed').length, 40);
    assert.equal(trials.filter((t) => t.status === 'running').length, 0);
    const interrupted = trials.filter((t) => t.status === 'failed');
    assert.equal(interrupted.length, Number(runningBefore));
    assert.deepEqual(
      trials
        .filter((t) => t.retry_of !== null)
        .map((t) => t.retry_of)
        .sort((a, b) => a! - b!),
      interrupted.map((t) => t.number),
    );
    const has = after.db
      .prepare('SELECT count(*) FROM metrics WHERE run_id = ? AND key = ? AND step = ? AND value = ?')
      .pluck();
    for (const p of pointsBefore)
      assert.equal(has.get(p.run_id, p.key, p.step, p.value), 1, JSON.stringify(p));
    for (const t of trials.filter((x) => x.status === 'completed')) {
      assert.deepEqual(
        after.metricHistory(t.run_id, 'score').map((p) => p.step),
        [0, 1, 2],
      );
    }
    assert.equal(after.run(sweepId).status, 'FINISHED');
    after.close();
  });
});
