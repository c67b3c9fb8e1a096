import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ValidationError } from '../../src/core/errors.ts';
import type { TrialHistory } from '../../src/samplers/types.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { Sweep, sweep } from '../../src/sweep/index.ts';
import { listSampler, uniformSampler } from './helpers.ts';

const minimizeLoss = { goal: 'minimize', primaryMetric: 'loss' } as const;

describe('sweep limits', () => {
  it('max_total_trials: runs exactly that many trials', async () => {
    const result = await sweep({
      sampler: uniformSampler(1),
      objective: minimizeLoss,
      limits: { maxTotalTrials: 7 },
      trial: (p) => ({ loss: Number(p['x']) }),
    });
    assert.equal(result.trials.length, 7);
    assert.equal(result.counts.completed, 7);
    assert.equal(result.stopReason, 'max_total_trials');
    assert.deepEqual(
      result.trials.map((t) => t.id),
      [0, 1, 2, 3, 4, 5, 6],
    );
  });

  it('max_concurrent_trials: never more trials at once, and the sampler sees running trials as pending', async () => {
    let running = 0;
    let most = 0;
    const seen: TrialHistory[] = [];
    await sweep({
      sampler: uniformSampler(2, seen),
      objective: minimizeLoss,
      limits: { maxTotalTrials: 12, maxConcurrentTrials: 3 },
      trial: async (p) => {
        most = Math.max(most, ++running);
        await sleep(5);
        running--;
        return { loss: Number(p['x']) };
      },
    });
    assert.equal(most, 3);
    assert.deepEqual(
      seen.slice(0, 3).map((h) => h.pending.map((t) => t.id)),
      [[], [0], [0, 1]],
    );
    for (const h of seen) assert.ok(h.pending.length + 0 <= 2);
    const last = seen[seen.length - 1]!;
    assert.deepEqual(
      last.trials.map((t) => t.id),
      [...last.trials.map((t) => t.id)].sort((a, b) => a - b),
    );
  });

  it('timeout: running trials are cancelled and completed ones kept', async () => {
    const result = await sweep({
      sampler: uniformSampler(3),
      objective: minimizeLoss,
      limits: { maxTotalTrials: 100, maxConcurrentTrials: 2, timeout: 0.3 },
      trial: async (p, ctx) => {
        if (ctx.trialId >= 2) await sleep(10_000, undefined, { signal: ctx.signal }).catch(() => {});
        return { loss: Number(p['x']) };
      },
    });
    assert.equal(result.stopReason, 'timeout');
    assert.match(result.message, /timeout of 0.3 s/);
    assert.equal(result.counts.completed, 2);
    assert.equal(result.counts.cancelled, 2);
    assert.ok(result.best);
  });

  it('trial_timeout: the slow trial is timed_out, the sweep goes on', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 0.1 }, { x: 0.9 }, { x: 0.2 }]),
      objective: minimizeLoss,
      limits: { maxConcurrentTrials: 1, trialTimeout: 0.2 },
      trial: async (p, ctx) => {
        ctx.report('loss', Number(p['x']));
        if (p['x'] === 0.9) await new Promise(() => {}); // ignores its signal on purpose
        return undefined;
      },
    });
    assert.deepEqual(
      result.trials.map((t) => t.status),
      ['completed', 'timed_out', 'completed'],
    );
    assert.match(result.trials[1]!.error!, /trial_timeout of 0.2 s reached/);
    assert.equal(result.trials[1]!.value, 0.9);
    assert.equal(result.stopReason, 'exhausted');
  });

  it('rejects bad limits and objectives, naming the key', () => {
    const base = { sampler: uniformSampler(1), objective: minimizeLoss, trial: () => 1 };
    assert.throws(
      () => new Sweep({ ...base, limits: { maxTotalTrials: 0 } }),
      (e: ValidationError) => e.path === 'limits.max_total_trials' && /got 0/.test(e.message),
    );
    assert.throws(
      () => new Sweep({ ...base, limits: { maxConcurrentTrials: 1.5 } }),
      /max_concurrent_trials/,
    );
    assert.throws(() => new Sweep({ ...base, limits: { trialTimeout: -1 } }), /trial_timeout must be/);
    assert.throws(
      () => new Sweep({ ...base, objective: { goal: 'up' as never, primaryMetric: 'x' } }),
      /objective.goal must be maximize or minimize, got up/,
    );
    assert.throws(() => new Sweep({ ...base, trial: {} as never }), /trial must be a function/);
  });
});

describe('trial statuses', () => {
  it('completed, failed (throws, never reports), early_terminated, with values and errors kept', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 1 }, { x: 2 }, { x: 3 }, { x: 4 }]),
      objective: { goal: 'maximize', primaryMetric: 'acc' },
      limits: { maxConcurrentTrials: 1 },
      earlyTermination: { type: 'bandit', slackFactor: 0.2 },
      failFast: false,
      trial: (p, ctx) => {
        const x = p['x'];
        if (x === 2) throw new RangeError('bad x=2');
        if (x === 3) return { loss: 1 };
        const accs = x === 1 ? [0.5, 0.8, 0.8] : [0.5, 0.6, 0.9];
        for (const a of accs) ctx.report('acc', a);
        return undefined;
      },
    });
    const [a, b, c, d] = result.trials;
    assert.equal(a!.status, 'completed');
    assert.equal(a!.value, 0.8);
    assert.deepEqual(a!.intermediate, [
      { step: 0, value: 0.5 },
      { step: 1, value: 0.8 },
      { step: 2, value: 0.8 },
    ]);
    assert.equal(b!.status, 'failed');
    assert.equal(b!.error, 'bad x=2');
    assert.equal(c!.status, 'failed');
    assert.equal(c!.error, "the trial never reported the primary metric 'acc' (it reported loss)");
    assert.deepEqual(c!.metrics, { loss: [{ step: 0, value: 1 }] });
    // 0.6 < 0.8/1.2 at interval 2: stopped, and its later report is ignored
    assert.equal(d!.status, 'early_terminated');
    assert.equal(d!.value, 0.6);
    assert.match(d!.error!, /bandit at interval 2: best so far 0.6 is below 0.6667/);
    assert.equal(result.best?.id, 0);
    assert.deepEqual(
      { ...result.counts },
      { completed: 1, failed: 2, early_terminated: 1, timed_out: 0, cancelled: 0, total: 4 },
    );
  });

  it('a returned number is the final value of the primary metric; best is the earliest of ties', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 3 }, { x: 1 }, { x: 1 }, { x: 2 }]),
      objective: minimizeLoss,
      trial: (p) => Number(p['x']),
    });
    assert.equal(result.best?.id, 1);
    assert.equal(result.best?.value, 1);
  });

  it('rejects a non-numeric report or returned metric as a failure', async () => {
    const result = await sweep({
      sampler: listSampler([{ x: 1 }, { x: 2 }]),
      objective: minimizeLoss,
      failFast: false,
      trial: (p, ctx) => {
        if (p['x'] === 1) ctx.report('loss', '0.5' as never);
        return { loss: 'low' } as never;
      },
    });
    assert.equal(result.trials[0]!.error, `report: the value of 'loss' must be a number, got "0.5"`);
    assert.equal(result.trials[1]!.error, `the trial returned a non-numeric metric 'loss': "low"`);
  });

  it('cancelled: aborting the signal stops running trials and keeps the results', async () => {
    const controller = new AbortController();
    const result = await sweep({
      sampler: uniformSampler(4),
      objective: minimizeLoss,
      limits: { maxTotalTrials: 50, maxConcurrentTrials: 1 },
      signal: controller.signal,
      trial: async (p, ctx) => {
        if (ctx.trialId === 3) {
          controller.abort();
          await sleep(10_000, undefined, { signal: ctx.signal });
        }
        return Number(p['x']);
      },
    });
    assert.equal(result.stopReason, 'cancelled');
    assert.equal(result.counts.completed, 3);
    assert.equal(result.counts.cancelled, 1);
    assert.equal(result.trials.length, 4);
  });

  it('kill() ends at once, like a second Ctrl-C', async () => {
    const run = new Sweep({
      sampler: uniformSampler(5),
      objective: minimizeLoss,
      limits: { maxTotalTrials: 4 },
      trial: () => new Promise<number>(() => {}),
    });
    const done = run.run();
    run.kill();
    const result = await done;
    assert.equal(result.counts.cancelled, 4);
    assert.match(result.message, /killed/);
  });
});

describe('failure handling', () => {
  it('stops when the first 3 trials fail with the same error, and says why', async () => {
    const result = await sweep({
      sampler: uniformSampler(6),
      objective: minimizeLoss,
      limits: { maxTotalTrials: 100, maxConcurrentTrials: 1 },
      trial: (p) => {
        throw new Error(`cannot open data file (x=${p['x']})`);
      },
    });
    assert.equal(result.stopReason, 'same_error');
    assert.equal(result.trials.length, 3);
    assert.match(result.message, /^the first 3 trials all failed with the same error: cannot open data file/);
  });

  it('goes on when failures differ or a trial succeeds first', async () => {
    let n = 0;
    const result = await sweep({
      sampler: uniformSampler(7),
      objective: minimizeLoss,
      limits: { maxTotalTrials: 10, maxConcurrentTrials: 1 },
      trial: () => {
        n++;
        if (n === 1) return 1;
        throw new Error('always after the first');
      },
    });
    assert.equal(result.trials.length, 10);
    assert.equal(result.counts.failed, 9);
    assert.equal(result.stopReason, 'max_total_trials');
  });
});

describe('determinism and the store', () => {
  const once = () =>
    sweep({
      sampler: uniformSampler(42),
      objective: minimizeLoss,
      limits: { maxTotalTrials: 20, maxConcurrentTrials: 1 },
      earlyTermination: { type: 'median_stopping' },
      trial: (p, ctx) => {
        const x = Number(p['x']);
        for (let s = 1; s <= 3; s++) ctx.report('loss', x / s);
        return undefined;
      },
    });

  it('with a seed and one concurrent trial, two runs give identical trials', async () => {
    const strip = (r: Awaited<ReturnType<typeof once>>) =>
      r.trials.map(({ id, params, status, value, metrics }) => ({ id, params, status, value, metrics }));
    const [a, b] = [await once(), await once()];
    assert.deepEqual(strip(a), strip(b));
    assert.ok(a.counts.early_terminated > 0, 'the median policy stopped some trials');
  });

  it('writes trials, parameters, metric points and statuses to the store', async () => {
    const store = new MemoryStore();
    const result = await sweep({
      sampler: listSampler([{ x: 1 }, { x: 2 }]),
      objective: minimizeLoss,
      store,
      trial: (p, ctx) => {
        ctx.report('loss', 5, 10);
        ctx.report('loss', 4);
        return { acc: Number(p['x']) };
      },
    });
    const stored = store.trials();
    assert.equal(stored.length, 2);
    assert.deepEqual(stored[1]!.params, { x: 2 });
    assert.equal(stored[1]!.status, 'completed');
    assert.equal(stored[1]!.value, 4);
    assert.deepEqual(stored[1]!.metrics, {
      loss: [
        { step: 10, value: 5 },
        { step: 11, value: 4 },
      ],
      acc: [{ step: 0, value: 2 }],
    });
    assert.deepEqual(store.status(), { reason: 'exhausted', message: result.message });
  });

  it('a store or onEvent that throws stops the sweep, and sweep() rejects with its error', async () => {
    const store = new MemoryStore();
    store.addMetric = () => {
      throw new Error('disk gone');
    };
    let started = 0;
    await assert.rejects(
      sweep({
        sampler: uniformSampler(8),
        objective: minimizeLoss,
        limits: { maxTotalTrials: 20, maxConcurrentTrials: 1 },
        store,
        trial: (p) => {
          started++;
          return Number(p['x']);
        },
      }),
      /disk gone/,
    );
    assert.equal(started, 1);
    await assert.rejects(
      sweep({
        sampler: uniformSampler(8),
        objective: minimizeLoss,
        limits: { maxTotalTrials: 5 },
        onEvent: (e) => {
          if (e.type === 'trial_ended') throw new TypeError('progress bug');
        },
        trial: () => 1,
      }),
      /progress bug/,
    );
  });

  it('waits for an asynchronous store and fails when a write failed', async () => {
    const writes: string[] = [];
    const store = {
      startTrial: async (id: number) => void writes.push(`start ${id}`),
      addMetric: async () => {},
      endTrial: async (id: number) => {
        if (id === 1) throw new Error('disk full');
        writes.push(`end ${id}`);
      },
      endSweep: async () => void writes.push('sweep'),
    };
    await assert.rejects(
      sweep({ sampler: listSampler([{ x: 1 }, { x: 2 }]), objective: minimizeLoss, store, trial: () => 1 }),
      /disk full/,
    );
    assert.deepEqual(writes.sort(), ['end 0', 'start 0', 'start 1', 'sweep']);
  });
});
