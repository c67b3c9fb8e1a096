// Several objectives and constraints through the engine: values and constraint values from
// the metrics a trial reports, the Pareto front and hypervolume of the result, what the
// sampler sees, and warm start from earlier sweeps in a store.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { ParamSet } from '../../src/core/trial.ts';
import type { Sampler, TrialHistory } from '../../src/samplers/types.ts';
import { searchSpace } from '../../src/space/parse.ts';
import { MemoryStore } from '../../src/store/memory-store.ts';
import { openSweepLocation } from '../../src/store/open-location.ts';
import type { SweepLocation } from '../../src/store/sweep-store.ts';
import { parseConstraint, violation } from '../../src/sweep/constraints.ts';
import { sweep } from '../../src/sweep/engine.ts';
import { readSweepResult } from '../../src/sweep/recorded.ts';
import { warmStartTrials } from '../../src/sweep/warm-start.ts';
import { tempDir } from '../tracking/helpers/temp.ts';
import { listSampler } from './helpers.ts';

const two = [
  { goal: 'minimize', primaryMetric: 'a' },
  { goal: 'minimize', primaryMetric: 'b' },
] as const;

// (a, b, size): trial 0 best on both but too big; 1 and 2 trade off; 3 dominated by 1.
const points: Array<[number, number, number]> = [
  [0, 0, 80],
  [1, 3, 10],
  [3, 1, 20],
  [2, 4, 10],
];
const sets: ParamSet[] = points.map((_, i) => ({ i }));
const report = (p: ParamSet) => {
  const [a, b, size] = points[Number(p['i'])]!;
  return { a, b, size };
};

describe('multi-objective sweeps', () => {
  it('values come from the reported metrics; the front and hypervolume leave out dominated and infeasible trials', async () => {
    const store = new MemoryStore({ objectives: two });
    const result = await sweep({
      sampler: listSampler(sets),
      objectives: two,
      constraints: ['size <= 50'],
      limits: { maxTotalTrials: 4, maxConcurrentTrials: 1 },
      trial: report,
      store,
      hypervolumeReference: [4, 4],
    });
    assert.deepEqual(
      result.trials.map((t) => [t.id, t.value, t.values, t.constraints]),
      [
        [0, 0, [0, 0], [30]],
        [1, 1, [1, 3], [-40]],
        [2, 3, [3, 1], [-30]],
        [3, 2, [2, 4], [-40]],
      ],
    );
    assert.deepEqual(
      result.paretoFront!.map((t) => t.id),
      [1, 2],
    );
    assert.deepEqual(result.hypervolume, { reference: [4, 4], value: 3 * 1 + 1 * 3 - 1 * 1 });
    assert.equal(result.best?.id, 1); // best feasible by the first objective
    assert.ok([1, 2].includes(result.bestTradeOff!.trial.id));
    assert.equal(result.bestTradeOff!.rule, 'knee');
    const weighted = (weights: number[]) =>
      sweep({
        sampler: listSampler(sets),
        objectives: two,
        constraints: ['size <= 50'],
        limits: { maxTotalTrials: 4, maxConcurrentTrials: 1 },
        trial: report,
        tradeOff: { rule: 'weighted', weights },
      });
    assert.equal((await weighted([1, 0])).bestTradeOff!.trial.id, 1); // never the infeasible trial 0
    assert.equal((await weighted([0, 1])).bestTradeOff!.trial.id, 2);
    assert.deepEqual(result.constraints, ['size <= 50']);
    // What the store kept reads back as the same front.
    const read = await readSweepResult(store);
    assert.deepEqual(
      read.paretoFront!.map((t) => t.id),
      [1, 2],
    );
    assert.deepEqual(read.trials[2]!.values, [3, 1]);
  });

  it('the sampler sees objectives, values and constraint values in its history', async () => {
    const seen: TrialHistory[] = [];
    const inner = listSampler(sets);
    const spy: Sampler = {
      ...inner,
      suggest: (h) => {
        seen.push({ ...h, trials: [...h.trials] });
        return inner.suggest(h);
      },
    };
    await sweep({
      sampler: spy,
      objectives: two,
      constraints: ['size <= 50'],
      limits: { maxTotalTrials: 2, maxConcurrentTrials: 1 },
      trial: report,
    });
    const last = seen[seen.length - 1]!;
    assert.deepEqual(last.objectives, two);
    assert.deepEqual([last.trials[0]!.values, last.trials[0]!.constraints], [[0, 0], [30]]);
  });

  it('a trial that never reports an objective or a constraint metric fails, naming it', async () => {
    const result = await sweep({
      sampler: listSampler([{ i: 0 }, { i: 1 }]),
      objectives: two,
      constraints: ['size <= 50'],
      limits: { maxTotalTrials: 2, maxConcurrentTrials: 1 },
      failFast: false,
      trial: (p): Record<string, number> => (p['i'] === 0 ? { a: 1 } : { a: 1, b: 2 }),
    });
    assert.deepEqual(
      result.trials.map((t) => [t.status, t.error]),
      [
        ['failed', "the trial never reported the objective 'b'"],
        ['failed', "the trial never reported 'size', the metric of the constraint 'size <= 50'"],
      ],
    );
    assert.deepEqual(result.paretoFront, []);
    assert.equal(result.hypervolume, undefined);
  });

  it('single-objective results are as before: no front, no objectives list', async () => {
    const result = await sweep({
      sampler: listSampler([{ i: 0 }]),
      objective: { goal: 'minimize', primaryMetric: 'a' },
      limits: { maxTotalTrials: 1 },
      trial: report,
    });
    assert.deepEqual(
      ['objectives', 'paretoFront', 'hypervolume', 'constraints', 'notices'].filter((k) => k in result),
      [],
    );
  });

  it('one objective with a constraint: the best is the best feasible trial', async () => {
    const result = await sweep({
      sampler: listSampler(sets),
      objective: { goal: 'minimize', primaryMetric: 'a' },
      constraints: ['size <= 50'],
      limits: { maxTotalTrials: 4, maxConcurrentTrials: 1 },
      trial: report,
    });
    assert.equal(result.best?.id, 1); // trial 0 has a = 0 but size 80
    assert.equal(result.paretoFront, undefined);
    assert.deepEqual(result.constraints, ['size <= 50']);
  });

  it('objective and objectives together, or a metric twice, are refused', () => {
    assert.throws(
      () => sweep({ sampler: listSampler([]), objective: two[0], objectives: two, trial: report }),
      /give objective or objectives, not both/,
    );
    assert.throws(
      () => sweep({ sampler: listSampler([]), objectives: [two[0], two[0]], trial: report }),
      /objectives\[1\]: 'a' is already an objective/,
    );
  });
});

describe('multi-objective samplers through sweep()', () => {
  const space = {
    x: { type: 'uniform', min_value: 0, max_value: 1 },
    y: { type: 'uniform', min_value: 0, max_value: 1 },
  } as const;
  // A convex trade-off: f0 = x, f1 = 1 - sqrt(x) + y (y = 0 is optimal).
  const trial = (p: ParamSet) => ({ f0: Number(p['x']), f1: 1 - Math.sqrt(Number(p['x'])) + Number(p['y']) });
  const objectives = [
    { goal: 'minimize', primaryMetric: 'f0' },
    { goal: 'minimize', primaryMetric: 'f1' },
  ] as const;

  it('nsga2 by name: seeded runs agree, and its later generations improve the hypervolume', async () => {
    const options = {
      searchSpace: space,
      sampling: { type: 'nsga2', seed: 3, populationSize: 10 },
      objectives,
      limits: { maxTotalTrials: 60, maxConcurrentTrials: 1 },
      trial,
      hypervolumeReference: [1.1, 2.1],
    } as const;
    const a = await sweep(options);
    const b = await sweep(options);
    assert.deepEqual(
      a.trials.map((t) => t.params),
      b.trials.map((t) => t.params),
    );
    const first = await sweep({ ...options, limits: { maxTotalTrials: 10, maxConcurrentTrials: 1 } });
    assert.ok(
      a.hypervolume!.value > first.hypervolume!.value,
      `${a.hypervolume!.value} > ${first.hypervolume!.value}`,
    );
  });

  it('warm start hands NSGA-II prior observations (numbered below 0)', async () => {
    const prior = Array.from({ length: 10 }, (_, i) => {
      const x = (i + 0.5) / 10;
      const v = trial({ x, y: 0 });
      return {
        id: -(i + 1),
        params: { x, y: 0 },
        status: 'completed' as const,
        value: v.f0,
        values: [v.f0, v.f1],
        intermediate: [],
      };
    });
    const options = {
      searchSpace: space,
      sampling: { type: 'nsga2', seed: 3, populationSize: 10 },
      objectives,
      limits: { maxTotalTrials: 12, maxConcurrentTrials: 1 },
      trial,
    } as const;
    const cold = await sweep(options);
    const warm = await sweep({ ...options, warmStart: prior });
    assert.deepEqual(
      warm.trials.map((t) => t.id),
      cold.trials.map((t) => t.id),
    ); // priors are not trials of the result
    // Generation 0 is positional (the same Sobol points); generation 1's parents include the priors.
    assert.deepEqual(warm.trials[0]!.params, cold.trials[0]!.params);
    assert.notDeepEqual(warm.trials[10]!.params, cold.trials[10]!.params);
  });
});

describe('constraints', () => {
  it('parses <= and >= and measures the violation (<= 0 satisfied)', () => {
    const c = parseConstraint(' model_size_mb <= 50 ');
    assert.deepEqual(c, { metric: 'model_size_mb', op: '<=', bound: 50, text: 'model_size_mb <= 50' });
    assert.equal(violation(c, 62), 12);
    assert.equal(violation(parseConstraint('accuracy >= 0.8'), 0.9) < 0, true);
  });

  it('says what is wrong and where', () => {
    assert.throws(
      () => parseConstraint('size < 50'),
      (e: Error & { offset?: number }) => /a constraint holds at its bound/.test(e.message) && e.offset === 5,
    );
    assert.throws(
      () => parseConstraint('size <= fifty'),
      (e: Error & { offset?: number }) => /expected a number after '<='/.test(e.message) && e.offset === 8,
    );
    assert.throws(() => parseConstraint('<= 3'), /starts with a metric name/);
  });
});

describe('warm start', () => {
  const locations: SweepLocation[] = [];
  after(async () => {
    for (const l of locations) await l.close();
  });

  it("earlier sweeps' completed trials become prior observations; points outside the space are left out with a notice", async () => {
    const location = openSweepLocation(tempDir('warm'));
    locations.push(location);
    const objective = { goal: 'minimize', primaryMetric: 'loss' } as const;
    const earlier = await location.create({ objective });
    const xs = [0.1, 0.5, 2, 3, 0.9];
    await sweep({
      sampler: listSampler(xs.map((x) => ({ x }))),
      objective,
      limits: { maxTotalTrials: 5, maxConcurrentTrials: 1 },
      trial: (p) => (Number(p['x']) === 0.9 ? Promise.reject(new Error('boom')) : { loss: Number(p['x']) }),
      failFast: false,
      store: earlier,
    });
    const space = searchSpace({ x: { type: 'uniform', min_value: 0, max_value: 1 } }, 'search_space');
    const warm = await warmStartTrials({ sweeps: [earlier.sweepId], store: location }, space, [objective]);
    assert.deepEqual(
      warm.trials.map((t) => [t.id, t.params['x'], t.value]),
      [
        [-1, 0.1, 0.1],
        [-2, 0.5, 0.5],
      ],
    );
    assert.deepEqual(warm.notices, [
      `warm start: 2 of 4 trials of sweep ${earlier.sweepId} lie outside the search space and were left out`,
    ]);

    const seen: TrialHistory[] = [];
    const inner = listSampler([{ x: 0.3 }]);
    const spy: Sampler = {
      ...inner,
      space,
      name: 'spy',
      suggest: (h) => {
        seen.push({ ...h, trials: [...h.trials] });
        return inner.suggest(h);
      },
    };
    const notices: string[] = [];
    const result = await sweep({
      sampler: spy,
      objective,
      limits: { maxTotalTrials: 1 },
      trial: () => ({ loss: 0.3 }),
      warmStart: { sweeps: [earlier.sweepId], store: location },
      onNotice: (m) => notices.push(m),
    });
    assert.deepEqual(
      seen[0]!.trials.map((t) => t.params['x']),
      [0.5, 0.1], // by id: -2, -1
    );
    assert.equal(result.trials.length, 1); // priors are not part of the result
    assert.equal(result.trials[0]!.id, 0);
    assert.deepEqual(notices, warm.notices);
    assert.deepEqual(result.notices, warm.notices);
  });
});
