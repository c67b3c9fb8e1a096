// The CLI's option values, parsed and checked in one place. Each function here returns a
// commander argument parser: a bad value becomes commander's invalid-argument error, which
// the CLI prints as one usage line naming the option and the value (exit code 2), before
// any work starts. Library validators (parseBackendChoice) stay the single source of truth
// for what a value may be; these only translate their verdicts into usage errors.
import { InvalidArgumentError } from 'commander';
import { type BackendChoice, parseBackendChoice } from '../compute/backend.ts';
import { MlsweepError, ValidationError } from '../core/errors.ts';

/** Inclusive bounds of a numeric option; `above` is an exclusive lower bound (e.g. 0 for "positive"). */
export interface NumberRange {
  readonly min?: number;
  readonly max?: number;
  readonly above?: number;
}

function describe(kind: string, range: NumberRange): string {
  const parts = [
    range.above !== undefined ? `> ${range.above}` : undefined,
    range.min !== undefined ? `>= ${range.min}` : undefined,
    range.max !== undefined ? `<= ${range.max}` : undefined,
  ].filter((p) => p !== undefined);
  return parts.length > 0 ? `${kind} ${parts.join(' and ')}` : kind;
}

function inRange(n: number, range: NumberRange): boolean {
  return (
    (range.above === undefined || n > range.above) &&
    (range.min === undefined || n >= range.min) &&
    (range.max === undefined || n <= range.max)
  );
}

/** A parser for a number that `valid` accepts within `range`, else "expected a(n) <kind> ...". */
function numericOption(
  article: 'a' | 'an',
  kind: string,
  valid: (n: number) => boolean,
  range: NumberRange,
): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !valid(n) || !inRange(n, range)) {
      throw new InvalidArgumentError(`expected ${article} ${describe(kind, range)}`);
    }
    return n;
  };
}

/**
 * A parser for a finite number within `range`.
 *
 * @example
 * command.option('--timeout-minutes <n>', 'time budget', numberOption({ above: 0 }));
 */
export function numberOption(range: NumberRange = {}): (value: string) => number {
  return numericOption('a', 'number', Number.isFinite, range);
}

/**
 * A parser for a safe integer within `range` (a seed, a count).
 *
 * @example
 * command.option('--max-trials <n>', 'most trials', integerOption({ min: 1 }));
 */
export function integerOption(range: NumberRange = {}): (value: string) => number {
  return numericOption('an', 'integer', Number.isSafeInteger, range);
}

/**
 * A parser for one of a fixed list of words.
 *
 * @example
 * command.option('--task <task>', 'the task', choiceOption(['classification', 'regression'] as const));
 */
export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value) => {
    if ((choices as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`expected one of ${choices.join(', ')}`);
  };
}

/**
 * A parser for `--backend`: the choices the compute layer accepts (parseBackendChoice).
 *
 * @example
 * command.option('--backend <name>', 'compute backend: auto, js, native, gpu', backendOption);
 */
export function backendOption(value: string): BackendChoice {
  try {
    return parseBackendChoice(value, '--backend');
  } catch (error) {
    if (error instanceof MlsweepError) throw new InvalidArgumentError(error.message);
    throw error;
  }
}

/**
 * A parser for a comma-separated list (blank items dropped); an empty list is an error.
 *
 * @example
 * command.option('--allowed-models <list>', 'models to try', listOption); // 'a, b' -> ['a', 'b']
 */
export function listOption(value: string): string[] {
  const items = value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (items.length === 0) throw new InvalidArgumentError('expected a comma-separated list of names');
  return items;
}

/**
 * The repeated `--tag key=value` options as tags (a later key wins); a pair without a key
 * and `=` is a ValidationError naming `--tag`.
 *
 * @example
 * parseTags(['stage=prod', 'owner=ml']); // { stage: 'prod', owner: 'ml' }
 */
export function parseTags(pairs: readonly string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at < 1) throw new ValidationError(`--tag must be key=value, got '${pair}'`, { path: '--tag' });
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return tags;
}
