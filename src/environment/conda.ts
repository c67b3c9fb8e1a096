import { ConfigError } from '../core/errors.ts';
import type { CondaRequirements } from './types.ts';

/**
 * Conda packages that pip has no wheel for (system libraries, CUDA toolkits, R): a conda
 * file that lists one cannot be realised as a venv, and says so before anything is built.
 */
const CONDA_ONLY = new Set([
  '_libgcc_mutex',
  '_openmp_mutex',
  'blas',
  'bzip2',
  'ca-certificates',
  'cudatoolkit',
  'cudnn',
  'cuda-toolkit',
  'gcc',
  'gfortran',
  'gxx',
  'ld_impl_linux-64',
  'libblas',
  'libcblas',
  'libffi',
  'libgcc',
  'libgcc-ng',
  'libgfortran-ng',
  'libgomp',
  'liblapack',
  'libopenblas',
  'libstdcxx-ng',
  'libuuid',
  'make',
  'mkl-include',
  'nccl',
  'ncurses',
  'nodejs',
  'openblas',
  'openssl',
  'pytorch-cuda',
  'r-base',
  'readline',
  'sqlite',
  'tk',
  'xz',
  'zlib',
]);

/**
 * True for a conda package name pip cannot install (see CONDA_ONLY; `r-…` packages too).
 *
 * @example
 * isCondaOnly('cudatoolkit'); // true
 */
export function isCondaOnly(name: string): boolean {
  const n = name.toLowerCase();
  return CONDA_ONLY.has(n) || n.startsWith('r-');
}

/** `numpy=1.24` → `numpy==1.24.*`, `numpy=1.24.1=py311_0` → `numpy==1.24.1.*`, `numpy>=1` as is. */
function condaToPip(spec: string): { name: string; requirement: string } {
  const bare = spec.includes('::') ? spec.slice(spec.indexOf('::') + 2) : spec;
  const match = /^([A-Za-z0-9_.-]+)\s*(.*)$/.exec(bare.trim());
  const name = match?.[1] ?? bare.trim();
  let rest = (match?.[2] ?? '').trim();
  if (rest === '') return { name, requirement: name };
  if (/^=[^=]/.test(rest)) {
    // conda's single '=' is a prefix match; a second '=' starts a build string, dropped
    const version = rest.slice(1).split('=')[0]!.trim();
    rest = version.endsWith('*') ? `==${version}` : `==${version}.*`;
    if (version.endsWith('.*') || version === '*') rest = version === '*' ? '' : `==${version}`;
  } else if (rest.startsWith('==')) {
    rest = `==${rest.slice(2).split('=')[0]!.trim()}`;
  }
  return { name, requirement: `${name}${rest}` };
}

/**
 * Reads a conda environment file's `dependencies` into what a venv can install: conda
 * packages as pip requirements, the `pip:` list, and the python version asked for.
 * Conda-only packages are refused in one line that names them all.
 *
 * @example
 * condaRequirements({ dependencies: ['python=3.11', 'numpy=1.26', { pip: ['requests'] }] }, 'conda.yml');
 * // { python: '3.11', conda: ['numpy==1.26.*'], pip: ['requests'] }
 */
export function condaRequirements(value: unknown, file: string): CondaRequirements {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('a conda file is a mapping with dependencies', { file });
  }
  const deps = (value as { dependencies?: unknown }).dependencies ?? [];
  if (!Array.isArray(deps)) {
    throw new ConfigError('dependencies must be a list', { file, keyPath: 'dependencies' });
  }
  let python: string | undefined;
  const conda: string[] = [];
  const pip: string[] = [];
  const condaOnly: string[] = [];
  deps.forEach((dep: unknown, i) => {
    if (typeof dep === 'string') {
      const { name, requirement } = condaToPip(dep);
      const lower = name.toLowerCase();
      if (lower === 'python') python = requirement.slice(name.length).replace(/^=+/, '').replace(/\.\*$/, '');
      else if (lower === 'pip' || lower === 'setuptools' || lower === 'wheel') return;
      else if (isCondaOnly(name)) condaOnly.push(dep);
      else conda.push(requirement);
      return;
    }
    if (
      dep !== null &&
      typeof dep === 'object' &&
      'pip' in dep &&
      Array.isArray((dep as { pip: unknown }).pip)
    ) {
      for (const p of (dep as { pip: unknown[] }).pip) {
        if (typeof p !== 'string') {
          throw new ConfigError('each pip requirement is a string', {
            file,
            keyPath: `dependencies[${i}].pip`,
          });
        }
        pip.push(p);
      }
      return;
    }
    throw new ConfigError(`a dependency is a package spec or {pip: [...]}, got ${JSON.stringify(dep)}`, {
      file,
      keyPath: `dependencies[${i}]`,
    });
  });
  if (condaOnly.length > 0) {
    throw new ConfigError(
      `cannot realise it as a Python venv: ${condaOnly.join(', ')} ${condaOnly.length === 1 ? 'is a conda-only package' : 'are conda-only packages'} that pip cannot install (use an image environment, or drop ${condaOnly.length === 1 ? 'it' : 'them'})`,
      { file, keyPath: 'dependencies' },
    );
  }
  return { ...(python !== undefined ? { python } : {}), conda, pip };
}
