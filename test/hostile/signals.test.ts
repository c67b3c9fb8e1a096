// `mlsweep sweep` stopped by SIGTERM or SIGHUP (as by `kill` or a closed terminal): the
// trials' process groups end (SIGTERM, then SIGKILL after the grace period), the store
// records the sweep as interrupted, the exit code names the signal, and --resume finishes
// the sweep keeping every earlier point. Real CLI processes, real trial processes.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { alive, until } from '../sweep/helpers.ts';
import { startCli, writeCommandSweep } from './helpers.ts';

const base = mkdtempSync(join(tmpdir(), 'mlsweep-signals-'));
after(() => {
  // Should a test fail, no trial outlives it: every pid any trial noted is killed.
  for (const name of readdirSync(base)) {
    const noted = join(base, name, 'pids');
    for (const pid of existsSync(noted) ? readdirSync(noted).map(Number) : []) {
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
  }
  rmSync(base, { recursive: true, force: true });
});

// Trial x notes its pid in pids/. With a file `fast` in its folder, or for x < 4, it
// reports score = x and exits; otherwise it runs until killed, ignoring SIGTERM when x
// is odd, and says it is under way in running/ (once its SIGTERM handler is in place).
const TRIAL = `const fs = require('fs');
const path = require('path');
const x = Number(process.argv[2]);
fs.writeFileSync(path.join(__dirname, 'pids', String(process.pid)), '');
if (x < 4 || fs.existsSync(path.join(__dirname, 'fast'))) {
  console.log('##mlsweep ' + JSON.stringify({ score: x }));
  process.exit(0);
}
if (x % 2 === 1) process.on('SIGTERM', () => {});
fs.writeFileSync(path.join(__dirname, 'running', String(x)), '');
setInterval(() => {}, 1000);
`;

interface Work {
  readonly dir: string;
  readonly file: string;
  readonly store: string;
}

function work(name: string, trials: number): Work {
  const dir = join(base, name);
  mkdirSync(join(dir, 'pids'), { recursive: true });
  mkdirSync(join(dir, 'running'));
  const file = writeCommandSweep(
    dir,
    TRIAL,
    Array.from({ length: trials }, (_, i) => i),
    { limits: { max_total_trials: trials, max_concurrent_trials: 4 } },
  );
  return { dir, file, store: join(dir, 'mlruns') };
}

function cli(w: Work, args: string[]) {
  return startCli(['sweep', w.file, '--store', w.store, '--json', ...args]);
}

function pids(w: Work): number[] {
  return readdirSync(join(w.dir, 'pids')).map(Number);
}

const running = (w: Work) => readdirSync(join(w.dir, 'running')).length;

function sweepId(stderr: string): string {
  const id = /sweep ([0-9a-f]{32}) recorded in/.exec(stderr)?.[1];
  assert.ok(id, `no sweep id in: ${stderr}`);
  return id;
}

function sweepRun(w: Work, id: string) {
  const store = new SqliteStore({ dir: w.store, create: false });
  try {
    const run = store.run(id);
    const trials = store.db
      .prepare('SELECT number, status FROM trials WHERE sweep_run_id = ? ORDER BY number')
      .all(id) as Array<{ number: number; status: string }>;
    return { status: run.status, tags: run.tags, trials };
  } finally {
    store.close();
  }
}

interface JsonTrial {
  id: number;
  status: string;
  params: { x: number };
  value?: number;
  metrics: Record<string, unknown>;
  startedAt: string;
}

describe('mlsweep sweep stopped by a signal', () => {
  it('SIGTERM: trials end (SIGKILL after the grace), exit 143, store interrupted; --resume completes all 20', async () => {
    const w = work('term', 20);
    const first = cli(w, ['--termination-grace', '1']);
    // x = 4..7 hold the 4 slots once x = 0..3 have completed.
    await until(() => running(w) === 4);
    first.child.kill('SIGTERM');
    const { code, signal, stdout, stderr } = await first.done;
    assert.equal(signal, null, stderr);
    assert.equal(code, 143, stderr);

    // Every trial process is gone, those ignoring SIGTERM too (they run forever otherwise).
    const started = pids(w);
    assert.equal(started.length, 8);
    await until(() => started.every((pid) => !alive(pid)));

    // The best so far is kept and printed.
    const result = JSON.parse(stdout) as { stopReason: string; best: JsonTrial; trials: JsonTrial[] };
    assert.equal(result.stopReason, 'interrupted');
    assert.deepEqual(
      result.trials.map((t) => [t.params.x, t.status]),
      [0, 1, 2, 3, 4, 5, 6, 7].map((x) => [x, x < 4 ? 'completed' : 'cancelled']),
    );
    assert.equal(result.best.id, 3);
    assert.equal(result.best.value, 3);

    const id = sweepId(stderr);
    assert.match(stderr, new RegExp(`sweep ${id} interrupted: continue it with --resume ${id}`));
    const recorded = sweepRun(w, id);
    assert.equal(recorded.status, 'KILLED');
    assert.equal(recorded.tags['mlsweep.stop_reason'], 'interrupted');
    assert.equal(recorded.tags['mlsweep.stop_message'], 'interrupted by SIGTERM');
    assert.deepEqual(
      recorded.trials.map((t) => t.status),
      [
        'completed',
        'completed',
        'completed',
        'completed',
        'cancelled',
        'cancelled',
        'cancelled',
        'cancelled',
      ],
    );

    // Resumed with trials that now finish at once: 20 completed, x = 0..19 each once, and
    // the trials completed before the signal kept as they were.
    writeFileSync(join(w.dir, 'fast'), '');
    const second = cli(w, ['--resume', id]);
    const resumed = await second.done;
    assert.equal(resumed.code, 0, resumed.stderr);
    const final = JSON.parse(resumed.stdout) as {
      counts: { completed: number; cancelled: number; total: number };
      best: JsonTrial;
      trials: JsonTrial[];
    };
    assert.equal(final.counts.completed, 20);
    assert.equal(final.counts.cancelled, 4);
    assert.equal(final.counts.total, 24);
    assert.deepEqual(
      final.trials
        .filter((t) => t.status === 'completed')
        .map((t) => t.params.x)
        .sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i),
    );
    for (const before of result.trials.filter((t) => t.status === 'completed')) {
      const after = final.trials.find((t) => t.id === before.id)!;
      assert.deepEqual(
        [after.status, after.value, after.metrics, after.params, after.startedAt],
        [before.status, before.value, before.metrics, before.params, before.startedAt],
      );
    }
    assert.equal(final.best.value, 19);
    const done = sweepRun(w, id);
    assert.equal(done.status, 'FINISHED');
    assert.equal(done.tags['mlsweep.stop_reason'], 'max_total_trials');
  });

  it('SIGHUP: exit 129, trials ended, store interrupted', async () => {
    const w = work('hup', 6);
    const run = cli(w, ['--termination-grace', '1']);
    await until(() => running(w) === 2); // x = 4 and 5 (5 ignores SIGTERM)
    run.child.kill('SIGHUP');
    const { code, stderr } = await run.done;
    assert.equal(code, 129, stderr);
    const started = pids(w);
    await until(() => started.every((pid) => !alive(pid)));
    const recorded = sweepRun(w, sweepId(stderr));
    assert.equal(recorded.status, 'KILLED');
    assert.equal(recorded.tags['mlsweep.stop_reason'], 'interrupted');
  });

  it('a second SIGTERM kills the trials at once, long before the grace, and the store stays consistent', async () => {
    const w = work('twice', 6);
    const run = cli(w, ['--termination-grace', '600']);
    await until(() => running(w) === 2);
    run.child.kill('SIGTERM');
    await until(() => run.stderr().includes('stopping: interrupted by SIGTERM'));
    run.child.kill('SIGTERM');
    const { code, stdout, stderr } = await run.done;
    assert.equal(code, 143, stderr);
    assert.match(stderr, /killing the running trials/);
    const started = pids(w);
    await until(() => started.every((pid) => !alive(pid)));
    assert.equal(JSON.parse(stdout).stopReason, 'interrupted');
    const recorded = sweepRun(w, sweepId(stderr));
    assert.equal(recorded.status, 'KILLED');
    assert.equal(recorded.tags['mlsweep.stop_reason'], 'interrupted');
    assert.equal(
      recorded.trials.filter((t) => t.status === 'running').length,
      0,
      'every trial has its final status',
    );
  });
});
