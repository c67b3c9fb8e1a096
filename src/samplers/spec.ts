/**
 * The sampling algorithm of a sweep, as samplers are built from it: Azure's
 * `sampling_algorithm` with its defaults applied. The sweep file (config/), `sweep()`'s
 * short forms (sweep/) and the sampler factory all speak this one type.
 *
 * @example
 * const sampling: SamplingSpec = { type: 'random', seed: 1, rule: 'sobol' };
 * samplerFromSpec({ searchSpace: space, sampling });
 */

/** `sampling_algorithm`. `seed` is the root of every random choice of the sampler. */
export type SamplingSpec =
  | { readonly type: 'grid' }
  | { readonly type: 'random'; readonly seed: number | undefined; readonly rule: 'random' | 'sobol' }
  | {
      readonly type: 'bayesian';
      readonly seed: number | undefined;
      /** Our extension: which model the Bayesian sampler uses (`auto` when absent). */
      readonly method: 'auto' | 'gp' | 'tpe';
    };
