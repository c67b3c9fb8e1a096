import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mulberry32 } from '../../src/compute/rng.ts';
import {
  classificationMetrics,
  cumulativeGainsCurve,
  f1Score,
  type Label,
  liftCurve,
  logLoss,
  type MetricWarning,
  precisionScore,
  recallScore,
  regressionMetrics,
  rocAucScore,
  specificityScore,
} from '../../src/index.ts';
import { complementTable, thresholdTable } from '../../src/metrics/thresholds.ts';

describe('zero_division follows scikit-learn', () => {
  test("default 'warn' gives 0 and reports a warning; 0 is silent; 1 gives 1", () => {
    const warnings: MetricWarning[] = [];
    // Label 2 is never predicted and never true: its precision and recall are 0/0.
    const opts = { labels: [0, 1, 2], average: 'macro' as const };
    const p = precisionScore([0, 1, 1], [0, 1, 0], { ...opts, onWarning: (w) => warnings.push(w) });
    assert.equal(p, (0.5 + 1 + 0) / 3);
    assert.equal(warnings.length, 1);
    assert.equal(warnings[0]!.metric, 'precision_score_macro');
    assert.match(warnings[0]!.message, /ill-defined/);
    const silent: MetricWarning[] = [];
    assert.equal(
      precisionScore([0, 1, 1], [0, 1, 0], { ...opts, zeroDivision: 0, onWarning: (w) => silent.push(w) }),
      p,
    );
    assert.equal(silent.length, 0);
    assert.equal(precisionScore([0, 1, 1], [0, 1, 0], { ...opts, zeroDivision: 1 }), (0.5 + 1 + 1) / 3);
    assert.equal(recallScore([0, 1, 1], [0, 1, 0], { ...opts, zeroDivision: 1 }), (1 + 0.5 + 1) / 3);
    // F1 of a label whose precision and recall are both 1 by convention is 1, as in scikit-learn.
    assert.equal(f1Score([0, 1, 1], [0, 1, 0], { ...opts, zeroDivision: 1 }), (2 / 3 + 2 / 3 + 1) / 3);
  });

  test('specificity of a class without negatives uses zeroDivision too', () => {
    assert.equal(specificityScore([1, 1], [1, 0], { labels: [0, 1] }), 0);
    assert.equal(specificityScore([1, 1], [1, 0], { labels: [0, 1], zeroDivision: 1 }), 1);
  });
});

describe('labels', () => {
  const yTrue = ['cat', 'dog', 'eel', 'dog', 'cat', 'eel', 'eel'];
  const yPred = ['cat', 'eel', 'eel', 'dog', 'dog', 'eel', 'cat'];
  const scores = [
    [0.7, 0.2, 0.1],
    [0.1, 0.3, 0.6],
    [0.2, 0.2, 0.6],
    [0.1, 0.8, 0.1],
    [0.3, 0.4, 0.3],
    [0.1, 0.1, 0.8],
    [0.5, 0.25, 0.25],
  ];

  test('reordering labels (and score columns to match) changes nothing but the matrix order', () => {
    const a = classificationMetrics(yTrue, yPred, { scores });
    const order = [2, 0, 1];
    const b = classificationMetrics(yTrue, yPred, {
      labels: order.map((i) => ['cat', 'dog', 'eel'][i]!),
      scores: scores.map((row) => order.map((i) => row[i]!)),
    });
    for (const key of Object.keys(a) as (keyof typeof a)[]) {
      if (key === 'confusion_matrix') continue;
      assert.ok(Math.abs((a[key] as number) - (b[key] as number)) < 1e-12, key);
    }
    assert.deepEqual(b.confusion_matrix.labels, ['eel', 'cat', 'dog']);
    assert.deepEqual(b.confusion_matrix.counts[0], [2, 1, 0]);
  });

  test('string and numeric labels give the same numbers; numeric labels sort numerically', () => {
    const codes: Record<string, number> = { cat: 2, dog: 10, eel: 100 };
    const a = classificationMetrics(yTrue, yPred, { scores });
    const b = classificationMetrics(
      yTrue.map((v) => codes[v]!),
      Int32Array.from(yPred.map((v) => codes[v]!)),
      { scores },
    );
    assert.deepEqual(b.confusion_matrix.labels, [2, 10, 100]);
    assert.equal(a.f1_score_weighted, b.f1_score_weighted);
    assert.equal(a.AUC_weighted, b.AUC_weighted);
  });

  test('positiveLabel picks the binary class; a score vector is its probability', () => {
    const y: Label[] = ['no', 'yes', 'yes', 'no', 'yes'];
    const p = ['no', 'yes', 'no', 'no', 'yes'];
    const s = [0.2, 0.9, 0.4, 0.3, 0.7];
    const yes = classificationMetrics(y, p, { scores: s });
    assert.equal(yes.recall_score_binary, 2 / 3);
    const no = classificationMetrics(y, p, { scores: s.map((v) => 1 - v), positiveLabel: 'no' });
    assert.equal(no.recall_score_binary, 1);
    assert.equal(no.AUC_binary, yes.AUC_binary);
    const matrix = classificationMetrics(y, p, { scores: s.map((v) => [1 - v, v]) });
    assert.equal(matrix.log_loss, yes.log_loss);
    assert.equal(matrix.brier_score, yes.brier_score);
  });
});

describe('definitions', () => {
  test('log loss clips certain mistakes at float64 epsilon', () => {
    assert.ok(Math.abs(logLoss([0, 1], [1, 0]) - -Math.log(Number.EPSILON)) < 1e-9);
    assert.equal(logLoss([0, 1], [0, 1]), -Math.log(1 - Number.EPSILON));
  });

  test('Azure definitions: weighted accuracy, norm macro recall, normalized errors', () => {
    const m = classificationMetrics(['a', 'a', 'a', 'b'], ['a', 'a', 'b', 'b']);
    // weights 3/4 for a, 1/4 for b: (2·0.75 + 0.25) / (3·0.75 + 0.25)
    assert.equal(m.weighted_accuracy, 1.75 / 2.5);
    // recall macro (2/3 + 1) / 2 = 5/6, R = 1/2: (5/6 − 1/2) / (1/2) = 2/3
    assert.ok(Math.abs(m.norm_macro_recall - 2 / 3) < 1e-15);
    assert.equal(classificationMetrics([0, 1, 0, 1], [1, 0, 1, 0]).norm_macro_recall, 0);
    const r = regressionMetrics([0, 10, 5], [1, 9, 5]);
    assert.ok(Math.abs(r.normalized_mean_absolute_error - r.mean_absolute_error / 10) < 1e-15);
    assert.ok(
      Math.abs(r.normalized_root_mean_squared_log_error - r.root_mean_squared_log_error / Math.log(11)) <
        1e-15,
    );
    const constant = regressionMetrics([3, 3], [3, 3]);
    assert.equal(constant.normalized_root_mean_squared_error, 0);
    assert.equal(constant.r2_score, 1);
    assert.ok(Number.isNaN(regressionMetrics([3, 3], [3, 4]).normalized_root_mean_squared_error));
    assert.ok(Number.isNaN(constant.spearman_correlation));
  });

  test('yRange replaces the range of yTrue in the normalized errors (as Azure uses the dataset range)', () => {
    const r = regressionMetrics([2, 4, 6], [3, 4, 5], { yRange: { min: 0, max: 20 } });
    assert.equal(r.normalized_mean_absolute_error, r.mean_absolute_error / 20);
    assert.equal(r.normalized_root_mean_squared_log_error, r.root_mean_squared_log_error / Math.log(21));
    // A constant fold scores against the dataset's range rather than being undefined.
    const c = regressionMetrics([3, 3], [3, 4], { yRange: { min: 0, max: 10 } });
    assert.equal(c.normalized_mean_absolute_error, 0.05);
    assert.throws(
      () => regressionMetrics([1, 2], [1, 2], { yRange: { min: 5, max: 1 } }),
      /yRange is \{min: 5, max: 1\}/,
    );
  });

  test('undefined regression values are reported to onWarning', () => {
    const names: string[] = [];
    regressionMetrics([3, 3], [3, -4], { onWarning: (w) => names.push(w.metric) });
    assert.ok(names.includes('root_mean_squared_log_error'));
    assert.ok(names.includes('normalized_root_mean_squared_error'));
  });

  test('gains and lift curves', () => {
    const gains = cumulativeGainsCurve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]);
    assert.deepEqual(
      gains.map((p) => [p.fraction, p.value]),
      [
        [0, 0],
        [0.25, 0.5],
        [0.5, 0.5],
        [0.75, 1],
        [1, 1],
      ],
    );
    assert.deepEqual(
      liftCurve([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]).map((p) => p.value),
      [2, 1, 4 / 3, 1],
    );
    // Tied scores form one point: the top half holds both positives here.
    assert.deepEqual(
      cumulativeGainsCurve([1, 1, 0, 0], [0.5, 0.5, 0.5, 0.1]).map((p) => [p.fraction, p.value]),
      [
        [0, 0],
        [0.75, 1],
        [1, 1],
      ],
    );
  });
});

describe('AUC on larger random data equals the Mann-Whitney statistic with half-counted ties', () => {
  for (const weighted of [false, true]) {
    test(weighted ? 'weighted' : 'unweighted', () => {
      const next = mulberry32(weighted ? 3 : 4);
      const n = 1500;
      const y = Array.from({ length: n }, () => (next() % 3 === 0 ? 1 : 0));
      const s = Array.from({ length: n }, () => (next() % 50) / 50 - 0.5);
      s[0] = -0;
      s[1] = 0;
      const w = Array.from({ length: n }, () => (weighted ? 0.5 + (next() % 100) / 40 : 1));
      let num = 0;
      let pos = 0;
      let neg = 0;
      for (let i = 0; i < n; i++) {
        if (y[i] === 1) pos += w[i]!;
        else neg += w[i]!;
        if (y[i] !== 1) continue;
        for (let j = 0; j < n; j++) {
          if (y[j] === 1) continue;
          num += w[i]! * w[j]! * (s[i]! > s[j]! ? 1 : s[i] === s[j] ? 0.5 : 0);
        }
      }
      const auc = rocAucScore(y, s, weighted ? { sampleWeight: w } : {});
      assert.ok(Math.abs(auc - num / (pos * neg)) < 1e-12, `${auc} vs ${num / (pos * neg)}`);
    });
  }
});

describe('sample weights', () => {
  test('a zero-weight sample counts as if it were absent', () => {
    const next = mulberry32(9);
    const n = 300;
    const labels = ['a', 'b', 'c'];
    const yTrue = Array.from({ length: n }, () => labels[next() % 3]!);
    const yPred = yTrue.map((y) => (next() % 4 === 0 ? labels[next() % 3]! : y));
    const scores = yTrue.map((y) => {
      const raw = labels.map((l) => (l === y ? 2 : 1) * ((next() % 8) + 1));
      const sum = raw.reduce((s, v) => s + v, 0);
      return raw.map((v) => v / sum);
    });
    const weight = Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : 1 + (next() % 3)));
    const keep = weight.map((w, i) => (w > 0 ? i : -1)).filter((i) => i >= 0);
    const all = classificationMetrics(yTrue, yPred, { labels, scores, sampleWeight: weight });
    const kept = classificationMetrics(
      keep.map((i) => yTrue[i]!),
      keep.map((i) => yPred[i]!),
      { labels, scores: keep.map((i) => scores[i]!), sampleWeight: keep.map((i) => weight[i]!) },
    );
    for (const key of Object.keys(all) as (keyof typeof all)[]) {
      // weighted_accuracy's class frequencies count samples, whatever their weight (as Azure).
      if (key === 'confusion_matrix' || key === 'weighted_accuracy') continue;
      assert.ok(
        Math.abs((all[key] as number) - (kept[key] as number)) < 1e-12,
        `${key}: ${all[key]} vs ${kept[key]}`,
      );
    }
    const r = regressionMetrics(
      yTrue.map((_, i) => i % 7),
      yTrue.map((_, i) => (i * 3) % 11),
      { sampleWeight: weight },
    );
    const rk = regressionMetrics(
      keep.map((i) => i % 7),
      keep.map((i) => (i * 3) % 11),
      { sampleWeight: keep.map((i) => weight[i]!) },
    );
    for (const key of [
      'mean_absolute_error',
      'r2_score',
      'explained_variance',
      'median_absolute_error',
    ] as const) {
      assert.ok(Math.abs(r[key] - rk[key]) < 1e-12, key);
    }
  });
});

describe('threshold tables', () => {
  test('the complement table equals sorting 1 − s, rounding merges included', () => {
    const s = Float64Array.of(1e-17, 2e-17, 0.3, 0.3, 0.7, 1, 0.5 + 1e-17, 0.5, 0.2);
    const positive = Uint8Array.of(1, 0, 1, 0, 1, 1, 0, 1, 0);
    const weight = Float64Array.of(1, 2, 0, 1, 3, 1, 1, 2, 0.5);
    for (const w of [undefined, weight]) {
      const direct = thresholdTable(
        s.map((v) => 1 - v),
        positive.map((p) => 1 - p),
        w,
      );
      const derived = complementTable(thresholdTable(s, positive, w));
      assert.deepEqual(Array.from(derived.values), Array.from(direct.values));
      assert.deepEqual(Array.from(derived.pos), Array.from(direct.pos));
      assert.deepEqual(Array.from(derived.neg), Array.from(direct.neg));
    }
    // 1 − 1e-17 and 1 − 2e-17 are both 1: one threshold.
    assert.equal(complementTable(thresholdTable(s, positive)).values[0], 1);
    assert.equal(complementTable(thresholdTable(s, positive)).pos[0], 1);
  });
});
