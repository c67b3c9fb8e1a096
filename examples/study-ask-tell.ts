// Ask and tell from your own loop: `node --import tsx examples/study-ask-tell.ts`.
// (In an installed package: import { Study } from 'mlsweep'.)
import { Study } from '../src/study/index.ts';

const study = await Study.create({
  name: 'quadratic',
  searchSpace: {
    x: { type: 'uniform', min_value: -5, max_value: 5 },
    optimizer: { type: 'choice', values: ['adam', 'sgd'] },
  },
  sampling: { type: 'bayesian', method: 'tpe' },
  objective: { goal: 'minimize', primaryMetric: 'loss' },
  policy: { type: 'median_stopping', delayEvaluation: 2 },
  seed: 1,
});

// A configuration known to be good is tried first; a partial one is completed by the sampler.
await study.enqueue({ x: 2, optimizer: 'adam' });
await study.enqueue({ optimizer: 'sgd' });

for (let i = 0; i < 30; i++) {
  const { trialId, params } = await study.ask();
  const x = Number(params['x']);
  let loss = Number.NaN;
  let pruned = false;
  for (let epoch = 0; epoch < 5; epoch++) {
    loss = (x - 2) ** 2 + (params['optimizer'] === 'sgd' ? 0.5 : 0) + 1 / (epoch + 1);
    await study.report(trialId, epoch, loss);
    if (await study.shouldPrune(trialId)) {
      pruned = true;
      break;
    }
  }
  await study.tell(trialId, pruned ? { state: 'pruned' } : loss);
}

// A result obtained elsewhere joins the history the sampler learns from.
await study.addTrial({ params: { x: 2.1, optimizer: 'adam' }, value: 0.21 });

const best = await study.bestTrial();
const trials = await study.trials();
console.log(`${trials.length} trials, ${trials.filter((t) => t.state === 'early_terminated').length} pruned`);
console.log(`best trial ${best?.id}: loss ${best?.value?.toFixed(4)}`, best?.params);
