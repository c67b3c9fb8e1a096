// Environments: where a command runs (the running Node, a Node project, a Python venv
// from a conda file, a container image), built once into a content-addressed cache under
// the store and reused. Engines call resolveEnvironment and run `wrap(argv)` with `env`.
export { buildConda, condaVariables } from './build-conda.ts';
export { buildNode, nodeVariables } from './build-node.ts';
export { builtManifest, type CacheManifest, cacheRoot, ensureBuilt } from './cache.ts';
export { condaRequirements, isCondaOnly } from './conda.ts';
export { curatedEnvironments } from './curated.ts';
export { EnvironmentBuildError } from './errors.ts';
export { environmentHash } from './hash.ts';
export { containerRuntime, imageLauncher } from './image.ts';
export { launch } from './launcher.ts';
export { type EnvironmentRecord, Environments, hashOf } from './registry.ts';
export {
  environmentDefinition,
  environmentTags,
  parseEnvironmentReference,
  type RealiseEnvironmentOptions,
  type ResolveEnvironmentOptions,
  realiseEnvironment,
  resolveEnvironment,
} from './resolve.ts';
export { type ReadEnvironment, readEnvironmentFile, readEnvironmentObject } from './spec.ts';
export {
  type CondaRequirements,
  ENVIRONMENT_KINDS,
  type EnvironmentDefinition,
  type EnvironmentKind,
  type Launcher,
  type ResolvedEnvironment,
} from './types.ts';
