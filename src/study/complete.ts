import seedrandom from 'seedrandom';
import { ValidationError } from '../core/errors.ts';
import type { ParamSet, ParamValue } from '../core/trial.ts';
import type { SearchSpace } from '../space/types.ts';

/**
 * Checks an enqueued parameter set before it is queued: every name is a parameter of the
 * space, and every value lies in its distribution (or is its constant). A whole set must
 * also be a point of the space (conditional branches consistent).
 *
 * @example
 * checkEnqueued(space, { lr: 0.01 }); // partial: the sampler completes the rest
 */
export function checkEnqueued(space: SearchSpace, params: ParamSet): void {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new ValidationError(`enqueue takes an object of parameter values, got ${JSON.stringify(params)}`, {
      path: 'params',
    });
  }
  for (const [name, value] of Object.entries(params)) {
    const candidates = space.parameters.filter((p) => p.path === name);
    if (candidates.length === 0) {
      throw new ValidationError(
        `'${name}' is not a parameter of the search space (parameters: ${[...new Set(space.parameters.map((p) => p.path))].join(', ')})`,
        { path: `params.${name}` },
      );
    }
    const fits = candidates.some((p) =>
      p.distribution !== undefined ? p.distribution.contains(value) : p.constant === value,
    );
    if (!fits) {
      throw new ValidationError(`params.${name}: ${JSON.stringify(value)} lies outside the search space`, {
        path: `params.${name}`,
      });
    }
  }
}

/**
 * Completes a partial parameter set with a sampled one: the given names keep their given
 * values, the rest come from `sampled`; a parameter of a conditional branch that the given
 * values select but the sampled set lacks is drawn from its distribution (seeded by
 * `seed`), and parameters of branches not selected are left out. The result is checked
 * to be a point of the space.
 *
 * @example
 * completeParams(space, { lr: 0.01 }, sampler.suggest(history).params, 'study/4');
 */
export function completeParams(
  space: SearchSpace,
  given: ParamSet,
  sampled: ParamSet,
  seed: string,
): ParamSet {
  const rng = seedrandom.alea(seed);
  const out: Record<string, ParamValue> = {};
  for (const p of space.parameters) {
    if (p.condition !== undefined && out[p.condition.path] !== p.condition.option) continue;
    if (Object.hasOwn(given, p.path)) out[p.path] = given[p.path]!;
    else if (p.constant !== undefined) out[p.path] = p.constant;
    else if (Object.hasOwn(sampled, p.path) && p.distribution?.contains(sampled[p.path]))
      out[p.path] = sampled[p.path]!;
    else if (p.distribution !== undefined) out[p.path] = p.distribution.sample(rng);
  }
  if (!space.contains(out)) {
    throw new ValidationError(
      `the enqueued parameters ${JSON.stringify(given)} do not fit the search space's conditional choices (give a choice together with its branch's parameters)`,
      { path: 'params' },
    );
  }
  return out;
}
