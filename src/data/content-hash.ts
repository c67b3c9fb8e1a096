import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { DataError } from '../core/errors.ts';
import { byPath, posixRelative } from './glob.ts';

const CHUNK = 1024 * 1024;

/**
 * The sha256 of a file's bytes, in hex, read 1 MiB at a time (memory stays flat for any size).
 *
 * @example
 * fileSha256('data/train.csv'); // 'e3b0c442…'
 */
export function fileSha256(path: string): string {
  const hash = createHash('sha256');
  const buffer = Buffer.allocUnsafe(CHUNK);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    throw new DataError(`cannot read ${path}: ${(cause as Error).message}`, 'E_DATA_READ');
  }
  try {
    for (;;) {
      const n = readSync(fd, buffer, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return hash.digest('hex');
}

/**
 * The content hash of several files under one root: the sha256 of a manifest with one
 * line `<relative path>\0<sha256 of the file>\n` per file, in code-point order of the
 * relative paths (forward slashes). Renaming, adding, removing or changing a file changes
 * it; where the root lies on disk does not.
 *
 * @example
 * filesSha256('/data', ['/data/a.csv', '/data/sub/b.csv']);
 */
export function filesSha256(root: string, files: readonly string[]): string {
  const lines = files
    .map((file) => ({ name: posixRelative(root, file), file }))
    .sort((a, b) => byPath(a.name, b.name))
    .map(({ name, file }) => `${name}\0${fileSha256(file)}\n`);
  return createHash('sha256').update(lines.join('')).digest('hex');
}
