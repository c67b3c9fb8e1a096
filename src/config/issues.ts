import { z } from 'zod';
import { ConfigError } from '../core/errors.ts';
import { joinKeyPath, type KeySegment, type SourceDocument } from '../data/yaml-source.ts';
import { didYouMean, didYouMeanAfterList } from '../space/nearest.ts';

type Issue = z.core.$ZodIssue;

/**
 * The value at `path` inside a plain JS value, or undefined.
 *
 * @example
 * valueAt({ limits: { timeout: 5 } }, ['limits', 'timeout']); // 5
 */
export function valueAt(root: unknown, path: readonly KeySegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

/**
 * A value as a message shows it.
 *
 * @example
 * show('maximise'); // "'maximise'"
 * show([1, 2]); // 'a list ([1,2])'
 */
export function show(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return `a list (${JSON.stringify(value)})`;
  if (typeof value === 'object') return `a mapping (${Object.keys(value).join(', ') || 'empty'})`;
  return String(value);
}

const EXPECTED: Record<string, string> = {
  int: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'true or false',
  object: 'a mapping',
  record: 'a mapping',
  array: 'a list',
};

/** The keys a strict object schema allows at `path` below `schema`. */
function keysAt(schema: z.ZodType, path: readonly KeySegment[]): string[] {
  let s: unknown = schema;
  const unwrap = () => {
    while (s instanceof z.ZodOptional) s = s.unwrap();
  };
  unwrap();
  for (const seg of path) {
    if (!(s instanceof z.ZodObject)) return [];
    s = (s.shape as Record<string, unknown>)[String(seg)];
    unwrap();
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

function describeIssue(
  issue: Issue,
  value: unknown,
  schema: z.ZodType,
): { message: string; extra?: KeySegment } {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] as string;
      const allowed = keysAt(schema, issue.path as KeySegment[]);
      const hint = didYouMean(key, allowed);
      return {
        message: `unknown key '${key}';${hint || ` valid keys are ${allowed.join(', ')}`}`,
        extra: key,
      };
    }
    case 'invalid_type': {
      const last = issue.path[issue.path.length - 1];
      if (value === undefined) return { message: `missing required key '${String(last)}'` };
      return { message: `expected ${EXPECTED[issue.expected] ?? issue.expected}, got ${show(value)}` };
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? `'${v}'` : String(v)));
      const hint = typeof value === 'string' ? didYouMeanAfterList(value, issue.values.map(String)) : '';
      return { message: `expected ${values.join(' or ')}, got ${show(value)}${hint}` };
    }
    case 'invalid_union':
      // The only unions are the scalar values of tags and environment_variables.
      return { message: `expected a string, number or boolean, got ${show(value)}` };
    case 'too_small':
      if (issue.origin === 'string') return { message: 'must not be empty' };
      return {
        message: `must be ${issue.inclusive ? '>=' : '>'} ${String(issue.minimum)}, got ${show(value)}`,
      };
    case 'too_big':
      return {
        message: `must be ${issue.inclusive ? '<=' : '<'} ${String(issue.maximum)}, got ${show(value)}`,
      };
    default:
      return { message: issue.message };
  }
}

/**
 * Validates `value` (found at `base` in the document) against `schema`; on failure
 * throws a ConfigError for the problem that comes first in the file, naming the file,
 * line and key path, with the nearest valid key for a misspelt one.
 *
 * @example
 * const limits = check(limitsSchema, doc.value.limits, ['limits'], doc);
 */
export function check<T extends z.ZodType>(
  schema: T,
  value: unknown,
  base: readonly KeySegment[],
  doc: SourceDocument,
): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const located = result.error.issues.map((issue) => {
    const path = [...base, ...(issue.path as KeySegment[])];
    const found = valueAt(value, issue.path as KeySegment[]);
    const { message, extra } = describeIssue(issue, found, schema);
    const keyPath = extra === undefined ? path : [...path, extra];
    // A misspelt key also makes its correct spelling "missing": report the misspelling
    // first, then wrong values at their own lines, then keys that are missing.
    const missing = issue.code === 'invalid_type' && found === undefined;
    const rank = issue.code === 'unrecognized_keys' ? 0 : missing ? 2 : 1;
    return { message, keyPath, line: doc.line(keyPath) ?? 0, rank };
  });
  located.sort((a, b) => a.rank - b.rank || a.line - b.line);
  const first = located[0] as (typeof located)[number];
  const more =
    located.length > 1 ? ` (and ${located.length - 1} more problem${located.length > 2 ? 's' : ''})` : '';
  throw new ConfigError(`${first.message}${more}`, {
    file: doc.file,
    line: first.line || undefined,
    keyPath: joinKeyPath(first.keyPath),
  });
}

/**
 * A ConfigError located at a key path of the document.
 *
 * @example
 * throw configError(doc, ['limits', 'timeout'], 'must be positive');
 */
export function configError(doc: SourceDocument, path: readonly KeySegment[], message: string): ConfigError {
  return new ConfigError(message, {
    file: doc.file,
    line: doc.line(path),
    keyPath: joinKeyPath(path) || undefined,
  });
}
