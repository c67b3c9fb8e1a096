import { EnvironmentBuildError } from './errors.ts';
import type { EnvironmentDefinition, Launcher } from './types.ts';
import { findOnPath } from './which.ts';

/**
 * The container runtime on PATH: docker, else podman; a clear error when neither is.
 *
 * @example
 * containerRuntime(definition, process.env.PATH); // '/usr/bin/docker'
 */
export function containerRuntime(definition: EnvironmentDefinition, pathEnv: string | undefined): string {
  const found = findOnPath('docker', pathEnv) ?? findOnPath('podman', pathEnv);
  if (found !== undefined) return found;
  throw new EnvironmentBuildError(
    `environment ${definition.name}:${definition.version}: image ${definition.image} needs docker or podman on PATH, and neither was found (install one, or use a Node or conda environment)`,
    'E_ENV_NO_RUNTIME',
  );
}

/**
 * How a command runs in an image: `<runtime> run --rm` with the working folder mounted at
 * the same path and used as working directory, the environment's variables set, and
 * the host variables the caller names passed by `-e NAME`.
 *
 * @example
 * imageLauncher(definition, '/usr/bin/docker', '/work'); // { before: ['/usr/bin/docker', 'run', …], envFlag: '-e', after: [image] }
 */
export function imageLauncher(definition: EnvironmentDefinition, runtime: string, cwd: string): Launcher {
  const variables = Object.entries(definition.environmentVariables).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return {
    before: [runtime, 'run', '--rm', '-v', `${cwd}:${cwd}`, '-w', cwd, ...variables],
    envFlag: '-e',
    after: [definition.image!],
  };
}
