import { createHash } from 'node:crypto';
import type { EnvironmentDefinition } from './types.ts';

/** JSON with the keys of every object sorted, so equal content always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The content hash of an environment: sha256 of its kind, packages (package.json and
 * lockfile text, conda requirements), image and variables — not its name, version or
 * description, so two names for the same content share one build.
 *
 * @example
 * environmentHash({ name: 'a', version: '1', description: '', environmentVariables: {}, kind: 'image', image: 'node:20' });
 */
export function environmentHash(definition: EnvironmentDefinition): string {
  const content = {
    kind: definition.kind,
    node: definition.node,
    conda: definition.conda,
    image: definition.image,
    environmentVariables: definition.environmentVariables,
  };
  return createHash('sha256').update(canonical(content)).digest('hex');
}
