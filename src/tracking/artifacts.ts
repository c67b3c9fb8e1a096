import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { ValidationError } from '../core/errors.ts';
import { copyAtomic } from '../core/files.ts';

/**
 * Copies a file or a directory (recursively) into `root/artifactPath/`, keeping its base
 * name, and returns the path of the copy relative to `root`. Each file is written under a
 * temporary name and renamed into place, so a reader (or a model registered from it)
 * never sees half a file, and logging it again replaces it whole.
 *
 * @example
 * copyArtifact('model.json', 'mlruns/artifacts/1/abc', 'models'); // 'models/model.json'
 */
export function copyArtifact(source: string, root: string, artifactPath = ''): string {
  if (!existsSync(source)) {
    throw new ValidationError(`logArtifact: ${source} does not exist`, { path: 'artifact' });
  }
  const folder = safeSubpath(artifactPath);
  const target = join(root, folder, basename(source));
  mkdirSync(join(root, folder), { recursive: true });
  copyAtomic(source, target);
  return relative(root, target).split(sep).join('/');
}

/**
 * Every file under `root`, as paths relative to it with `/` separators, sorted.
 *
 * @example
 * listFiles('mlruns/artifacts/1/abc'); // ['model.json', 'plots/loss.png']
 */
export function listFiles(root: string): string[] {
  if (!existsSync(root)) return [];
  const files: string[] = [];
  const walk = (dir: string, prefix: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name), `${prefix}${entry.name}/`);
      else files.push(`${prefix}${entry.name}`);
    }
  };
  if (statSync(root).isDirectory()) walk(root, '');
  return files.sort();
}

/**
 * A relative path that stays inside its root: no absolute paths, no `..` escapes.
 *
 * @example
 * safeSubpath('plots/loss'); // 'plots/loss'
 * safeSubpath('../x'); // ValidationError
 */
export function safeSubpath(path: string): string {
  const normalized = normalize(path === '' ? '.' : path);
  if (isAbsolute(path) || normalized === '..' || normalized.startsWith(`..${sep}`)) {
    throw new ValidationError(`artifact path must stay inside the run's artifact folder, got '${path}'`, {
      path: 'artifactPath',
    });
  }
  return normalized;
}
