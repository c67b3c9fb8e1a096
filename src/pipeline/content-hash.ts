import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** Folders left out of a content hash: tools' caches, not the step's content. */
const SKIPPED = new Set(['.git', 'node_modules', '__pycache__', '.venv']);

/**
 * The SHA-256 of a file's bytes, or of a folder's files (relative paths and bytes, in
 * sorted order, the skipped folders left out), or of `missing:` when nothing is there:
 * what step reuse compares, so the same content under another name or time hashes alike.
 *
 * @example
 * contentHash('data/train.csv'); // '9f86d0…'
 */
export function contentHash(path: string): string {
  const hash = createHash('sha256');
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(path);
  } catch {
    return hash.update('missing:').digest('hex');
  }
  if (stat.isFile()) return hash.update('file:').update(readFileSync(path)).digest('hex');
  hash.update('folder:');
  for (const file of listFiles(path)) {
    const bytes = readFileSync(file);
    hash.update(relative(path, file)).update('\0').update(String(bytes.length)).update('\0').update(bytes);
  }
  return hash.digest('hex');
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) out.push(...listFiles(full));
    } else if (entry.isFile()) out.push(full);
  }
  return out;
}

/**
 * The SHA-256 of a value as canonical JSON (object keys sorted), for cache keys.
 *
 * @example
 * jsonHash({ b: 1, a: 2 }) === jsonHash({ a: 2, b: 1 }); // true
 */
export function jsonHash(value: unknown): string {
  return createHash('sha256').update(canonical(value)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    return `{${keys
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
