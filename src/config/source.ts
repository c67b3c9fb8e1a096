import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ConfigError } from '../errors.ts';

/** One key path segment: a mapping key or a list index. */
export type KeySegment = string | number;

/** A parsed sweep file: its plain value and where each key path sits. */
export interface SourceDocument {
  readonly file: string | undefined;
  readonly value: unknown;
  /** The 1-based line of the deepest node along `path` that exists (the key's line for a mapping entry). */
  line(path: readonly KeySegment[]): number | undefined;
}

/**
 * Parses YAML (and so JSON, a subset of YAML 1.2) keeping source positions, so that
 * every later error can name the line of the key it is about. Syntax errors and
 * duplicate keys are ConfigErrors with the file and line.
 *
 * @example
 * const doc = parseSource('limits:\n  max_total_trials: 0\n', 'sweep.yml');
 * doc.line(['limits', 'max_total_trials']); // 2
 */
export function parseSource(text: string, file?: string): SourceDocument {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first !== undefined) {
    const line = counter.linePos(first.pos[0]).line;
    const message = first.message.split('\n')[0] ?? first.message;
    throw new ConfigError(`cannot parse the file: ${message}`, { file, line, cause: first });
  }
  const lineOf = (node: Node | null | undefined): number | undefined =>
    node?.range ? counter.linePos(node.range[0]).line : undefined;
  return {
    file,
    value: doc.toJS({ maxAliasCount: 1000 }),
    line(path) {
      let node = doc.contents as Node | null;
      let line = lineOf(node);
      for (const segment of path) {
        if (isMap(node)) {
          const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
          if (pair === undefined) break;
          line = lineOf(pair.key as Node) ?? line;
          node = pair.value as Node | null;
        } else if (isSeq(node) && typeof segment === 'number') {
          const item = node.items[segment] as Node | undefined;
          if (item === undefined) break;
          line = lineOf(item) ?? line;
          node = item;
        } else break;
      }
      return line;
    },
  };
}

/**
 * Splits a dotted key path with `[i]` indexes into segments.
 *
 * @example
 * splitKeyPath('search_space.model.values[1].C'); // ['search_space', 'model', 'values', 1, 'C']
 */
export function splitKeyPath(path: string): KeySegment[] {
  const out: KeySegment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) {
      out.push(part);
      continue;
    }
    if (m[1]) out.push(m[1]);
    for (const index of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/**
 * Joins segments into the dotted form used in messages.
 *
 * @example
 * joinKeyPath(['inputs', 'data', 'path']); // 'inputs.data.path'
 */
export function joinKeyPath(path: readonly KeySegment[]): string {
  return path.reduce<string>(
    (s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg),
    '',
  );
}
