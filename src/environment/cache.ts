import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/files.ts';
import { processAlive } from '../core/process-alive.ts';

/** What a cache folder records about its build (in `environment.json`, written last). */
export interface CacheManifest {
  readonly hash: string;
  readonly kind: string;
  readonly name: string;
  readonly version: string;
  readonly builtAt: number;
  readonly pid: number;
}

/**
 * The cache of built environments of a store: `<store>/environments/<hash>`.
 *
 * @example
 * cacheRoot('/work/mlruns'); // '/work/mlruns/environments'
 */
export function cacheRoot(storeDir: string): string {
  return join(storeDir, 'environments');
}

/**
 * The manifest of a complete build of `hash`, or undefined when it was never built (a
 * folder appears only by rename, once its build is done and its manifest written).
 *
 * @example
 * builtManifest(cacheRoot(store.dir), hash)?.builtAt;
 */
export function builtManifest(root: string, hash: string): CacheManifest | undefined {
  const file = join(root, hash, 'environment.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as CacheManifest;
}

/** Takes `<hash>.lock` (an O_EXCL file holding our pid), or returns false when a live process holds it. */
function tryLock(lock: string): boolean {
  try {
    const fd = openSync(lock, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  let holder = Number.NaN;
  try {
    holder = Number(readFileSync(lock, 'utf8'));
  } catch {
    return false; // released between our attempts: try again on the next turn
  }
  // A lock left by a process that died mid-build is taken over (same machine: the store is local).
  if (Number.isInteger(holder) && holder > 0 && !processAlive(holder)) {
    try {
      unlinkSync(lock);
    } catch {
      // another waiter removed it first
    }
  }
  return false;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Returns the cache folder of `hash`, building it first when no complete build is there:
 * under a lock file so two processes never build it twice (the other waits and reuses
 * it), into a temporary folder renamed into place once `build` and the manifest are
 * done, so a folder under its hash is always complete. `build(dir, finalDir)` fills `dir`.
 *
 * @example
 * const { path, builtNow } = await ensureBuilt(root, hash, { kind: 'node', name: 'n', version: '1' }, async (dir) => { ... });
 */
export async function ensureBuilt(
  root: string,
  hash: string,
  about: { readonly kind: string; readonly name: string; readonly version: string },
  build: (dir: string, finalDir: string) => Promise<void>,
  options: { readonly pollMs?: number; readonly clock?: () => number } = {},
): Promise<{ path: string; builtNow: boolean; manifest: CacheManifest }> {
  const final = join(root, hash);
  const lock = join(root, `${hash}.lock`);
  mkdirSync(root, { recursive: true });
  for (;;) {
    const done = builtManifest(root, hash);
    if (done !== undefined) return { path: final, builtNow: false, manifest: done };
    if (tryLock(lock)) break;
    await sleep(options.pollMs ?? 100);
  }
  try {
    const done = builtManifest(root, hash);
    if (done !== undefined) return { path: final, builtNow: false, manifest: done };
    const temp = join(root, `.build-${hash.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
    mkdirSync(temp);
    try {
      await build(temp, final);
      const manifest: CacheManifest = {
        hash,
        kind: about.kind,
        name: about.name,
        version: about.version,
        builtAt: (options.clock ?? Date.now)(),
        pid: process.pid,
      };
      writeFileAtomic(join(temp, 'environment.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      // a half-built folder under the final name (from a crash before this code) is replaced
      if (existsSync(final)) rmSync(final, { recursive: true, force: true });
      renameSync(temp, final);
      return { path: final, builtNow: true, manifest };
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  } finally {
    try {
      unlinkSync(lock);
    } catch {
      // gone already
    }
  }
}
