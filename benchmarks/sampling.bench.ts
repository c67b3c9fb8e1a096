// Drawing 100,000 parameter sets from a 10-dimensional mixed space (every numeric
// distribution family plus two choices), through the sampler interface as the engine
// calls it: random (rule random: one seeded stream per suggestion) and Sobol (rule
// sobol: scrambled points through each inverse CDF).
import { Bench } from 'tinybench';
import { type PendingTrial, RandomSampler, searchSpace, type TrialHistory } from '../src/index.ts';
import { latency, markdown, ms, recordResults } from './lib/record.ts';

const N = 100_000;
const space = searchSpace({
  lr: 'loguniform(-9.2, -2.3)',
  momentum: 'uniform(0.8, 0.99)',
  dropout: 'quniform(0, 0.5, 0.05)',
  batch: 'choice(16, 32, 64, 128)',
  layers: 'randint(8)',
  units: 'qloguniform(3, 7, 8)',
  init: 'normal(0, 0.1)',
  scale: 'lognormal(0, 0.5)',
  shift: 'qnormal(0, 2, 0.5)',
  optimizer: "choice('sgd', 'adam', 'adamw', 'rmsprop')",
});

function drawAll(rule: 'random' | 'sobol'): void {
  const sampler = new RandomSampler(space, { seed: 1, rule });
  const pending: PendingTrial[] = [];
  const history: TrialHistory = {
    objective: { goal: 'minimize', primaryMetric: 'loss' },
    trials: [],
    pending,
  };
  for (let i = 0; i < N; i++) {
    const s = sampler.suggest(history);
    if (s.exhausted) throw new Error('a random sampler is never exhausted');
    pending.push({ id: i, params: s.params });
  }
}

const bench = new Bench({ iterations: 5, warmupIterations: 1, time: 0 });
bench.add('random (rule: random)', () => drawAll('random'));
bench.add('random (rule: sobol)', () => drawAll('sobol'));
await bench.run();

const stats = bench.tasks.map((t) => ({ name: t.name, ...latency(t) }));
recordResults(
  'sampling',
  stats.map((s) => ({
    name: s.name,
    sets: N,
    dimensions: space.dimensions,
    meanMs: s.mean,
    minMs: s.min,
    microsecondsPerSet: (s.mean * 1000) / N,
    setsPerSecond: N / (s.mean / 1000),
  })),
  markdown(
    [
      `${N.toLocaleString('en')} parameter sets, ${space.dimensions}-d mixed space`,
      'mean',
      'min',
      'per set',
      'sets/s',
    ],
    stats.map((s) => [
      s.name,
      ms(s.mean),
      ms(s.min),
      `${((s.mean * 1000) / N).toFixed(2)} µs`,
      Math.round(N / (s.mean / 1000)).toLocaleString('en'),
    ]),
  ),
);
