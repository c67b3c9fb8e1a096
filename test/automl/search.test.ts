import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CANDIDATES, selectCandidates } from '../../src/automl/candidates.ts';
import { CostAwareSampler } from '../../src/automl/cost-sampler.ts';
import { greedyEnsemble } from '../../src/automl/ensemble.ts';
import { automlSpace, modelParams } from '../../src/automl/search-space.ts';
import { toUnit } from '../../src/automl/unit.ts';
import type { FinishedTrial } from '../../src/core/trial.ts';
import type { TrialHistory } from '../../src/samplers/types.ts';
import { loguniform, uniform } from '../../src/space/constructors.ts';

const objective = { goal: 'maximize' as const, primaryMetric: 'accuracy' };

// The six classification families before Azure's names joined (issue 20): with thirteen,
// the sampler's exploration of each flat family leaves RandomForest 20 of 47 trials.
const FAMILIES_BEFORE_AZURE = [
  'LogisticRegression',
  'KNN',
  'DecisionTree',
  'GradientBoosting',
  'ExtremeRandomTrees',
  'RandomForest',
];

function run(
  seed: number,
  score: (name: string, p: Record<string, unknown>) => number,
  n: number,
  allowed?: string[],
) {
  const candidates = selectCandidates('classification', allowed, undefined);
  const space = automlSpace(candidates, 'classification');
  const sampler = new CostAwareSampler(space, candidates, { seed, costOf: () => 1 });
  const trials: FinishedTrial[] = [];
  const names: string[] = [];
  for (let id = 0; id < n; id++) {
    const history: TrialHistory = { objective, trials, pending: [] };
    const s = sampler.suggest(history);
    assert.ok(!s.exhausted);
    assert.ok(space.contains(s.params), JSON.stringify(s.params));
    const { name, params } = modelParams(s.params);
    names.push(name);
    trials.push({ id, params: s.params, status: 'completed', value: score(name, params), intermediate: [] });
  }
  return { names, trials };
}

test('the cost-aware sampler starts every family at its cheap initial point, cheapest first', () => {
  const families = selectCandidates('classification', undefined, undefined);
  const { names, trials } = run(1, () => 0.5, families.length);
  const byCost = [...families]
    .sort((a, b) => a.costHint(a.initial) - b.costHint(b.initial))
    .map((c) => c.name);
  assert.deepEqual(names, byCost);
  for (const t of trials) {
    const { name, params } = modelParams(t.params);
    const c = CANDIDATES.find((x) => x.name === name)!;
    // an initial point may also name the other task's parameter (GAM's alpha), never one of neither
    const space = c.space('classification');
    for (const k of Object.keys(c.initial).filter((k) => !(k in space))) {
      assert.ok(c.tasks.includes('regression') && k in c.space('regression'), `${name}.${k}`);
    }
    for (const [k, v] of Object.entries(c.initial).filter(([k]) => k in space)) {
      if (typeof v === 'number')
        assert.ok(Math.abs((params[k] as number) - v) <= Math.max(0.51, 1e-9 * v), `${name}.${k}`);
      else assert.equal(params[k], v);
    }
  }
});

test('the sampler is deterministic for a seed and spends its trials on the family that improves', () => {
  // RandomForest improves with more trees; the others are flat and worse
  const score = (name: string, p: Record<string, unknown>) =>
    name === 'RandomForest' ? 0.8 + 0.1 * Math.min(1, (p.nEstimators as number) / 400) : 0.6;
  const a = run(7, score, 60, FAMILIES_BEFORE_AZURE);
  const b = run(7, score, 60, FAMILIES_BEFORE_AZURE);
  assert.deepEqual(a.trials, b.trials);
  const first = selectCandidates('classification', FAMILIES_BEFORE_AZURE, undefined).length;
  const rf = a.names.slice(first).filter((n) => n === 'RandomForest').length;
  assert.ok(rf > (60 - first) / 2, `RandomForest got ${rf} of ${60 - first} trials`);
  const best = Math.max(...a.trials.map((t) => t.value!));
  assert.ok(best > 0.8 + 0.1 * (64 / 400) + 0.005, `the search moved beyond the start: ${best}`);
});

test('the sampler never repeats a configuration: a family whose space is spent gives its trials to the others', () => {
  // k-NN's space has 128 configurations (nNeighbors 1-64, two weightings); MultinomialNB's
  // continuous space has no end. Every trial scores the same, so k-NN keeps being drawn.
  const candidates = selectCandidates('classification', ['KNN', 'MultinomialNaiveBayes'], undefined);
  const space = automlSpace(candidates, 'classification');
  const sampler = new CostAwareSampler(space, candidates, { seed: 3, costOf: () => 1 });
  const trials: FinishedTrial[] = [];
  const seen = new Set<string>();
  for (let id = 0; id < 400; id++) {
    const s = sampler.suggest({ objective, trials, pending: [] });
    assert.ok(!s.exhausted, `exhausted at trial ${id}`);
    const key = JSON.stringify(s.params);
    assert.ok(!seen.has(key), `trial ${id} repeats ${key}`);
    seen.add(key);
    trials.push({ id, params: s.params, status: 'completed', value: 0.5, intermediate: [] });
  }
  const knn = trials.filter((t) => t.params['model.name'] === 'KNN').length;
  assert.ok(knn <= 128, `${knn} k-NN trials`);
  // with k-NN alone, the sampler ends when its space is spent
  const alone = selectCandidates('classification', ['KNN'], undefined);
  const only = new CostAwareSampler(automlSpace(alone, 'classification'), alone, {
    seed: 3,
    costOf: () => 1,
  });
  const mine: FinishedTrial[] = [];
  for (let id = 0; id < 200; id++) {
    const s = only.suggest({ objective, trials: mine, pending: [] });
    if (s.exhausted) break;
    mine.push({ id, params: s.params, status: 'completed', value: 0.5, intermediate: [] });
  }
  // nNeighbors is log-uniform: the small counts hold most of the space, so it is spent
  // (four random points in a row already tried) well before all 128 are
  assert.ok(mine.length <= 128 && mine.length >= 20, `${mine.length} k-NN trials before the space was spent`);
  assert.equal(new Set(mine.map((t) => JSON.stringify(t.params))).size, mine.length);
});

test('toUnit inverts fromUnit', () => {
  const u = uniform(2, 4);
  assert.ok(Math.abs(toUnit(u, u.fromUnit(0.3)) - 0.3) < 1e-12);
  const l = loguniform(Math.log(0.01), Math.log(1));
  assert.ok(Math.abs(toUnit(l, l.fromUnit(0.8)) - 0.8) < 1e-12);
});

test('greedy ensemble selection finds a blend better than the best single model', () => {
  // two regressors with opposite biases: their average is exact
  const truth = Float64Array.from({ length: 20 }, (_, i) => i);
  const target = { task: 'regression' as const, values: truth };
  const up = truth.map((v) => v + 1);
  const down = truth.map((v) => v - 1.2);
  const noisy = truth.map((v, i) => v + (i % 2 ? 3 : -3));
  const rows = Int32Array.from({ length: 20 }, (_, i) => i);
  const sel = greedyEnsemble(
    [{ oof: up }, { oof: down }, { oof: noisy }],
    target,
    rows,
    'root_mean_squared_error',
    'minimize',
    10,
  );
  assert.ok(sel.score < 0.2, `blend RMSE ${sel.score}`);
  const used = new Set(sel.members.map((m) => m.index));
  assert.deepEqual([...used].sort(), [0, 1]);
  assert.ok(Math.abs(sel.members.reduce((a, m) => a + m.weight, 0) - 1) < 1e-12);
});
