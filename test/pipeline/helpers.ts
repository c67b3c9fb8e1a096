import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

/** A temporary folder with the given files written in it (paths relative to it). */
export function workspace(label: string, files: Record<string, string>): string {
  const dir = tempDir(label);
  writeFiles(dir, files);
  return dir;
}

/** Writes files under `dir`, making their folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

/** A fresh store in `dir/mlruns`. */
export function openStore(dir: string): SqliteStore {
  return new SqliteStore({ dir: join(dir, 'mlruns'), create: true });
}
