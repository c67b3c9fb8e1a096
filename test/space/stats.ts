// Statistics for the sampling tests: Kolmogorov–Smirnov, chi-square, centered L2 discrepancy.

/** The one-sample KS statistic D of `samples` against `cdf`. */
export function ksStatistic(samples: readonly number[], cdf: (x: number) => number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}

/** The asymptotic KS critical value: reject when D exceeds it (Smirnov). */
export function ksCritical(n: number, alpha: number): number {
  return Math.sqrt(-Math.log(alpha / 2) / 2) / Math.sqrt(n);
}

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
export function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((s, c) => s + (c - expected) ** 2 / expected, 0);
}

/** Hickernell's squared centered L2 discrepancy of points in [0, 1]^d (as scipy's qmc.discrepancy 'CD'). */
export function centeredL2Discrepancy(points: ReadonlyArray<ArrayLike<number>>): number {
  const n = points.length;
  const d = points[0]?.length ?? 0;
  let single = 0;
  for (const p of points) {
    let prod = 1;
    for (let k = 0; k < d; k++) {
      const z = Math.abs((p[k] as number) - 0.5);
      prod *= 1 + 0.5 * z - 0.5 * z * z;
    }
    single += prod;
  }
  let pair = 0;
  for (const p of points) {
    for (const q of points) {
      let prod = 1;
      for (let k = 0; k < d; k++) {
        const a = p[k] as number;
        const b = q[k] as number;
        prod *= 1 + 0.5 * Math.abs(a - 0.5) + 0.5 * Math.abs(b - 0.5) - 0.5 * Math.abs(a - b);
      }
      pair += prod;
    }
  }
  return (13 / 12) ** d - (2 / n) * single + pair / (n * n);
}
