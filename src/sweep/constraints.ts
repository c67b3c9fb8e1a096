/**
 * Constraints of a sweep, written as `"model_size_mb <= 50"` (an extension beyond Azure):
 * a metric the trial reports, `<=` or `>=`, and a bound. A trial's constraint value is
 * how far it lies past the bound (Optuna's convention: <= 0 satisfied, > 0 violated by
 * that much), so samplers and rankings apply Deb's rules to it.
 */
import { ValidationError } from '../core/errors.ts';

/** One parsed constraint. */
export interface ConstraintSpec {
  /** The metric the trial reports (its last reported value is judged). */
  readonly metric: string;
  readonly op: '<=' | '>=';
  readonly bound: number;
  /** As written, for messages and reports. */
  readonly text: string;
}

/** A constraint that could not be read, with the 0-based offset in its text where the problem starts. */
export class ConstraintSyntaxError extends ValidationError {
  readonly offset: number;

  constructor(message: string, offset: number, path: string) {
    super(message, { path, code: 'E_CONSTRAINT' });
    this.offset = offset;
  }
}

const METRIC = /^[A-Za-z_][\w.\-/:]*/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Parses `"metric <= bound"` or `"metric >= bound"`; a ConstraintSyntaxError says what is
 * wrong and where (offset) otherwise.
 *
 * @example
 * parseConstraint('model_size_mb <= 50'); // { metric: 'model_size_mb', op: '<=', bound: 50, text: 'model_size_mb <= 50' }
 */
export function parseConstraint(text: unknown, path = 'constraints'): ConstraintSpec {
  if (typeof text !== 'string') {
    throw new ConstraintSyntaxError(
      `a constraint is a string like "model_size_mb <= 50", got ${JSON.stringify(text)}`,
      0,
      path,
    );
  }
  let at = text.length - text.trimStart().length;
  const metric = METRIC.exec(text.slice(at))?.[0];
  if (metric === undefined) {
    throw new ConstraintSyntaxError(
      `'${text}': a constraint starts with a metric name (like "model_size_mb <= 50")`,
      at,
      path,
    );
  }
  at += metric.length;
  at += text.slice(at).length - text.slice(at).trimStart().length;
  const op = text.slice(at, at + 2);
  if (op !== '<=' && op !== '>=') {
    const strict = text[at] === '<' || text[at] === '>';
    throw new ConstraintSyntaxError(
      `'${text}': expected <= or >= after '${metric}'${strict ? ' (a constraint holds at its bound, so < and > are written <= and >=)' : `, got '${text.slice(at, at + 2) || 'nothing'}'`}`,
      at,
      path,
    );
  }
  at += 2;
  at += text.slice(at).length - text.slice(at).trimStart().length;
  const rest = text.slice(at).trimEnd();
  if (!NUMBER.test(rest)) {
    throw new ConstraintSyntaxError(
      `'${text}': expected a number after '${op}', got '${rest || 'nothing'}'`,
      at,
      path,
    );
  }
  return { metric, op, bound: Number(rest), text: text.trim() };
}

/**
 * A constraint's value for a reported metric value: `value - bound` for `<=`, `bound - value`
 * for `>=` (NaN stays NaN: an unknown violation, never feasible).
 *
 * @example
 * violation(parseConstraint('size <= 50'), 62); // 12
 */
export function violation(constraint: ConstraintSpec, value: number): number {
  return constraint.op === '<=' ? value - constraint.bound : constraint.bound - value;
}

/**
 * The constraints of `sweep()`'s options, parsed (strings) or checked (objects).
 *
 * @example
 * resolveConstraints(['size <= 50', 'accuracy >= 0.8']).map((c) => c.metric); // ['size', 'accuracy']
 */
export function resolveConstraints(
  constraints: readonly (string | ConstraintSpec)[] | undefined,
): ConstraintSpec[] {
  if (constraints === undefined) return [];
  if (!Array.isArray(constraints)) {
    throw new ValidationError('constraints must be a list like ["model_size_mb <= 50"]', {
      path: 'constraints',
    });
  }
  return constraints.map((c, i) =>
    typeof c === 'string'
      ? parseConstraint(c, `constraints[${i}]`)
      : parseConstraint(c?.text ?? `${c?.metric} ${c?.op} ${c?.bound}`, `constraints[${i}]`),
  );
}
