/**
 * The string expression form of Azure AutoML sweeps: `"uniform(0.0001, 0.01)"`,
 * `"choice(16, 32, 64)"`, `"choice('sgd', 'adam')"`. Arguments are numbers, quoted
 * strings, true/false, bare words (strings) or one bracketed list for `choice`, given
 * by position in Azure's parameter order or by name (`uniform(min_value=0, max_value=1)`).
 */
import type { ParamValue } from '../core/trial.ts';
import { invalid } from './invalid.ts';
import type { DistributionType } from './types.ts';

/** Each distribution's parameters in positional order. */
export const POSITIONAL: Readonly<Record<DistributionType, readonly string[]>> = {
  choice: ['values'],
  randint: ['upper'],
  uniform: ['min_value', 'max_value'],
  loguniform: ['min_value', 'max_value'],
  quniform: ['min_value', 'max_value', 'q'],
  qloguniform: ['min_value', 'max_value', 'q'],
  normal: ['mu', 'sigma'],
  lognormal: ['mu', 'sigma'],
  qnormal: ['mu', 'sigma', 'q'],
  qlognormal: ['mu', 'sigma', 'q'],
};

/**
 * Whether a string is written as a call, `name(...)`, and so must be a distribution:
 * it starts with a distribution name and '(' or it has the whole shape of a call.
 *
 * @example
 * looksLikeExpression('uniform(0, 1'); // true (and its parse error will say why)
 * looksLikeExpression('relu'); // false: a constant
 */
export function looksLikeExpression(text: string): boolean {
  const call = /^\s*([A-Za-z_]\w*)\s*\(/.exec(text);
  if (call === null) return false;
  return (call[1] as string) in POSITIONAL || /\)\s*$/.test(text);
}

type Token = { kind: 'word' | 'number' | 'string' | 'punct'; text: string; value?: ParamValue; at: number };

const TOKEN =
  /\s*(?:([A-Za-z_]\w*)|([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|'([^']*)'|"([^"]*)"|([()[\],=]))/y;

function tokenize(text: string, path: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    TOKEN.lastIndex = at;
    const m = TOKEN.exec(text);
    if (!m) throw syntax(text, at, path, 'unexpected character');
    const start = at + (m[0].length - m[0].trimStart().length);
    if (m[1] !== undefined) tokens.push({ kind: 'word', text: m[1], at: start });
    else if (m[2] !== undefined) tokens.push({ kind: 'number', text: m[2], value: Number(m[2]), at: start });
    else if (m[3] !== undefined || m[4] !== undefined) {
      const s = m[3] ?? m[4] ?? '';
      tokens.push({ kind: 'string', text: s, value: s, at: start });
    } else tokens.push({ kind: 'punct', text: m[5] as string, at: start });
    at = TOKEN.lastIndex;
  }
  return tokens;
}

function syntax(text: string, at: number, path: string, what: string) {
  return invalid(path, `cannot read the expression "${text}": ${what} at column ${at + 1}`);
}

/**
 * Parses an expression into a distribution definition object (not yet validated).
 *
 * @example
 * parseExpression('quniform(0, 10, 2)', 'lr'); // { type: 'quniform', min_value: 0, max_value: 10, q: 2 }
 */
export function parseExpression(text: string, path: string): Record<string, unknown> {
  const tokens = tokenize(text, path);
  let i = 0;
  const peek = () => tokens[i];
  const expect = (p: string) => {
    const t = tokens[i];
    if (t?.kind !== 'punct' || t.text !== p)
      throw syntax(text, t?.at ?? text.length, path, `expected '${p}'`);
    i++;
  };
  const value = (): ParamValue | ParamValue[] => {
    const t = tokens[i++];
    if (t === undefined) throw syntax(text, text.length, path, 'expected a value');
    if (t.kind === 'number' || t.kind === 'string') return t.value as ParamValue;
    if (t.kind === 'word')
      return /^(true|True)$/.test(t.text) ? true : /^(false|False)$/.test(t.text) ? false : t.text;
    if (t.text === '[') {
      const list: ParamValue[] = [];
      while (peek()?.text !== ']') {
        const v = value();
        if (Array.isArray(v)) throw syntax(text, t.at, path, 'nested lists are not parameter values');
        list.push(v);
        if (peek()?.text === ',') i++;
        else break;
      }
      expect(']');
      return list;
    }
    throw syntax(text, t.at, path, `unexpected '${t.text}'`);
  };

  const name = tokens[i++];
  if (name?.kind !== 'word') throw syntax(text, 0, path, 'expected a distribution name');
  expect('(');
  const positional: Array<ParamValue | ParamValue[]> = [];
  const named: Record<string, unknown> = {};
  while (peek() !== undefined && peek()?.text !== ')') {
    const t = peek() as Token;
    if (t.kind === 'word' && tokens[i + 1]?.text === '=') {
      i += 2;
      named[t.text] = value();
    } else {
      if (Object.keys(named).length > 0)
        throw syntax(text, t.at, path, 'a positional argument after a named one');
      positional.push(value());
    }
    if (peek()?.text === ',') i++;
    else break;
  }
  expect(')');
  if (i < tokens.length)
    throw syntax(text, (tokens[i] as Token).at, path, 'unexpected text after the closing parenthesis');

  const type = name.text;
  const order = POSITIONAL[type as DistributionType];
  if (order === undefined) return { type, ...named };
  if (type === 'choice') {
    const values = positional.length === 1 && Array.isArray(positional[0]) ? positional[0] : positional;
    return { type, ...(positional.length > 0 ? { values } : {}), ...named };
  }
  if (positional.length > order.length) {
    throw invalid(
      path,
      `${type} takes ${order.length} arguments (${order.join(', ')}), got ${positional.length} in "${text}"`,
    );
  }
  const def: Record<string, unknown> = { type };
  positional.forEach((v, k) => {
    def[order[k] as string] = v;
  });
  return { ...def, ...named };
}
