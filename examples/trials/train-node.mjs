#!/usr/bin/env node
// A Node trial script for the example sweeps: a simulated training run whose
// validation accuracy climbs over epochs towards a ceiling set by the hyperparameters
// (best near lr 0.01, momentum 0.9, depth 6), reported once per epoch with the
// `mlsweep/trial` helper. Run alone, it prints the same metrics lines:
//   node examples/trials/train-node.mjs --lr 0.01 --momentum 0.9 --depth 6
import { setTimeout as sleep } from 'node:timers/promises';
import { params, report } from 'mlsweep/trial';

const args = { lr: 0.01, momentum: 0.9, depth: 6, epochs: 10, ...params() };
for (let i = 2; i < process.argv.length; i += 2)
  args[process.argv[i].replace(/^--/, '')] = Number(process.argv[i + 1]);

const ceiling =
  0.95 -
  0.08 * (Math.log10(args.lr) + 2) ** 2 -
  0.6 * (args.momentum - 0.9) ** 2 -
  0.004 * (args.depth - 6) ** 2;
// Deterministic noise from the parameters, so a sweep with a seed is reproducible.
let state = Math.floor((args.lr * 1e6 + args.momentum * 1e3 + args.depth) % 2147483647) || 1;
const noise = () => ((state = (state * 48271) % 2147483647) / 2147483647 - 0.5) * 0.02;

for (let epoch = 0; epoch < args.epochs; epoch++) {
  await sleep(20); // an epoch of "training"
  const accuracy = Math.max(0, ceiling * (1 - Math.exp(-(epoch + 1) / 3)) + noise());
  report({ accuracy, loss: 1 - accuracy }, epoch);
}
