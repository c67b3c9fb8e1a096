/**
 * Errors of endpoint and deployment files at the exact spot of a key, line and column
 * (data/yaml-source.ts's keyPosition), and a ConfigError from config/issues.ts re-located
 * with it.
 */
import { ConfigError } from '../core/errors.ts';
import { joinKeyPath, type KeySegment, type SourcePosition, splitKeyPath } from '../data/yaml-source.ts';

/** A 1-based line and column. */
export type Position = SourcePosition;

/** Finds the position of a key path: the key of the deepest mapping entry (or list item) found. */
export type Locate = (path: readonly KeySegment[]) => Position | undefined;

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
