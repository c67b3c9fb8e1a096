/**
 * Where a key sits in a YAML file, line and column, so that an error in an endpoint or
 * deployment file points at the exact spot (config/source.ts gives the line; this adds
 * the column), and a ConfigError from config/issues.ts re-located with it.
 */
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { joinKeyPath, type KeySegment, splitKeyPath } from '../config/source.ts';
import { ConfigError } from '../core/errors.ts';

/** A 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Finds the position of a key path: the key of the deepest mapping entry (or list item) found. */
export type Locate = (path: readonly KeySegment[]) => Position | undefined;

/**
 * The positions of a YAML text's keys. The text has already been read by parseSource
 * (which refuses bad syntax, alias bombs and the like), so this parse cannot fail in a
 * way that matters; an alias or merge key on the way stops the walk at the alias.
 *
 * @example
 * yamlPositions('a:\n  b: 1\n')(['a', 'b']); // { line: 2, column: 3 }
 */
export function yamlPositions(text: string): Locate {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  const at = (node: unknown): Position | undefined => {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    const { line, col } = counter.linePos(range[0]);
    return { line, column: col };
  };
  return (path) => {
    let node: unknown = doc.contents;
    let found = at(node);
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (pair === undefined) break;
        found = at(pair.key) ?? found;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment];
        if (item === undefined) break;
        found = at(item) ?? found;
        node = item;
      } else break;
    }
    return found;
  };
}

/**
 * A ConfigError at a key path, with its line and column.
 *
 * @example
 * throw errorAt(locate, 'blue.yml', ['instance_count'], 'must be >= 1, got 0');
 * // blue.yml:line 7, column 1: instance_count: must be >= 1, got 0
 */
export function errorAt(
  locate: Locate,
  file: string | undefined,
  path: readonly KeySegment[],
  message: string,
): ConfigError {
  const position = locate(path);
  return new ConfigError(message, {
    file,
    ...(position ? { line: position.line, column: position.column } : {}),
    keyPath: joinKeyPath(path) || undefined,
  });
}

/**
 * The same ConfigError with the column added (config/issues.ts's `check` names the file,
 * the line and the key path, not the column); any other error is returned as it is.
 *
 * @example
 * try { check(schema, value, [], doc); } catch (e) { throw withColumn(e, locate); }
 */
export function withColumn(error: unknown, locate: Locate): unknown {
  if (!(error instanceof ConfigError) || error.keyPath === undefined || error.column !== undefined)
    return error;
  const place = [error.file, error.line === undefined ? undefined : `line ${error.line}`]
    .filter((p) => p !== undefined)
    .join(':');
  const prefix = `${place ? `${place}: ` : ''}${error.keyPath}: `;
  if (!error.message.startsWith(prefix)) return error;
  return errorAt(locate, error.file, splitKeyPath(error.keyPath), error.message.slice(prefix.length));
}
