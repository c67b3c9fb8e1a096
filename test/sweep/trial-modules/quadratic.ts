// A trial module for the worker-thread runner tests.

import { threadId } from 'node:worker_threads';
import type { ParamSet } from '../../../src/core/trial.ts';
import type { TrialContext } from '../../../src/sweep/types.ts';

/** Reports (x - 2)^2 over three steps and returns the thread it ran in; x = -1 spins forever. */
export default async function quadratic(params: ParamSet, ctx: TrialContext) {
  const x = Number(params['x']);
  if (x === -1) for (;;); // CPU-bound and deaf to its signal: only terminating the worker stops it
  for (let step = 0; step < 3; step++) ctx.report('loss', (x - 2) ** 2 + 1 / (step + 1));
  return { thread: threadId };
}

/** Fails like a buggy trial. */
export function broken(): never {
  throw new RangeError('learning rate out of range');
}

/** Reports a metric value that is not a number. */
export function badReport(_params: ParamSet, ctx: TrialContext): void {
  ctx.report('loss', 'low' as unknown as number);
}
