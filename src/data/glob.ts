import { readdirSync, realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';

/**
 * Whether a path holds glob syntax (`*`, `?` or `[...]`), so it names files by pattern
 * rather than one file or folder.
 *
 * @example
 * hasGlob('data/*.csv'); // true
 * hasGlob('data/train.csv'); // false
 */
export function hasGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

/** One path segment of a pattern as a regular expression (`*` and `?` stay within a segment). */
function segmentRegex(segment: string): RegExp {
  let source = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else if (c === '[') {
      const close = segment.indexOf(']', i + 2);
      if (close === -1) {
        source += '\\[';
        continue;
      }
      let body = segment.slice(i + 1, close);
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      source += `[${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else source += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** A folder's real path: symbolic links that lead back up the tree are seen as the folder they are. */
function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function entries(dir: string): Array<{ name: string; path: string; isDir: boolean; isFile: boolean }> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const path = join(dir, name);
    try {
      // stat follows symbolic links: a link to a file is a file
      const s = statSync(path);
      return [{ name, path, isDir: s.isDirectory(), isFile: s.isFile() }];
    } catch {
      return [];
    }
  });
}

/**
 * The files (never folders) a glob pattern matches, absolute and sorted. `*` and `?`
 * match within one path segment, `[abc]`/`[!abc]` one character of a set, `**` any
 * number of folders (none included). Names starting with a dot are matched only by a
 * segment that starts with a dot, as in a shell. Relative patterns are read from `cwd`.
 *
 * @example
 * globFiles('data/**\/*.csv', process.cwd()); // ['/work/data/a.csv', '/work/data/2024/b.csv']
 */
export function globFiles(pattern: string, cwd: string = process.cwd()): string[] {
  const absolute = isAbsolute(pattern) ? pattern : resolve(cwd, pattern);
  const segments = absolute.split(/[\\/]+/);
  // the fixed part before the first segment with glob syntax is where the walk starts
  let first = segments.findIndex((s) => hasGlob(s));
  if (first === -1) first = segments.length;
  const base = segments.slice(0, first).join(sep) || sep;
  const rest = segments.slice(first).filter((s) => s !== '');
  const found = new Set<string>();
  const walk = (dir: string, i: number, seen: ReadonlySet<string>) => {
    if (i === rest.length) return;
    const segment = rest[i]!;
    const last = i === rest.length - 1;
    if (segment === '**') {
      // zero folders: the next segment here; one or more: every subfolder, again at '**'
      if (last) {
        for (const e of entries(dir)) {
          if (e.name.startsWith('.')) continue;
          if (e.isFile) found.add(e.path);
          else if (e.isDir && !seen.has(real(e.path))) walk(e.path, i, new Set([...seen, real(e.path)]));
        }
        return;
      }
      walk(dir, i + 1, seen);
      for (const e of entries(dir)) {
        if (e.isDir && !e.name.startsWith('.') && !seen.has(real(e.path)))
          walk(e.path, i, new Set([...seen, real(e.path)]));
      }
      return;
    }
    if (!hasGlob(segment)) {
      const path = join(dir, segment);
      const e = entries(dir).find((x) => x.name === segment);
      if (!e) return;
      if (last && e.isFile) found.add(path);
      else if (!last && e.isDir) walk(path, i + 1, seen);
      return;
    }
    const regex = segmentRegex(segment);
    for (const e of entries(dir)) {
      if (e.name.startsWith('.') && !segment.startsWith('.')) continue;
      if (!regex.test(e.name)) continue;
      if (last && e.isFile) found.add(e.path);
      else if (!last && e.isDir) walk(e.path, i + 1, seen);
    }
  };
  walk(base, 0, new Set([real(base)]));
  return [...found].sort(byPath);
}

/**
 * Orders paths by their code points (not locale), so the order is the same on every machine.
 *
 * @example
 * ['b', 'a/c', 'a'].sort(byPath); // ['a', 'a/c', 'b']
 */
export function byPath(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Every file under a folder, recursively, absolute and sorted; hidden files and folders
 * (names starting with a dot) are left out, so `.DS_Store` or a `.git` folder is not data.
 *
 * @example
 * folderFiles('data'); // ['/work/data/a.csv', '/work/data/sub/b.csv']
 */
export function folderFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string, seen: ReadonlySet<string>) => {
    for (const e of entries(folder)) {
      if (e.name.startsWith('.')) continue;
      if (e.isFile) found.push(e.path);
      else if (e.isDir && !seen.has(real(e.path))) walk(e.path, new Set([...seen, real(e.path)]));
    }
  };
  const root = resolve(dir);
  walk(root, new Set([real(root)]));
  return found.sort(byPath);
}

/**
 * A path relative to `from` with forward slashes on every platform (recorded in hashes
 * and manifests, which must not depend on the machine).
 *
 * @example
 * posixRelative('/data', '/data/sub/a.csv'); // 'sub/a.csv'
 */
export function posixRelative(from: string, to: string): string {
  return relative(from, to).split(sep).join('/');
}
