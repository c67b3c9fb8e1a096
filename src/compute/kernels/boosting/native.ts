import { nativeAddon } from '../../native/load.ts';
import type { AddTreeScoresArgs, LogLossGradientsArgs } from './contract.ts';

/**
 * Binary log loss gradients and hessians into g and h, four rows at a time where the CPU
 * has AVX2, with Math.exp's algorithm in every lane: the js implementation's values bit
 * for bit.
 */
export function logLossGradients(...args: LogLossGradientsArgs): void {
  nativeAddon().logLossGradients(...args, null);
}

/** Adds a tree's scaled leaf values to one column of the scores (see contract.ts). */
export function addTreeScores(...args: AddTreeScoresArgs): void {
  nativeAddon().addTreeScores(...args);
}
