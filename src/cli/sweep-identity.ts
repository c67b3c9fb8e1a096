import type { SweepSpec } from '../config/types.ts';
import { canonicalJson, type SweepIdentity } from '../store/sweep-identity.ts';

/**
 * The identity of a sweep file, as `--resume` checks it: what changes what a trial means.
 * - the search space (each parameter as `type args`), the objective (and the extensions
 *   `objectives` and `constraints` when the file has them), the sampling
 *   algorithm with its settings and seed (`--seed` included: another seed is another
 *   sequence), early termination, the trial's command and its inputs;
 * - not the limits (a resume may raise max_total_trials, as Optuna lets a study go on),
 *   nor the working directory and environment variables (where and how a trial runs,
 *   which may change between machines, not what it computes), nor names and tags.
 *
 * @example
 * trackSweep({ objective: spec.objective, identity: sweepIdentity(spec, options.seed), resume: id });
 */
export function sweepIdentity(spec: SweepSpec, seedOverride?: number): SweepIdentity {
  const { sampling } = spec;
  return {
    search_space: Object.fromEntries(
      Object.entries(spec.searchSpace.toJSON()).map(([name, distribution]) => [name, shown(distribution)]),
    ),
    objective: { goal: spec.objective.goal, primary_metric: spec.objective.primaryMetric },
    // The extensions join the identity only when a file has them, so older identities stand.
    ...(spec.objectives !== undefined
      ? { objectives: spec.objectives.map((o) => ({ goal: o.goal, primary_metric: o.primaryMetric })) }
      : {}),
    ...(spec.constraints !== undefined ? { constraints: spec.constraints.map((c) => c.text) } : {}),
    sampling_algorithm:
      sampling.type === 'grid'
        ? { type: 'grid' }
        : {
            ...snakeCase(sampling),
            // grid has no seed; an absent one is recorded as null, so "none" differs from any seed
            seed: seedOverride ?? sampling.seed ?? null,
          },
    early_termination: spec.earlyTermination ? snakeCase(spec.earlyTermination) : null,
    trial: {
      command: spec.trial.command,
      inputs: JSON.parse(JSON.stringify(spec.inputs)) as SweepIdentity,
    },
  };
}

/** A distribution as one phrase: `choice [1,2,3]`, `uniform {"max_value":1,"min_value":0}`. */
function shown(distribution: unknown): string {
  if (distribution === null || typeof distribution !== 'object' || Array.isArray(distribution))
    return JSON.stringify(distribution);
  const { type, ...rest } = distribution as Record<string, unknown>;
  const keys = Object.keys(rest);
  const args =
    keys.length === 1 && keys[0] === 'values' ? canonicalJson(rest['values']) : canonicalJson(rest);
  return `${String(type)} ${args}`;
}

/** The spec's camelCase keys in the sweep file's snake_case, so a difference names the key the file has. */
function snakeCase(value: object): { [key: string]: string | number | boolean | null } {
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), v as string | number | boolean]),
  );
}
