import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import {
  choice,
  lognormal,
  loguniform,
  normal,
  normalCdf,
  normalQuantile,
  qlognormal,
  qloguniform,
  qnormal,
  quniform,
  randint,
  uniform,
} from '../../src/space/index.ts';
import { chiSquareUniform, ksCritical, ksStatistic } from './stats.ts';

const reference = JSON.parse(
  readFileSync(new URL('../fixtures/space-reference.json', import.meta.url), 'utf8'),
) as {
  normalCdf: [number, number][];
  normalQuantile: [number, number][];
  chi2Critical0001: Record<string, number>;
};

const N = 20_000;
const ALPHA = 0.001;

function draws(dist: { sample(rng: () => number): unknown }, seed: string, n = N): number[] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => dist.sample(rng) as number);
}

function relClose(actual: number, expected: number, tol: number): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(Math.abs(actual - expected) <= tol * scale, `${actual} vs ${expected}`);
}

describe('normal CDF and quantile', () => {
  it('agree with scipy to 1e-11 relative', () => {
    for (const [x, p] of reference.normalCdf) relClose(normalCdf(x), p, 1e-11);
    for (const [p, x] of reference.normalQuantile) relClose(normalQuantile(p), x, 1e-11);
  });

  it('are inverse of each other and infinite at the ends', () => {
    for (const p of [1e-12, 0.01, 0.4, 0.5, 0.93]) relClose(normalCdf(normalQuantile(p)), p, 1e-12);
    assert.equal(normalQuantile(0), Number.NEGATIVE_INFINITY);
    assert.equal(normalQuantile(1), Number.POSITIVE_INFINITY);
  });
});

describe('continuous distributions pass a KS test (20,000 seeded draws, alpha 0.001)', () => {
  const cases = [
    { name: 'uniform(-2, 5)', dist: uniform(-2, 5) },
    { name: 'loguniform(-9, -2)', dist: loguniform(-9, -2) },
    { name: 'normal(3, 0.5)', dist: normal(3, 0.5) },
    { name: 'lognormal(0, 1)', dist: lognormal(0, 1) },
  ];
  for (const { name, dist } of cases) {
    it(name, () => {
      const d = ksStatistic(draws(dist, name), (x) => dist.cdf(x));
      assert.ok(d < ksCritical(N, ALPHA), `D = ${d}`);
    });
  }

  it('detects a wrong distribution (the test can fail)', () => {
    const d = ksStatistic(draws(uniform(0, 1), 'wrong'), (x) => normal(0.5, 0.3).cdf(x));
    assert.ok(d > ksCritical(N, ALPHA));
  });

  it('loguniform takes its bounds in log space: exp(uniform(min, max))', () => {
    const xs = draws(loguniform(Math.log(1e-4), Math.log(1e-1)), 'bounds', 2000);
    assert.ok(xs.every((x) => x >= 1e-4 && x <= 1e-1));
    assert.equal(loguniform(-1, 1).fromUnit(0.5), 1);
  });
});

describe('q-distributions give multiples of q only', () => {
  const cases = [
    { dist: quniform(0.05, 3.3, 0.25), q: 0.25 },
    { dist: qloguniform(0, Math.log(1000), 5), q: 5 },
    { dist: qnormal(10, 4, 0.1), q: 0.1 },
    { dist: qlognormal(1, 0.7, 2), q: 2 },
  ];
  for (const { dist, q } of cases) {
    it(String(dist), () => {
      for (const x of draws(dist, String(dist), 5000)) {
        const k = Math.round(x / q);
        assert.ok(Math.abs(x - k * q) < 1e-9, `${x} is not a multiple of ${q}`);
        assert.ok(dist.contains(x), `${x} should be a member`);
      }
      assert.equal(dist.contains(q * 1.5), false);
    });
  }

  it('quniform frequencies match round(uniform / q) * q (chi-square, alpha 0.001)', () => {
    // On [0, 1] with q 0.25 the end values catch half an interval each.
    const counts = new Map<number, number>();
    for (const x of draws(quniform(0, 1, 0.25), 'quniform-freq')) counts.set(x, (counts.get(x) ?? 0) + 1);
    const expected = new Map([
      [0, 0.125],
      [0.25, 0.25],
      [0.5, 0.25],
      [0.75, 0.25],
      [1, 0.125],
    ]);
    assert.deepEqual([...counts.keys()].sort(), [...expected.keys()].sort());
    const chi2 = [...expected].reduce(
      (sum, [v, p]) => sum + ((counts.get(v) ?? 0) - p * N) ** 2 / (p * N),
      0,
    );
    assert.ok(chi2 < (reference.chi2Critical0001['4'] as number), `chi2 = ${chi2}`);
  });

  it('qnormal frequencies match the normal mass around each multiple (chi-square, alpha 0.001)', () => {
    const q = 0.5;
    const bins = [-2, -1.5, -1, -0.5, 0, 0.5, 1, 1.5, 2];
    const counts = new Array<number>(bins.length + 2).fill(0);
    for (const x of draws(qnormal(0, 1, q), 'qnormal-freq')) {
      const i = x < bins[0]! ? 0 : x > bins[bins.length - 1]! ? bins.length + 1 : bins.indexOf(x) + 1;
      counts[i] = (counts[i] as number) + 1;
    }
    const cdfAt = (x: number) => normalCdf(x);
    const probs = [
      cdfAt(bins[0]! - q / 2),
      ...bins.map((b) => cdfAt(b + q / 2) - cdfAt(b - q / 2)),
      1 - cdfAt(bins[bins.length - 1]! + q / 2),
    ];
    const chi2 = counts.reduce((sum, c, i) => sum + (c - probs[i]! * N) ** 2 / (probs[i]! * N), 0);
    assert.ok(chi2 < (reference.chi2Critical0001['10'] as number), `chi2 = ${chi2}`); // 11 classes
  });

  it('rounds half to even and writes clean decimals', () => {
    assert.equal(quniform(0, 1, 0.1).fromUnit(0.3), 0.3);
    assert.equal(quniform(0, 10, 1).fromUnit(0.25), 2); // 2.5 -> 2
    assert.equal(quniform(0, 10, 1).fromUnit(0.35), 4); // 3.5 -> 4
  });

  it('quniform is exactly round(uniform / q) * q', () => {
    const u = uniform(0.3, 7.9);
    const qu = quniform(0.3, 7.9, 0.5);
    for (const v of [0, 0.1, 0.33, 0.5, 0.77, 0.999]) {
      assert.equal(qu.fromUnit(v), Math.round((u.fromUnit(v) as number) / 0.5) * 0.5);
    }
  });
});

describe('randint', () => {
  it('covers [0, upper) evenly (chi-square, alpha 0.001)', () => {
    const counts = new Array<number>(10).fill(0);
    for (const x of draws(randint(10), 'randint')) counts[x] = (counts[x] as number) + 1;
    assert.ok(counts.every((c) => c > 0));
    assert.ok(chiSquareUniform(counts) < (reference.chi2Critical0001['9'] as number), String(counts));
  });

  it('the chi-square test can fail: a skewed draw is rejected', () => {
    const counts = new Array<number>(10).fill(0);
    for (const x of draws(randint(11), 'skew')) if (x < 10) counts[x] = (counts[x] as number) + 1;
    counts[0] = (counts[0] as number) + 400;
    assert.ok(chiSquareUniform(counts) > (reference.chi2Critical0001['9'] as number));
  });

  it('has integer members 0..upper-1 and grid values in order', () => {
    const r = randint(4);
    assert.deepEqual(
      [0, 1, 2, 3].map((i) => r.gridValue(i)),
      [0, 1, 2, 3],
    );
    assert.equal(r.contains(3), true);
    assert.equal(r.contains(4), false);
    assert.equal(r.contains(1.5), false);
    assert.equal(r.fromUnit(0.9999999), 3);
  });
});

describe('choice', () => {
  it('picks each value about equally often (chi-square, alpha 0.001)', () => {
    const c = choice(['a', 'b', 'c', 'd', 'e']);
    const counts = new Map<unknown, number>();
    for (const x of draws(c, 'choice')) counts.set(x, (counts.get(x) ?? 0) + 1);
    assert.equal(counts.size, 5);
    assert.ok(chiSquareUniform([...counts.values()]) < (reference.chi2Critical0001['4'] as number));
  });

  it('lists grid values in order and tests membership strictly', () => {
    const c = choice([16, 'x', true]);
    assert.deepEqual(
      [0, 1, 2].map((i) => c.gridValue(i)),
      [16, 'x', true],
    );
    assert.equal(c.contains('16'), false);
    assert.equal(c.contains(true), true);
  });
});

describe('grid values of bounded q-distributions', () => {
  it('quniform enumerates every multiple it can produce', () => {
    const d = quniform(0, 1, 0.25);
    assert.equal(d.gridSize, 5);
    assert.deepEqual(
      [0, 1, 2, 3, 4].map((i) => d.gridValue(i)),
      [0, 0.25, 0.5, 0.75, 1],
    );
  });

  it('qloguniform enumerates from round(exp(min)/q) to round(exp(max)/q)', () => {
    const d = qloguniform(0, Math.log(100), 10);
    assert.equal(d.gridSize, 11);
    assert.equal(d.gridValue(0), 0);
    assert.equal(d.gridValue(10), 100);
  });

  it('continuous distributions have no grid', () => {
    assert.equal(uniform(0, 1).gridSize, undefined);
    assert.equal(qnormal(0, 1, 1).gridSize, undefined);
    assert.throws(() => normal(0, 1).gridValue(0), /continuous/);
  });
});

describe('invalid parameters name the parameter and the value', () => {
  const cases: Array<[() => unknown, RegExp]> = [
    [() => uniform(1, 1), /^uniform needs min_value < max_value, got min_value 1 and max_value 1$/],
    [() => loguniform(2, 1), /^loguniform needs min_value < max_value, got min_value 2 and max_value 1$/],
    [() => normal(0, 0), /^normal needs sigma > 0, got sigma 0$/],
    [() => lognormal(0, -1), /^lognormal needs sigma > 0, got sigma -1$/],
    [() => quniform(0, 1, 0), /^quniform needs q > 0, got q 0$/],
    [() => qnormal(0, 1, -2), /^qnormal needs q > 0, got q -2$/],
    [() => randint(0), /^randint needs an integer upper >= 1, got upper 0$/],
    [() => randint(2.5), /^randint needs an integer upper >= 1, got upper 2.5$/],
    [() => choice([]), /^choice needs at least one value, got an empty list$/],
    [() => choice([1, 1]), /^choice lists the value 1 twice \(values\[1\]\)$/],
    [() => uniform(Number.NaN, 1), /^uniform needs a finite number for min_value, got NaN$/],
    [
      () => loguniform(0, 1000),
      /^loguniform takes its bounds in log space: max_value 1000 overflows exp\(\)$/,
    ],
  ];
  for (const [make, message] of cases) {
    it(String(message), () => {
      assert.throws(make, (e: Error) => e.name === 'ValidationError' && message.test(e.message));
    });
  }
});

describe('expression and object forms', () => {
  it('toString gives the expression form and toJSON Azure object form', () => {
    assert.equal(String(quniform(0, 10, 2)), 'quniform(0, 10, 2)');
    assert.deepEqual(quniform(0, 10, 2).toJSON(), { type: 'quniform', min_value: 0, max_value: 10, q: 2 });
    assert.deepEqual(randint(5).toJSON(), { type: 'randint', upper: 5 });
    assert.equal(String(choice(['a', 2])), "choice('a', 2)");
  });
});
