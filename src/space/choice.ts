import type { ParamValue } from '../core/trial.ts';
import { isParamValue } from './distributions.ts';
import { invalid } from './invalid.ts';
import { fmt } from './numbers.ts';
import type { Distribution, DistributionDefinition, Rng, SearchSpace } from './types.ts';

/** One option of a choice: a value, or a sub-space (a conditional branch). */
export type ChoiceOption = ParamValue | SearchSpace;

/**
 * `choice(values)`: one of the listed options, each equally likely. When an option is
 * a sub-space the choice is conditional, and its value in a flat parameter set is the
 * chosen option's INDEX (see src/space/types.ts); otherwise it is the value itself.
 *
 * @example
 * new Choice([16, 32, 64]).fromUnit(0.5); // 32
 */
export class Choice implements Distribution {
  readonly type = 'choice' as const;
  readonly options: readonly ChoiceOption[];
  /** Whether some option is a sub-space. */
  readonly conditional: boolean;

  constructor(options: readonly ChoiceOption[], path = '') {
    if (options.length === 0) throw invalid(path, 'choice needs at least one value, got an empty list');
    const seen = new Set<ParamValue>();
    for (const [i, option] of options.entries()) {
      if (isParamValue(option)) {
        if (seen.has(option))
          throw invalid(path, `choice lists the value ${fmt(option)} twice (values[${i}])`);
        seen.add(option);
      }
    }
    this.options = options;
    this.conditional = options.some((o) => !isParamValue(o));
  }

  /** The index of the option at quantile u. */
  indexFromUnit(u: number): number {
    return Math.min(this.options.length - 1, Math.max(0, Math.floor(u * this.options.length)));
  }

  /** The flat-set value of option `index`: the option itself, or its index when conditional. */
  valueAt(index: number): ParamValue {
    const option = this.options[index];
    if (this.conditional || option === undefined || !isParamValue(option)) return index;
    return option;
  }

  /** The option index that a flat-set value denotes, or -1. */
  indexOf(value: unknown): number {
    if (this.conditional) {
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value < this.options.length
        ? value
        : -1;
    }
    return this.options.indexOf(value as ChoiceOption);
  }

  sample(rng: Rng): ParamValue {
    return this.fromUnit(rng());
  }

  fromUnit(u: number): ParamValue {
    return this.valueAt(this.indexFromUnit(u));
  }

  contains(value: unknown): boolean {
    return this.indexOf(value) >= 0;
  }

  get gridSize(): number {
    return this.options.length;
  }

  gridValue(index: number): ParamValue {
    if (!Number.isInteger(index) || index < 0 || index >= this.options.length) {
      throw invalid('', `grid index ${index} is outside 0..${this.options.length - 1} of choice`);
    }
    return this.valueAt(index);
  }

  toJSON(): DistributionDefinition {
    return { type: 'choice', values: this.options.map((o) => (isParamValue(o) ? o : o.toJSON())) };
  }

  toString(): string {
    return `choice(${this.options.map((o) => (isParamValue(o) ? fmt(o) : JSON.stringify(o.toJSON()))).join(', ')})`;
  }
}
