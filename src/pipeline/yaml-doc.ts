import type { ConfigError } from '../core/errors.ts';
import { errorAt, parseYamlFile, readConfigText, type YamlPath } from '../data/yaml-file.ts';

export type { YamlPath } from '../data/yaml-file.ts';

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
    error: (path, message) => errorAt(parsed.keyPosition, file, path, message),
  };
}

/**
 * Reads and parses a YAML file (see parseYamlDoc); a missing file is a ConfigError naming it.
 *
 * @example
 * const doc = readYamlDoc('pipeline.yml');
 */
export function readYamlDoc(path: string): YamlDoc {
  return parseYamlDoc(readConfigText(path), path);
}

/** Whether a value is a plain mapping (not null, not a list). */
export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
