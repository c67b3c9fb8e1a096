import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValidationError } from '../../src/core/errors.ts';
import {
  classificationMetrics,
  isBetter,
  METRICS,
  metricInfo,
  regressionMetrics,
} from '../../src/metrics/index.ts';

describe('metric catalog', () => {
  test('directions of primary metrics', () => {
    assert.equal(metricInfo('accuracy').goal, 'maximize');
    assert.equal(metricInfo('AUC_weighted').goal, 'maximize');
    assert.equal(metricInfo('norm_macro_recall').goal, 'maximize');
    assert.equal(metricInfo('log_loss').goal, 'minimize');
    assert.equal(metricInfo('normalized_root_mean_squared_error').goal, 'minimize');
    assert.equal(metricInfo('spearman_correlation').goal, 'maximize');
    assert.equal(metricInfo('r2_score').task, 'regression');
    assert.deepEqual(metricInfo('matthews_correlation').range, [-1, 1]);
    assert.equal(metricInfo('AUC_macro').needsScores, true);
    assert.equal(metricInfo('f1_score_macro').needsScores, false);
    assert.equal(metricInfo('log_loss').scoresProbabilities, true);
    assert.equal(metricInfo('brier_score').scoresProbabilities, true);
    assert.equal(metricInfo('AUC_macro').scoresProbabilities, false);
  });

  test('an unknown name is a ValidationError listing the known ones', () => {
    assert.throws(
      () => metricInfo('auc'),
      (e: unknown) => {
        assert.ok(e instanceof ValidationError);
        assert.match(e.message, /Unknown metric 'auc'; known metrics: accuracy, /);
        return true;
      },
    );
  });

  test('isBetter follows the goal and never prefers NaN', () => {
    assert.equal(isBetter('accuracy', 0.9, 0.8), true);
    assert.equal(isBetter('mean_absolute_error', 0.9, 0.8), false);
    assert.equal(isBetter('mean_absolute_error', Number.NaN, 0.8), false);
    assert.equal(isBetter('mean_absolute_error', 0.8, Number.NaN), true);
  });

  test('every scalar the suites return is registered, and every registered name is returned', () => {
    const c = classificationMetrics([0, 1, 1, 0], [0, 1, 0, 0], { scores: [0.1, 0.8, 0.4, 0.3] });
    const r = regressionMetrics([1, 2, 3], [1, 2, 4]);
    const returned = new Set([...Object.keys(c), ...Object.keys(r)].filter((k) => k !== 'confusion_matrix'));
    const registered = new Set(METRICS.map((m) => m.name));
    assert.deepEqual([...returned].sort(), [...registered].sort());
    for (const m of METRICS) {
      const value = (m.task === 'classification' ? c : r)[m.name as never] as number;
      assert.ok(value >= m.range[0] && value <= m.range[1], `${m.name} = ${value} outside ${m.range}`);
    }
  });
});
