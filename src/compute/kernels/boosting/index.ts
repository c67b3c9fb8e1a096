import type { BackendName } from '../../backend.ts';
import { implementationOn, kernel } from '../kernel.ts';
import type { AddTreeScoresArgs, BoostingImplementation, LogLossGradientsArgs } from './contract.ts';
import * as js from './js.ts';
import * as native from './native.ts';

/** A boosting round's work besides its trees (gradients, score updates): native, js. */
export const boostingKernel = kernel('boosting').implementedBy<BoostingImplementation>({ native, js });

/**
 * Binary log loss gradients and hessians into g and h on the chosen backend; every
 * backend computes the same values bit for bit.
 *
 * @example
 * logLossGradients('native', y, F, w, g, h);
 */
export function logLossGradients(backend: BackendName, ...args: LogLossGradientsArgs): void {
  implementationOn(boostingKernel, backend).logLossGradients(...args);
}

/**
 * Adds `scale` times a one-output tree's leaf values to column `column` of the scores
 * (nRows x nOut): a row's leaf from leafOfRow where it holds one, else found in the bins.
 *
 * @example
 * addTreeScores('native', tree, leafOfRow, bins, nRows, nCols, 0.1, F, 1, 0);
 */
export function addTreeScores(backend: BackendName, ...args: AddTreeScoresArgs): void {
  implementationOn(boostingKernel, backend).addTreeScores(...args);
}
