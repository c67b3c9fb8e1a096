/**
 * The vocabulary shared by search spaces, samplers and the sweep engine.
 *
 * Parameter sets are FLAT: one entry per active parameter, keyed by its dotted path in
 * the space (`lr`, `model.n_estimators`). A conditional `choice` (one whose options are
 * sub-spaces) stores the INDEX of the chosen option under its own path and the chosen
 * sub-space's parameters under `path.key`; inactive branches are absent. A plain
 * `choice` stores the chosen value itself. `SearchSpace.nest()` turns a flat set into
 * nested objects for trial code that prefers them.
 *
 * @example
 * // search space: { lr: loguniform(-9, -2), model: choice([{name: 'rf', depth: randint(8)}, {name: 'lr'}]) }
 * const params: ParamSet = { lr: 0.0012, model: 0, 'model.name': 'rf', 'model.depth': 5 };
 *
 * ParamValue and ParamSet themselves are the trial vocabulary of core/trial.ts.
 */
import type { ParamSet, ParamValue } from '../core/trial.ts';

/** A parameter set as nested objects, with each conditional choice replaced by its chosen sub-object. */
export interface NestedParams {
  readonly [key: string]: ParamValue | NestedParams;
}

/** A source of uniform doubles in [0, 1), e.g. a seedrandom generator. */
export type Rng = () => number;

/** The distribution names of Azure ML sweep jobs. */
export type DistributionType =
  | 'choice'
  | 'randint'
  | 'uniform'
  | 'loguniform'
  | 'normal'
  | 'lognormal'
  | 'quniform'
  | 'qloguniform'
  | 'qnormal'
  | 'qlognormal';

/** The YAML/JSON form of a distribution, as Azure names its fields. */
export interface DistributionDefinition {
  readonly type: DistributionType;
  readonly values?: ReadonlyArray<ParamValue | SearchSpaceDefinition>;
  readonly upper?: number;
  readonly min_value?: number;
  readonly max_value?: number;
  readonly mu?: number;
  readonly sigma?: number;
  readonly q?: number;
}

/** The YAML/JSON form of a search space: name -> distribution, expression string, or constant. */
export interface SearchSpaceDefinition {
  readonly [name: string]: DistributionDefinition | ParamValue;
}

/**
 * One distribution over parameter values. Every method is pure; randomness comes in
 * through `rng` or the unit-interval point `u`.
 */
export interface Distribution {
  readonly type: DistributionType;
  /** Draws one value; equivalent to `fromUnit(rng())`. */
  sample(rng: Rng): ParamValue;
  /** The value at quantile `u` in [0, 1] (inverse CDF); used by Sobol and model-based samplers. */
  fromUnit(u: number): ParamValue;
  /** Whether `value` can be produced by this distribution. */
  contains(value: unknown): boolean;
  /** How many distinct values a grid enumerates, or undefined for a continuous or unbounded distribution. */
  readonly gridSize: number | undefined;
  /** The `index`-th grid value, ascending for numbers, in listed order for `choice`. */
  gridValue(index: number): ParamValue;
  /** The YAML/JSON form. */
  toJSON(): DistributionDefinition;
  /** The expression form, e.g. `uniform(0.0001, 0.01)`. */
  toString(): string;
}

/** One parameter of a space (in any branch): where it sits and what it draws from. */
export interface SpaceParameter {
  /** Dotted path, the key in a flat ParamSet. */
  readonly path: string;
  /** The distribution, or undefined for a constant (a fixed value inside a sub-space). */
  readonly distribution: Distribution | undefined;
  /** The fixed value of a constant parameter. */
  readonly constant: ParamValue | undefined;
  /** Index of this parameter's coordinate in the unit cube (`fromUnit`), -1 for constants. */
  readonly dimension: number;
  /** The conditional choice and option this parameter depends on; undefined at top level. */
  readonly condition: { readonly path: string; readonly option: number } | undefined;
}

/** A validated search space: the parameters of all branches and the operations over whole sets. */
export interface SearchSpace {
  /** Every parameter of every branch, depth first in definition order. */
  readonly parameters: readonly SpaceParameter[];
  /** The number of unit-cube coordinates `fromUnit` reads (one per distribution, in any branch). */
  readonly dimensions: number;
  /** Draws one parameter set. */
  sample(rng: Rng): ParamSet;
  /** Maps a point of [0, 1]^dimensions to a parameter set through each distribution's inverse CDF. */
  fromUnit(point: ArrayLike<number>): ParamSet;
  /** Whether `params` is exactly one complete, valid set of this space (no missing or extra keys). */
  contains(params: ParamSet): boolean;
  /** The number of grid points, or undefined when a parameter is continuous or unbounded. */
  readonly gridSize: number | undefined;
  /** The `index`-th grid point (see GridSampler for the order); throws when gridSize is undefined. */
  gridAt(index: number): ParamSet;
  /** The set as nested objects: conditional choices become their chosen sub-object. */
  nest(params: ParamSet): NestedParams;
  /** The YAML/JSON form. */
  toJSON(): SearchSpaceDefinition;
}
