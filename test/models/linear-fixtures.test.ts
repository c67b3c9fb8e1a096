// Linear models against scikit-learn 1.2.1 (test/fixtures/linear/generate.py), on every
// backend built here: logistic regression coefficients within 1e-4, the least-squares
// family within 1e-6.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { ElasticNet, enetPath, Lasso, LinearRegression, LogisticRegression, Ridge } from '../../src/index.ts';
import { testedBackends } from '../helpers/backends.ts';
import { maxDiff } from '../helpers/max-diff.ts';

const ref = JSON.parse(readFileSync(new URL('../fixtures/linear/reference.json', import.meta.url), 'utf8'));

const camel: Record<string, string> = {
  class_weight: 'classWeight',
  fit_intercept: 'fitIntercept',
  l1_ratio: 'l1Ratio',
};

for (const backend of testedBackends()) {
  describe(`linear models match scikit-learn (${backend})`, () => {
    for (const c of ref.logistic) {
      test(`LogisticRegression ${c.name}: coefficients within 1e-4`, () => {
        const params: Record<string, unknown> = { backend, tol: 1e-10, maxIter: 100_000 };
        for (const [k, v] of Object.entries(c.params)) params[camel[k] ?? k] = v;
        const m = new LogisticRegression(params).fit(c.X, c.y, { sampleWeight: c.sampleWeight ?? undefined });
        assert.ok(m.converged, `not converged after ${m.nIter} iterations`);
        const d = Math.max(maxDiff(m.coef.flat(), c.coef.flat()), maxDiff(m.intercept, c.intercept));
        assert.ok(d < 1e-4, `coefficients differ by ${d}`);
        const proba = m.predictProba(c.X.slice(0, 20)).flat();
        assert.ok(maxDiff(proba, c.proba.flat()) < 1e-4);
      });
    }

    for (const c of ref.linear) {
      test(`${c.model} ${JSON.stringify(c.params)}${c.sampleWeight ? ' weighted' : ''}: within 1e-6`, () => {
        const ctors = { LinearRegression, Ridge, Lasso, ElasticNet } as const;
        const Ctor = ctors[c.model as keyof typeof ctors];
        const iterative = c.model === 'Lasso' || c.model === 'ElasticNet';
        const extra = iterative ? { tol: 1e-12, maxIter: 100_000 } : {};
        const m = new Ctor({ backend, ...c.params, ...extra }).fit(ref.linearData.X, ref.linearData.y, {
          sampleWeight: c.sampleWeight ?? undefined,
        });
        assert.ok(maxDiff(m.coef, c.coef) < 1e-6, `coef ${Array.from(m.coef)} vs ${c.coef}`);
        assert.ok(Math.abs(m.intercept - c.intercept) < 1e-6);
        assert.ok(maxDiff(m.predict(ref.linearData.X.slice(0, 10)), c.predictions) < 1e-6);
      });
    }

    test('enetPath with warm starts matches enet_path within 1e-6', () => {
      const path = enetPath(ref.linearData.X, ref.linearData.y, {
        alphas: ref.path.alphas,
        l1Ratio: ref.path.l1Ratio,
        tol: 1e-12,
        maxIter: 100_000,
        backend,
      });
      ref.path.coefs.forEach((row: number[], a: number) => {
        assert.ok(maxDiff(path.coefs[a]!, row) < 1e-6, `alpha ${ref.path.alphas[a]}`);
      });
    });
  });
}

describe('linear model behaviour', () => {
  const { X, y } = ref.linearData as { X: number[][]; y: number[] };

  test('a warm start begins at the previous solution and needs fewer sweeps', () => {
    const cold = new Lasso({ alpha: 0.5, tol: 1e-10, backend: 'js' }).fit(X, y);
    const warm = new Lasso({ alpha: 0.5, tol: 1e-10, warmStart: true, backend: 'js' });
    warm.fit(X, y);
    const first = warm.nIter;
    warm.fit(X, y);
    assert.ok(warm.nIter < first, `${warm.nIter} sweeps after a warm start, ${first} cold`);
    assert.ok(maxDiff(warm.coef, cold.coef) < 1e-8);
  });

  test('non-convergence is reported, not hidden', () => {
    const c = ref.logistic[2];
    const m = new LogisticRegression({ maxIter: 2, backend: 'js' }).fit(c.X, c.y);
    assert.equal(m.converged, false);
    assert.equal(m.nIter, 2);
    assert.ok(m.finalGradient > 1e-4);
  });

  test('LinearRegression gives the minimum-norm solution for duplicated columns', () => {
    const rows = X.map((r) => [r[0]!, r[0]!]);
    const m = new LinearRegression({ backend: 'js' }).fit(rows, y);
    const single = new LinearRegression({ backend: 'js' }).fit(
      X.map((r) => [r[0]!]),
      y,
    );
    assert.ok(Math.abs(m.coef[0]! - m.coef[1]!) < 1e-8);
    assert.ok(Math.abs(m.coef[0]! + m.coef[1]! - single.coef[0]!) < 1e-8);
  });

  test('an infinite feature is an error naming the cell', () => {
    const bad = X.map((r) => [...r]);
    bad[4]![2] = Number.POSITIVE_INFINITY;
    assert.throws(() => new Ridge().fit(bad, y), /X\[4\]\[2\] is Infinity/);
  });

  test('bad hyperparameters name the parameter and the value', () => {
    assert.throws(
      () => new LogisticRegression({ C: 0 }),
      /LogisticRegression: C must be a finite number > 0, got 0/,
    );
    assert.throws(() => new LogisticRegression({ penalty: 'l3' as 'l1' }), /penalty must be one of/);
    assert.throws(() => new ElasticNet({ l1Ratio: 2 }), /l1Ratio must be/);
  });
});

describe('LogisticRegression reports its iterations', () => {
  const c = ref.logistic[2];
  const half = Math.floor(c.X.length / 2);

  test('onIteration gets the training and evalSet log loss, and can stop the fit', () => {
    const seen: Array<{ iteration: number; trainLoss: number; validLoss?: number }> = [];
    const m = new LogisticRegression({ backend: 'js' }).fit(c.X.slice(0, half), c.y.slice(0, half), {
      evalSet: { X: c.X.slice(half), y: c.y.slice(half) },
      onIteration: (info) => {
        assert.equal(info.metric, 'log_loss');
        seen.push(info);
        return info.iteration < 3;
      },
    });
    assert.deepEqual(
      seen.map((s) => s.iteration),
      [0, 1, 2, 3],
    );
    assert.equal(m.nIter, 4);
    assert.ok(seen[3]!.trainLoss < seen[0]!.trainLoss);
    for (const s of seen) assert.ok(s.validLoss !== undefined && s.validLoss > 0);
    // The last report describes the coefficients the fit kept.
    const proba = m.predictProba(c.X.slice(half));
    let loss = 0;
    const classes = m.classes;
    c.y.slice(half).forEach((label: number, i: number) => {
      loss -= Math.log(proba[i]![classes.indexOf(label)]!);
    });
    assert.ok(Math.abs(loss / (c.X.length - half) - seen[3]!.validLoss!) < 1e-12);
  });
});

describe('fitAsync runs native work off the event loop', () => {
  const c = ref.logistic[2];
  for (const backend of testedBackends()) {
    test(`LogisticRegression and Lasso fitAsync equal fit, and timers run meanwhile (${backend})`, async () => {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      const a = await new LogisticRegression({ backend, tol: 1e-8 }).fitAsync(c.X, c.y);
      const l1 = await new LogisticRegression({ backend, penalty: 'l1', C: 0.5 }).fitAsync(c.X, c.y);
      const lasso = await new Lasso({ backend, alpha: 0.5 }).fitAsync(ref.linearData.X, ref.linearData.y);
      clearInterval(timer);
      assert.ok(ticks > 0, 'the event loop never ran during fitAsync');
      assert.deepEqual(a.coef, new LogisticRegression({ backend, tol: 1e-8 }).fit(c.X, c.y).coef);
      assert.deepEqual(
        l1.coef,
        new LogisticRegression({ backend, penalty: 'l1', C: 0.5 }).fit(c.X, c.y).coef,
      );
      assert.deepEqual(
        lasso.coef,
        new Lasso({ backend, alpha: 0.5 }).fit(ref.linearData.X, ref.linearData.y).coef,
      );
    });
  }
});
