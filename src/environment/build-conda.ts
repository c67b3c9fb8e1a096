import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { EnvironmentBuildError } from './errors.ts';
import { lastLine, runCommand } from './process.ts';
import type { EnvironmentDefinition } from './types.ts';
import { findOnPath } from './which.ts';

/** Lines of pip's output that mean no package index could be reached. */
const NO_INDEX =
  /(Failed to establish a new connection|Network is unreachable|Temporary failure in name resolution|Name or service not known|Could not fetch URL|connection error|ProxyError|timed out)/i;

/**
 * Names what pip could not install, from its output: the packages with no distribution,
 * or a clear line when no package index could be reached at all.
 */
function pipFailure(definition: EnvironmentDefinition, output: string, code: number): EnvironmentBuildError {
  const id = `environment ${definition.name}:${definition.version}`;
  const missing = [...output.matchAll(/No matching distribution found for ([^\s]+)/g)].map((m) => m[1]!);
  if (NO_INDEX.test(output)) {
    return new EnvironmentBuildError(
      `${id}: pip cannot reach a package index from this machine${missing.length > 0 ? ` (it could not get ${[...new Set(missing)].join(', ')})` : ''}: connect it, set PIP_INDEX_URL to a reachable index, or PIP_FIND_LINKS to a folder of wheels`,
      'E_ENV_NO_INDEX',
    );
  }
  if (missing.length > 0) {
    return new EnvironmentBuildError(
      `${id}: pip cannot install ${[...new Set(missing)].join(', ')} (no matching distribution for this Python)`,
      'E_ENV_PACKAGE',
    );
  }
  return new EnvironmentBuildError(
    `${id}: pip install failed (exit ${code}): ${lastLine(output) || 'no output'}`,
  );
}

/** After the rename, the venv lives at `finalDir`: scripts and pyvenv.cfg that name the build folder are rewritten. */
function relocate(dir: string, finalDir: string): void {
  const venv = join(dir, 'venv');
  const files = [
    join(venv, 'pyvenv.cfg'),
    ...readdirSync(join(venv, 'bin')).map((f) => join(venv, 'bin', f)),
  ];
  for (const file of files) {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat?.isFile() || stat.size > 1024 * 1024) continue;
    const text = readFileSync(file);
    if (text.includes(0)) continue; // a binary
    const source = text.toString('utf8');
    if (source.includes(dir)) writeFileSync(file, source.split(dir).join(finalDir), { mode: stat.mode });
  }
}

/**
 * Realises a conda environment as a Python venv in `dir/venv`: `python3 -m venv`, then
 * `pip install` of its conda packages (as pip requirements) and its pip list. pip's
 * failures become one line naming the packages, or saying that no index is reachable.
 *
 * @example
 * await buildConda(definition, tempDir, finalDir);
 */
export async function buildConda(
  definition: EnvironmentDefinition,
  dir: string,
  finalDir: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  const python = findOnPath('python3', env.PATH);
  if (python === undefined) {
    throw new EnvironmentBuildError(
      `environment ${definition.name}:${definition.version}: a conda environment is realised as a Python venv, and no python3 is on PATH`,
    );
  }
  const venv = join(dir, 'venv');
  const made = await runCommand(python, ['-m', 'venv', venv], { env });
  if (made.code !== 0) {
    throw new EnvironmentBuildError(
      `environment ${definition.name}:${definition.version}: python3 -m venv failed: ${lastLine(made.stderr) || lastLine(made.stdout)}`,
    );
  }
  const requirements = [...definition.conda!.conda, ...definition.conda!.pip];
  if (requirements.length > 0) {
    writeFileSync(join(dir, 'requirements.txt'), `${requirements.join('\n')}\n`);
    const pip = await runCommand(
      join(venv, 'bin', 'python'),
      [
        '-m',
        'pip',
        'install',
        '--disable-pip-version-check',
        '--no-input',
        '--timeout',
        '15',
        '--retries',
        '1',
        '-r',
        join(dir, 'requirements.txt'),
      ],
      { env },
    );
    if (pip.code !== 0) throw pipFailure(definition, `${pip.stdout}\n${pip.stderr}`, pip.code);
  }
  relocate(dir, finalDir);
}

/**
 * The variables that run a command in a built venv: its `bin` first on PATH and VIRTUAL_ENV
 * set (so `python` and the installed scripts are the venv's), then the environment's own.
 *
 * @example
 * condaVariables('/store/environments/ab12…', {}, process.env).VIRTUAL_ENV;
 */
export function condaVariables(
  path: string,
  own: Readonly<Record<string, string>>,
  base: NodeJS.ProcessEnv,
): Record<string, string> {
  const venv = join(path, 'venv');
  return {
    ...own,
    VIRTUAL_ENV: venv,
    PATH: [join(venv, 'bin'), own.PATH ?? base.PATH ?? ''].filter((p) => p !== '').join(delimiter),
  };
}
