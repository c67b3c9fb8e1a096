import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  calibrationCurve,
  cumulativeGainsCurve,
  type Label,
  liftCurve,
  precisionRecallCurve,
  rocCurve,
} from '../../src/metrics/index.ts';
import { assertAllClose, loadFixtures, type Ref } from './helpers.ts';

interface Case {
  name: string;
  labels: Label[];
  yTrue: Label[];
  scores: number[];
  sampleWeight?: number[];
  dropIntermediate: boolean;
  nBins: number;
  strategy: 'uniform' | 'quantile';
  expected: {
    roc: { fpr: Ref[]; tpr: Ref[]; thresholds: Ref[] };
    pr: { precision: Ref[]; recall: Ref[]; thresholds: Ref[] };
    gains: { fraction: Ref[]; value: Ref[]; thresholds: Ref[] };
    calibration: { fractionPositive: Ref[]; meanPredicted: Ref[] };
  };
}

const cases = loadFixtures<{ curves: Case[] }>().curves;

describe('curves match scikit-learn 1.2.1', () => {
  for (const c of cases) {
    test(c.name, () => {
      const opts = { labels: c.labels, sampleWeight: c.sampleWeight };
      const e = c.expected;
      const roc = rocCurve(c.yTrue, c.scores, { ...opts, dropIntermediate: c.dropIntermediate });
      assertAllClose(
        roc.map((p) => p.fpr),
        e.roc.fpr,
        `${c.name} fpr`,
      );
      assertAllClose(
        roc.map((p) => p.tpr),
        e.roc.tpr,
        `${c.name} tpr`,
      );
      assertAllClose(
        roc.map((p) => p.threshold),
        e.roc.thresholds,
        `${c.name} roc thresholds`,
      );

      const pr = precisionRecallCurve(c.yTrue, c.scores, opts);
      assertAllClose(
        pr.map((p) => p.precision),
        e.pr.precision,
        `${c.name} precision`,
      );
      assertAllClose(
        pr.map((p) => p.recall),
        e.pr.recall,
        `${c.name} recall`,
      );
      assertAllClose(
        pr.slice(0, -1).map((p) => p.threshold),
        e.pr.thresholds,
        `${c.name} pr thresholds`,
      );
      assert.equal(pr.at(-1)!.threshold, Number.POSITIVE_INFINITY);

      const gains = cumulativeGainsCurve(c.yTrue, c.scores, opts).slice(1);
      assertAllClose(
        gains.map((p) => p.fraction),
        e.gains.fraction,
        `${c.name} gains fraction`,
      );
      assertAllClose(
        gains.map((p) => p.value),
        e.gains.value,
        `${c.name} gains`,
      );
      assertAllClose(
        gains.map((p) => p.threshold),
        e.gains.thresholds,
        `${c.name} gains thresholds`,
      );
      const lift = liftCurve(c.yTrue, c.scores, opts);
      const expectedLift = e.gains.value.map((v, i) => (v as number) / (e.gains.fraction[i] as number));
      assertAllClose(
        lift.map((p) => p.value),
        expectedLift,
        `${c.name} lift`,
      );

      const cal = calibrationCurve(c.yTrue, c.scores, {
        labels: c.labels,
        nBins: c.nBins,
        strategy: c.strategy,
      });
      assertAllClose(
        cal.map((p) => p.fractionPositive),
        e.calibration.fractionPositive,
        `${c.name} calibration true`,
      );
      assertAllClose(
        cal.map((p) => p.meanPredicted),
        e.calibration.meanPredicted,
        `${c.name} calibration pred`,
      );
    });
  }
});
