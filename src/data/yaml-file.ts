import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { joinKeyPath, type KeySegment, parseSource, type SourcePosition } from './yaml-source.ts';

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
  return parseYamlFile(readYamlText(path), path);
}

/**
 * A YAML file's text; a missing or unreadable file is a ConfigError naming it.
 *
 * @example
 * parseYamlFile(readYamlText('MLTable'), 'MLTable');
 */
export function readYamlText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the file: ${(cause as Error).message}`, { file: path });
  }
}
