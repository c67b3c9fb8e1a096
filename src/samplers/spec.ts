/**
 * The sampling algorithm of a sweep, as samplers are built from it: Azure's
 * `sampling_algorithm` with its defaults applied. The sweep file (config/), `sweep()`'s
 * short forms (sweep/) and the sampler factory all speak this one type.
 *
 * @example
 * const sampling: SamplingSpec = { type: 'random', seed: 1, rule: 'sobol' };
 * samplerFromSpec({ searchSpace: space, sampling });
 */
import type { MOTPESamplerOptions } from './multi-objective/motpe.ts';
import type { NSGA2SamplerOptions } from './multi-objective/nsga2.ts';

/** `sampling_algorithm`. `seed` is the root of every random choice of the sampler. */
export type SamplingSpec =
  | { readonly type: 'grid' }
  | { readonly type: 'random'; readonly seed: number | undefined; readonly rule: 'random' | 'sobol' }
  | {
      readonly type: 'bayesian';
      readonly seed: number | undefined;
      /** Our extension: which model the Bayesian sampler uses (`auto` when absent). */
      readonly method: 'auto' | 'gp' | 'tpe';
    }
  /** Multi-objective: NSGA-II (multi-objective/nsga2.ts) with its options. */
  | ({ readonly type: 'nsga2'; readonly seed: number | undefined } & Omit<NSGA2SamplerOptions, 'seed'>)
  /** Multi-objective: TPE with a Pareto split (multi-objective/motpe.ts) with its options. */
  | ({ readonly type: 'motpe'; readonly seed: number | undefined } & Omit<MOTPESamplerOptions, 'seed'>);
