import type { DistributionDefinition, SearchSpaceDefinition } from '../space/types.ts';
import type { TrialResult } from '../sweep/types.ts';

/** How a parameter is drawn on an axis. */
export type ParamScale =
  | { readonly kind: 'log' | 'linear' }
  | { readonly kind: 'category'; readonly values: readonly string[] };

const LOG_TYPES = new Set(['loguniform', 'lognormal', 'qloguniform', 'qlognormal']);
const LOG_EXPRESSION = /^\s*q?log(uniform|normal)\s*\(/;

/**
 * The axis scale of every parameter that appears in the trials: categories for strings
 * and booleans, log for log-distributions of the space (where the space is given),
 * linear otherwise.
 *
 * @example
 * paramScales(trials, { lr: { type: 'loguniform', min_value: -9, max_value: -2 } }); // { lr: { kind: 'log' } }
 */
export function paramScales(
  trials: readonly TrialResult[],
  space?: SearchSpaceDefinition,
): Record<string, ParamScale> {
  const names = new Set<string>();
  for (const t of trials) for (const name of Object.keys(t.params)) names.add(name);
  const scales: Record<string, ParamScale> = {};
  for (const name of [...names].sort()) {
    const values = trials.map((t) => t.params[name]).filter((v) => v !== undefined);
    if (values.some((v) => typeof v !== 'number')) {
      scales[name] = { kind: 'category', values: [...new Set(values.map(String))].sort() };
    } else {
      const definition = space ? findDefinition(space, name.split('.')) : undefined;
      const positive = values.every((v) => (v as number) > 0);
      scales[name] = { kind: positive && definition !== undefined && isLog(definition) ? 'log' : 'linear' };
    }
  }
  return scales;
}

function isLog(definition: DistributionDefinition | string): boolean {
  return typeof definition === 'string' ? LOG_EXPRESSION.test(definition) : LOG_TYPES.has(definition.type);
}

/** The definition at a dotted path, looking inside the sub-spaces of conditional choices. */
function findDefinition(
  space: SearchSpaceDefinition,
  path: readonly string[],
): DistributionDefinition | string | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  const entry = space[head];
  if (entry === undefined || typeof entry === 'number' || typeof entry === 'boolean') return undefined;
  if (rest.length === 0) return entry;
  if (typeof entry === 'string' || entry.type !== 'choice') return undefined;
  for (const option of entry.values ?? []) {
    if (typeof option === 'object' && option !== null) {
      const found = findDefinition(option, rest);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
