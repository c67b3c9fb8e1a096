// Logistic regression on 100,000 x 20 (binary, L2, C = 1, tol 1e-4): mlsweep on each
// backend vs scikit-learn's lbfgs (same run, /usr/bin/python3, same data through a
// temporary file; on one BLAS thread, as issue 20 compares, and on its default threads)
// and vs ml-logistic-regression 2.0 (gradient descent, one-vs-rest).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import LogisticRegressionML from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { defaultThreads } from '../src/compute/backend.ts';
import { nativeStatus } from '../src/compute/native/load.ts';
import { LogisticRegression } from '../src/index.ts';
import { logisticData } from './lib/linear-data.ts';
import { markdown, ms, recordResults } from './lib/record.ts';

const nTrain = 100_000;
const nTest = 20_000;
const nCols = 20;
const repeats = 5;
const { train, test } = logisticData(nTrain, nTest, nCols, 1);

function accuracy(pred: ArrayLike<unknown>, y: Int32Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

interface Row {
  name: string;
  meanMs: number;
  minMs: number;
  accuracy: number;
  nIter: number | string;
  /** Process CPU time of the fastest fit (all threads): less disturbed by other jobs than wall time. */
  minCpuMs: number;
}
const rows: Row[] = [];

function ours(name: string, params: Record<string, unknown>): void {
  const times: number[] = [];
  const cpu: number[] = [];
  let model: LogisticRegression | undefined;
  for (let i = 0; i < repeats + 1; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    model = new LogisticRegression(params).fit(train.X, train.y);
    const c = process.cpuUsage(c0);
    if (i > 0) {
      // the first fit warms the JIT up
      times.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
  }
  const m = model!;
  rows.push({
    name,
    meanMs: times.reduce((a, b) => a + b, 0) / times.length,
    minMs: Math.min(...times),
    accuracy: accuracy(m.predict(test.X), test.y),
    nIter: m.nIter,
    minCpuMs: Math.min(...cpu),
  });
}

if (nativeStatus().available) {
  ours(`mlsweep native, ${defaultThreads()} threads`, { backend: 'native' });
  ours('mlsweep native, 1 thread', { backend: 'native', nThreads: 1 });
}
ours('mlsweep js', { backend: 'js' });

// scikit-learn, on the same rows.
const dir = mkdtempSync(join(tmpdir(), 'mlsweep-linear-'));
try {
  const rowMajor = (X: { data: Float64Array; nRows: number; nCols: number }) => {
    const out = new Float64Array(X.nRows * X.nCols);
    for (let r = 0; r < X.nRows; r++)
      for (let c = 0; c < X.nCols; c++) out[r * X.nCols + c] = X.data[c * X.nRows + r]!;
    return Buffer.from(out.buffer);
  };
  writeFileSync(join(dir, 'Xtr'), rowMajor(train.X));
  writeFileSync(join(dir, 'ytr'), Buffer.from(train.y.buffer));
  writeFileSync(join(dir, 'Xte'), rowMajor(test.X));
  writeFileSync(join(dir, 'yte'), Buffer.from(test.y.buffer));
  const script = `
import json, sys, time
import numpy as np
from sklearn.linear_model import LogisticRegression
d = sys.argv[1]
Xtr = np.fromfile(d + '/Xtr').reshape(-1, ${nCols}); ytr = np.fromfile(d + '/ytr', dtype=np.int32)
Xte = np.fromfile(d + '/Xte').reshape(-1, ${nCols}); yte = np.fromfile(d + '/yte', dtype=np.int32)
times = []; cpu = []
for i in range(${repeats + 1}):
    c0 = time.process_time(); t0 = time.perf_counter()
    m = LogisticRegression(solver='lbfgs').fit(Xtr, ytr)
    dt = time.perf_counter() - t0; dc = time.process_time() - c0
    if i > 0: times.append(dt * 1000); cpu.append(dc * 1000)
print(json.dumps(dict(meanMs=float(np.mean(times)), minMs=float(np.min(times)), minCpuMs=float(np.min(cpu)),
    accuracy=float((m.predict(Xte) == yte).mean()), nIter=int(m.n_iter_[0]))))
`;
  // Issue 20 compares one thread each: scikit-learn's BLAS (OpenBLAS) limited to one
  // thread, as mlsweep's 1-thread row; then with its default threads, as users run it.
  const runSklearn = (threads: 'one' | 'default') => {
    const limit = { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const env = threads === 'one' ? { ...process.env, ...limit } : process.env;
    return JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script, dir], { encoding: 'utf8', env }),
    ) as Omit<Row, 'name'>;
  };
  rows.push({ name: 'scikit-learn 1.2 lbfgs, 1 thread', ...runSklearn('one') });
  rows.push({ name: 'scikit-learn 1.2 lbfgs, default threads', ...runSklearn('default') });
} catch (error) {
  process.stderr.write(`scikit-learn skipped: ${(error as Error).message}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

// ml-logistic-regression: full-batch gradient descent on ml-matrix, one model per class
// (two for a binary problem), no intercept (a column of ones is added). Its default of
// 50,000 steps would take hours here; 20 steps already reach its best test accuracy.
{
  const steps = 20;
  const withBias = (X: { data: Float64Array; nRows: number; nCols: number }) =>
    new Matrix(
      Array.from({ length: X.nRows }, (_, r) => [
        ...Array.from({ length: X.nCols }, (_, c) => X.data[c * X.nRows + r]!),
        1,
      ]),
    );
  const Xtr = withBias(train.X);
  const Xte = withBias(test.X);
  const m = new LogisticRegressionML({ numSteps: steps, learningRate: 1e-5 });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  m.train(Xtr, Matrix.columnVector(Array.from(train.y)));
  const dt = performance.now() - t0;
  const c = process.cpuUsage(c0);
  rows.push({
    name: 'ml-logistic-regression 2.0',
    meanMs: dt,
    minMs: dt,
    accuracy: accuracy(m.predict(Xte), test.y),
    nIter: `${steps} steps x 2 models`,
    minCpuMs: (c.user + c.system) / 1000,
  });
}

const sk = rows.find((r) => r.name.startsWith('scikit'));
const ml = rows.find((r) => r.name.startsWith('ml-'));
recordResults(
  'linear',
  rows.map((r) => ({
    ...r,
    speedupVsSklearn: sk ? sk.meanMs / r.meanMs : null,
    speedupVsMlLogisticRegression: ml ? ml.meanMs / r.meanMs : null,
  })),
  markdown(
    [
      'logistic regression 100,000 x 20',
      'fit mean',
      'fit min',
      'min CPU time',
      'test accuracy',
      'iterations',
      'vs scikit-learn (mean)',
      'vs ml-logistic-regression',
    ],
    rows.map((r) => [
      r.name,
      ms(r.meanMs),
      ms(r.minMs),
      ms(r.minCpuMs),
      r.accuracy.toFixed(4),
      r.nIter,
      sk ? `${(sk.meanMs / r.meanMs).toFixed(2)}x` : 'n/a',
      ml ? `${(ml.meanMs / r.meanMs).toFixed(0)}x` : 'n/a',
    ]),
  ),
);
