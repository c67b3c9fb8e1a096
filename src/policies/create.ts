import { ValidationError } from '../core/errors.ts';
import { ashaPolicy } from './asha.ts';
import { banditPolicy } from './bandit.ts';
import { medianStoppingPolicy } from './median-stopping.ts';
import { truncationSelectionPolicy } from './truncation-selection.ts';
import type { PolicyDecision, PolicyInput, PolicySpec } from './types.ts';

/** A policy: a pure decision over the reported histories. */
export type Policy = (input: PolicyInput) => PolicyDecision;

/**
 * The policy a spec describes (validating its fields), or undefined for `type: none`.
 *
 * @example
 * const policy = createPolicy({ type: 'median_stopping', delayEvaluation: 5 });
 */
export function createPolicy(spec: PolicySpec): Policy | undefined {
  switch (spec.type) {
    case 'none':
      return undefined;
    case 'bandit':
      return banditPolicy(spec);
    case 'median_stopping':
      return medianStoppingPolicy(spec);
    case 'truncation_selection':
      return truncationSelectionPolicy(spec);
    case 'asha':
      return ashaPolicy(spec);
    default:
      throw new ValidationError(
        `unknown early termination type '${String((spec as { type: unknown }).type)}' (expected bandit, median_stopping, truncation_selection, asha or none)`,
        { path: 'early_termination.type' },
      );
  }
}
