import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { logExpectedImprovement, logH } from '../../src/samplers/bayes/acquisition.ts';
import { cholesky, choleskyInverse, choleskySolve, logDet } from '../../src/samplers/bayes/cholesky.ts';
import {
  defaultPriors,
  fitHyperparameters,
  GaussianProcess,
  type GpData,
  negLogPosterior,
} from '../../src/samplers/bayes/gp.ts';
import { crossCovariance, type KernelLayout } from '../../src/samplers/bayes/kernel.ts';
import { minimize } from '../../src/samplers/bayes/lbfgs.ts';
import { warpTargets } from '../../src/samplers/bayes/warp.ts';
import { normalCdf } from '../../src/space/normal.ts';

const close = (a: number, b: number, tol: number, what = '') =>
  assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${what} ${a} vs ${b}`);

const m52 = (r: number) => (1 + Math.sqrt(5) * r + (5 / 3) * r * r) * Math.exp(-Math.sqrt(5) * r);
const oneD: KernelLayout = { dims: 1, categorical: [false] };

describe('Cholesky', () => {
  it('factorises, solves and inverts a 3 x 3 matrix', () => {
    const A = new Float64Array([4, 2, 0.4, 2, 5, 1, 0.4, 1, 3]);
    const f = cholesky(A, 3);
    assert.equal(f.jitter, 0);
    assert.deepEqual(Array.from(f.L.slice(0, 2)), [2, 0]);
    close(f.L[3]!, 1, 1e-15);
    close(f.L[4]!, 2, 1e-15);
    const x = choleskySolve(f, [1, 2, 3]);
    for (let i = 0; i < 3; i++) {
      const Ax = A[i * 3]! * x[0]! + A[i * 3 + 1]! * x[1]! + A[i * 3 + 2]! * x[2]!;
      close(Ax, i + 1, 1e-12, `row ${i}`);
    }
    // det by cofactors: 4(15 − 1) − 2(6 − 0.4) + 0.4(2 − 2) = 44.8
    close(logDet(f), Math.log(44.8), 1e-12);
    const inv = choleskyInverse(f);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        // (A A⁻¹)_ij from the lower triangle of the symmetric inverse.
        for (let k = 0; k < 3; k++) s += A[i * 3 + k]! * inv[Math.max(k, j) * 3 + Math.min(k, j)]!;
        close(s, i === j ? 1 : 0, 1e-12, `(${i},${j})`);
      }
    }
  });

  it('adds jitter to a singular matrix instead of failing', () => {
    const f = cholesky(new Float64Array([1, 1, 1, 1]), 2);
    assert.ok(f.jitter > 0 && f.jitter <= 1e-2);
  });

  it('rejects a matrix of the wrong size, naming the sizes', () => {
    assert.throws(() => cholesky(new Float64Array(3), 2), /2 x 2 matrix \(4 values\), got 3/);
  });
});

describe('kernel', () => {
  it('is Matérn 5/2 in the scaled distance for numeric inputs', () => {
    const theta = [Math.log(0.5), Math.log(2), 0];
    const K = crossCovariance(oneD, theta, new Float64Array([0]), 1, new Float64Array([0, 0.5, 1]), 3);
    close(K[0]!, 2, 1e-15);
    close(K[1]!, 2 * m52(1), 1e-14);
    close(K[2]!, 2 * m52(2), 1e-14);
  });

  it('compares categorical inputs by equality only, never by order', () => {
    const layout: KernelLayout = { dims: 1, categorical: [true] };
    const theta = [Math.log(0.5), 0, 0];
    const K = crossCovariance(layout, theta, new Float64Array([0]), 1, new Float64Array([0, 1, 2]), 3);
    assert.equal(K[0], 1);
    close(K[1]!, Math.exp(-2), 1e-15);
    assert.equal(K[1], K[2]);
  });
});

describe('GP posterior', () => {
  it('matches the hand-computed posterior of one observation', () => {
    // One point y(0) = 2 with s² = 1, ℓ = 1, noise 0.25: mean(x) = k(x,0)/(1.25)·2,
    // var(x) = 1 − k(x,0)²/1.25.
    const data: GpData = { layout: oneD, X: new Float64Array([0]), y: new Float64Array([2]), n: 1 };
    const gp = new GaussianProcess(data, [0, 0, Math.log(0.25)]);
    const { mean, variance } = gp.predict(new Float64Array([0, 1]), 2);
    close(mean[0]!, 1.6, 1e-14);
    close(variance[0]!, 1 - 1 / 1.25, 1e-14);
    close(mean[1]!, (m52(1) / 1.25) * 2, 1e-14);
    close(variance[1]!, 1 - m52(1) ** 2 / 1.25, 1e-14);
  });

  it('matches the hand-computed posterior of two observations', () => {
    // K = [[1+σ², c], [c, 1+σ²]] with c = m52(1); at the midpoint k* = [m52(½), m52(½)].
    const noise = 0.01;
    const data: GpData = { layout: oneD, X: new Float64Array([0, 1]), y: new Float64Array([1, -1]), n: 2 };
    const gp = new GaussianProcess(data, [0, 0, Math.log(noise)]);
    const a = 1 + noise;
    const c = m52(1);
    const det = a * a - c * c;
    const kInv = [a / det, -c / det, -c / det, a / det];
    const ks = m52(0.5);
    const { mean, variance } = gp.predict(new Float64Array([0.5, 0]), 2);
    close(mean[0]!, 0, 1e-14);
    const quad = ks * ks * (kInv[0]! + kInv[1]! + kInv[2]! + kInv[3]!);
    close(variance[0]!, 1 - quad, 1e-13);
    // At x = 0: mean = [a, c]·K⁻¹·y = (a·(a − (−c)·… )) computed directly.
    const alpha = [kInv[0]! * 1 + kInv[1]! * -1, kInv[2]! * 1 + kInv[3]! * -1];
    close(mean[1]!, alpha[0]! * 1 + alpha[1]! * c, 1e-13);
  });
});

describe('GP batch prediction', () => {
  it('gives the same numbers for 70 points at once (chunks, four-way solves) as one at a time', () => {
    const layout: KernelLayout = { dims: 2, categorical: [false, true] };
    const data = randomData(15, layout, 'batch');
    const gp = new GaussianProcess(data, [Math.log(0.3), Math.log(2), 0, Math.log(0.01)]);
    const rng = seedrandom('points');
    const Z = Float64Array.from({ length: 140 }, (_, i) => (i % 2 === 0 ? rng() : Math.floor(rng() * 3)));
    const all = gp.predict(Z, 70);
    for (let i = 0; i < 70; i++) {
      const one = gp.predict(Z.slice(2 * i, 2 * i + 2), 1);
      assert.equal(all.mean[i], one.mean[0]);
      assert.equal(all.variance[i], one.variance[0]);
    }
  });
});

describe('GP believed rows', () => {
  it('leaves no variance at an exact row while a noisy one keeps about the noise', () => {
    const data: GpData = {
      layout: oneD,
      X: new Float64Array([0, 1]),
      y: new Float64Array([0, 0.5]),
      n: 2,
      exact: 1,
    };
    const gp = new GaussianProcess(data, [0, 0, Math.log(0.1)]);
    const { variance } = gp.predict(new Float64Array([0, 1]), 2);
    assert.ok(variance[1]! < 1e-5, `exact row variance ${variance[1]}`);
    assert.ok(variance[0]! > 0.05 && variance[0]! < 0.1, `noisy row variance ${variance[0]}`);
  });
});

function randomData(n: number, layout: KernelLayout, seed: string): GpData {
  const rng = seedrandom(seed);
  const X = new Float64Array(n * layout.dims);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < layout.dims; j++)
      X[i * layout.dims + j] = layout.categorical[j] ? Math.floor(rng() * 3) : rng();
  }
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(6 * X[i * layout.dims]!) + 0.1 * rng());
  return { layout, X, y, n };
}

describe('marginal likelihood', () => {
  it('has an analytic gradient that matches central finite differences', () => {
    const layout: KernelLayout = { dims: 3, categorical: [false, false, true] };
    const data = randomData(12, layout, 'grad');
    const priors = defaultPriors(layout);
    const theta = new Float64Array([
      Math.log(0.3),
      Math.log(0.8),
      Math.log(1.5),
      Math.log(1.3),
      Math.log(0.02),
    ]);
    const grad = new Float64Array(theta.length);
    negLogPosterior(data, theta, priors, grad);
    for (let p = 0; p < theta.length; p++) {
      const h = 1e-5;
      const up = Float64Array.from(theta);
      const down = Float64Array.from(theta);
      up[p] = up[p]! + h;
      down[p] = down[p]! - h;
      const fd = (negLogPosterior(data, up, priors) - negLogPosterior(data, down, priors)) / (2 * h);
      close(grad[p]!, fd, 1e-6, `parameter ${p}`);
    }
  });

  it('fits a small noise to a smooth function and a larger one when noise is added', () => {
    const layout: KernelLayout = { dims: 1, categorical: [false] };
    const X = Float64Array.from({ length: 30 }, (_, i) => i / 29);
    const smooth: GpData = { layout, X, y: warpTargets(X.map((x) => Math.sin(6 * x))), n: 30 };
    const noiseRng = seedrandom('noise');
    const raw = X.map((x) => Math.sin(6 * x) + 0.6 * (noiseRng() - 0.5));
    const noisy: GpData = { layout, X, y: warpTargets(raw), n: 30 };
    const thetaSmooth = fitHyperparameters(smooth, seedrandom('a'));
    const thetaNoisy = fitHyperparameters(noisy, seedrandom('a'));
    assert.ok(Math.exp(thetaSmooth[2]!) < 1e-3, `noise ${Math.exp(thetaSmooth[2]!)}`);
    // Added noise has variance 0.03 against the signal's 0.5: about 0.06 once standardized.
    const fitted = Math.exp(thetaNoisy[2]!);
    assert.ok(fitted > 0.015 && fitted < 0.25, `noise ${fitted}`);
    // The smooth fit interpolates between its points.
    const { mean } = new GaussianProcess(smooth, thetaSmooth).predict(
      new Float64Array([0.5 / 29, 1.5 / 29]),
      2,
    );
    assert.ok(mean[0]! > smooth.y[0]! && mean[0]! < smooth.y[1]!);
    assert.ok(mean[1]! > smooth.y[1]! && mean[1]! < smooth.y[2]!);
  });

  it('is optimised by L-BFGS, as on the Rosenbrock function', () => {
    const { x } = minimize(
      (v, g) => {
        const [a = 0, b = 0] = v;
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      new Float64Array([-1.2, 1]),
      { lower: [-5, -5], upper: [5, 5], maxIterations: 200 },
    );
    close(x[0]!, 1, 1e-3);
    close(x[1]!, 1, 2e-3);
  });
});

describe('log expected improvement', () => {
  it('equals log(φ(z) + zΦ(z)) where that is accurate, and stays finite far in the tail', () => {
    for (const z of [-1.5, -1, -0.3, 0, 0.7, 2, 5]) {
      const direct = Math.log(Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) + z * normalCdf(z));
      close(logH(z), direct, 1e-9, `z ${z}`);
    }
    for (const z of [-3, -8]) {
      // Mills-ratio series: h(z) ≈ φ(z)/z² (1 − 3/z² + 15/z⁴ − 105/z⁶) for large −z.
      const x = -z;
      const series =
        (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) / x ** 2) *
        (1 - 3 / x ** 2 + 15 / x ** 4 - 105 / x ** 6);
      close(logH(z), Math.log(series), x === 8 ? 1e-5 : 0.05, `z ${z}`);
    }
    const far = logH(-60);
    assert.ok(Number.isFinite(far));
    close(far, -1800 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(60), 1e-3);
    assert.ok(logH(-60) < logH(-59));
  });

  it('scales with the posterior deviation and prefers lower means', () => {
    close(logExpectedImprovement(0, 4, 0), logH(0) + Math.log(2), 1e-15);
    assert.ok(logExpectedImprovement(-1, 1, 0) > logExpectedImprovement(1, 1, 0));
  });
});

describe('output warping', () => {
  it('is monotone and standardized, and tames an outlier', () => {
    const y = new Float64Array([1, 2, 3, 4, 5, 6, 1000]);
    const w = warpTargets(y);
    for (let i = 1; i < y.length; i++) assert.ok(w[i]! > w[i - 1]!);
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    close(mean, 0, 1e-9);
    close(sd, 1, 1e-9);
    // Standardized alone, the six small values would sit within 0.015 of each other.
    assert.ok(w[5]! - w[0]! > 0.05);
  });
});
