// A primary metric that scores probabilities as probabilities (log loss, Brier score;
// issue 20's wine finding): SGD fits the logistic loss only, and SGD and the naive Bayes
// variants, whose probabilities reach 0 and 1, are left out by default; AUC and accuracy
// keep every SGD loss and every family.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { automl } from '../../src/automl/automl.ts';
import { CANDIDATES, forProbabilityMetric, selectCandidates } from '../../src/automl/candidates.ts';
import { scoresProbabilities } from '../../src/automl/scoring.ts';
import type { Choice } from '../../src/space/choice.ts';

const sgd = CANDIDATES.find((c) => c.name === 'SGD')!;
const losses = (probabilities: boolean) =>
  (sgd.space('classification', probabilities).loss as Choice).options.map(String);

describe('probability metrics', () => {
  test('log loss and the Brier score score probabilities; AUC and accuracy do not', () => {
    assert.equal(scoresProbabilities('log_loss'), true);
    assert.equal(scoresProbabilities('brier_score'), true);
    assert.equal(scoresProbabilities('AUC_weighted'), false);
    assert.equal(scoresProbabilities('accuracy'), false);
  });

  test("SGD's classification losses: log_loss only under a probability metric, all three otherwise", () => {
    assert.deepEqual(losses(true), ['log_loss']);
    assert.deepEqual(losses(false), ['hinge', 'log_loss', 'modified_huber']);
    // regression has no probabilities: its losses do not change
    assert.deepEqual(
      (sgd.space('regression', true).loss as Choice).options.map(String),
      (sgd.space('regression', false).loss as Choice).options.map(String),
    );
  });

  test('SGD and the naive Bayes variants are left out for log loss, each with a notice', () => {
    const all = selectCandidates('classification', undefined, undefined);
    const left = ['SGD', 'MultinomialNaiveBayes', 'BernoulliNaiveBayes'];
    const out = forProbabilityMetric(all, 'log_loss', false);
    assert.deepEqual(
      out.candidates.map((c) => c.name),
      all.map((c) => c.name).filter((n) => !left.includes(n)),
    );
    assert.deepEqual(
      out.notices.map((n) => n.split(' ')[0]),
      all.map((c) => c.name).filter((n) => left.includes(n)),
    );
    assert.match(
      out.notices[0]!,
      /^SGD is left out for log_loss: .*\(name it in allowedModels to try it\)\.$/,
    );
  });

  test('kept for AUC, when the user chose the models, and when nothing else would be left', () => {
    const all = selectCandidates('classification', undefined, undefined);
    assert.equal(forProbabilityMetric(all, 'AUC_weighted', false).candidates.length, all.length);
    assert.equal(forProbabilityMetric(all, 'log_loss', true).candidates.length, all.length);
    const onlyBayes = selectCandidates(
      'classification',
      ['MultinomialNaiveBayes', 'BernoulliNaiveBayes'],
      undefined,
    );
    const kept = forProbabilityMetric(onlyBayes, 'log_loss', false);
    assert.equal(kept.candidates.length, 2);
    assert.deepEqual(kept.notices, []);
  });

  test('a log-loss search names the notice and runs no SGD trial; allowed, SGD runs with the logistic loss only', async () => {
    const base = {
      task: 'classification' as const,
      trainPath: 'datasets/wine.csv',
      target: 'target',
      primaryMetric: 'log_loss',
      seed: 3,
      ensemble: false,
    };
    const byDefault = await automl({
      ...base,
      blockedModels: [
        'RandomForest',
        'ExtremeRandomTrees',
        'LightGBM',
        'XGBoostClassifier',
        'GradientBoosting',
      ],
      limits: { maxTrials: 12 },
    });
    assert.ok(byDefault.notices.some((n) => n.startsWith('SGD is left out for log_loss')));
    assert.ok(byDefault.trials.every((t) => t.params['model.name'] !== 'SGD'));
    const allowed = await automl({ ...base, allowedModels: ['SGD'], limits: { maxTrials: 8 } });
    const sgdTrials = allowed.trials.filter((t) => t.params['model.name'] === 'SGD');
    assert.equal(sgdTrials.length, 8);
    for (const t of sgdTrials) assert.equal(t.params['model.loss'], 'log_loss');
  });
});
