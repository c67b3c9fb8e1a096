import { writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentBuildError } from './errors.ts';
import { lastLine, runCommand } from './process.ts';
import type { EnvironmentDefinition } from './types.ts';

/**
 * Builds a Node environment into `dir`: its package.json and lockfile, then `npm ci`
 * (offline from npm's cache first; with the registry when that fails).
 *
 * @example
 * await buildNode(definition, '/store/environments/.build-…');
 */
export async function buildNode(definition: EnvironmentDefinition, dir: string): Promise<void> {
  const node = definition.node!;
  writeFileSync(join(dir, 'package.json'), node.packageJson);
  writeFileSync(join(dir, node.lockfileName), node.lockfile);
  const args = ['ci', '--no-audit', '--no-fund', '--loglevel=error'];
  const offline = await runCommand('npm', [...args, '--offline'], { cwd: dir });
  if (offline.code === 0) return;
  const online = await runCommand('npm', args, { cwd: dir });
  if (online.code === 0) return;
  throw new EnvironmentBuildError(
    `environment ${definition.name}:${definition.version}: npm ci failed (exit ${online.code}): ${lastLine(online.stderr) || lastLine(online.stdout) || 'no output'}`,
  );
}

/**
 * The variables that run a command in a built Node environment: its `node_modules/.bin`
 * first on PATH and its `node_modules` on NODE_PATH, then the environment's own variables.
 *
 * @example
 * nodeVariables('/store/environments/ab12…', {}, process.env);
 */
export function nodeVariables(
  path: string,
  own: Readonly<Record<string, string>>,
  base: NodeJS.ProcessEnv,
): Record<string, string> {
  const modules = join(path, 'node_modules');
  return {
    ...own,
    PATH: [join(modules, '.bin'), own.PATH ?? base.PATH ?? ''].filter((p) => p !== '').join(delimiter),
    NODE_PATH: [modules, own.NODE_PATH ?? base.NODE_PATH ?? ''].filter((p) => p !== '').join(delimiter),
  };
}
