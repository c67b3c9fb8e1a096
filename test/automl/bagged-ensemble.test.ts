// Bagged ensemble selection (Caruana et al., 2004) and where AutoML uses it: under a
// metric that scores probabilities, one model that the validation rows cannot fault must
// not take the whole blend.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CANDIDATES } from '../../src/automl/candidates.ts';
import { BAGGING, bagsSelection, bestPerLearner, chooseCombination } from '../../src/automl/combine.ts';
import { baggedEnsemble, bagsOf, blend, greedyEnsemble } from '../../src/automl/ensemble.ts';
import { primaryScore, scorePredictions } from '../../src/automl/scoring.ts';
import type { TrialRecord } from '../../src/automl/trial-record.ts';

const N = 40;
const rows = Int32Array.from({ length: N }, (_, i) => i);
const codes = Int32Array.from({ length: N }, (_, i) => i % 2);
const target = { task: 'classification' as const, codes, classes: ['a', 'b'] };

/** Two-class probabilities: `right` on the true class of every row, but `wrongRows` get it backwards. */
function model(right: number, wrongRows: readonly number[] = []): Float64Array {
  const p = new Float64Array(2 * N);
  for (let i = 0; i < N; i++) {
    const q = wrongRows.includes(i) ? 1 - right : right;
    p[2 * i + codes[i]!] = q;
    p[2 * i + 1 - codes[i]!] = 1 - q;
  }
  return p;
}

// `sure` is right on every validation row and sure of it; the others are right less surely
const sure = model(0.999);
const others = [model(0.9, [3]), model(0.85, [7]), model(0.8), model(0.9, [11, 12])];
const inputs = [sure, ...others].map((oof) => ({ oof }));

describe('bagged ensemble selection', () => {
  test('one greedy run gives the sure model all the weight; bagged, it shares it with the others', () => {
    const greedy = greedyEnsemble(inputs, target, rows, 'log_loss', 'minimize', 25);
    assert.deepEqual(greedy.members, [{ index: 0, weight: 1 }]);
    const bagged = baggedEnsemble(inputs, target, rows, 'log_loss', 'minimize', 25, {
      bags: 20,
      modelsPerBag: 3,
      seed: 7,
    });
    const sureWeight = bagged.members.find((m) => m.index === 0)?.weight ?? 0;
    // in a bag the sure model is in, it wins alone: its weight is the share of bags with it,
    // 6 of the 10 bags (every 3 of the 5 models once)
    assert.ok(Math.abs(sureWeight - 0.6) < 1e-12, `weight ${sureWeight}`);
    assert.ok(bagged.members.length >= 3);
    assert.ok(Math.abs(bagged.members.reduce((a, m) => a + m.weight, 0) - 1) < 1e-12);
    // the score is the blend's own on the validation rows: worse than the sure model's there
    const oof = blend(
      bagged.members.map((m) => inputs[m.index]!.oof),
      bagged.members.map((m) => m.weight),
    );
    assert.equal(bagged.score, primaryScore(target, oof, 'log_loss', rows));
    assert.ok(bagged.score > greedy.score);
  });

  test('every subset is one bag where there are few: the seed orders them and changes no weight', () => {
    const run = (seed: number, bags = 20) =>
      baggedEnsemble(inputs, target, rows, 'log_loss', 'minimize', 25, { bags, modelsPerBag: 3, seed });
    assert.deepEqual(run(7), run(7));
    assert.deepEqual(run(7), run(8));
    // 6 random bags of the 10 subsets: the draw, hence the seed, shows in the weights
    assert.deepEqual(run(7, 6), run(7, 6));
    assert.notDeepEqual(run(7, 6).members, run(8, 6).members);
  });

  test('bags stop when asked: the weights are the mean over the bags done', () => {
    let asked = 0;
    const cut = baggedEnsemble(inputs, target, rows, 'log_loss', 'minimize', 25, {
      bags: 20,
      modelsPerBag: 3,
      seed: 7,
      another: () => ++asked < 3,
    });
    assert.equal(asked, 3);
    // the same three bags, their greedy weights summed by hand
    const weights = new Float64Array(inputs.length);
    for (const bag of bagsOf(inputs.length, 3, 20, 7).slice(0, 3)) {
      const g = greedyEnsemble(
        Array.from(bag, (i) => inputs[i]!),
        target,
        rows,
        'log_loss',
        'minimize',
        25,
      );
      for (const m of g.members) weights[bag[m.index]!]! += m.weight / 3;
    }
    // kept: the models with at least half a greedy pick's weight (1 / 50), and only those
    assert.deepEqual(
      cut.members.map((m) => m.index),
      Array.from(weights.keys()).filter((i) => weights[i]! >= 1 / 50),
    );
    const kept = cut.members.reduce((a, m) => a + weights[m.index]!, 0);
    for (const m of cut.members) assert.ok(Math.abs(m.weight - weights[m.index]! / kept) < 1e-12);
    assert.ok(Math.abs(cut.members.reduce((a, m) => a + m.weight, 0) - 1) < 1e-12);
  });

  test('the probability and AUC metrics scored alone equal those of the whole suite, bit for bit', () => {
    const k3 = {
      task: 'classification' as const,
      codes: Int32Array.from(codes, (c, i) => (i % 3 === 0 ? 2 : c)),
      classes: ['a', 'b', 'c'],
    };
    const p3 = Float64Array.from({ length: 3 * N }, (_, i) => ((i * 7919) % 13) / 13 + 0.01);
    const some = Int32Array.from({ length: 25 }, (_, i) => i + 10);
    for (const [t, p] of [
      [target, sure],
      [target, others[1]!],
      [k3, p3],
    ] as const) {
      for (const r of [rows, some]) {
        const all = scorePredictions(t, p, r);
        assert.equal(primaryScore(t, p, 'log_loss', r), all.log_loss);
        assert.equal(primaryScore(t, p, 'brier_score', r), all.brier_score);
        for (const auc of ['AUC_binary', 'AUC_macro', 'AUC_weighted', 'AUC_micro']) {
          assert.ok(
            Object.is(primaryScore(t, p, auc, r), all[auc] ?? Number.NaN),
            `${auc} of ${t.classes.length} classes`,
          );
        }
      }
    }
  });

  test('weights under half a greedy pick are dropped, the rest sum to 1; the heaviest always stays', () => {
    for (const iterations of [1, 2, 25, 200]) {
      const b = baggedEnsemble(inputs, target, rows, 'log_loss', 'minimize', iterations, {
        bags: 20,
        modelsPerBag: 3,
        seed: 3,
      });
      assert.ok(b.members.length >= 1);
      assert.ok(Math.abs(b.members.reduce((a, m) => a + m.weight, 0) - 1) < 1e-12);
      const light = b.members.filter((m) => m.weight < 1 / (2 * iterations));
      assert.ok(light.length === 0 || b.members.length === light.length, `iterations ${iterations}`);
      assert.ok(Number.isFinite(b.score));
    }
  });

  test('bags of every model are one greedy run, repeated', () => {
    const all = baggedEnsemble(inputs, target, rows, 'log_loss', 'minimize', 25, {
      bags: 5,
      modelsPerBag: 9,
      seed: 1,
    });
    const greedy = greedyEnsemble(inputs, target, rows, 'log_loss', 'minimize', 25);
    assert.deepEqual(
      all.members.map((m) => m.index),
      greedy.members.map((m) => m.index),
    );
    for (const [i, m] of all.members.entries()) {
      assert.ok(Math.abs(m.weight - greedy.members[i]!.weight) < 1e-12);
    }
    assert.ok(Math.abs(all.score - greedy.score) < 1e-12);
  });
});

describe('bagsOf', () => {
  const key = (bag: Int32Array) => Array.from(bag).join(',');

  test('every subset once, each sorted, in an order the seed shuffles', () => {
    const bags = bagsOf(5, 3, 20, 0);
    assert.equal(bags.length, 10);
    assert.equal(new Set(bags.map(key)).size, 10);
    for (const bag of bags) {
      assert.equal(bag.length, 3);
      assert.ok(bag[0]! < bag[1]! && bag[1]! < bag[2]! && bag[2]! < 5);
    }
    assert.deepEqual(new Set(bagsOf(5, 3, 20, 1).map(key)), new Set(bags.map(key)));
    assert.notDeepEqual(bagsOf(5, 3, 20, 1).map(key), bags.map(key));
    assert.deepEqual(bagsOf(5, 3, 20, 0), bags);
    assert.equal(bagsOf(4, 2, 20, 0).length, 6);
    assert.deepEqual(bagsOf(3, 3, 20, 0).map(key), ['0,1,2']);
    // exactly as many subsets as bags: still every one
    assert.equal(new Set(bagsOf(5, 2, 10, 0).map(key)).size, 10);
  });

  test('more subsets than bags: that many random draws of distinct models', () => {
    const bags = bagsOf(12, 6, 20, 3);
    assert.equal(bags.length, 20);
    for (const bag of bags) assert.equal(new Set(bag).size, 6);
    assert.ok(new Set(bags.map(key)).size > 1);
    assert.deepEqual(bagsOf(12, 6, 20, 3), bags);
    assert.equal(bagsOf(5, 3, 9, 0).length, 9);
  });
});

describe('AutoML keeps the bagged blend under a probability or AUC metric', () => {
  // best first; XGBoost is the boosting learner again, ExtremeRandomTrees the sixth learner
  const families = [
    'LogisticRegression',
    'RandomForest',
    'LightGBM',
    'KNN',
    'SVM',
    'XGBoostClassifier',
    'ExtremeRandomTrees',
  ];
  const records = [sure, ...others, model(0.78, [5]), model(0.75)].map(
    (oof, i): TrialRecord => ({
      id: i + 1,
      candidate: CANDIDATES.find((c) => c.name === families[i])!,
      params: {},
      evaluation: { rows, fitSeconds: 0.01, predictSeconds: 0.001, bestRounds: [] },
      score: primaryScore(target, oof, 'log_loss', rows),
      metrics: {},
      oof,
    }),
  );
  const options = (metric: string, goal: 'minimize' | 'maximize') => ({
    metric,
    goal,
    iterations: 25,
    poolSize: 10,
    build: { task: 'classification' as const, seed: 0 },
    refitSeconds: () => 0.01,
    secondsLeft: () => 60,
  });

  test('log loss: kept although it validates above the best single model, and the notice says why', async () => {
    const notices: string[] = [];
    const c = await chooseCombination(records, target, options('log_loss', 'minimize'), notices);
    assert.equal(c.kind, 'ensemble');
    assert.ok(c.members.length >= 3);
    // the best of the five best learners only: not XGBoost (boosting again), not the sixth
    assert.equal(BAGGING.learners, 5);
    for (const m of c.members) assert.ok(m.record.id <= 5, `${m.record.candidate.name} in the blend`);
    assert.ok(c.score > records[0]!.score);
    assert.match(c.entry!.model, /^Ensemble\(LogisticRegression#1:0\.\d\d, /);
    assert.ok(notices.some((n) => /^Bagged ensemble selection validated at .*: kept, as/.test(n)));
  });

  test('families that share their estimator are one learner: the boosting names count once', () => {
    const names = bestPerLearner(records, 'classification').map((r) => r.candidate.name);
    assert.deepEqual(names, [
      'LogisticRegression',
      'RandomForest',
      'LightGBM',
      'KNN',
      'SVM',
      'ExtremeRandomTrees',
    ]);
  });

  test('AUC: bagged as well, the blend kept though the sure model alone orders every row right', async () => {
    assert.equal(bagsSelection('AUC_binary'), true);
    const notices: string[] = [];
    const byAuc = records.map((r) => ({ ...r, score: primaryScore(target, r.oof!, 'AUC_binary', rows) }));
    const c = await chooseCombination(byAuc, target, options('AUC_binary', 'maximize'), notices);
    assert.equal(c.kind, 'ensemble');
    for (const m of c.members) assert.ok(m.record.id <= 5, `${m.record.candidate.name} in the blend`);
    assert.equal(
      c.score,
      primaryScore(
        target,
        blend(
          c.members.map((m) => m.record.oof!),
          c.members.map((m) => m.weight),
        ),
        'AUC_binary',
        rows,
      ),
    );
  });

  test('accuracy: one greedy run over the pool, kept only when it validates strictly better', async () => {
    assert.equal(bagsSelection('accuracy'), false);
    const notices: string[] = [];
    const byAccuracy = records.map((r) => ({ ...r, score: primaryScore(target, r.oof!, 'accuracy', rows) }));
    const c = await chooseCombination(byAccuracy, target, options('accuracy', 'maximize'), notices);
    // the sure model classes every row right: nothing validates strictly better
    assert.equal(c.kind, 'single');
    assert.equal(c.members[0]!.record.id, 1);
  });
});
