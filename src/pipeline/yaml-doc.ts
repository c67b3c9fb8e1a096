import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import { ConfigError } from '../core/errors.ts';
import { parseYamlFile } from '../data/yaml-file.ts';

/** A key path inside a YAML document: mapping keys and list indexes. */
export type YamlPath = readonly (string | number)[];

/** A component or pipeline file read as plain values, with errors that point at file:line:col. */
export interface YamlDoc {
  readonly file: string;
  readonly text: string;
  readonly value: unknown;
  /** A ConfigError at `path`: `file:line N, column C: key.path: message`. */
  error(path: YamlPath, message: string): ConfigError;
}

/**
 * Parses YAML text (one document, no duplicate keys) into plain values whose errors name
 * the line and column of a key: a pipeline's binding errors must point at the binding.
 *
 * @example
 * const doc = parseYamlDoc('jobs:\n  a: {}\n', 'p.yml');
 * doc.error(['jobs', 'a'], 'bad').message; // 'p.yml:line 2, column 3: jobs.a: bad'
 */
export function parseYamlDoc(text: string, file: string): YamlDoc {
  const parsed = parseYamlFile(text, file);
  return {
    file,
    text,
    value: parsed.value,
    error: (path, message) => {
      const at = position(text, path);
      return new ConfigError(message, {
        file,
        ...(at ? { line: at.line, column: at.column } : {}),
        keyPath: keyPath(path) || undefined,
      });
    },
  };
}

/** Key paths as errors write them: `jobs.train.inputs.data`, `paths[0]`. */
function keyPath(path: YamlPath): string {
  return path.reduce<string>(
    (s, seg) => (typeof seg === 'number' ? `${s}[${seg}]` : s ? `${s}.${seg}` : seg),
    '',
  );
}

/** The 1-based line and column of the deepest key (or list item) of `path` found. */
function position(text: string, path: YamlPath): { line: number; column: number } | undefined {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: false });
  const at = (node: unknown) => {
    const range = (node as Node | null | undefined)?.range;
    if (!range) return undefined;
    const { line, col } = counter.linePos(range[0]);
    return { line, column: col };
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
 * Reads and parses a YAML file (see parseYamlDoc); a missing file is a ConfigError naming it.
 *
 * @example
 * const doc = readYamlDoc('pipeline.yml');
 */
export function readYamlDoc(path: string): YamlDoc {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new ConfigError(`cannot read the file: ${(cause as Error).message}`, { file: path });
  }
  return parseYamlDoc(text, path);
}

/** Whether a value is a plain mapping (not null, not a list). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
