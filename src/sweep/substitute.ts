import { ValidationError } from '../core/errors.ts';
import type { ParamSet } from '../core/trial.ts';
import { PLACEHOLDER, type QuoteContext, scanCommand } from './shell-lexer.ts';

/** A placeholder found in a command line. */
export interface Placeholder {
  readonly kind: 'search_space' | 'inputs';
  readonly name: string;
}

/** Values for `${{inputs.NAME}}`: literals, or `{ path }` inputs (the path is the value). */
export type CommandInputs = Readonly<Record<string, string | number | boolean | { readonly path: string }>>;

/** A command line ready for `/bin/sh -c`, with the values it needs in its environment. */
export interface SubstitutedCommand {
  /** The command for the shell: each placeholder became a reference to an environment variable. */
  readonly command: string;
  /** The values, by variable name (`MLSWEEP_ARG_1`, ...): add them to the child's environment. */
  readonly env: Readonly<Record<string, string>>;
  /** The command with the values written in, quoted for their place: for people and logs, never run. */
  readonly display: string;
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
 * The command line with its placeholders replaced, safe by construction: no value is
 * ever written into the command. Each distinct placeholder gets an environment variable
 * (`MLSWEEP_ARG_1`, ...) holding its value (numbers in JavaScript's shortest round-trip
 * form, `{ path }` inputs as their path), and the placeholder becomes a reference to it
 * written for the quoting it sits in (see scanCommand): `"${MLSWEEP_ARG_1}"` unquoted,
 * `${MLSWEEP_ARG_1}` inside double quotes, `'"${MLSWEEP_ARG_1}"'` inside single quotes
 * (close, expand, reopen). A shell never parses the result of a parameter expansion
 * again, so a value such as `1; rm -rf ~` or `$(id)` reaches the program as one
 * argument, byte for byte, whichever quotes the user put around the placeholder. Inside
 * `$((...))`, where bash does evaluate the expansion, only an integer is accepted. A
 * program that evaluates its arguments itself (`sh -c`, `eval`) gets the value as code:
 * that is the program's choice. A placeholder without a value is an error naming it
 * (e.g. a parameter of an inactive conditional branch), as is a value holding a NUL
 * character, which no program argument can carry.
 *
 * @example
 * const { command, env, display } = substitute("train --tag '${{search_space.tag}}'", { tag: "it's" });
 * // command: `train --tag ''"${MLSWEEP_ARG_1}"''`, env: { MLSWEEP_ARG_1: "it's" }
 * // display: `train --tag 'it'\''s'`
 */
export function substitute(
  command: string,
  params: ParamSet,
  inputs: CommandInputs = {},
): SubstitutedCommand {
  const env: Record<string, string> = {};
  const names = new Map<string, string>();
  let shell = '';
  let display = '';
  for (const piece of scanCommand(command)) {
    if ('text' in piece) {
      shell += piece.text;
      display += piece.text;
      continue;
    }
    const value = placeholderValue(piece, params, inputs);
    const key = `${piece.kind}.${piece.name}`;
    let variable = names.get(key);
    if (variable === undefined) {
      variable = `MLSWEEP_ARG_${names.size + 1}`;
      names.set(key, variable);
      env[variable] = value;
    }
    shell += reference(variable, piece.context);
    display += written(value, piece.context);
  }
  return { command: shell, env, display };
}

function placeholderValue(
  piece: { kind: Placeholder['kind']; name: string; whole: string; context: QuoteContext },
  params: ParamSet,
  inputs: CommandInputs,
): string {
  const raw = piece.kind === 'search_space' ? params[piece.name] : inputs[piece.name];
  if (raw === undefined) {
    throw new ValidationError(
      `the command uses ${piece.whole}, but ${piece.kind === 'search_space' ? 'this trial has no parameter' : 'there is no input'} '${piece.name}'`,
      { path: 'trial.command' },
    );
  }
  const value = typeof raw === 'object' ? raw.path : String(raw);
  if (value.includes('\0')) {
    throw new ValidationError(
      `${piece.whole} is ${JSON.stringify(value)}, which holds a NUL character: no program argument can carry it`,
      { path: 'trial.command' },
    );
  }
  if (piece.context === 'arithmetic' && !/^[-+]?[0-9]+$/.test(value)) {
    throw new ValidationError(
      `${piece.whole} sits inside $((...)), where the shell evaluates it as an expression, so it must be an integer; got ${JSON.stringify(value)}`,
      { path: 'trial.command' },
    );
  }
  return value;
}

/** A reference to the variable that expands to exactly its value in this context, never re-parsed. */
function reference(variable: string, context: QuoteContext): string {
  switch (context) {
    case 'unquoted':
      return `"\${${variable}}"`;
    case 'single':
      return `'"\${${variable}}"'`;
    case 'ansi':
      return `'"\${${variable}}"$'`;
    case 'double':
    case 'arithmetic':
      return `\${${variable}}`;
  }
}

/** The value as a person would write it in this context (an equivalent command, for display). */
function written(value: string, context: QuoteContext): string {
  switch (context) {
    case 'unquoted':
      return shellQuote(value);
    case 'single':
      return value.replace(/'/g, `'\\''`);
    case 'ansi':
      return value.replace(/[\\']/g, '\\$&');
    case 'double':
      return value.replace(/[\\"$`]/g, '\\$&');
    case 'arithmetic':
      return value;
  }
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
