import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import {
  joinKeyPath,
  type KeySegment,
  parseSource,
  type SourcePosition,
  splitKeyPath,
} from './yaml-source.ts';

/** A small YAML file read as plain values, with the line of any key path. */
export interface YamlFile {
  readonly file: string;
  readonly value: unknown;
  /** The 1-based line of the key (or list item) at `path`, or of the deepest part found. */
  line(path: YamlPath): number | undefined;
  /** As `line`, with the column of that key or item. */
  keyPosition(path: YamlPath): SourcePosition | undefined;
  /** A ConfigError naming the file, the line of `path` and the key path. */
  error(path: YamlPath, message: string): ConfigError;
}

/** A key path inside a YAML document: mapping keys and list indexes. */
export type YamlPath = readonly KeySegment[];

/** Finds the position of a key path: the key of the deepest mapping entry (or list item) found. */
export type Locate = (path: readonly KeySegment[]) => SourcePosition | undefined;

/**
 * A ConfigError at a key path, with the line and column `locate` finds for it.
 *
 * @example
 * throw errorAt(doc.keyPosition, 'blue.yml', ['instance_count'], 'must be >= 1, got 0');
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
 * Parses YAML text into plain values with parseSource (one document, no duplicate keys,
 * merge keys applied, aliases bounded); a syntax error is a ConfigError naming the file
 * and line. For the small files of data assets, datastores, MLTables, schedules and
 * environments, whose errors must point at a line.
 *
 * @example
 * const doc = parseYamlFile('paths:\n  - file: a.csv\n', 'MLTable');
 * doc.line(['paths', 0, 'file']); // 2
 */
export function parseYamlFile(text: string, file: string): YamlFile {
  const doc = parseSource(text, file);
  return {
    file,
    value: doc.value,
    line: doc.line,
    keyPosition: doc.keyPosition,
    error: (path, message) =>
      new ConfigError(message, { file, line: doc.line(path), keyPath: joinKeyPath(path) || undefined }),
  };
}

/**
 * Reads and parses a YAML file (see parseYamlFile); a missing file is a ConfigError naming it.
 *
 * @example
 * const doc = readYamlFile('data.yml');
 */
export function readYamlFile(path: string): YamlFile {
  return parseYamlFile(readConfigText(path), path);
}

/**
 * The text of a file a user writes (YAML, JSON); a missing or unreadable file is a
 * ConfigError naming it and `what` it is ("cannot read the sweep file: no such file").
 *
 * @example
 * parseYamlFile(readConfigText('MLTable'), 'MLTable');
 */
export function readConfigText(path: string, what = 'the file'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    const reason =
      (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (cause as Error).message;
    throw new ConfigError(`cannot read ${what}: ${reason}`, { file: path, cause });
  }
}

/**
 * Reads a settings file a user writes (JSON or YAML: JSON is YAML) as plain values; a
 * missing file or a syntax error is a ConfigError naming the file (and the line).
 *
 * @example
 * readSettingsFile('train.schema.json', 'the schema file'); // { task: 'regression', ... }
 */
export function readSettingsFile(path: string, what: string): unknown {
  return parseSource(readConfigText(path, what), path).value;
}

/**
 * A ConfigError at a key of a settings file, with the key's line and column when the file
 * can be read (again: this is the error path) and holds the key; else file and key path.
 *
 * @example
 * throw errorAtKey("must be 'classification' or 'regression', got 3", { file: 's.json', keyPath: 'task' });
 * // s.json:line 2, column 3: task: must be ...
 */
export function errorAtKey(
  message: string,
  where: { readonly file?: string; readonly keyPath: string },
): ConfigError {
  let at: SourcePosition | undefined;
  if (where.file !== undefined) {
    try {
      at = parseSource(readFileSync(where.file, 'utf8'), where.file).keyPosition(splitKeyPath(where.keyPath));
    } catch {
      at = undefined; // the file changed or went away since: the key path alone
    }
  }
  return new ConfigError(message, { ...where, ...(at ? { line: at.line, column: at.column } : {}) });
}
