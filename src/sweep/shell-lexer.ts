/**
 * Where a placeholder sits in a POSIX shell command line: the quoting the shell applies
 * at that point. `unquoted` also covers the inside of `$(...)` and backquotes (each
 * starts a fresh command); `ansi` is bash's `$'...'`; `arithmetic` is `$((...))` or
 * bash's `((...))`, where bash evaluates the text of an expansion as an expression.
 */
export type QuoteContext = 'unquoted' | 'single' | 'double' | 'ansi' | 'arithmetic';

/** A piece of a scanned command line: text as written, or a placeholder and its context. */
export type CommandPiece =
  | { readonly text: string }
  | {
      readonly kind: 'search_space' | 'inputs';
      readonly name: string;
      /** The placeholder as written, e.g. `${{ search_space.lr }}`. */
      readonly whole: string;
      readonly context: QuoteContext;
    };

/** What `${{search_space.NAME}}` and `${{inputs.NAME}}` look like (spaces allowed inside the braces). */
export const PLACEHOLDER = /\$\{\{\s*(search_space|inputs)\.([A-Za-z0-9_.-]+)\s*\}\}/g;

type Frame =
  /** A command: the top level, `$(...)` (ends at its `)`) or backquotes (ends at the next backquote). */
  | { kind: 'code'; end: 'eof' | ')' | '`'; depth: number }
  | { kind: 'single' | 'double' | 'ansi' }
  | { kind: 'arithmetic'; depth: number };

const WORD_START = /[\s;&|()]/;

/**
 * Splits a command line into text and placeholders, each placeholder with the quoting
 * context the shell will read it in. A small lexer of POSIX shell quoting: single and
 * double quotes, backslash escapes, `$'...'`, `$(...)`, backquotes, `$((...))` and
 * comments; not here-documents or `case` patterns. It only has to be right for the
 * value to arrive intact: whatever context it assumes, the replacement substitute()
 * writes is a parameter expansion, whose result a shell never parses as code.
 *
 * @example
 * scanCommand(`train --tag '\${{search_space.tag}}'`);
 * // [{ text: "train --tag '" }, { kind: 'search_space', name: 'tag', whole: '${{search_space.tag}}', context: 'single' }, { text: "'" }]
 */
export function scanCommand(command: string): CommandPiece[] {
  const pieces: CommandPiece[] = [];
  const stack: Frame[] = [{ kind: 'code', end: 'eof', depth: 0 }];
  const placeholder = new RegExp(PLACEHOLDER.source, 'y');
  let text = '';
  const matchAt = (at: number): RegExpExecArray | null => {
    placeholder.lastIndex = at;
    return command[at] === '$' ? placeholder.exec(command) : null;
  };
  let i = 0;
  while (i < command.length) {
    const frame = stack[stack.length - 1]!;
    const found = matchAt(i);
    if (found) {
      if (text) pieces.push({ text });
      text = '';
      pieces.push({
        kind: found[1] as 'search_space' | 'inputs',
        name: found[2]!,
        whole: found[0],
        context: contextOf(frame),
      });
      i += found[0].length;
      continue;
    }
    const c = command[i]!;
    const next = command[i + 1];
    let step = 1;
    if (c === '\\' && frame.kind !== 'single' && frame.kind !== 'arithmetic') {
      // A backslash escapes the next character; before a placeholder it would escape the
      // `$` of the placeholder's text, gone once substituted, so it is dropped.
      if (matchAt(i + 1)) {
        i += 1;
        continue;
      }
      step = 2;
    } else if (frame.kind === 'single') {
      if (c === "'") stack.pop();
    } else if (frame.kind === 'ansi') {
      if (c === "'") stack.pop();
    } else if (frame.kind === 'double') {
      if (c === '"') stack.pop();
      else step = opensSubstitution(command, i, stack) ?? 1;
    } else if (frame.kind === 'arithmetic') {
      const opened = opensSubstitution(command, i, stack);
      if (opened !== undefined) step = opened;
      else if (c === '(') frame.depth++;
      else if (c === ')' && frame.depth === 0 && next === ')') {
        stack.pop();
        step = 2;
      } else if (c === ')') frame.depth = Math.max(0, frame.depth - 1);
    } else if (frame.kind === 'code') {
      const atWordStart = i === 0 || WORD_START.test(command[i - 1]!);
      if (c === '`' && frame.end === '`') stack.pop();
      else if (c === "'") stack.push({ kind: 'single' });
      else if (c === '"') stack.push({ kind: 'double' });
      else if (c === '$' && next === "'") {
        stack.push({ kind: 'ansi' });
        step = 2;
      } else if (c === '$' || c === '`') step = opensSubstitution(command, i, stack) ?? 1;
      else if (c === '#' && atWordStart) {
        // A comment runs to the end of the line: its quotes are no quotes.
        const nl = command.indexOf('\n', i);
        step = (nl === -1 ? command.length : nl) - i;
      } else if (c === '(' && next === '(' && atWordStart) {
        stack.push({ kind: 'arithmetic', depth: 0 }); // bash's ((...)); two subshells in dash
        step = 2;
      } else if (c === '(' && frame.end === ')') frame.depth++;
      else if (c === ')' && frame.end === ')') {
        if (frame.depth === 0) stack.pop();
        else frame.depth--;
      }
    }
    text += command.slice(i, i + step);
    i += step;
  }
  if (text) pieces.push({ text });
  return pieces;
}

/** `$((`, `$(` or a backquote at `i` opens a nested frame: returns how many characters it took. */
function opensSubstitution(command: string, i: number, stack: Frame[]): number | undefined {
  const c = command[i];
  if (c === '`') {
    stack.push({ kind: 'code', end: '`', depth: 0 });
    return 1;
  }
  if (c !== '$' || command[i + 1] !== '(') return undefined;
  if (command[i + 2] === '(') {
    stack.push({ kind: 'arithmetic', depth: 0 });
    return 3;
  }
  stack.push({ kind: 'code', end: ')', depth: 0 });
  return 2;
}

function contextOf(frame: Frame): QuoteContext {
  return frame.kind === 'code' ? 'unquoted' : frame.kind;
}
