import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import {
  Autoscaler,
  type AutoscaleTimer,
  checkScaleSettings,
  INITIAL_SCALE_STATE,
  intervalMeasure,
  nextInstanceCount,
  type ScaleState,
  type TargetUtilizationSettings,
} from '../../src/serve/autoscale.ts';

const settings = (over: Partial<TargetUtilizationSettings> = {}): TargetUtilizationSettings => ({
  type: 'target_utilization',
  minInstances: 1,
  maxInstances: 8,
  targetUtilizationPercentage: 50,
  pollingInterval: 1,
  ...over,
});

/** A timer the test ticks by hand: no wall-clock time passes in these tests. */
function fakeTimer() {
  let tick: (() => void) | undefined;
  let period = 0;
  const timer: AutoscaleTimer = {
    every(ms, fn) {
      period = ms;
      tick = fn;
      return () => {
        tick = undefined;
      };
    },
  };
  return { timer, period: () => period, running: () => tick !== undefined };
}

/** A pool whose busy time the test sets per interval; resize is recorded. */
function fakePool(initial: number) {
  let instances = initial;
  let utilization = 0;
  const resizes: number[] = [];
  return {
    set: (u: number) => (utilization = u),
    measure: () => ({ busyMs: utilization * 1000 * instances, elapsedMs: 1000 }),
    resize: async (n: number) => {
      resizes.push(n);
      instances = n;
    },
    instances: () => instances,
    resizes,
  };
}

describe('nextInstanceCount', () => {
  it('scales out proportionally at once, like the HPA', () => {
    const d = nextInstanceCount(settings(), { current: 2, utilization: 0.9 });
    assert.deepEqual([d.instances, d.action], [4, 'out']); // ceil(2 × 0.9 / 0.5)
    assert.equal(nextInstanceCount(settings(), { current: 3, utilization: 1 }).instances, 6);
  });

  it('holds within the 10% tolerance band around the target', () => {
    for (const u of [0.45, 0.5, 0.55]) {
      const d = nextInstanceCount(settings(), { current: 4, utilization: u });
      assert.deepEqual([d.instances, d.action], [4, 'hold'], `utilization ${u}`);
    }
    assert.equal(nextInstanceCount(settings(), { current: 4, utilization: 0.56 }).action, 'out');
  });

  it('never leaves [min, max]', () => {
    const s = settings({ minInstances: 2, maxInstances: 5 });
    assert.equal(nextInstanceCount(s, { current: 4, utilization: 1 }).instances, 5);
    assert.deepEqual(nextInstanceCount(s, { current: 0, utilization: 0 }).instances, 2);
    assert.deepEqual(nextInstanceCount(s, { current: 9, utilization: 1 }).instances, 5);
    let state: ScaleState = INITIAL_SCALE_STATE;
    let current = 5;
    for (let i = 0; i < 200; i++) {
      const d = nextInstanceCount(s, { current, utilization: 0 }, state, { scaleInReadings: 3 });
      state = d.state;
      current = d.instances;
      assert.ok(current >= 2 && current <= 5);
    }
    assert.equal(current, 2);
    // garbage readings are read as idle, not as a crash or NaN instances
    assert.equal(nextInstanceCount(s, { current: 3, utilization: Number.NaN }).instances, 3);
  });

  it('scales in only after N consecutive low readings, to the largest of their recommendations', () => {
    const s = settings();
    let state: ScaleState = INITIAL_SCALE_STATE;
    const step = (u: number) => {
      const d = nextInstanceCount(s, { current: 8, utilization: u }, state, { scaleInReadings: 3 });
      state = d.state;
      return d;
    };
    assert.equal(step(0.1).action, 'hold'); // desired 2
    assert.equal(step(0.3).action, 'hold'); // desired 5
    const third = step(0.05); // desired 1
    assert.deepEqual([third.action, third.instances], ['in', 5]);
    // a reading inside the band resets the run
    state = INITIAL_SCALE_STATE;
    step(0.1);
    step(0.1);
    step(0.5);
    assert.equal(step(0.1).action, 'hold');
  });

  it('defaults the stabilization to a minute of polling intervals', () => {
    const s = settings({ pollingInterval: 20 });
    let state: ScaleState = INITIAL_SCALE_STATE;
    const actions: string[] = [];
    for (let i = 0; i < 3; i++) {
      const d = nextInstanceCount(s, { current: 4, utilization: 0 }, state);
      state = d.state;
      actions.push(d.action);
    }
    assert.deepEqual(actions, ['hold', 'hold', 'in']);
  });

  it('checks settings and names the key', () => {
    assert.throws(() => checkScaleSettings(settings({ minInstances: 0 })), /scale_settings\.min_instances/);
    assert.throws(() => checkScaleSettings(settings({ maxInstances: 0 })), /scale_settings\.max_instances/);
    assert.throws(
      () => checkScaleSettings(settings({ targetUtilizationPercentage: 0 })),
      (e: unknown) => e instanceof ValidationError && /target_utilization_percentage/.test(e.message),
    );
    assert.throws(() => checkScaleSettings(settings({ pollingInterval: 0 })), /polling_interval/);
  });
});

describe('Autoscaler', () => {
  it('polls every polling_interval on the injected timer, scales out under load and in when idle', async () => {
    const t = fakeTimer();
    const pool = fakePool(1);
    const scaler = new Autoscaler(settings({ maxInstances: 6, pollingInterval: 2 }), {
      initial: 1,
      measure: pool.measure,
      resize: pool.resize,
      timer: t.timer,
      scaleInReadings: 3,
    });
    scaler.start();
    assert.equal(t.period(), 2000);
    pool.set(1);
    await scaler.tick(); // 1 → 2
    await scaler.tick(); // 2 → 4
    await scaler.tick(); // 4 → 6 (max 6, not 8)
    await scaler.tick(); // stays at max
    assert.deepEqual(pool.resizes, [2, 4, 6]);
    assert.equal(scaler.instances, 6);
    pool.set(0);
    await scaler.tick();
    await scaler.tick();
    assert.equal(pool.instances(), 6, 'no scale-in before 3 low readings');
    await scaler.tick();
    assert.equal(pool.instances(), 1);
    assert.deepEqual(pool.resizes, [2, 4, 6, 1]);
    scaler.stop();
    assert.equal(t.running(), false);
  });

  it('does not flap on a load that oscillates around the target', async () => {
    const pool = fakePool(4);
    const scaler = new Autoscaler(settings(), {
      initial: 4,
      measure: pool.measure,
      resize: pool.resize,
      timer: fakeTimer().timer,
      scaleInReadings: 5,
    });
    // alternating bursts and lulls: 0.54, 0.2, 0.54, 0.2 ...
    for (let i = 0; i < 100; i++) {
      pool.set(i % 2 === 0 ? 0.54 : 0.2);
      await scaler.tick();
    }
    assert.deepEqual(pool.resizes, []);
  });

  it('under bursts and lulls, only grows: no instance is torn down to be started again', async () => {
    const pool = fakePool(2);
    const scaler = new Autoscaler(settings(), {
      initial: 2,
      measure: pool.measure,
      resize: pool.resize,
      timer: fakeTimer().timer,
      scaleInReadings: 5,
    });
    // bursts of 2 readings, lulls of 4: a lull is shorter than the stabilization
    for (let i = 0; i < 120; i++) {
      pool.set(i % 6 < 2 ? 0.9 : 0.05);
      await scaler.tick();
    }
    assert.ok(pool.resizes.length > 0);
    for (let i = 1; i < pool.resizes.length; i++)
      assert.ok(pool.resizes[i]! >= pool.resizes[i - 1]!, String(pool.resizes));
    // the load stops: after the stabilization it comes down, once, to min
    pool.set(0);
    for (let i = 0; i < 5; i++) await scaler.tick();
    assert.equal(pool.instances(), 1);
  });

  it('skips readings while a resize is pending and survives a failing resize', async () => {
    const errors: unknown[] = [];
    let release: (() => void) | undefined;
    let calls = 0;
    const scaler: Autoscaler = new Autoscaler(settings(), {
      initial: 1,
      // every instance busy all the time
      measure: () => ({ busyMs: 1000 * scaler.instances, elapsedMs: 1000 }),
      resize: (n) => {
        calls++;
        if (n === 2 && calls === 1) return new Promise<void>((r) => (release = r));
        throw new Error('no more threads');
      },
      timer: fakeTimer().timer,
      onError: (e) => errors.push(e),
    });
    const first = scaler.tick();
    assert.equal(await scaler.tick(), undefined, 'a reading during a resize is skipped');
    release!();
    await first;
    assert.equal(scaler.instances, 2);
    await scaler.tick(); // 2 → 4 fails
    assert.equal(scaler.instances, 2);
    assert.equal(errors.length, 1);
  });
});

describe('intervalMeasure', () => {
  it('turns a cumulative busy counter into busy and elapsed time per interval', () => {
    let busy = 100;
    let now = 1_000;
    const measure = intervalMeasure(
      () => busy,
      () => now,
    );
    busy = 700;
    now = 2_000;
    assert.deepEqual(measure(), { busyMs: 600, elapsedMs: 1_000 });
    now = 2_500;
    assert.deepEqual(measure(), { busyMs: 0, elapsedMs: 500 });
    busy = 50; // a new pool: its counter starts again
    now = 3_000;
    assert.deepEqual(measure(), { busyMs: 0, elapsedMs: 500 });
    busy = 300;
    now = 4_000;
    assert.deepEqual(measure(), { busyMs: 250, elapsedMs: 1_000 });
  });
});
