import { RandomSampler, searchSpace } from '../../src/index.ts';
import { classificationQuality } from '../../src/report/quality.ts';
import type { ReportInput } from '../../src/report/types.ts';
import type { SearchSpaceDefinition } from '../../src/space/types.ts';
import { sweep } from '../../src/sweep/index.ts';

export const SPACE: SearchSpaceDefinition = {
  lr: { type: 'loguniform', min_value: -9, max_value: -1 },
  depth: { type: 'randint', upper: 10 },
  kind: { type: 'choice', values: ['a', 'b', 'c'] },
};

/**
 * A real sweep (seeded random sampler, one trial at a time, Bandit policy) of a
 * synthetic learning curve, so the report has completed and early-terminated trials.
 */
export async function sampleSweepInput(): Promise<ReportInput> {
  const result = await sweep({
    sampler: new RandomSampler(searchSpace(SPACE), { seed: 1 }),
    objective: { goal: 'maximize', primaryMetric: 'accuracy' },
    limits: { maxTotalTrials: 30, maxConcurrentTrials: 1 },
    earlyTermination: { type: 'bandit', slackFactor: 0.1, delayEvaluation: 2 },
    trial: (params, ctx) => {
      const target =
        1 -
        Math.abs(Math.log10(params.lr as number) + 3) / 6 -
        (params.kind === 'b' ? 0.1 : 0) -
        Math.abs((params.depth as number) - 6) * 0.02;
      for (let step = 0; step < 8; step++) ctx.report('accuracy', target * (1 - Math.exp(-(step + 1) / 3)));
    },
  });
  return { sweep: result, space: SPACE, policy: { type: 'bandit', slackFactor: 0.1, delayEvaluation: 2 } };
}

/** The sweep input plus AutoML sections from a fixed three-class prediction set. */
export async function sampleAutomlInput(): Promise<ReportInput> {
  const input = await sampleSweepInput();
  const labels = ['setosa', 'versicolor', 'virginica'];
  const yTrue: string[] = [];
  const yPred: string[] = [];
  const proba: number[][] = [];
  for (let i = 0; i < 60; i++) {
    const k = i % 3;
    const confident = (i * 7) % 10 < 8;
    const p = [0.1, 0.1, 0.1];
    p[confident ? k : (k + 1) % 3] = 0.8;
    yTrue.push(labels[k]!);
    yPred.push(labels[p.indexOf(0.8)]!);
    proba.push(p);
  }
  return {
    ...input,
    title: 'AutoML on iris',
    automl: {
      task: 'classification',
      primaryMetric: 'accuracy',
      leaderboard: [
        {
          rank: 1,
          model: 'GradientBoostingClassifier',
          score: 0.96,
          params: { learning_rate: 0.1 },
          fitSeconds: 0.4,
        },
        {
          rank: 2,
          model: 'RandomForestClassifier',
          score: 0.95,
          params: { n_estimators: 100 },
          fitSeconds: 0.9,
        },
      ],
      featureImportances: [
        { feature: 'petal_length_cm', importance: 0.5 },
        { feature: 'petal_width_cm', importance: 0.4 },
        { feature: 'sepal_length_cm', importance: 0.1 },
      ],
      ...classificationQuality(yTrue, yPred, proba, labels),
    },
  };
}
