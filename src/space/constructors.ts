/**
 * The distribution constructors, named and parameterised as in Azure ML
 * (`azure.ai.ml.sweep`): each validates its arguments and throws a ValidationError
 * naming the bad one and its value.
 */
import type { ParamValue } from '../core/trial.ts';
import type { Choice } from './choice.ts';
import { Normal, RandInt, Uniform } from './distributions.ts';
import { parseEntry, searchSpace } from './parse.ts';

/**
 * One of `values`, each equally likely. An object value is a sub-space: the choice
 * becomes conditional (see src/space/types.ts for how its value is recorded).
 *
 * @example
 * choice([16, 32, 64]);
 * choice([{ algo: 'rf', trees: randint(500) }, { algo: 'lr', C: loguniform(-5, 5) }]);
 */
export function choice(values: ReadonlyArray<ParamValue | Record<string, unknown>>): Choice {
  return parseEntry({ type: 'choice', values }, '') as Choice;
}

/**
 * An integer in [0, upper).
 *
 * @example
 * randint(10); // 0..9
 */
export function randint(upper: number): RandInt {
  return new RandInt(upper);
}

/**
 * A real number uniform in [minValue, maxValue].
 *
 * @example
 * uniform(0.0001, 0.01);
 */
export function uniform(minValue: number, maxValue: number): Uniform {
  return new Uniform('uniform', minValue, maxValue);
}

/**
 * exp(uniform(minValue, maxValue)): the bounds are in log space, as Azure defines it.
 *
 * @example
 * loguniform(Math.log(1e-5), Math.log(1e-1)); // between 1e-5 and 0.1
 */
export function loguniform(minValue: number, maxValue: number): Uniform {
  return new Uniform('loguniform', minValue, maxValue);
}

/**
 * round(uniform(minValue, maxValue) / q) * q.
 *
 * @example
 * quniform(0, 100, 10); // 0, 10, ..., 100
 */
export function quniform(minValue: number, maxValue: number, q: number): Uniform {
  return new Uniform('quniform', minValue, maxValue, q);
}

/**
 * round(exp(uniform(minValue, maxValue)) / q) * q.
 *
 * @example
 * qloguniform(0, Math.log(1000), 1);
 */
export function qloguniform(minValue: number, maxValue: number, q: number): Uniform {
  return new Uniform('qloguniform', minValue, maxValue, q);
}

/**
 * A real number normally distributed with mean mu and standard deviation sigma.
 *
 * @example
 * normal(0, 1);
 */
export function normal(mu: number, sigma: number): Normal {
  return new Normal('normal', mu, sigma);
}

/**
 * exp(normal(mu, sigma)).
 *
 * @example
 * lognormal(0, 1);
 */
export function lognormal(mu: number, sigma: number): Normal {
  return new Normal('lognormal', mu, sigma);
}

/**
 * round(normal(mu, sigma) / q) * q.
 *
 * @example
 * qnormal(10, 3, 1);
 */
export function qnormal(mu: number, sigma: number, q: number): Normal {
  return new Normal('qnormal', mu, sigma, q);
}

/**
 * round(exp(normal(mu, sigma)) / q) * q.
 *
 * @example
 * qlognormal(2, 0.5, 1);
 */
export function qlognormal(mu: number, sigma: number, q: number): Normal {
  return new Normal('qlognormal', mu, sigma, q);
}

export { searchSpace };
