/**
 * The numeric distributions of Azure ML sweep jobs, each with Azure's exact meaning:
 * `randint(upper)` is an integer in [0, upper); the log-variants exponentiate
 * (`loguniform(a, b)` = exp(uniform(a, b)), bounds in log space); the q-variants round
 * to a multiple of q (half to even, as numpy) after exponentiating.
 */
import type { ParamValue } from '../core/trial.ts';
import { invalid } from './invalid.ts';
import { normalCdf, normalQuantile } from './normal.ts';
import { fmt, isMultipleOf, openUnit, quantize, roundHalfEven } from './numbers.ts';
import type { Distribution, DistributionDefinition, Rng } from './types.ts';

function finite(path: string, type: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(path, `${type} needs a finite number for ${name}, got ${fmt(value)}`);
  }
  return value;
}

function positiveQ(path: string, type: string, q: unknown): number {
  const v = finite(path, type, 'q', q);
  if (v <= 0) throw invalid(path, `${type} needs q > 0, got q ${v}`);
  return v;
}

function gridIndex(index: number, size: number | undefined, type: string): number {
  if (size === undefined) throw invalid('', `${type} is continuous and has no grid values`);
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw invalid('', `grid index ${index} is outside 0..${size - 1} of ${type}`);
  }
  return index;
}

/**
 * `randint(upper)`: an integer in [0, upper), each equally likely.
 *
 * @example
 * new RandInt(10).fromUnit(0.95); // 9
 */
export class RandInt implements Distribution {
  readonly type = 'randint' as const;
  readonly upper: number;

  constructor(upper: unknown, path = '') {
    const u = finite(path, 'randint', 'upper', upper);
    if (!Number.isInteger(u) || u < 1)
      throw invalid(path, `randint needs an integer upper >= 1, got upper ${u}`);
    this.upper = u;
  }

  sample(rng: Rng): number {
    return this.fromUnit(rng());
  }

  fromUnit(u: number): number {
    return Math.min(this.upper - 1, Math.max(0, Math.floor(u * this.upper)));
  }

  contains(value: unknown): boolean {
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < this.upper;
  }

  get gridSize(): number {
    return this.upper;
  }

  gridValue(index: number): number {
    return gridIndex(index, this.upper, this.type);
  }

  toJSON(): DistributionDefinition {
    return { type: this.type, upper: this.upper };
  }

  toString(): string {
    return `randint(${this.upper})`;
  }
}

type UniformType = 'uniform' | 'loguniform' | 'quniform' | 'qloguniform';
type NormalType = 'normal' | 'lognormal' | 'qnormal' | 'qlognormal';

/**
 * What the uniform and normal families share: a base draw at quantile u, exp() for the
 * log-variants, rounding to a multiple of q for the q-variants.
 */
abstract class Family<T extends UniformType | NormalType> {
  readonly type: T;
  /** The quantum of the q-variants; undefined otherwise. */
  readonly q: number | undefined;
  /** Whether values are exp() of the base draw (parameters in log space). */
  readonly log: boolean;

  protected constructor(type: T, q: unknown, path: string) {
    this.type = type;
    this.log = type.includes('log');
    this.q = type.startsWith('q') ? positiveQ(path, type, q) : undefined;
  }

  /** The base (not exponentiated, not quantised) value at quantile u. */
  protected abstract base(u: number): number;

  /** The distribution's own parameters with Azure's names, in Azure's order. */
  protected abstract parameters(): Array<[string, number]>;

  sample(rng: Rng): number {
    return this.fromUnit(rng());
  }

  fromUnit(u: number): number {
    const x = this.base(u);
    const v = this.log ? Math.exp(x) : x;
    return this.q === undefined ? v : quantize(v, this.q);
  }

  toJSON(): DistributionDefinition {
    const fields = this.parameters();
    if (this.q !== undefined) fields.push(['q', this.q]);
    return { type: this.type, ...Object.fromEntries(fields) };
  }

  toString(): string {
    const values = this.parameters().map(([, v]) => v);
    if (this.q !== undefined) values.push(this.q);
    return `${this.type}(${values.join(', ')})`;
  }
}

/**
 * `uniform`, `loguniform`, `quniform`, `qloguniform` over [min_value, max_value].
 *
 * @example
 * new Uniform('loguniform', -1, 1).fromUnit(0.5); // exp(0) = 1
 */
export class Uniform extends Family<UniformType> implements Distribution {
  readonly minValue: number;
  readonly maxValue: number;

  constructor(type: UniformType, minValue: unknown, maxValue: unknown, q?: unknown, path = '') {
    super(type, q, path);
    this.minValue = finite(path, type, 'min_value', minValue);
    this.maxValue = finite(path, type, 'max_value', maxValue);
    if (this.minValue >= this.maxValue) {
      throw invalid(
        path,
        `${type} needs min_value < max_value, got min_value ${this.minValue} and max_value ${this.maxValue}`,
      );
    }
    if (this.log && Math.exp(this.maxValue) === Number.POSITIVE_INFINITY) {
      throw invalid(
        path,
        `${type} takes its bounds in log space: max_value ${this.maxValue} overflows exp()`,
      );
    }
  }

  protected base(u: number): number {
    return this.minValue + u * (this.maxValue - this.minValue);
  }

  protected parameters(): Array<[string, number]> {
    return [
      ['min_value', this.minValue],
      ['max_value', this.maxValue],
    ];
  }

  /** The CDF of the continuous (un-quantised) value, for tests and model-based samplers. */
  cdf(value: number): number {
    const x = this.log ? Math.log(value) : value;
    return Math.min(1, Math.max(0, (x - this.minValue) / (this.maxValue - this.minValue)));
  }

  private get low(): number {
    return this.log ? Math.exp(this.minValue) : this.minValue;
  }

  private get high(): number {
    return this.log ? Math.exp(this.maxValue) : this.maxValue;
  }

  contains(value: unknown): boolean {
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
    if (this.q === undefined) {
      const slack = 1e-12 * Math.max(1, Math.abs(this.high));
      return value >= this.low - slack && value <= this.high + slack;
    }
    const q = this.q;
    return (
      isMultipleOf(value, q) &&
      value >= quantize(this.low, q) - q / 2 &&
      value <= quantize(this.high, q) + q / 2
    );
  }

  get gridSize(): number | undefined {
    if (this.q === undefined) return undefined;
    return roundHalfEven(this.high / this.q) - roundHalfEven(this.low / this.q) + 1;
  }

  gridValue(index: number): number {
    const i = gridIndex(index, this.gridSize, this.type);
    const q = this.q as number;
    return quantize((roundHalfEven(this.low / q) + i) * q, q);
  }
}

/**
 * `normal`, `lognormal`, `qnormal`, `qlognormal` with mean `mu` and deviation `sigma`.
 *
 * @example
 * new Normal('qnormal', 10, 2, 1).fromUnit(0.5); // 10
 */
export class Normal extends Family<NormalType> implements Distribution {
  readonly mu: number;
  readonly sigma: number;

  constructor(type: NormalType, mu: unknown, sigma: unknown, q?: unknown, path = '') {
    super(type, q, path);
    this.mu = finite(path, type, 'mu', mu);
    this.sigma = finite(path, type, 'sigma', sigma);
    if (this.sigma <= 0) throw invalid(path, `${type} needs sigma > 0, got sigma ${this.sigma}`);
  }

  protected base(u: number): number {
    return this.mu + this.sigma * normalQuantile(openUnit(u));
  }

  protected parameters(): Array<[string, number]> {
    return [
      ['mu', this.mu],
      ['sigma', this.sigma],
    ];
  }

  /** The CDF of the continuous (un-quantised) value, for tests and model-based samplers. */
  cdf(value: number): number {
    if (this.log && value <= 0) return 0;
    const x = this.log ? Math.log(value) : value;
    return normalCdf((x - this.mu) / this.sigma);
  }

  contains(value: unknown): boolean {
    if (typeof value !== 'number' || !Number.isFinite(value)) return false;
    if (this.q !== undefined && !isMultipleOf(value, this.q)) return false;
    // exp() is positive; rounding it to a multiple of q can give 0.
    return this.log ? (this.q === undefined ? value > 0 : value >= 0) : true;
  }

  get gridSize(): undefined {
    return undefined;
  }

  gridValue(index: number): number {
    return gridIndex(index, undefined, this.type);
  }
}

/**
 * Whether a value is a scalar parameter value (number, string or boolean).
 *
 * @example
 * isParamValue('adam'); // true
 * isParamValue([1, 2]); // false
 */
export function isParamValue(value: unknown): value is ParamValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}
