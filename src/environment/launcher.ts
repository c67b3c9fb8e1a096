import type { Launcher } from './types.ts';

/** The launcher of an environment that runs commands as they are (Node, venv: only variables change). */
export const DIRECT: Launcher = { before: [], after: [] };

/**
 * The argv that runs `argv` through `launcher`, passing each of `passEnv` by name when
 * the launcher is a container (whose process does not inherit the host's variables).
 *
 * @example
 * launch({ before: ['docker', 'run'], envFlag: '-e', after: ['node:20'] }, ['node', 'x.js'], ['SEED']);
 * // ['docker', 'run', '-e', 'SEED', 'node:20', 'node', 'x.js']
 */
export function launch(
  launcher: Launcher,
  argv: readonly string[],
  passEnv: readonly string[] = [],
): string[] {
  const pass = launcher.envFlag === undefined ? [] : passEnv.flatMap((name) => [launcher.envFlag!, name]);
  return [...launcher.before, ...pass, ...launcher.after, ...argv];
}
