// k-NN prediction: 10,000 queries against 100,000 training rows x 20 features (k = 5,
// Euclidean), exact brute force on each backend. The gpu backend runs in the gpu.js
// modes available here (`cpu`: kernels run as JavaScript; `webasm`: compiled to
// WebAssembly); no graphics device was available, so no real GPU mode is measured.
// Slow modes run on the first 1,000 queries and their time is scaled to 10,000
// (the work is the same per query), as the table says.

import { defaultThreads } from '../src/compute/backend.ts';
import { gpuStatus } from '../src/compute/gpu/load.ts';
import { effectiveMode, gpuInstance } from '../src/compute/gpu/runtime.ts';
import { knnSearch, METRICS } from '../src/compute/kernels/knn/index.ts';
import { nativeStatus } from '../src/compute/native/load.ts';
import { mulberry32 } from '../src/compute/rng.ts';
import { KNeighborsClassifier } from '../src/index.ts';
import { markdown, recordResults } from './lib/record.ts';

const nTrain = 100_000;
const nQuery = 10_000;
const p = 20;
const k = 5;
const next = mulberry32(17);
const u = () => next() / 2 ** 32;
const X = new Float64Array(nTrain * p).map(u);
const Q = new Float64Array(nQuery * p).map(u);
const reference = { indices: new Int32Array(0) };

interface Row {
  name: string;
  queries: number;
  seconds: number;
  secondsFor10k: number;
  /** Process CPU time (all threads), scaled to 10,000 queries: less disturbed by other jobs. */
  cpuSecondsFor10k: number;
  agreement: number;
}
const rows: Row[] = [];

function run(name: string, target: Parameters<typeof knnSearch>[0], queries: number): void {
  // Q is column-major: the first `queries` rows are a strided subset; copy them out.
  const sub = new Float64Array(queries * p);
  for (let j = 0; j < p; j++) sub.set(Q.subarray(j * nQuery, j * nQuery + queries), j * queries);
  const idx = new Int32Array(queries * k);
  const dist = new Float64Array(queries * k);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  knnSearch(target, X, nTrain, sub, queries, p, k, METRICS.euclidean, idx, dist);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  if (reference.indices.length === 0) reference.indices = idx;
  let same = 0;
  for (let i = 0; i < idx.length; i++) if (idx[i] === reference.indices[i]) same++;
  rows.push({
    name,
    queries,
    seconds,
    secondsFor10k: (seconds * nQuery) / queries,
    cpuSecondsFor10k: (cpuSeconds * nQuery) / queries,
    agreement: same / idx.length,
  });
}

if (nativeStatus().available) {
  run(`native, ${defaultThreads()} threads`, { backend: 'native' }, nQuery);
  run('native, 1 thread', { backend: 'native', nThreads: 1 }, nQuery);
}
run('js', { backend: 'js' }, nQuery);
const gpu = gpuStatus();
if (gpu.available) {
  for (const mode of ['webasm', 'cpu']) {
    try {
      const g = gpuInstance(mode);
      run(`gpu (gpu.js '${effectiveMode(g)}' mode)`, { backend: 'gpu', gpu: g }, 1000);
    } catch (error) {
      process.stderr.write(`gpu.js mode ${mode} skipped: ${(error as Error).message}\n`);
    }
  }
} else {
  process.stderr.write(`gpu backend skipped: ${gpu.reason}\n`);
}

// The estimator end to end (fit stores the rows; predict searches and votes), auto backend.
{
  const y = Array.from({ length: nTrain }, (_, i) => (X[i]! + X[nTrain + i]! > 1 ? 'a' : 'b'));
  const rowsOf = (M: Float64Array, n: number) => ({ data: M, nRows: n, nCols: p });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const m = new KNeighborsClassifier({ nNeighbors: k }).fit(rowsOf(X, nTrain), y);
  m.predict(rowsOf(Q, nQuery));
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  rows.push({
    name: 'KNeighborsClassifier fit + predict (auto)',
    queries: nQuery,
    seconds,
    secondsFor10k: seconds,
    cpuSecondsFor10k: (cpu.user + cpu.system) / 1e6,
    agreement: Number.NaN,
  });
}

const base = rows[0]!.secondsFor10k;
recordResults(
  'knn',
  rows.map((r) => ({ ...r, relativeToFirst: r.secondsFor10k / base })),
  markdown(
    [
      'k-NN 10,000 queries x 100,000 rows x 20 (k = 5)',
      'queries timed',
      'time for 10,000 queries',
      'CPU time (all threads)',
      'same neighbours as first row',
      'vs first row',
    ],
    rows.map((r) => [
      r.name,
      r.queries.toLocaleString('en-US'),
      `${r.secondsFor10k.toFixed(2)} s${r.queries < nQuery ? ' (scaled)' : ''}`,
      `${r.cpuSecondsFor10k.toFixed(2)} s`,
      Number.isNaN(r.agreement) ? 'n/a' : `${(100 * r.agreement).toFixed(2)}%`,
      `${(r.secondsFor10k / base).toFixed(1)}x`,
    ]),
  ),
);
