import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type JobLauncher, Scheduler, ScheduleStore } from '../../../src/pipeline/schedules/index.ts';
import { SqliteStore } from '../../../src/tracking/sqlite-store.ts';
import { tempDir } from '../../tracking/helpers/temp.ts';
import { newStore, scheduleSpec, TestClock } from './helpers.ts';

const MINUTE = 60_000;
const T0 = Date.parse('2026-06-01T00:00:00Z');

/** A launcher that records what it started and answers at once with a run id. */
function recorder(): { launch: JobLauncher; started: Array<{ name: string; tick: number }> } {
  const started: Array<{ name: string; tick: number }> = [];
  return {
    started,
    launch: async (schedule, tick) => {
      started.push({ name: schedule.name, tick });
      return { status: 'completed', runId: `run-${started.length}` };
    },
  };
}

describe('the scheduler', () => {
  it('fires each tick once as time passes, never the ticks before the schedule was created, and records the run', async () => {
    const { store } = newStore('sched-basic');
    try {
      const clock = new TestClock(T0 + 30_000);
      new ScheduleStore(store).create(
        scheduleSpec('every5', '  type: cron\n  expression: "*/5 * * * *"\n'),
        clock.now,
      );
      const { launch, started } = recorder();
      const scheduler = new Scheduler({ store, clock: clock.read, launch, schedulerId: 'a' });
      assert.deepEqual(scheduler.poll(), [], 'T0 itself is before creation');
      clock.now = T0 + 5 * MINUTE;
      assert.deepEqual(scheduler.poll(), [
        { schedule: 'every5', tick: T0 + 5 * MINUTE, catchUp: false, skipped: 0, trigger: 'cron' },
      ]);
      assert.deepEqual(scheduler.poll(), [], 'the same tick never twice');
      clock.advance(4 * MINUTE);
      assert.deepEqual(scheduler.poll(), []);
      clock.advance(MINUTE + 1000);
      assert.equal(scheduler.poll()[0]!.tick, T0 + 10 * MINUTE);
      await scheduler.idle();
      assert.deepEqual(
        started.map((s) => s.tick),
        [T0 + 5 * MINUTE, T0 + 10 * MINUTE],
      );
      const fires = new ScheduleStore(store).fires('every5');
      assert.deepEqual(
        fires.map((f) => [f.tick, f.status, f.runId, f.schedulerId]),
        [
          [T0 + 10 * MINUTE, 'completed', 'run-2', 'a'],
          [T0 + 5 * MINUTE, 'completed', 'run-1', 'a'],
        ],
      );
      assert.equal(new ScheduleStore(store).get('every5').lastTick, T0 + 10 * MINUTE);
      assert.equal(scheduler.nextFire(), T0 + 15 * MINUTE);
    } finally {
      store.close();
    }
  });

  it('after a restart, runs one catch-up for the missed ticks (the latest), then keeps time', async () => {
    const { store, dir } = newStore('sched-misfire');
    const clock = new TestClock(T0);
    new ScheduleStore(store).create(
      scheduleSpec('hourly', '  type: cron\n  expression: "0 * * * *"\n'),
      clock.now,
    );
    const first = recorder();
    clock.now = T0 + 60 * MINUTE;
    assert.equal(new Scheduler({ store, clock: clock.read, launch: first.launch }).poll().length, 1);
    store.close();

    // down for five hours and a half; a new process, a new connection
    clock.now = T0 + 6 * 60 * MINUTE + 30 * MINUTE;
    const reopened = new SqliteStore({ dir });
    try {
      const second = recorder();
      const scheduler = new Scheduler({ store: reopened, clock: clock.read, launch: second.launch });
      assert.deepEqual(scheduler.poll(), [
        { schedule: 'hourly', tick: T0 + 6 * 60 * MINUTE, catchUp: true, skipped: 4, trigger: 'cron' },
      ]);
      assert.deepEqual(scheduler.poll(), []);
      clock.now = T0 + 7 * 60 * MINUTE + 2000;
      assert.deepEqual(scheduler.poll(), [
        { schedule: 'hourly', tick: T0 + 7 * 60 * MINUTE, catchUp: false, skipped: 0, trigger: 'cron' },
      ]);
      await scheduler.idle();
      assert.equal(second.started.length, 2);
      const fires = new ScheduleStore(reopened).fires('hourly');
      assert.deepEqual(
        fires.map((f) => f.catchUp),
        [false, true, false],
      );
    } finally {
      reopened.close();
    }
  });

  it('a tick fired more than the grace period late is a catch-up; disabled schedules do not fire nor catch up', () => {
    const { store } = newStore('sched-disable');
    try {
      const clock = new TestClock(T0);
      const schedules = new ScheduleStore(store);
      schedules.create(scheduleSpec('daily', '  type: cron\n  expression: "0 6 * * *"\n'), clock.now);
      const { launch } = recorder();
      const scheduler = new Scheduler({ store, clock: clock.read, launch, misfireGraceMs: 5 * MINUTE });
      clock.now = T0 + 6 * 60 * MINUTE + 10 * MINUTE;
      assert.equal(scheduler.poll()[0]!.catchUp, true);
      schedules.setEnabled('daily', false, clock.now);
      clock.now += 3 * 24 * 60 * MINUTE;
      assert.deepEqual(scheduler.poll(), []);
      schedules.setEnabled('daily', true, clock.now);
      assert.deepEqual(scheduler.poll(), [], 'ticks missed while disabled are not caught up');
      clock.now = T0 + 4 * 24 * 60 * MINUTE + 6 * 60 * MINUTE;
      assert.equal(scheduler.poll()[0]!.catchUp, false);
    } finally {
      store.close();
    }
  });

  it('stops at end_time', () => {
    const { store } = newStore('sched-end');
    try {
      const clock = new TestClock(T0);
      new ScheduleStore(store).create(
        scheduleSpec(
          'short',
          '  type: cron\n  expression: "0 * * * *"\n  end_time: "2026-06-01T02:00:00Z"\n',
        ),
        clock.now,
      );
      const scheduler = new Scheduler({ store, clock: clock.read, launch: recorder().launch });
      const ticks: number[] = [];
      for (let h = 1; h <= 5; h++) {
        clock.now = T0 + h * 60 * MINUTE;
        for (const e of scheduler.poll()) ticks.push(e.tick);
      }
      assert.deepEqual(ticks, [T0 + 60 * MINUTE, T0 + 120 * MINUTE]);
      assert.equal(scheduler.nextFire(), undefined);
    } finally {
      store.close();
    }
  });

  it('fires a data_change schedule once per change of the content, the content at creation being the baseline', async () => {
    const { store } = newStore('sched-data');
    const data = join(tempDir('sched-data-file'), 'incoming.csv');
    writeFileSync(data, 'x,y\n1,2\n');
    try {
      const clock = new TestClock(T0);
      const schedules = new ScheduleStore(store);
      const spec = scheduleSpec('on-data', `  type: data_change\n  path: ${data}\n  poll_interval: 30\n`);
      const { launch, started } = recorder();
      const scheduler = new Scheduler({ store, clock: clock.read, launch });
      schedules.create(spec, clock.now);
      assert.deepEqual(scheduler.poll(), [], 'the first look is the baseline');
      clock.advance(31_000);
      assert.deepEqual(scheduler.poll(), [], 'unchanged');
      writeFileSync(data, 'x,y\n1,2\n3,4\n');
      clock.advance(10_000);
      assert.deepEqual(scheduler.poll(), [], 'not polled again before poll_interval');
      clock.advance(21_000);
      const fired = scheduler.poll();
      assert.deepEqual(
        fired.map((e) => [e.schedule, e.trigger, e.tick]),
        [['on-data', 'data_change', clock.now]],
      );
      clock.advance(31_000);
      assert.deepEqual(scheduler.poll(), [], 'the same content fires once');
      await scheduler.idle();
      assert.equal(started.length, 1);
    } finally {
      store.close();
    }
  });

  it('two schedulers in two processes racing on one store fire every tick exactly once', async () => {
    const { store, dir } = newStore('sched-race');
    new ScheduleStore(store).create(scheduleSpec('race', '  type: cron\n  expression: "* * * * *"\n'), T0);
    store.close();
    const child = fileURLToPath(new URL('./fixtures/race-child.ts', import.meta.url));
    const run = (id: string, other: string) =>
      new Promise<number[]>((resolve, reject) => {
        const proc = spawn(
          process.execPath,
          ['--import', 'tsx', child, dir, id, other, String(T0 + MINUTE), String(MINUTE), '150'],
          { stdio: ['ignore', 'pipe', 'pipe'] },
        );
        let out = '';
        let err = '';
        proc.stdout.on('data', (c: Buffer) => (out += c));
        proc.stderr.on('data', (c: Buffer) => (err += c));
        proc.once('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(err))));
      });
    const [a, b] = await Promise.all([run('a', 'b'), run('b', 'a')]);
    const all = [...a, ...b].sort((x, y) => x - y);
    assert.equal(all.length, 150, `a fired ${a.length}, b fired ${b.length}`);
    assert.deepEqual(
      all,
      Array.from({ length: 150 }, (_, i) => T0 + (i + 1) * MINUTE),
    );
    const check = new SqliteStore({ dir });
    try {
      const rows = check
        .sql(
          "SELECT count(*) AS n, count(DISTINCT tick) AS d FROM schedule_fires WHERE schedule_name = 'race'",
        )
        .get() as {
        n: number;
        d: number;
      };
      assert.deepEqual(rows, { n: 150, d: 150 });
    } finally {
      check.close();
    }
  });
});
