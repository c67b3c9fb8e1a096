import { readFileSync } from 'node:fs';
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.ts';

/** A small YAML file read as plain values, with the line of any key path. */
export interface YamlFile {
  readonly file: string;
  readonly value: unknown;
  /** The 1-based line of the key (or list item) at `path`, or of the deepest part found. */
  line(path: YamlPath): number | undefined;
  /** A ConfigError naming the file, the line of `path` and the key path. */
  error(path: YamlPath, message: string): ConfigError;
}

/** A key path inside a YAML document: mapping keys and list indexes. */
export type YamlPath = readonly (string | number)[];

/** A 1-based line and column. */
export interface YamlPosition {
  readonly line: number;
  readonly column: number;
}

/**
 * Key paths as the errors write them: `transformations[0].read_delimited.header`.
 *
 * @example
 * yamlKeyPath(['paths', 0, 'file']); // 'paths[0].file'
 */
export function yamlKeyPath(path: YamlPath): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/**
 * The position of a key path in a parsed document: the key of the deepest mapping entry
 * (or the deepest list item) of `path` found, else the document's start. The one walker
 * behind every YAML error that names a line (data assets, pipelines, endpoints); an alias
 * or merge key on the way stops the walk there.
 */
function walk(doc: Document, counter: LineCounter, path: YamlPath): YamlPosition | undefined {
  const at = (node: unknown): YamlPosition | undefined => {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    try {
      const { line, col } = counter.linePos(range[0]);
      return { line, column: col };
    } catch {
      return undefined;
    }
  };
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
}

/**
 * The positions of a YAML text's keys (see walk). For text already read and checked
 * elsewhere (duplicate keys are allowed here: the last one is not what is looked for).
 *
 * @example
 * yamlPositions('a:\n  b: 1\n')(['a', 'b']); // { line: 2, column: 3 }
 */
export function yamlPositions(text: string): (path: YamlPath) => YamlPosition | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  return (path) => walk(doc, counter, path);
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
  const line = (path: YamlPath): number | undefined => walk(doc, counter, path)?.line;
  return {
    file,
    value,
    line,
    error: (path, message) =>
      new ConfigError(message, { file, line: line(path), keyPath: yamlKeyPath(path) || undefined }),
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
