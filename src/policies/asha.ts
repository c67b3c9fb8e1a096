import { ValidationError } from '../core/errors.ts';
import { better } from '../core/goal.ts';
import { checkInteger } from '../core/limits.ts';
import { fmt, judgedTrial, valuesAt } from './compare.ts';
import type { AshaSpec, PolicyDecision, PolicyInput } from './types.ts';

/**
 * The rungs of an ASHA ladder: gracePeriod·η^k for k = 0, 1, ... strictly below maxT.
 *
 * @example
 * ashaRungs(1, 3, 30); // [1, 3, 9, 27]
 */
export function ashaRungs(gracePeriod: number, reductionFactor: number, maxT: number): number[] {
  const rungs: number[] = [];
  for (let r = gracePeriod; r < maxT; r *= reductionFactor) rungs.push(r);
  return rungs;
}

/**
 * Asynchronous successive halving (ASHA). When a trial reaches a rung (its interval equals
 * gracePeriod·η^k < maxT), it is compared with every trial that reached that rung by the
 * value reported there, itself included: it goes on when it is among the best
 * floor(n/η) of them, or, while fewer than η trials got there, when it is the best so far
 * (Optuna's rule, since a stopped trial cannot be resumed later). Otherwise it stops.
 * Between rungs and from maxT on, nothing is decided.
 *
 * @example
 * const policy = ashaPolicy({ type: 'asha', gracePeriod: 1, reductionFactor: 2, maxT: 8 });
 * policy({ goal: 'maximize', trialId: 2, histories: [
 *   { id: 1, values: [0.9], finished: false }, { id: 2, values: [0.5], finished: false }] });
 * // { terminate: true, ... }: top floor(2/2) = 1 of 2 at rung 1, and trial 2 is not it
 */
export function ashaPolicy(spec: AshaSpec): (input: PolicyInput) => PolicyDecision {
  const grace = spec.gracePeriod ?? 1;
  const eta = spec.reductionFactor ?? 4;
  const maxT = spec.maxT ?? 100;
  checkInteger(grace, 'early_termination.grace_period', 1);
  checkInteger(eta, 'early_termination.reduction_factor', 2);
  checkInteger(maxT, 'early_termination.max_t', 1);
  if (grace > maxT) {
    throw new ValidationError(`early_termination.grace_period (${grace}) must not exceed max_t (${maxT})`, {
      path: 'early_termination.grace_period',
    });
  }
  const rungs = new Set(ashaRungs(grace, eta, maxT));
  return (input) => {
    const trial = judgedTrial(input);
    const k = trial.values.length;
    if (!rungs.has(k)) return { terminate: false };
    const own = trial.values[k - 1]!;
    const competing = valuesAt(input.histories, k).map(([, v]) => v);
    const keep = Math.max(1, Math.floor(competing.length / eta));
    let ahead = 0;
    for (const v of competing) if (better(input.goal, v, own)) ahead++;
    if (ahead < keep) return { terminate: false };
    return {
      terminate: true,
      reason: `ASHA at rung ${k}: ${fmt(own)} is not among the best ${keep} of ${competing.length} trials at this rung`,
    };
  };
}
