// autolog(): a fit inside an active run logs its params, training metrics, duration and
// model artifact; outside a run nothing; disable stops it; an ensemble fitting members
// inside its own fit is logged once; a later fit in the same run goes to a child run.

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, describe, test } from 'node:test';
import { observeFit, setFitClock } from '../../src/models/fit-listeners.ts';
import { DecisionTreeRegressor } from '../../src/models/forest/decision-tree.ts';
import { RandomForestClassifier } from '../../src/models/forest/random-forest.ts';
import { estimatorFromJSON } from '../../src/models/from-json.ts';
import { Ridge } from '../../src/models/linear/least-squares.ts';
import type { FeatureInput, LabelInput, Regressor, SerializedEstimator } from '../../src/models/types.ts';
import { activeRun, withActiveRun } from '../../src/tracking/active-run.ts';
import { autolog, isAutologOn } from '../../src/tracking/autolog.ts';
import { Tracker } from '../../src/tracking/tracker.ts';

const root = mkdtempSync(join(tmpdir(), 'mlsweep-autolog-test-'));
let n = 0;
function tracker(): Tracker {
  return new Tracker({ dir: join(root, `store-${++n}`) });
}
after(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => autolog({ disable: true }));

const X = Array.from({ length: 60 }, (_, i) => [i % 7, (i * 13) % 11, i / 10]);
const yNum = X.map((r) => r[0]! * 2 - r[1]! + 0.5 * r[2]!);
const labels = yNum.map((v) => (v > 2 ? 'up' : 'down'));

/** A bagging regressor of decision trees: an estimator that fits estimators inside its fit. */
class TinyBagging implements Regressor {
  readonly estimatorType = 'regressor' as const;
  readonly params = { nMembers: 3 };
  members: DecisionTreeRegressor[] = [];
  withParams(): this {
    return this;
  }
  fit(Xf: FeatureInput, y: LabelInput): this {
    return observeFit(this, Xf, y, {}, () => {
      this.members = [1, 2, 3].map((seed) => new DecisionTreeRegressor({ maxDepth: 3, seed }).fit(Xf, y));
      return this;
    });
  }
  async fitAsync(Xf: FeatureInput, y: LabelInput): Promise<this> {
    return this.fit(Xf, y);
  }
  predict(Xf: FeatureInput): Float64Array {
    const preds = this.members.map((m) => m.predict(Xf));
    return preds[0]!.map((_, i) => preds.reduce((s, p) => s + p[i]!, 0) / preds.length);
  }
  get nFeatures(): number {
    return this.members[0]!.nFeatures;
  }
  get featureImportances(): Float64Array {
    return this.members[0]!.featureImportances;
  }
  toJSON(): SerializedEstimator {
    return { type: 'TinyBagging', version: 1, params: this.params, state: {} };
  }
}

describe('autolog', () => {
  test('a fit inside an active run logs params, training metrics, duration and the model', () => {
    const t = tracker();
    // a fake clock: the fit starts at 1000 ms and ends at 1250 ms
    let calls = 0;
    const previous = setFitClock(() => 1000 + 250 * calls++);
    autolog();
    assert.equal(isAutologOn(), true);
    const run = t.startRun({ experiment: 'auto' });
    const model = new RandomForestClassifier({ nEstimators: 5, maxDepth: 4, seed: 3 });
    const fitted = model.fit(X, labels);
    setFitClock(previous);
    run.end();
    const info = t.getRun(run.id);
    assert.equal(info.params.nEstimators, '5');
    assert.equal(info.params.maxDepth, '4');
    assert.equal(info.params.maxLeafNodes, 'None');
    assert.equal(info.params.categoricalFeatures, '[]');
    assert.equal(info.tags.estimator_name, 'RandomForestClassifier');
    const accuracy = labels.filter((l, i) => l === fitted.predict(X)[i]).length / labels.length;
    assert.equal(info.metrics.training_score, accuracy);
    assert.equal(info.metrics.training_accuracy_score, accuracy);
    assert.ok(info.metrics.training_log_loss! > 0);
    assert.equal(info.metrics.fit_duration_seconds, 0.25);
    assert.deepEqual(t.listArtifacts(run.id), ['model/model.json']);
    const json = JSON.parse(readFileSync(join(info.artifactDir, 'model', 'model.json'), 'utf8'));
    assert.deepEqual(estimatorFromJSON(json).predict(X), fitted.predict(X));
    t.close();
  });

  test('regressors log R^2 and errors; fitAsync is heard too', async () => {
    const t = tracker();
    autolog({ logModels: false });
    const run = t.startRun({ experiment: 'auto' });
    const model = await new Ridge({ alpha: 1 }).fitAsync(X, yNum);
    run.end();
    const info = t.getRun(run.id);
    assert.equal(info.params.alpha, '1');
    const pred = model.predict(X);
    const mean = yNum.reduce((a, b) => a + b, 0) / yNum.length;
    const ssRes = yNum.reduce((s, v, i) => s + (v - pred[i]!) ** 2, 0);
    const ssTot = yNum.reduce((s, v) => s + (v - mean) ** 2, 0);
    assert.ok(Math.abs(info.metrics.training_r2_score! - (1 - ssRes / ssTot)) < 1e-12);
    assert.ok(Math.abs(info.metrics.training_mean_squared_error! - ssRes / yNum.length) < 1e-12);
    const range = Math.max(...yNum) - Math.min(...yNum);
    assert.ok(
      Math.abs(
        info.metrics.training_normalized_root_mean_squared_error! - Math.sqrt(ssRes / yNum.length) / range,
      ) < 1e-12,
    );
    assert.deepEqual(t.listArtifacts(run.id), []);
    t.close();
  });

  test('logTrainingMetrics: false logs the duration only', () => {
    const t = tracker();
    autolog({ logModels: false, logTrainingMetrics: false });
    const run = t.startRun({ experiment: 'auto' });
    new Ridge().fit(X, yNum);
    run.end();
    assert.deepEqual(Object.keys(t.getRun(run.id).metrics), ['fit_duration_seconds']);
    t.close();
  });

  test('outside an active run a fit logs nothing', () => {
    const t = tracker();
    autolog();
    const run = t.startRun({ experiment: 'auto' });
    run.end();
    assert.equal(activeRun(), undefined);
    new Ridge().fit(X, yNum);
    assert.deepEqual(t.getRun(run.id).params, {});
    assert.equal(t.searchRuns().length, 1);
    t.close();
  });

  test('disable stops it', () => {
    const t = tracker();
    autolog();
    autolog({ disable: true });
    assert.equal(isAutologOn(), false);
    const run = t.startRun({ experiment: 'auto' });
    new Ridge().fit(X, yNum);
    run.end();
    assert.deepEqual(t.getRun(run.id).params, {});
    assert.deepEqual(t.getRun(run.id).metrics, {});
    t.close();
  });

  test('an ensemble fitting members inside its fit is logged once, for itself', () => {
    const t = tracker();
    autolog({ logModels: false });
    const run = t.startRun({ experiment: 'auto' });
    new TinyBagging().fit(X, yNum);
    run.end();
    const runs = t.searchRuns();
    assert.equal(runs.length, 1, 'no child runs for the members');
    assert.equal(runs[0]!.tags.estimator_name, 'TinyBagging');
    assert.equal(runs[0]!.params.nMembers, '3');
    t.close();
  });

  test('a second fit in the same run logs into a child run; withActiveRun picks the run', async () => {
    const t = tracker();
    autolog({ logModels: false });
    const parent = t.startRun({ experiment: 'auto' });
    new Ridge({ alpha: 1 }).fit(X, yNum);
    new Ridge({ alpha: 2 }).fit(X, yNum);
    const other = t.startRun({ experiment: 'auto' });
    await withActiveRun(parent, t, async () => {
      await new Ridge({ alpha: 3 }).fitAsync(X, yNum);
    });
    other.end();
    parent.end();
    assert.equal(t.getRun(parent.id).params.alpha, '1');
    const children = t.searchRuns().filter((r) => r.parentRunId === parent.id);
    assert.deepEqual(children.map((r) => r.params.alpha).sort(), ['2', '3']);
    assert.ok(children.every((r) => r.status === 'FINISHED' && r.name === 'Ridge'));
    assert.deepEqual(t.getRun(other.id).params, {});
    t.close();
  });
});
