import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import {
  accuracyScore,
  averagePrecisionScore,
  balancedAccuracyScore,
  brierScore,
  classificationMetrics,
  cohenKappa,
  confusionMatrix,
  f1Score,
  falsePositiveRate,
  type Label,
  logLoss,
  matthewsCorrelation,
  normMacroRecall,
  precisionScore,
  recallScore,
  rocAucScore,
  specificityScore,
  weightedAccuracy,
} from '../../src/metrics/index.ts';
import { assertAllClose, assertClose, loadFixtures, type Ref } from './helpers.ts';

interface Case {
  name: string;
  labels: Label[];
  yTrue: Label[];
  yPred: Label[];
  scores: number[] | number[][];
  sampleWeight?: number[];
  expected: Record<string, Ref> & { confusion_matrix: { counts: Ref[][]; normalized: Ref[][] } };
}

const cases = loadFixtures<{ classification: Case[] }>().classification;

describe('classification metrics match scikit-learn 1.2.1', () => {
  test('the fixtures hold enough varied cases', () => {
    assert.ok(cases.length >= 200);
    assert.ok(cases.some((c) => typeof c.labels[0] === 'string'));
    assert.ok(cases.some((c) => c.sampleWeight));
    assert.ok(cases.some((c) => c.labels.length >= 8));
  });

  for (const c of cases) {
    test(c.name, () => {
      const opts = { labels: c.labels, sampleWeight: c.sampleWeight };
      const m = classificationMetrics(c.yTrue, c.yPred, { ...opts, scores: c.scores });
      const { confusion_matrix: cm, ...scalars } = c.expected;
      for (const [key, ref] of Object.entries(scalars)) {
        assertClose(m[key as keyof typeof m] as number, ref, `${c.name} ${key}`);
      }
      const k = c.labels.length;
      if (k > 2) assert.equal(m.f1_score_binary, undefined);
      for (let i = 0; i < k; i++) {
        assertAllClose(m.confusion_matrix.counts[i]!, cm.counts[i]!, `${c.name} counts[${i}]`);
        assertAllClose(m.confusion_matrix.normalized[i]!, cm.normalized[i]!, `${c.name} normalized[${i}]`);
      }
      assert.deepEqual(m.confusion_matrix.labels, c.labels);
    });
  }
});

describe('single metric functions agree with the suite and scikit-learn', () => {
  for (const c of cases.filter((_, i) => i % 3 === 0)) {
    test(c.name, () => {
      const e = c.expected;
      const opts = { labels: c.labels, sampleWeight: c.sampleWeight };
      const at = (key: string) => `${c.name} ${key}`;
      assertClose(accuracyScore(c.yTrue, c.yPred, opts), e.accuracy!, at('accuracy'));
      assertClose(
        balancedAccuracyScore(c.yTrue, c.yPred, opts),
        e.balanced_accuracy!,
        at('balanced_accuracy'),
      );
      assertClose(weightedAccuracy(c.yTrue, c.yPred, opts), e.weighted_accuracy!, at('weighted_accuracy'));
      assertClose(normMacroRecall(c.yTrue, c.yPred, opts), e.norm_macro_recall!, at('norm_macro_recall'));
      assertClose(matthewsCorrelation(c.yTrue, c.yPred, opts), e.matthews_correlation!, at('mcc'));
      assertClose(cohenKappa(c.yTrue, c.yPred, opts), e.cohen_kappa!, at('kappa'));
      const averages =
        c.labels.length === 2
          ? (['macro', 'micro', 'weighted', 'binary'] as const)
          : (['macro', 'micro', 'weighted'] as const);
      for (const average of averages) {
        assertClose(
          precisionScore(c.yTrue, c.yPred, { ...opts, average }),
          e[`precision_score_${average}`]!,
          at(`precision ${average}`),
        );
        assertClose(
          recallScore(c.yTrue, c.yPred, { ...opts, average }),
          e[`recall_score_${average}`]!,
          at(`recall ${average}`),
        );
        assertClose(
          f1Score(c.yTrue, c.yPred, { ...opts, average }),
          e[`f1_score_${average}`]!,
          at(`f1 ${average}`),
        );
        const ranked = () => rocAucScore(c.yTrue, c.scores, { ...opts, average });
        if (e[`AUC_${average}`] === 'error') assert.throws(ranked, ValidationError, at(`AUC ${average}`));
        else assertClose(ranked(), e[`AUC_${average}`]!, at(`AUC ${average}`));
        assertClose(
          averagePrecisionScore(c.yTrue, c.scores, { ...opts, average }),
          e[`average_precision_score_${average}`]!,
          at(`AP ${average}`),
        );
      }
      assertClose(specificityScore(c.yTrue, c.yPred, opts), e.specificity!, at('specificity'));
      assertClose(
        falsePositiveRate(c.yTrue, c.yPred, { ...opts, average: 'macro' }),
        e.false_positive_rate_macro!,
        at('fpr'),
      );
      assertClose(logLoss(c.yTrue, c.scores, opts), e.log_loss!, at('log_loss'));
      assertClose(brierScore(c.yTrue, c.scores, opts), e.brier_score!, at('brier'));
      const cm = confusionMatrix(c.yTrue, c.yPred, opts);
      assert.deepEqual(cm.counts, e.confusion_matrix.counts);
    });
  }
});
