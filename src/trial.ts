/**
 * `mlsweep/trial`: the helper a Node command trial imports to talk to the sweep that
 * runs it. Outside a sweep, `report` prints the same lines, so a script runs alone too.
 *
 * @example
 * import { params, report } from 'mlsweep/trial';
 * const { lr } = params();
 * for (let epoch = 0; epoch < 10; epoch++) report({ loss: train(lr) }, epoch);
 */

import { appendFileSync } from 'node:fs';
import type { ParamSet } from './core/trial.ts';
import { formatMetricsLine } from './sweep/protocol.ts';

/**
 * Reports metrics (name -> number) for an optional step: appended to the sweep's
 * metrics file (MLSWEEP_METRICS_FILE) when there is one, else printed on stdout as a
 * `##mlsweep {...}` line.
 *
 * @example
 * report({ accuracy: 0.91, loss: 0.23 }, 3);
 */
export function report(metrics: Readonly<Record<string, number>>, step?: number): void {
  const line = formatMetricsLine(metrics, step);
  const file = process.env['MLSWEEP_METRICS_FILE'];
  if (file) appendFileSync(file, `${line}\n`);
  else process.stdout.write(`${line}\n`);
}

/**
 * The trial's parameters as the sweep chose them (MLSWEEP_PARAMS); empty outside a sweep.
 *
 * @example
 * const { lr = 0.01 } = params();
 */
export function params(): ParamSet {
  const raw = process.env['MLSWEEP_PARAMS'];
  return raw ? (JSON.parse(raw) as ParamSet) : {};
}

/**
 * The trial's number in the sweep (MLSWEEP_TRIAL_ID), or undefined outside a sweep.
 *
 * @example
 * console.log(`trial ${trialId() ?? 'standalone'}`);
 */
export function trialId(): number | undefined {
  const raw = process.env['MLSWEEP_TRIAL_ID'];
  return raw === undefined ? undefined : Number(raw);
}
