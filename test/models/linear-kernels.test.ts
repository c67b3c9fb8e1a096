// The dense kernels (logistic objective, X·W and Rᵀ·X products, coordinate descent,
// k-NN search) on every backend against the js one: native to rounding, gpu.js in each
// mode that runs here (`cpu` always, `webasm` where WebAssembly runs) to float32
// tolerances stated per kernel.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { gpuStatus } from '../../src/compute/gpu/load.ts';
import { type GpuInstance, gpuInstance, isRealGpuMode } from '../../src/compute/gpu/runtime.ts';
import {
  enetCoordinateDescent,
  linearScores,
  logisticObjective,
  transposeProduct,
} from '../../src/compute/kernels/dense/index.ts';
import { knnSearch } from '../../src/compute/kernels/knn/index.ts';
import { denseBackend } from '../../src/compute/kernels/table.ts';
import { mulberry32 } from '../../src/compute/rng.ts';
import { LogisticRegression } from '../../src/index.ts';
import { nativeAvailable } from '../helpers/backends.ts';

function random(seed: number) {
  const next = mulberry32(seed);
  return () => next() / 2 ** 32;
}

function problem(n: number, p: number, K: number, seed: number) {
  const u = random(seed);
  const X = new Float64Array(n * p).map(() => u() * 2 - 1);
  const y = new Int32Array(n).map(() => Math.floor(u() * (K === 1 ? 2 : K)));
  const w = new Float64Array(n).map(() => 0.5 + u());
  const theta = new Float64Array(K * (p + 1)).map(() => u() - 0.5);
  return { X, y, w, theta, n, p, K };
}

function relDiff(a: ArrayLike<number>, b: ArrayLike<number>, scale?: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) {
    const s = Math.max(Math.abs(scale ? scale[i]! : b[i]!), 1);
    d = Math.max(d, Math.abs(a[i]! - b[i]!) / s);
  }
  return d;
}

describe('dense kernels: native equals js', {
  skip: !nativeAvailable && 'the native addon is not built',
}, () => {
  const js = { backend: 'js' as const };
  const native = { backend: 'native' as const, nThreads: 2 };

  for (const K of [1, 4]) {
    test(`logistic objective and gradient, K = ${K}`, () => {
      const { X, y, w, theta, n, p } = problem(5000, 9, K, K);
      const ga = new Float64Array(theta.length);
      const gb = new Float64Array(theta.length);
      const la = logisticObjective(js, X, n, p, K, y, w, theta, ga);
      const lb = logisticObjective(native, X, n, p, K, y, w, theta, gb);
      assert.ok(Math.abs(la - lb) <= 1e-12 * Math.abs(la));
      assert.ok(relDiff(gb, ga) < 1e-12);
    });
  }

  test('binary loss: the product of (1 + e) per block equals the sum of log1p row by row', () => {
    // rows of two weights (one product, one log1p), confident rows (the series) and
    // 6000 rows near z = 0, whose product passes 2^500 and is brought back
    const n = 9000;
    const p = 2;
    const u = random(11);
    const X = new Float64Array(n * p);
    for (let i = 0; i < n; i++) {
      const far = i % 7 === 0;
      X[i] = far ? 20 + u() * 10 : u() * 0.2 - 0.1;
      X[n + i] = u() - 0.5;
    }
    const y = new Int32Array(n).map((_, i) => ((i * 5) % 3 === 0 ? 1 : 0));
    const w = new Float64Array(n).map((_, i) => (i % 11 === 0 ? 2.5 : 1));
    const theta = Float64Array.of(1.3, -0.4, 0.05);
    let expected = 0;
    for (let i = 0; i < n; i++) {
      const z = theta[0]! * X[i]! + theta[1]! * X[n + i]! + theta[2]!;
      expected += w[i]! * (Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y[i]! * z);
    }
    for (const t of [js, native]) {
      const loss = logisticObjective(t, X, n, p, 1, y, w, theta, new Float64Array(3));
      assert.ok(Math.abs(loss - expected) <= 1e-13 * expected, `${t.backend}: ${loss} vs ${expected}`);
    }
  });

  test('products X·Wᵀ + b and Rᵀ·X', () => {
    const { X, theta, n, p } = problem(4500, 7, 3, 9);
    const a = new Float64Array(n * 3);
    const b = new Float64Array(n * 3);
    linearScores(js, X, n, p, 3, theta, a);
    linearScores(native, X, n, p, 3, theta, b);
    assert.deepEqual(b, a);
    const ta = new Float64Array(3 * p);
    const tb = new Float64Array(3 * p);
    transposeProduct(js, X, n, p, 3, a, ta);
    transposeProduct(native, X, n, p, 3, a, tb);
    assert.deepEqual(tb, ta);
  });

  test('coordinate descent', () => {
    const { X, n, p } = problem(300, 12, 1, 4);
    const u = random(5);
    const y = new Float64Array(n).map((_, i) => X[i]! * 3 - X[2 * n + i]! + 0.1 * u());
    const wa = new Float64Array(p);
    const wb = new Float64Array(p);
    const ra = enetCoordinateDescent(js, X, n, p, y, wa, 5, 1, 1000, 1e-8);
    const rb = enetCoordinateDescent(native, X, n, p, y, wb, 5, 1, 1000, 1e-8);
    // The gap is a difference of large sums: rounding moves its last digits, not its scale.
    assert.equal(rb.nIter, ra.nIter);
    assert.ok(Math.abs(rb.gap - ra.gap) < 1e-9 * y.reduce((s, v) => s + v * v, 0));
    assert.ok(relDiff(wb, wa) < 1e-12);
  });

  for (const metric of [0, 1, 2]) {
    test(`k-NN search, metric ${metric}, several blocks of each size`, () => {
      const { X, n, p } = problem(5000, 6, 1, 20 + metric);
      const { X: Q, n: nq } = problem(70, 6, 1, 30 + metric);
      const ia = new Int32Array(nq * 4);
      const ib = new Int32Array(nq * 4);
      const da = new Float64Array(nq * 4);
      const db = new Float64Array(nq * 4);
      knnSearch(js, X, n, Q, nq, p, 4, metric, ia, da);
      knnSearch(native, X, n, Q, nq, p, 4, metric, ib, db);
      assert.deepEqual(ib, ia);
      assert.deepEqual(db, da);
    });
  }
});

const gpu = gpuStatus();
const gpuReason = gpu.available ? undefined : `gpu.js is absent: ${gpu.reason}`;

function modeInstance(mode: string): GpuInstance | string {
  if (gpuReason) return gpuReason;
  try {
    const g = gpuInstance(mode);
    // Compiling a kernel is what fails where a mode cannot run.
    linearScores(
      { backend: 'gpu', gpu: g },
      new Float64Array(2),
      2,
      1,
      1,
      new Float64Array(2),
      new Float64Array(2),
    );
    return g;
  } catch (error) {
    return `gpu.js mode '${mode}' does not run here: ${(error as Error).message}`;
  }
}

for (const mode of ['cpu', 'webasm']) {
  const g = modeInstance(mode);
  describe(`dense kernels: gpu.js '${mode}' mode against js`, { skip: typeof g === 'string' && g }, () => {
    const gpuT = { backend: 'gpu' as const, gpu: g as GpuInstance };
    const js = { backend: 'js' as const };

    // Float32 storage: each product term carries a relative error of about 6e-8; sums of
    // p terms stay within 1e-5 of the float64 result relative to Σ|terms|.
    test('X·Wᵀ + b within 1e-5 relative, with 1100 features (past gpu.js loop cut at 1000)', () => {
      const { X, theta, n, p } = problem(300, 1100, 2, 41);
      const a = new Float64Array(n * 2);
      const b = new Float64Array(n * 2);
      linearScores(js, X, n, p, 2, theta, a);
      linearScores(gpuT, X, n, p, 2, theta, b);
      const scale = new Float64Array(n * 2).fill(p * 0.25);
      assert.ok(relDiff(b, a, scale) < 1e-5, `differs by ${relDiff(b, a, scale)}`);
    });

    test('Rᵀ·X within 1e-5 relative to Σ|x r|, over several row chunks', () => {
      const { X, n, p } = problem(3000, 5, 1, 42);
      const R = new Float64Array(n * 2).map((_, i) => Math.sin(i));
      const a = new Float64Array(2 * p);
      const b = new Float64Array(2 * p);
      transposeProduct(js, X, n, p, 2, R, a);
      transposeProduct(gpuT, X, n, p, 2, R, b);
      const scale = new Float64Array(2 * p).fill(n * 0.5);
      assert.ok(relDiff(b, a, scale) < 1e-5, `differs by ${relDiff(b, a, scale)}`);
    });

    test('logistic gradient within 1e-5 relative to its row sum', () => {
      const { X, y, w, theta, n, p } = problem(2000, 6, 3, 43);
      const ga = new Float64Array(theta.length);
      const gb = new Float64Array(theta.length);
      const la = logisticObjective(js, X, n, p, 3, y, w, theta, ga);
      const lb = logisticObjective(gpuT, X, n, p, 3, y, w, theta, gb);
      assert.ok(Math.abs(la - lb) < 1e-5 * la);
      const scale = new Float64Array(theta.length).fill(n);
      assert.ok(relDiff(gb, ga, scale) < 1e-5);
    });

    for (const metric of [0, 1, 2]) {
      test(`k-NN search, metric ${metric}: same neighbours, distances recomputed in float64`, () => {
        const { X, n, p } = problem(1200, 5, 1, 50 + metric);
        const { X: Q, n: nq } = problem(40, 5, 1, 60 + metric);
        const ia = new Int32Array(nq * 3);
        const ib = new Int32Array(nq * 3);
        const da = new Float64Array(nq * 3);
        const db = new Float64Array(nq * 3);
        knnSearch(js, X, n, Q, nq, p, 3, metric, ia, da);
        knnSearch(gpuT, X, n, Q, nq, p, 3, metric, ib, db);
        assert.deepEqual(ib, ia);
        assert.deepEqual(db, da);
      });
    }

    test('k-NN distance loop over 1100 features is not cut at 1000', () => {
      const { X, n, p } = problem(50, 1100, 1, 70);
      const Q = new Float64Array(p);
      for (let j = 0; j < p; j++) Q[j] = X[j * n + 7]!;
      // Row 8 equals the query on the first 1000 features only: a loop cut at 1000 would
      // see two rows at distance 0 and keep row 7 anyway, so make row 8 the cut loop's answer.
      for (let j = 0; j < 1000; j++) X[j * n + 8] = Q[j]!;
      for (let j = 0; j < 1000; j++) X[j * n + 7] = Q[j]! + 1e-3;
      const idx = new Int32Array(1);
      const dist = new Float64Array(1);
      knnSearch(gpuT, X, n, Q, 1, p, 1, 0, idx, dist);
      assert.equal(idx[0], 7);
      assert.ok(Math.abs(dist[0]! - Math.sqrt(1000) * 1e-3) < 1e-9);
    });
  });
}

test('LogisticRegression on the gpu backend reaches the js coefficients within 1e-3', {
  skip: gpuReason,
}, () => {
  const { X, y, n, p } = problem(1500, 4, 1, 80);
  const rows = Array.from({ length: n }, (_, i) => Array.from({ length: p }, (_, j) => X[j * n + i]!));
  const a = new LogisticRegression({ backend: 'js' }).fit(rows, Array.from(y));
  const b = new LogisticRegression({ backend: 'gpu' }).fit(rows, Array.from(y));
  assert.ok(a.converged && b.converged);
  assert.ok(Math.max(...a.coef[0]!.map((v, j) => Math.abs(v - b.coef[0]![j]!))) < 1e-3);
  assert.deepEqual(b.predict(rows.slice(0, 50)), a.predict(rows.slice(0, 50)));
});

describe('auto backend choice for dense kernels', () => {
  test('auto never picks the gpu without a real GPU mode, whatever the size', () => {
    assert.notEqual(denseBackend('auto', 'knnSearch', 1e15), 'gpu');
    assert.equal(denseBackend('auto', 'knnSearch', 10), nativeAvailable ? 'native' : 'js');
  });

  test('cpu and webasm are not real GPU modes; WebGL and WebGPU are', () => {
    assert.equal(isRealGpuMode('cpu'), false);
    assert.equal(isRealGpuMode('webasm'), false);
    assert.equal(isRealGpuMode('webgl2'), true);
    assert.equal(isRealGpuMode('headlessgl'), true);
    assert.equal(isRealGpuMode('webgpu'), true);
  });

  test('a named backend without the kernel is an error', () => {
    assert.throws(() => denseBackend('gpu', 'coordinateDescent', 1), /no gpu implementation/);
  });
});
