import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.ts';

/** A small YAML file read as plain values, with the line of any key path. */
export interface YamlFile {
  readonly file: string;
  readonly value: unknown;
  /** The 1-based line of the key (or list item) at `path`, or of the deepest part found. */
  line(path: readonly (string | number)[]): number | undefined;
  /** A ConfigError naming the file, the line of `path` and the key path. */
  error(path: readonly (string | number)[], message: string): ConfigError;
}

/** Key paths as the errors write them: `transformations[0].read_delimited.header`. */
function keyPath(path: readonly (string | number)[]): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * Parses YAML text (one document, no duplicate keys, aliases limited by the yaml library)
 * into plain values; a syntax error is a ConfigError naming the file and line. For the
 * small files of data assets, datastores and MLTables, whose errors must point at a line.
 *
 * @example
 * const doc = parseYamlFile('paths:\n  - file: a.csv\n', 'MLTable');
 * doc.line(['paths', 0, 'file']); // 2
 */
export function parseYamlFile(text: string, file: string): YamlFile {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  const lineAt = (offset: number): number | undefined => {
    try {
      return counter.linePos(offset).line;
    } catch {
      return undefined;
    }
  };
  const first = doc.errors[0];
  if (first !== undefined) {
    throw new ConfigError(`cannot parse the file: ${first.message.split('\n')[0]}`, {
      file,
      line: lineAt(first.pos[0]),
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (cause) {
    throw new ConfigError(`cannot read the file: ${(cause as Error).message}`, { file });
  }
  const line = (path: readonly (string | number)[]): number | undefined => {
    let node: unknown = doc.contents;
    let found = (node as Node | null)?.range ? lineAt((node as Node).range![0]) : undefined;
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (pair === undefined) break;
        const key = pair.key as Node;
        if (key.range) found = lineAt(key.range[0]);
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        const item = node.items[segment] as Node | undefined;
        if (item === undefined) break;
        if (item.range) found = lineAt(item.range[0]);
        node = item;
      } else break;
    }
    return found;
  };
  return {
    file,
    value,
    line,
    error: (path, message) =>
      new ConfigError(message, { file, line: line(path), keyPath: keyPath(path) || undefined }),
  };
}

/**
 * Reads and parses a YAML file (see parseYamlFile); a missing file is a ConfigError naming it.
 *
 * @example
 * const doc = readYamlFile('data.yml');
 */
export function readYamlFile(path: string): YamlFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the file: ${(cause as Error).message}`, { file: path });
  }
  return parseYamlFile(text, path);
}
