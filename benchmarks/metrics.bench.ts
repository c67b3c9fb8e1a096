// The metric suite on 1e6 rows: every binary classification metric with scores, AUC
// alone, and every regression metric, against the targets of issue 3 (1 s, 300 ms,
// 200 ms). A 5-class run shows how the one-vs-rest metrics scale with the label count.
import { Bench } from 'tinybench';
import { mulberry32 } from '../src/compute/rng.ts';
import { classificationMetrics, regressionMetrics, rocAucScore } from '../src/index.ts';
import { latency, markdown, ms, recordResults } from './lib/record.ts';

const n = 1_000_000;
const next = mulberry32(11);
const uniform = () => next() / 2 ** 32;

const yBinary = new Int32Array(n);
const pBinary = new Float64Array(n);
const predBinary = new Int32Array(n);
for (let i = 0; i < n; i++) {
  yBinary[i] = uniform() < 0.3 ? 1 : 0;
  const logit = (yBinary[i] ? 1 : -1) + 2 * (uniform() - 0.5) + 0.5 * Math.log(uniform() / (1 - uniform()));
  pBinary[i] = 1 / (1 + Math.exp(-logit));
  predBinary[i] = pBinary[i]! >= 0.5 ? 1 : 0;
}

const k = 5;
const yMulti = new Int32Array(n);
const pMulti = new Float64Array(n * k);
const predMulti = new Int32Array(n);
for (let i = 0; i < n; i++) {
  yMulti[i] = Math.floor(uniform() * k);
  let sum = 0;
  let best = 0;
  for (let j = 0; j < k; j++) {
    const v = Math.exp((j === yMulti[i] ? 1 : 0) + uniform());
    pMulti[i * k + j] = v;
    sum += v;
  }
  for (let j = 0; j < k; j++) {
    pMulti[i * k + j]! /= sum;
    if (pMulti[i * k + j]! > pMulti[i * k + best]!) best = j;
  }
  predMulti[i] = best;
}

const yReg = new Float64Array(n);
const predReg = new Float64Array(n);
for (let i = 0; i < n; i++) {
  yReg[i] = 100 * uniform() + 1;
  predReg[i] = yReg[i]! * (0.8 + 0.4 * uniform());
}

// The machine is shared: wall time includes waiting for a core, so the process CPU
// time of each call is recorded too (its minimum is the figure least disturbed).
const targets: Record<string, number | undefined> = {};
const cpu: Record<string, number[]> = {};
const bench = new Bench({ iterations: 7, warmupIterations: 1, time: 0 });
const add = (name: string, target: number | undefined, fn: () => unknown) => {
  targets[name] = target;
  cpu[name] = [];
  bench.add(name, () => {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    cpu[name]!.push((used.user + used.system) / 1000);
  });
};
add('classificationMetrics, binary, with scores', 1000, () =>
  classificationMetrics(yBinary, predBinary, { scores: pBinary }),
);
add('rocAucScore, binary', 300, () => rocAucScore(yBinary, pBinary));
add('regressionMetrics (14 metrics)', 200, () => regressionMetrics(yReg, predReg));
add('classificationMetrics, 5 classes, with scores', undefined, () =>
  classificationMetrics(yMulti, predMulti, { scores: pMulti }),
);
await bench.run();

const stats = bench.tasks.map((t) => ({
  name: t.name,
  ...latency(t),
  cpuMinMs: Math.min(...cpu[t.name]!),
  targetMs: targets[t.name],
}));
recordResults(
  'metrics',
  stats.map((s) => ({
    name: s.name,
    rows: n,
    meanMs: s.mean,
    minMs: s.min,
    cpuMinMs: s.cpuMinMs,
    targetMs: s.targetMs ?? null,
  })),
  markdown(
    ['metrics on 1e6 rows', 'mean (wall)', 'min (wall)', 'min CPU time', 'target'],
    stats.map((s) => [
      s.name,
      ms(s.mean),
      ms(s.min),
      ms(s.cpuMinMs),
      s.targetMs === undefined ? '—' : `< ${s.targetMs} ms`,
    ]),
  ),
);
