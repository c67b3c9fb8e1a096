import { ValidationError } from '../errors.ts';
import type { ParamSet } from '../samplers/types.ts';

const PLACEHOLDER = /\$\{\{\s*(search_space|inputs)\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/** A placeholder found in a command line. */
export interface Placeholder {
  readonly kind: 'search_space' | 'inputs';
  readonly name: string;
}

/**
 * The `${{search_space.NAME}}` and `${{inputs.NAME}}` placeholders of a command line.
 *
 * @example
 * placeholders('python train.py --lr ${{search_space.lr}}'); // [{ kind: 'search_space', name: 'lr' }]
 */
export function placeholders(command: string): Placeholder[] {
  return [...command.matchAll(PLACEHOLDER)].map((m) => ({
    kind: m[1] as Placeholder['kind'],
    name: m[2]!,
  }));
}

/**
 * The command line with its placeholders replaced. Values are inserted as they print
 * (numbers in JavaScript's shortest round-trip form), single-quoted for the shell only
 * when they hold characters a shell would interpret. A placeholder without a value is an
 * error naming it (e.g. a parameter of an inactive conditional branch).
 *
 * @example
 * substitute('train --lr ${{search_space.lr}} --data ${{inputs.data}}', { lr: 0.01 }, { data: 'a b.csv' });
 * // "train --lr 0.01 --data 'a b.csv'"
 */
export function substitute(
  command: string,
  params: ParamSet,
  inputs: Readonly<Record<string, string | number | boolean | { readonly path: string }>> = {},
): string {
  return command.replace(PLACEHOLDER, (whole, kind: string, name: string) => {
    const value = kind === 'search_space' ? params[name] : inputs[name];
    if (value === undefined) {
      throw new ValidationError(
        `the command uses ${whole}, but ${kind === 'search_space' ? 'this trial has no parameter' : 'there is no input'} '${name}'`,
        { path: `trial.command` },
      );
    }
    return shellQuote(typeof value === 'object' ? value.path : String(value));
  });
}

/**
 * A word for a POSIX shell: as is when it is made of safe characters, else single-quoted.
 *
 * @example
 * shellQuote("it's"); // "'it'\\''s'"
 */
export function shellQuote(word: string): string {
  if (/^[A-Za-z0-9_.,:/=+@%-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
