/**
 * The numeric distributions of Azure ML sweep jobs, each with Azure's exact meaning:
 * `randint(upper)` is an integer in [0, upper); the log-variants exponentiate
 * (`loguniform(a, b)` = exp(uniform(a, b)), bounds in log space); the q-variants round
 * to a multiple of q (half to even, as numpy) after exponentiating.
 */
import { invalid } from './invalid.ts';
import { normalCdf, normalQuantile } from './normal.ts';
import { fmt, isMultipleOf, openUnit, quantize, roundHalfEven } from './numbers.ts';
import type { Distribution, DistributionDefinition, ParamValue, Rng } from './types.ts';

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

/** `randint(upper)`: an integer in [0, upper), each equally likely. */
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

/** `uniform`, `loguniform`, `quniform`, `qloguniform` over [min_value, max_value]. */
export class Uniform implements Distribution {
  readonly type: UniformType;
  readonly minValue: number;
  readonly maxValue: number;
  /** The quantum of the q-variants; undefined otherwise. */
  readonly q: number | undefined;
  /** Whether values are exp() of the uniform draw (bounds in log space). */
  readonly log: boolean;

  constructor(type: UniformType, minValue: unknown, maxValue: unknown, q?: unknown, path = '') {
    this.type = type;
    this.log = type === 'loguniform' || type === 'qloguniform';
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
    this.q = type === 'quniform' || type === 'qloguniform' ? positiveQ(path, type, q) : undefined;
  }

  sample(rng: Rng): number {
    return this.fromUnit(rng());
  }

  fromUnit(u: number): number {
    const x = this.minValue + u * (this.maxValue - this.minValue);
    const v = this.log ? Math.exp(x) : x;
    return this.q === undefined ? v : quantize(v, this.q);
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
    return (
      isMultipleOf(value, this.q) &&
      value >= this.gridLow() - this.q / 2 &&
      value <= this.gridHigh() + this.q / 2
    );
  }

  private gridLow(): number {
    return quantize(this.low, this.q ?? 1);
  }

  private gridHigh(): number {
    return quantize(this.high, this.q ?? 1);
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

  toJSON(): DistributionDefinition {
    const base = { type: this.type, min_value: this.minValue, max_value: this.maxValue };
    return this.q === undefined ? base : { ...base, q: this.q };
  }

  toString(): string {
    const q = this.q === undefined ? '' : `, ${this.q}`;
    return `${this.type}(${this.minValue}, ${this.maxValue}${q})`;
  }
}

type NormalType = 'normal' | 'lognormal' | 'qnormal' | 'qlognormal';

/** `normal`, `lognormal`, `qnormal`, `qlognormal` with mean `mu` and deviation `sigma`. */
export class Normal implements Distribution {
  readonly type: NormalType;
  readonly mu: number;
  readonly sigma: number;
  readonly q: number | undefined;
  readonly log: boolean;

  constructor(type: NormalType, mu: unknown, sigma: unknown, q?: unknown, path = '') {
    this.type = type;
    this.log = type === 'lognormal' || type === 'qlognormal';
    this.mu = finite(path, type, 'mu', mu);
    this.sigma = finite(path, type, 'sigma', sigma);
    if (this.sigma <= 0) throw invalid(path, `${type} needs sigma > 0, got sigma ${this.sigma}`);
    this.q = type === 'qnormal' || type === 'qlognormal' ? positiveQ(path, type, q) : undefined;
  }

  sample(rng: Rng): number {
    return this.fromUnit(rng());
  }

  fromUnit(u: number): number {
    const x = this.mu + this.sigma * normalQuantile(openUnit(u));
    const v = this.log ? Math.exp(x) : x;
    return this.q === undefined ? v : quantize(v, this.q);
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

  toJSON(): DistributionDefinition {
    const base = { type: this.type, mu: this.mu, sigma: this.sigma };
    return this.q === undefined ? base : { ...base, q: this.q };
  }

  toString(): string {
    const q = this.q === undefined ? '' : `, ${this.q}`;
    return `${this.type}(${this.mu}, ${this.sigma}${q})`;
  }
}

/** Whether a value is a scalar parameter value (number, string or boolean). */
export function isParamValue(value: unknown): value is ParamValue {
  return (
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}
