// Two objectives with a constraint, from code: `node --import tsx examples/multi-objective.ts`.
// (In an installed package: import { Study, sweep } from 'mlsweep'.)
import { Study } from '../src/study/index.ts';
import { sweep } from '../src/sweep/index.ts';

const searchSpace = {
  width: { type: 'choice', values: [16, 32, 64, 128, 256] },
  depth: { type: 'randint', upper: 8 },
  dropout: { type: 'uniform', min_value: 0, max_value: 0.5 },
} as const;

/** A stand-in model: bigger is more accurate, slower and larger. */
function evaluate(params: Readonly<Record<string, unknown>>) {
  const units = Number(params['width']) * Number(params['depth']);
  return {
    accuracy: 0.95 - 0.5 / (1 + units / 40) - (Number(params['dropout']) - 0.2) ** 2,
    latency_ms: 0.5 + 0.02 * units,
    model_size_mb: 0.25 * units,
  };
}

// 1. The sweep engine: every objective's metric and every constraint's metric come from
// what the trial reports; NSGA-II searches; the result holds the Pareto front.
const result = await sweep({
  searchSpace,
  sampling: { type: 'nsga2', seed: 7, populationSize: 20 },
  objectives: [
    { goal: 'maximize', primaryMetric: 'accuracy' },
    { goal: 'minimize', primaryMetric: 'latency_ms' },
  ],
  constraints: ['model_size_mb <= 50'],
  limits: { maxTotalTrials: 100, maxConcurrentTrials: 1 },
  trial: (params) => evaluate(params),
});
console.log(
  `sweep: ${result.paretoFront?.length} trials on the Pareto front, hypervolume ${result.hypervolume?.value.toFixed(4)}`,
);
for (const t of (result.paretoFront ?? []).slice(0, 5))
  console.log(
    `  trial ${t.id}: accuracy ${t.values?.[0]?.toFixed(3)}, latency ${t.values?.[1]?.toFixed(2)} ms`,
    t.params,
  );

// 2. The same search driven by ask/tell: tell takes one value per objective, and the
// constraint values (<= 0 satisfied).
const study = await Study.create({
  searchSpace,
  sampling: { type: 'nsga2', populationSize: 20 },
  objectives: [
    { goal: 'maximize', primaryMetric: 'accuracy' },
    { goal: 'minimize', primaryMetric: 'latency_ms' },
  ],
  constraints: ['model_size_mb <= 50'],
  seed: 7,
});
for (let i = 0; i < 100; i++) {
  const { trialId, params } = await study.ask();
  const m = evaluate(params);
  await study.tell(trialId, [m.accuracy, m.latency_ms], { constraints: [m.model_size_mb - 50] });
}
const front = await study.bestTrials();
console.log(
  `study: ${front.length} trials on the Pareto front, hypervolume ${(await study.hypervolume([0.4, 6])).toFixed(4)} against (0.4, 6)`,
);
