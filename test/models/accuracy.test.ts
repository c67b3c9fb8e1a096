// Accuracy of the tree learners against scikit-learn 1.2.1 on the bundled datasets,
// with the fixed 5-fold splits of datasets/splits/ and the same hyperparameters
// (references: test/fixtures/trees-sklearn.json, made by trees_sklearn.py, scikit-learn
// averaged over 3 seeds; mlsweep with seed 0). The mean score over the folds must be
// within MARGIN of scikit-learn's (or better): accuracy points for classifiers, R^2 for
// regressors. Runs on the default backend (native when built; the backends grow
// identical trees, see grow.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  type Classifier,
  type Estimator,
  estimatorFromJSON,
  type Regressor,
  type SerializedEstimator,
} from '../../src/index.ts';
import * as models from '../../src/models/index.ts';

/** Allowed shortfall of the mean fold score against scikit-learn's. */
export const MARGIN: Record<string, number> = {
  DecisionTreeClassifier: 0.04,
  DecisionTreeRegressor: 0.08,
  RandomForestClassifier: 0.02,
  RandomForestRegressor: 0.03,
  ExtraTreesClassifier: 0.02,
  ExtraTreesRegressor: 0.03,
  GradientBoostingClassifier: 0.02,
  GradientBoostingRegressor: 0.03,
};

interface Reference {
  dataset: string;
  task: 'classification' | 'regression';
  model: keyof typeof MARGIN;
  params: Record<string, unknown>;
  categorical: number[];
  foldScores: number[];
  mean: number;
}

const root = new URL('../../', import.meta.url);
const references = JSON.parse(readFileSync(new URL('test/fixtures/trees-sklearn.json', root), 'utf8')) as {
  results: Reference[];
};

/** A bundled numeric CSV: features (empty cells NaN) and the target column as text. */
function readDataset(name: string): { X: number[][]; y: string[]; fold: number[] } {
  const lines = readFileSync(new URL(`datasets/${name}.csv`, root), 'utf8')
    .trim()
    .split('\n');
  const X: number[][] = [];
  const y: string[] = [];
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    X.push(cells.slice(0, -1).map((v) => (v === '' ? Number.NaN : Number(v))));
    y.push(cells[cells.length - 1]!);
  }
  const fold = JSON.parse(readFileSync(new URL(`datasets/splits/${name}.json`, root), 'utf8'))
    .fold as number[];
  return { X, y, fold };
}

function score(model: Estimator, X: number[][], y: string[], task: Reference['task']): number {
  if (task === 'classification') {
    const p = (model as Classifier).predict(X);
    return p.filter((v, i) => v === y[i]).length / y.length;
  }
  const p = (model as Regressor).predict(X);
  const t = y.map(Number);
  const mean = t.reduce((a, b) => a + b, 0) / t.length;
  let res = 0;
  let tot = 0;
  for (let i = 0; i < t.length; i++) {
    res += (t[i]! - p[i]!) ** 2;
    tot += (t[i]! - mean) ** 2;
  }
  return 1 - res / tot;
}

describe('accuracy against scikit-learn on the bundled datasets', () => {
  for (const ref of references.results) {
    const label = `${ref.model} ${JSON.stringify(ref.params)} on ${ref.dataset}`;
    test(`${label}: within ${MARGIN[ref.model]} of scikit-learn (${ref.mean.toFixed(4)})`, (t) => {
      const { X, y, fold } = readDataset(ref.dataset);
      const Ctor = (models as unknown as Record<string, new (p: object) => Estimator>)[ref.model]!;
      const scores: number[] = [];
      for (let k = 0; k < 5; k++) {
        const tr = fold.map((f, i) => (f !== k ? i : -1)).filter((i) => i >= 0);
        const te = fold.map((f, i) => (f === k ? i : -1)).filter((i) => i >= 0);
        const params = {
          ...ref.params,
          seed: 0,
          ...(ref.categorical.length ? { categoricalFeatures: ref.categorical } : {}),
        };
        const model = new Ctor(params);
        const yTrain = tr.map((i) => y[i]!);
        model.fit(
          tr.map((i) => X[i]!),
          ref.task === 'classification' ? yTrain : yTrain.map(Number),
        );
        scores.push(
          score(
            model,
            te.map((i) => X[i]!),
            te.map((i) => y[i]!),
            ref.task,
          ),
        );
        if (k === 0) {
          // a reloaded model scores the same
          const copy = estimatorFromJSON(JSON.parse(JSON.stringify(model.toJSON())) as SerializedEstimator);
          assert.equal(
            score(
              copy,
              te.map((i) => X[i]!),
              te.map((i) => y[i]!),
              ref.task,
            ),
            scores[0],
          );
        }
      }
      const mean = scores.reduce((a, b) => a + b, 0) / scores.length;
      t.diagnostic(`mlsweep ${mean.toFixed(4)} scikit-learn ${ref.mean.toFixed(4)}`);
      assert.ok(
        mean >= ref.mean - MARGIN[ref.model]!,
        `${label}: mlsweep ${mean.toFixed(4)} vs scikit-learn ${ref.mean.toFixed(4)} (folds ${scores.map((s) => s.toFixed(3)).join(', ')})`,
      );
    });
  }
});
