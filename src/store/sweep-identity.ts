import { createHash } from 'node:crypto';

/**
 * What makes a sweep the sweep it is, as plain JSON: what a trial means (search space,
 * objective, sampling with its seed, early termination, the trial's command). A resume
 * with a different identity would mix two sweeps in one record. A store keeps it under
 * the tags SPEC_TAG and SPEC_HASH_TAG (store/tags.ts).
 */
export type SweepIdentity = { readonly [key: string]: IdentityValue };
type IdentityValue =
  | string
  | number
  | boolean
  | null
  | readonly IdentityValue[]
  | { readonly [key: string]: IdentityValue };

/**
 * The identity as JSON with every object's keys sorted: the same identity always gives
 * the same text, whatever order a file wrote its keys in.
 *
 * @example
 * canonicalJson({ b: 1, a: [2, { d: 3, c: 4 }] }); // '{"a":[2,{"c":4,"d":3}],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/**
 * The SHA-256 (hex) of the identity's canonical JSON.
 *
 * @example
 * identityHash({ objective: { goal: 'maximize' } }).length; // 64
 */
export function identityHash(identity: SweepIdentity): string {
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

/**
 * Where two identities differ, one phrase per differing leaf, by key path:
 * `search_space.x: stored choice [1,2,3], file choice [1,2]`. Objects are compared key
 * by key; anything else (strings, numbers, arrays) as a whole.
 *
 * @example
 * identityDifferences({ objective: { goal: 'maximize' } }, { objective: { goal: 'minimize' } });
 * // ['objective.goal: stored maximize, file minimize']
 */
export function identityDifferences(stored: unknown, current: unknown, path = ''): string[] {
  if (isObject(stored) && isObject(current)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(current)])].sort();
    return keys.flatMap((key) =>
      identityDifferences(stored[key], current[key], path ? `${path}.${key}` : key),
    );
  }
  if (canonicalJson(stored) === canonicalJson(current)) return [];
  return [`${path || '(the whole definition)'}: stored ${shown(stored)}, file ${shown(current)}`];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function shown(value: unknown): string {
  if (value === undefined || value === null) return '(none)';
  return typeof value === 'string' ? value : canonicalJson(value);
}
