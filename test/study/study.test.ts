// The Study API in one process: ask/tell round trips on both stores, enqueue (whole and
// partial), addTrial, the typed errors, NaN, constraints, and pruning with a median policy.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import type { Sampler, TrialHistory } from '../../src/samplers/types.ts';
import { searchSpace } from '../../src/space/parse.ts';
import { openSweepLocation } from '../../src/store/open-location.ts';
import type { SweepLocation } from '../../src/store/sweep-store.ts';
import { TrialFinishedError, UnknownTrialError, ValueCountError } from '../../src/study/errors.ts';
import { type CreateStudyOptions, Study } from '../../src/study/study.ts';
import { readSweepResult } from '../../src/sweep/recorded.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

const space = {
  x: { type: 'uniform', min_value: -5, max_value: 5 },
  y: { type: 'choice', values: [1, 2, 3] },
} as const;
const minimizeLoss = { goal: 'minimize', primaryMetric: 'loss' } as const;

const locations: SweepLocation[] = [];
after(async () => {
  for (const l of locations) await l.close();
});

const stores: Record<string, () => CreateStudyOptions['store']> = {
  memory: () => undefined,
  sqlite: () => {
    const location = openSweepLocation(tempDir('study'));
    locations.push(location);
    return location;
  },
};

for (const [kind, store] of Object.entries(stores)) {
  describe(`Study on the ${kind} store`, () => {
    it('asks parameter sets in the space, tells their values, and finds the best', async () => {
      const study = await Study.create({
        store: store(),
        name: 'quad',
        searchSpace: space,
        objective: minimizeLoss,
        seed: 3,
      });
      for (let i = 0; i < 12; i++) {
        const { trialId, params } = await study.ask();
        assert.equal(trialId, i);
        assert.ok(study.space.contains(params));
        const outcome = await study.tell(trialId, (Number(params['x']) - 1) ** 2 + Number(params['y']));
        assert.equal(outcome.state, 'completed');
      }
      const trials = await study.trials();
      assert.equal(trials.length, 12);
      const best = await study.bestTrial();
      const min = Math.min(...trials.map((t) => t.value!));
      assert.equal(best?.value, min);
      assert.deepEqual(
        (await study.bestTrials()).map((t) => t.id),
        [best!.id],
      );
    });

    it('running trials are in the history, so two asks before a tell differ', async () => {
      const study = await Study.create({
        store: store(),
        searchSpace: { y: { type: 'choice', values: [1, 2] } },
        objective: minimizeLoss,
        seed: 1,
      });
      const a = await study.ask();
      const b = await study.ask();
      assert.notEqual(a.trialId, b.trialId);
      assert.notDeepEqual(a.params, b.params);
    });

    it('enqueue: the next ask returns a whole set as given, a partial one completed by the sampler', async () => {
      const study = await Study.create({
        store: store(),
        searchSpace: space,
        objective: minimizeLoss,
        seed: 5,
      });
      await study.enqueue({ x: 1.25, y: 3 });
      await study.enqueue({ x: -2 });
      const first = await study.ask();
      assert.deepEqual(first.params, { x: 1.25, y: 3 });
      const second = await study.ask();
      assert.equal(second.params['x'], -2);
      assert.ok([1, 2, 3].includes(Number(second.params['y'])));
      const third = await study.ask();
      assert.notEqual(third.params['x'], -2); // the queue is empty: sampled
      await assert.rejects(study.enqueue({ z: 1 }), /'z' is not a parameter of the search space/);
      await assert.rejects(
        async () => study.enqueue({ x: 99 }),
        /params\.x: 99 lies outside the search space/,
      );
    });

    it('addTrial records results obtained elsewhere; points outside the space are refused', async () => {
      const study = await Study.create({
        store: store(),
        searchSpace: space,
        objective: minimizeLoss,
        seed: 2,
      });
      const added = await study.addTrial({
        params: { x: 1, y: 1 },
        value: 0.5,
        intermediate: [
          { step: 0, value: 2 },
          { step: 1, value: 0.5 },
        ],
      });
      assert.deepEqual(added, { trialId: 0, state: 'completed', value: 0.5 });
      const [t] = await study.trials();
      assert.deepEqual(t!.intermediate, [
        { step: 0, value: 2 },
        { step: 1, value: 0.5 },
      ]);
      await assert.rejects(study.addTrial({ params: { x: 10, y: 1 }, value: 1 }), ValidationError);
      await assert.rejects(study.addTrial({ params: { x: 1, y: 1 } }), /needs its value/);
      assert.equal((await study.trials()).length, 1); // nothing recorded by the refused ones
      const { trialId } = await study.ask();
      assert.equal(trialId, 1);
    });

    it('tell of an unknown trial, a finished one, or the wrong count of values is a typed error', async () => {
      const study = await Study.create({
        store: store(),
        name: 'errors',
        searchSpace: space,
        objective: minimizeLoss,
        seed: 4,
      });
      const { trialId } = await study.ask();
      await assert.rejects(
        study.tell(42, 1),
        (e: unknown) => e instanceof UnknownTrialError && /has no trial 42/.test(e.message),
      );
      await assert.rejects(study.tell(-1, 1), UnknownTrialError);
      await assert.rejects(
        study.tell(trialId, [1, 2]),
        (e: unknown) => e instanceof ValueCountError && /1 objective \(loss\), got 2 values/.test(e.message),
      );
      await study.tell(trialId, 1);
      await assert.rejects(
        study.tell(trialId, 2),
        (e: unknown) => e instanceof TrialFinishedError && /already ended \(completed\)/.test(e.message),
      );
      await assert.rejects(study.tell(trialId, { state: 'failed' }), TrialFinishedError);
    });

    it('a NaN value marks the trial failed (as Optuna does) and never ranks', async () => {
      const study = await Study.create({
        store: store(),
        searchSpace: space,
        objective: minimizeLoss,
        seed: 4,
      });
      const a = await study.ask();
      const outcome = await study.tell(a.trialId, Number.NaN);
      assert.equal(outcome.state, 'failed');
      assert.match(outcome.error!, /the value of 'loss' is NaN/);
      const b = await study.ask();
      await study.tell(b.trialId, 3);
      assert.equal((await study.bestTrial())?.id, b.trialId);
      assert.equal((await study.trials())[0]!.state, 'failed');
    });

    it('constraints: infeasible trials rank after feasible ones, whatever their values', async () => {
      const study = await Study.create({
        store: store(),
        searchSpace: space,
        objectives: [minimizeLoss, { goal: 'minimize', primaryMetric: 'size' }],
        constraints: ['size <= 50'],
        seed: 7,
      });
      const told: Array<[number[], number]> = [
        [[1, 1], 5], // best values, but infeasible
        [[2, 3], -1],
        [[3, 2], 0],
        [[4, 4], -2], // dominated
      ];
      for (const [values, c] of told) {
        const { trialId } = await study.ask();
        await study.tell(trialId, values, { constraints: [c] });
      }
      assert.deepEqual(
        (await study.bestTrials()).map((t) => t.id),
        [1, 2],
      );
      assert.equal((await study.bestTradeOff({ rule: 'weighted', weights: [1, 0] }))?.id, 1);
      assert.equal((await study.bestTradeOff({ rule: 'weighted', weights: [0, 1] }))?.id, 2);
      assert.ok([1, 2].includes((await study.bestTradeOff())!.id));
      assert.equal(await study.hypervolume([5, 5]), 6 + 6 - 4); // (2,3) and (3,2) against (5,5): two 3x2 boxes overlapping 2x2
      const { trialId } = await study.ask();
      await assert.rejects(
        study.tell(trialId, [1, 1]),
        /1 constraint \(size <= 50\), got 0 constraint values/,
      );
      await assert.rejects(study.bestTrial(), /use bestTrials\(\)/);
    });

    it('shouldPrune applies the median stopping policy to reported values', async () => {
      const study = await Study.create({
        store: store(),
        searchSpace: space,
        objective: minimizeLoss,
        policy: { type: 'median_stopping' },
        seed: 1,
      });
      for (const level of [1, 2, 3]) {
        const { trialId } = await study.ask();
        for (let step = 0; step < 3; step++) await study.report(trialId, step, level);
        await study.tell(trialId, level);
      }
      const good = await study.ask();
      await study.report(good.trialId, 0, 0.5);
      assert.equal(await study.shouldPrune(good.trialId), false);
      const bad = await study.ask();
      await study.report(bad.trialId, 0, 10);
      assert.equal(await study.shouldPrune(bad.trialId), true);
      const pruned = await study.tell(bad.trialId, { state: 'pruned' });
      assert.deepEqual([pruned.state, pruned.value], ['early_terminated', 10]);
      assert.equal(await study.shouldPrune(bad.trialId), false); // ended
      await assert.rejects(study.report(bad.trialId, 1, 1), TrialFinishedError);
      await assert.rejects(study.shouldPrune(99), UnknownTrialError);
    });
  });
}

describe('Study on a conditional search space', () => {
  const conditional = {
    lr: { type: 'uniform', min_value: 0, max_value: 1 },
    model: {
      type: 'choice',
      values: [
        { name: 'rf', depth: { type: 'randint', upper: 10 } },
        { name: 'linear', c: { type: 'uniform', min_value: 0, max_value: 1 } },
      ],
    },
  } as const;

  it('asks points of the space, and completes a partial set that picks a branch with that branch', async () => {
    const study = await Study.create({ searchSpace: conditional, objective: minimizeLoss, seed: 2 });
    for (let i = 0; i < 5; i++) assert.ok(study.space.contains((await study.ask()).params));
    await study.enqueue({ model: 1, 'model.c': 0.25 });
    await study.enqueue({ model: 0 });
    const linear = (await study.ask()).params;
    assert.deepEqual([linear['model'], linear['model.name'], linear['model.c']], [1, 'linear', 0.25]);
    assert.equal('model.depth' in linear, false);
    const rf = (await study.ask()).params;
    assert.deepEqual([rf['model'], rf['model.name']], [0, 'rf']);
    assert.ok(Number.isInteger(rf['model.depth']));
    assert.ok(study.space.contains(rf) && study.space.contains(linear));
  });
});

describe('Study.load', () => {
  it('loads by name in the same folder and continues the same trials; refuses a second create of the name', async () => {
    const dir = tempDir('study-load');
    const a = await Study.create({
      store: dir,
      name: 'shared',
      searchSpace: space,
      objective: minimizeLoss,
      seed: 9,
    });
    const asked = await a.ask();
    const b = await Study.load({ store: dir, name: 'shared' });
    await b.tell(asked.trialId, 0.25);
    assert.equal((await a.trials())[0]!.value, 0.25);
    const next = await b.ask();
    assert.equal(next.trialId, 1);
    await assert.rejects(
      Study.create({ store: dir, name: 'shared', searchSpace: space, objective: minimizeLoss }),
      /a study named 'shared' already exists/,
    );
    const again = await Study.create({
      store: dir,
      name: 'shared',
      searchSpace: space,
      objective: minimizeLoss,
      loadIfExists: true,
    });
    assert.equal(again.id, a.id);
    await assert.rejects(Study.load({ store: dir, name: 'nope' }), /no study named 'nope'/);
    for (const s of [a, b, again]) await s.close();
  });

  it('warm start: completed trials of an earlier study are prior observations (told values), points outside the space left out', async () => {
    const dir = tempDir('study-warm');
    const a = await Study.create({
      store: dir,
      name: 'a',
      searchSpace: space,
      objective: minimizeLoss,
      seed: 1,
    });
    for (const [x, value] of [
      [0.5, 1],
      [1.5, 2],
      [4, 3],
      [-4, 4],
    ] as const) {
      await a.addTrial({ params: { x, y: 1 }, value, intermediate: [{ step: 0, value: 99 }] });
    }
    await a.addTrial({ params: { x: 0.2, y: 1 }, state: 'failed' });
    const narrow = {
      x: { type: 'uniform', min_value: 0, max_value: 2 },
      y: { type: 'choice', values: [1, 2, 3] },
    } as const;
    const seen: TrialHistory[] = [];
    const spy: Sampler = {
      name: 'spy',
      space: searchSpace(narrow, 'search_space'),
      suggest: (h) => {
        seen.push(h);
        return { params: { x: 1, y: 2 } };
      },
    };
    const b = await Study.create({
      store: dir,
      name: 'b',
      searchSpace: narrow,
      sampler: spy,
      objective: minimizeLoss,
      warmStart: [a.id],
    });
    assert.deepEqual(b.notices, [
      `warm start: 2 of 4 trials of sweep ${a.id} lie outside the search space and were left out`,
    ]);
    await b.ask();
    assert.deepEqual(
      seen[0]!.trials.map((t) => [t.id, t.params['x'], t.value]),
      [
        [-1, 0.5, 1],
        [-2, 1.5, 2],
      ],
    );
    // Another process loading the study starts from the same priors.
    const again = await Study.load({ store: dir, name: 'b', sampler: spy });
    assert.deepEqual(again.notices, b.notices);
    await again.ask();
    assert.equal(seen[1]!.trials.filter((t) => t.id < 0).length, 2);
    assert.deepEqual(
      (await b.trials()).map((t) => t.id),
      [0, 1],
    ); // priors are not trials of the study
    await assert.rejects(
      Study.create({ searchSpace: narrow, objective: minimizeLoss, warmStart: [a.id] }),
      /warmStart reads earlier sweeps from a store/,
    );
    await assert.rejects(
      Study.create({
        store: dir,
        name: 'c',
        searchSpace: narrow,
        objective: minimizeLoss,
        warmStart: ['nosuch'],
      }),
      ValidationError,
    );
    await assert.rejects(Study.load({ store: dir, name: 'c' }), /no study named 'c'/); // nothing recorded
    for (const st of [a, b, again]) await st.close();
  });

  it('a study reads back as a sweep result (what mlsweep report draws), open for more trials', async () => {
    const dir = tempDir('study-report');
    const s = await Study.create({
      store: dir,
      name: 'r',
      searchSpace: space,
      objectives: [minimizeLoss, { goal: 'maximize', primaryMetric: 'acc' }],
      seed: 1,
    });
    for (const values of [
      [1, 0.5],
      [2, 0.9],
      [3, 0.1],
    ]) {
      const { trialId } = await s.ask();
      await s.tell(trialId, values);
    }
    const result = await readSweepResult(s.store);
    assert.match(result.message, /a study: .* stays open for more/);
    assert.deepEqual(
      result.paretoFront?.map((t) => t.id),
      [0, 1],
    );
    assert.deepEqual(result.trials[2]!.values, [3, 0.1]);
    await s.close();
  });

  it('the same seed and history give the same suggestions in a loaded study', async () => {
    const dir = tempDir('study-seed');
    const a = await Study.create({
      store: dir,
      name: 's',
      searchSpace: space,
      objective: minimizeLoss,
      sampling: 'random',
    });
    const first = await a.ask();
    const seed = (a.definition.sampling as { seed: number }).seed;
    const c = await Study.create({ searchSpace: space, objective: minimizeLoss, sampling: 'random', seed });
    assert.deepEqual((await c.ask()).params, first.params);
    await a.close();
  });
});
