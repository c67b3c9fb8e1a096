import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteStore } from '../../src/tracking/sqlite-store.ts';
import { tempDir } from '../tracking/helpers/temp.ts';

/** A new store in a temporary folder, and the folder. */
export function newStore(label: string): { store: SqliteStore; dir: string } {
  const dir = join(tempDir(label), 'store');
  return { store: new SqliteStore({ dir }), dir };
}

/** A Node project with no dependencies and its lockfile: `npm ci --offline` builds it without a registry. */
export function nodeProject(dir: string, name = 'envproject'): string {
  mkdirSync(dir, { recursive: true });
  const pkg = { name, version: '1.0.0', private: true };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  writeFileSync(
    join(dir, 'package-lock.json'),
    JSON.stringify(
      { name, version: '1.0.0', lockfileVersion: 3, requires: true, packages: { '': pkg } },
      null,
      2,
    ),
  );
  return dir;
}

/** A folder holding one executable `name` that prints its arguments (a stand-in docker). */
export function fakeExecutable(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, '#!/bin/sh\necho "$@"\n');
  chmodSync(path, 0o755);
  return dir;
}

/** Why the venv tests cannot run here (no python3 with venv and ensurepip), or false when they can. */
export const noVenv: string | false = (() => {
  const probe = spawnSync('python3', ['-c', 'import venv, ensurepip'], { encoding: 'utf8' });
  return probe.status === 0 ? false : 'python3 with venv and ensurepip is not on this machine';
})();
