/**
 * Builds a search space from its YAML/JSON form (Azure's `{type, ...}` mappings), the
 * expression form (`"uniform(0.0001, 0.01)"`), distributions made in code, and
 * constants, with errors that name the path of the bad parameter and the value it got.
 */
import { Choice, type ChoiceOption } from './choice.ts';
import { isParamValue, Normal, RandInt, Uniform } from './distributions.ts';
import { looksLikeExpression, POSITIONAL, parseExpression } from './expression.ts';
import { invalid } from './invalid.ts';
import { didYouMean } from './nearest.ts';
import { fmt } from './numbers.ts';
import { Space, type SpaceEntry } from './space.ts';
import type { Distribution, DistributionType } from './types.ts';

/** The distribution types, in the order messages list them. */
export const DISTRIBUTION_TYPES = Object.keys(POSITIONAL) as DistributionType[];

const KEYS: Readonly<Record<DistributionType, readonly string[]>> = Object.fromEntries(
  DISTRIBUTION_TYPES.map((t) => [t, ['type', ...(POSITIONAL[t] as readonly string[])]]),
) as unknown as Record<DistributionType, readonly string[]>;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return `the list ${JSON.stringify(value)}`;
  if (isPlainObject(value)) return `a mapping with keys ${Object.keys(value).join(', ') || '(none)'}`;
  return fmt(value);
}

function isDistribution(value: unknown): value is Distribution {
  return (
    value instanceof Choice || value instanceof Uniform || value instanceof Normal || value instanceof RandInt
  );
}

/**
 * Builds a SearchSpace from a definition. `path` prefixes error paths (the config
 * loader passes `search_space`); option sub-spaces report `values[i]` in their path.
 *
 * @example
 * const space = searchSpace({
 *   lr: { type: 'loguniform', min_value: -9, max_value: -2 },
 *   batch: 'choice(16, 32, 64)',
 *   depth: randint(10),
 * });
 */
export function searchSpace(definition: unknown, path = ''): Space {
  if (definition instanceof Space) return definition;
  if (!isPlainObject(definition)) {
    throw invalid(
      path,
      `a search space is a mapping of parameter names to distributions, got ${describe(definition)}`,
    );
  }
  const entries: Array<[string, SpaceEntry]> = [];
  for (const [name, value] of Object.entries(definition)) {
    entries.push([name, parseEntry(value, path ? `${path}.${name}` : name)]);
  }
  return new Space(entries, path);
}

/**
 * One entry: a distribution (object form, expression string or instance) or a constant.
 *
 * @example
 * parseEntry('randint(5)', 'depth'); // RandInt { upper: 5 }
 */
export function parseEntry(value: unknown, path: string): SpaceEntry {
  if (isDistribution(value)) return value;
  if (typeof value === 'string' && looksLikeExpression(value))
    return parseDefinition(parseExpression(value, path), path);
  if (isParamValue(value)) return value;
  if (Array.isArray(value)) {
    throw invalid(path, `got ${describe(value)}; a list of options is written {type: choice, values: [...]}`);
  }
  if (isPlainObject(value)) return parseDefinition(value, path);
  throw invalid(path, `expected a distribution or a value, got ${describe(value)}`);
}

/**
 * A distribution from its object form `{type, ...parameters}`.
 *
 * @example
 * parseDefinition({ type: 'normal', mu: 0, sigma: 1 }, 'x'); // Normal
 */
export function parseDefinition(def: Record<string, unknown>, path: string): Distribution {
  const type = def.type;
  if (type === undefined) {
    throw invalid(path, `needs a type (one of ${DISTRIBUTION_TYPES.join(', ')}), got ${describe(def)}`);
  }
  if (typeof type !== 'string' || !(type in KEYS)) {
    const hint = typeof type === 'string' ? didYouMean(type, DISTRIBUTION_TYPES) : '';
    throw invalid(
      `${path}.type`,
      `unknown distribution type ${fmt(type)};${hint || ` expected one of ${DISTRIBUTION_TYPES.join(', ')}`}`,
    );
  }
  const t = type as DistributionType;
  const allowed = KEYS[t];
  for (const key of Object.keys(def)) {
    if (!allowed.includes(key)) {
      const hint = didYouMean(key, allowed);
      throw invalid(
        `${path}.${key}`,
        `${t} has no parameter ${fmt(key)};${hint || ` its parameters are ${allowed.slice(1).join(', ')}`}`,
      );
    }
  }
  for (const key of allowed) {
    if (def[key] === undefined) throw invalid(path, `${t} needs ${key}, which is missing`);
  }
  switch (t) {
    case 'choice':
      return new Choice(parseOptions(def.values, `${path}.values`), path);
    case 'randint':
      return new RandInt(def.upper, path);
    case 'uniform':
    case 'loguniform':
    case 'quniform':
    case 'qloguniform':
      return new Uniform(t, def.min_value, def.max_value, def.q, path);
    default:
      return new Normal(t, def.mu, def.sigma, def.q, path);
  }
}

function parseOptions(values: unknown, path: string): ChoiceOption[] {
  if (!Array.isArray(values)) throw invalid(path, `choice needs a list of values, got ${describe(values)}`);
  return values.map((option, i) => {
    const where = `${path}[${i}]`;
    if (isParamValue(option)) return option;
    if (isPlainObject(option) || option instanceof Space) return searchSpace(option, where);
    throw invalid(
      where,
      `a choice option is a number, string, boolean or sub-space mapping, got ${describe(option)}`,
    );
  });
}
