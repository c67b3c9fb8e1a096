import { parseBackendChoice } from '../compute/backend.ts';
import { ValidationError } from '../core/errors.ts';
import type { ComputeParams } from './types.ts';

/** backend, nThreads and seed as read: the hyperparameters every estimator has. */
export type ComputeSettings = Required<ComputeParams> & { seed: number };

/**
 * Reads hyperparameters for one estimator, checking each as it is read and, at the
 * end, that no unknown name was given. Errors name the estimator, the parameter and
 * the value received.
 *
 * @example
 * const r = new ParamReader('RandomForestClassifier', { nEstimators: 50 });
 * r.int('nEstimators', 100, 1); // 50
 * r.done();
 */
export class ParamReader {
  private readonly seen = new Set<string>();

  constructor(
    private readonly owner: string,
    private readonly given: Readonly<Record<string, unknown>>,
  ) {
    if (given === null || typeof given !== 'object' || Array.isArray(given)) {
      throw new ValidationError(`${owner}: parameters must be an object, got ${JSON.stringify(given)}`, {
        path: 'params',
      });
    }
  }

  fail(name: string, rule: string, value: unknown): never {
    throw new ValidationError(
      `${this.owner}: ${name} must be ${rule}, got ${JSON.stringify(value) ?? String(value)}`,
      {
        path: name,
      },
    );
  }

  raw(name: string): unknown {
    this.seen.add(name);
    return this.given[name];
  }

  int(name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
    const v = this.raw(name) ?? fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      this.fail(name, `an integer from ${min}${max === Number.MAX_SAFE_INTEGER ? '' : ` to ${max}`}`, v);
    }
    return v;
  }

  /** An integer or null (null meaning "no limit"). */
  intOrNull(name: string, fallback: number | null, min: number): number | null {
    const v = this.raw(name);
    if (v === null) return null;
    if (v === undefined) return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      this.fail(name, `an integer >= ${min} or null`, v);
    return v;
  }

  number(
    name: string,
    fallback: number,
    min: number,
    max = Number.POSITIVE_INFINITY,
    minExclusive = false,
  ): number {
    const v = this.raw(name) ?? fallback;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (minExclusive && v === min)) {
      const lower = minExclusive ? `> ${min}` : `>= ${min}`;
      this.fail(
        name,
        `a finite number ${lower}${max === Number.POSITIVE_INFINITY ? '' : ` and <= ${max}`}`,
        v,
      );
    }
    return v;
  }

  bool(name: string, fallback: boolean): boolean {
    const v = this.raw(name) ?? fallback;
    if (typeof v !== 'boolean') this.fail(name, 'true or false', v);
    return v;
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const v = this.raw(name) ?? fallback;
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v))
      this.fail(name, `one of ${allowed.join(', ')}`, v);
    return v as T;
  }

  /** Column indices (e.g. categorical features): distinct non-negative integers. */
  indices(name: string): number[] {
    const v = this.raw(name) ?? [];
    if (!Array.isArray(v) || v.some((c) => !Number.isInteger(c) || c < 0) || new Set(v).size !== v.length) {
      this.fail(name, 'an array of distinct column indices', v);
    }
    return [...(v as number[])].sort((a, b) => a - b);
  }

  /** backend, nThreads and seed, common to every estimator. */
  compute(): ComputeSettings {
    const backendValue = this.raw('backend') ?? 'auto';
    if (typeof backendValue !== 'string') this.fail('backend', 'a backend name', backendValue);
    const backend = parseBackendChoice(backendValue, `${this.owner}.backend`);
    return {
      backend,
      nThreads: this.intOrNull('nThreads', null, 1),
      seed: this.int('seed', 0, 0, 0xffffffff),
    };
  }

  /** Throws on any parameter name that was never read. */
  done(): void {
    for (const name of Object.keys(this.given)) {
      if (!this.seen.has(name) && this.given[name] !== undefined) {
        throw new ValidationError(
          `${this.owner}: unknown parameter '${name}' (known: ${[...this.seen].join(', ')})`,
          {
            path: name,
          },
        );
      }
    }
  }
}

/** An estimator's hyperparameters as read by {@link readEstimatorParams}. */
export interface EstimatorParams<O> {
  /** Every hyperparameter, checked, defaults filled in: the estimator's own, then seed, backend and nThreads. */
  params: Readonly<Record<string, unknown>>;
  compute: ComputeSettings;
  /** What `readOwn` returned. */
  own: O;
}

/**
 * Reads an estimator's hyperparameters: backend, nThreads and seed, then its own
 * (`readOwn`), then checks that no unknown name was given. `publish` lists the own ones
 * as `params` shows them, in its order.
 *
 * @example
 * const read = (r: ParamReader) => ({ nNeighbors: r.int('nNeighbors', 5, 1) });
 * readEstimatorParams('KNeighborsClassifier', { nNeighbors: 3 }, read, (own) => own).params;
 * // { nNeighbors: 3, seed: 0, backend: 'auto', nThreads: null }
 */
export function readEstimatorParams<O>(
  owner: string,
  given: object,
  readOwn: (r: ParamReader) => O,
  publish: (own: O) => Record<string, unknown>,
): EstimatorParams<O> {
  const reader = new ParamReader(owner, given as Record<string, unknown>);
  const compute = reader.compute();
  const own = readOwn(reader);
  reader.done();
  return {
    params: Object.freeze({
      ...publish(own),
      seed: compute.seed,
      backend: compute.backend,
      nThreads: compute.nThreads,
    }),
    compute,
    own,
  };
}
