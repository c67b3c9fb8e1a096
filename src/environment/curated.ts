import { createHash } from 'node:crypto';
import type { EnvironmentDefinition } from './types.ts';

/**
 * The curated environments that ship with mlsweep: the running Node's, named
 * `mlsweep-node-<major>` (version: the full Node version without its `v`). It needs no
 * build, adds no variables, and runs commands as they are.
 *
 * @example
 * curatedEnvironments()[0]!.name; // 'mlsweep-node-20'
 */
export function curatedEnvironments(nodeVersion: string = process.version): EnvironmentDefinition[] {
  const major = nodeVersion.replace(/^v/, '').split('.')[0];
  return [
    {
      name: `mlsweep-node-${major}`,
      version: nodeVersion.replace(/^v/, ''),
      description: `the Node.js ${nodeVersion} running mlsweep, with mlsweep's own packages (curated)`,
      environmentVariables: {},
      kind: 'node',
      curated: true,
    },
  ];
}

/**
 * The hash of a curated environment: of its name and version (its content is the running Node).
 *
 * @example
 * curatedHash(curatedEnvironments()[0]!);
 */
export function curatedHash(definition: EnvironmentDefinition): string {
  return createHash('sha256').update(`curated\0${definition.name}\0${definition.version}`).digest('hex');
}
