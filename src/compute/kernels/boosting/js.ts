import { leafOf } from '../trees/tree-arrays.ts';
import type { AddTreeScoresArgs, LogLossGradientsArgs } from './contract.ts';

/** Binary log loss gradients and hessians into g and h (see contract.ts). */
export function logLossGradients(...[y, F, w, g, h]: LogLossGradientsArgs): void {
  // two loops: the one calling Math.exp (which V8 does not inline) stays small, the
  // arithmetic runs in a loop without calls; the same operations on the same values
  const n = y.length;
  for (let i = 0; i < n; i++) g[i] = Math.exp(-F[i]!);
  for (let i = 0; i < n; i++) {
    const p = 1 / (1 + g[i]!);
    g[i] = w[i]! * (p - y[i]!);
    h[i] = w[i]! * p * (1 - p);
  }
}

/** Adds a tree's scaled leaf values to one column of the scores (see contract.ts). */
export function addTreeScores(
  ...[tree, leafOfRow, bins, nRows, , scale, F, nOut, column]: AddTreeScoresArgs
): void {
  const value = tree.value;
  for (let r = 0; r < nRows; r++) {
    let leaf = leafOfRow === null ? -1 : leafOfRow[r]!;
    if (leaf < 0) leaf = leafOf(tree, bins, nRows, r);
    F[r * nOut + column]! += scale * value[leaf]!;
  }
}
