import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConfigError } from '../core/errors.ts';
import { readYamlFile } from '../data/yaml-file.ts';
import { condaRequirements } from './conda.ts';
import type { EnvironmentDefinition } from './types.ts';

/** An environment read from YAML or an inline object, with the keys a local run does not use. */
export interface ReadEnvironment {
  readonly definition: EnvironmentDefinition;
  /** False when the file gave no version (the definition then says '1'; registering takes the next number). */
  readonly versionGiven: boolean;
  /** Keys accepted and ignored here (`tags`, `os_type`, `inference_config`, an `image` under a conda file…). */
  readonly ignored: readonly string[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$/;
const KNOWN = new Set([
  '$schema',
  'name',
  'version',
  'description',
  'tags',
  'image',
  'conda_file',
  'build',
  'environment_variables',
  'os_type',
  'inference_config',
  'properties',
]);

/** Keys of Azure's environment that a local run reads and does not use. */
const IGNORED = new Set(['$schema', 'tags', 'os_type', 'inference_config', 'properties']);

function lockfileOf(
  dir: string,
): { name: 'package-lock.json' | 'npm-shrinkwrap.json'; text: string } | undefined {
  for (const name of ['npm-shrinkwrap.json', 'package-lock.json'] as const) {
    const path = join(dir, name);
    if (existsSync(path)) return { name, text: readFileSync(path, 'utf8') };
  }
  return undefined;
}

/**
 * Reads an environment in Azure's shape (`name`, `version`, `description`,
 * `environment_variables` and one of `image`, `conda_file`, or `build.path` — here a
 * folder with a `package.json` and lockfile, the Node kind). Relative paths are read
 * against `baseDir` (the YAML file's folder). Errors name the file and key.
 *
 * @example
 * readEnvironmentObject({ name: 'py', version: '1', conda_file: { dependencies: ['numpy'] } }, { file: 'inline', baseDir: '.' });
 */
export function readEnvironmentObject(
  value: unknown,
  where: {
    readonly file: string;
    readonly baseDir: string;
    readonly line?: (key: string) => number | undefined;
  },
): ReadEnvironment {
  const file = where.file;
  const at = (key: string) => ({
    file,
    keyPath: key,
    ...(where.line?.(key) !== undefined ? { line: where.line(key)! } : {}),
  });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError('an environment is a mapping (name, version, and image, conda_file or build)', {
      file,
    });
  }
  const raw = value as Record<string, unknown>;
  const ignored = Object.keys(raw).filter((k) => IGNORED.has(k));
  const unknown = Object.keys(raw).filter((k) => !KNOWN.has(k));
  if (unknown.length > 0) {
    throw new ConfigError(
      `unknown key ${unknown[0]} (an environment takes ${[...KNOWN].join(', ')})`,
      at(unknown[0]!),
    );
  }
  const name = raw.name;
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new ConfigError(
      `name must be 1 to 255 letters, digits, '_', '.', '-', starting with a letter or digit, got ${JSON.stringify(name)}`,
      at('name'),
    );
  }
  const version = raw.version === undefined ? '1' : String(raw.version);
  if (!VERSION.test(version))
    throw new ConfigError(`invalid version ${JSON.stringify(raw.version)}`, at('version'));
  const description = raw.description === undefined ? '' : String(raw.description);
  const variables = raw.environment_variables ?? {};
  if (variables === null || typeof variables !== 'object' || Array.isArray(variables)) {
    throw new ConfigError(
      'environment_variables must be a mapping of names to values',
      at('environment_variables'),
    );
  }
  const environmentVariables: Record<string, string> = {};
  for (const [key, v] of Object.entries(variables)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw new ConfigError(
        `environment variable name ${JSON.stringify(key)} is not a valid name`,
        at('environment_variables'),
      );
    }
    if (v !== null && typeof v === 'object') {
      throw new ConfigError(
        `environment_variables.${key} must be a string, number or boolean`,
        at('environment_variables'),
      );
    }
    environmentVariables[key] = String(v);
  }
  const base = { name, version, description, environmentVariables };
  const versionGiven = raw.version !== undefined;

  if (raw.conda_file !== undefined) {
    if (raw.image !== undefined) ignored.push('image (the conda file is realised as a local venv)');
    if (raw.build !== undefined) throw new ConfigError('give conda_file or build, not both', at('build'));
    let conda: unknown = raw.conda_file;
    let condaFile = file;
    if (typeof conda === 'string') {
      condaFile = resolve(where.baseDir, conda);
      conda = readYamlFile(condaFile).value;
    }
    return {
      definition: { ...base, kind: 'conda', conda: condaRequirements(conda, condaFile) },
      ignored,
      versionGiven,
    };
  }
  if (raw.build !== undefined) {
    if (raw.image !== undefined) throw new ConfigError('give image or build, not both', at('build'));
    const build = raw.build as { path?: unknown } | null;
    if (build === null || typeof build !== 'object' || typeof build.path !== 'string') {
      throw new ConfigError('build needs path: a folder with package.json and its lockfile', at('build'));
    }
    const dir = resolve(where.baseDir, build.path);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      throw new ConfigError(`build.path ${dir} is not a folder`, at('build'));
    }
    if (!existsSync(join(dir, 'package.json'))) {
      throw new ConfigError(
        `build.path ${dir} has no package.json: a local environment builds a Node project (a Docker build context is not built here; give image instead)`,
        at('build'),
      );
    }
    const lock = lockfileOf(dir);
    if (lock === undefined) {
      throw new ConfigError(
        `build.path ${dir} has no package-lock.json (or npm-shrinkwrap.json): run npm install there once so the environment is reproducible`,
        at('build'),
      );
    }
    return {
      definition: {
        ...base,
        kind: 'node',
        node: {
          packageJson: readFileSync(join(dir, 'package.json'), 'utf8'),
          lockfile: lock.text,
          lockfileName: lock.name,
        },
      },
      ignored,
      versionGiven,
    };
  }
  if (raw.image !== undefined) {
    if (typeof raw.image !== 'string' || raw.image.trim() === '' || /\s/.test(raw.image)) {
      throw new ConfigError(
        `image must be an image reference such as python:3.11-slim, got ${JSON.stringify(raw.image)}`,
        at('image'),
      );
    }
    return { definition: { ...base, kind: 'image', image: raw.image }, ignored, versionGiven };
  }
  throw new ConfigError('an environment needs one of image, conda_file or build (a Node project folder)', {
    file,
  });
}

/**
 * Reads an environment YAML file (see readEnvironmentObject); its paths are relative to its folder.
 *
 * @example
 * readEnvironmentFile('env.yml').definition.kind; // 'conda'
 */
export function readEnvironmentFile(path: string): ReadEnvironment {
  const doc = readYamlFile(path);
  return readEnvironmentObject(doc.value, {
    file: path,
    baseDir: dirname(resolve(path)),
    line: (key) => doc.line([key]),
  });
}
