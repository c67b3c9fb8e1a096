/**
 * A search space on its own, in a YAML or JSON file (what `mlsweep study create
 * --search-space` takes): the mapping a sweep file has under `search_space`, either at
 * the top of the file or under a `search_space` key.
 */
import { ValidationError } from '../core/errors.ts';
import { readConfigText } from '../data/yaml-file.ts';
import { type KeySegment, parseSource, splitKeyPath } from '../data/yaml-source.ts';
import { searchSpace } from '../space/parse.ts';
import type { SearchSpace } from '../space/types.ts';
import { configError, show } from './issues.ts';

/**
 * Reads a search space file; a ConfigError names the file, the line and the key of a
 * mistake.
 *
 * @example
 * const space = loadSearchSpaceFile('space.yml'); // lr: { type: loguniform, min_value: -7, max_value: -1 } ...
 */
export function loadSearchSpaceFile(path: string): SearchSpace {
  const text = readConfigText(path, 'the search space file');
  const doc = parseSource(text, path);
  const value = doc.value;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw configError(doc, [], `a search space file is a mapping of parameters, got ${show(value)}`);
  }
  const nested = Object.hasOwn(value, 'search_space');
  const root: KeySegment[] = nested ? ['search_space'] : [];
  try {
    return searchSpace(nested ? (value as Record<string, unknown>)['search_space'] : value, 'search_space');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const keys = error.path ? splitKeyPath(error.path) : [];
    const inner = keys[0] === 'search_space' ? keys.slice(1) : keys;
    const message =
      error.path && error.message.startsWith(`${error.path}: `)
        ? error.message.slice(error.path.length + 2)
        : error.message;
    throw configError(doc, [...root, ...inner], message);
  }
}
