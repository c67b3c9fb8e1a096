/**
 * The lockfile of a packaged endpoint: a package-lock.json (v3) whose root depends on
 * mlsweep alone, pinning mlsweep's whole production dependency tree to the versions
 * (and integrity hashes) this copy of mlsweep was installed and tested with.
 *
 * Why neither of the two obvious choices. A lockfile naming only mlsweep is not valid
 * for `npm ci`: npm refuses a lockfile that lacks any package of the tree ("Missing: …
 * from lock file"), so the image would have to `npm install`, and resolve versions on the
 * day it is built. This repository's own package-lock.json has the wrong root (mlsweep
 * itself, with its dev tools): `npm ci` against a package.json that depends on mlsweep
 * would refuse it too. So the lockfile is derived: the closure of mlsweep's
 * `dependencies` and `optionalDependencies` taken from the lockfile this copy was
 * installed with (this checkout's package-lock.json, or the `node_modules/.package-lock.json`
 * npm keeps in the project that installed mlsweep), with the same paths, versions,
 * `resolved` and `integrity`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../core/errors.ts';

/** One entry of a lockfile's `packages`. */
export interface LockEntry {
  readonly version?: string;
  readonly resolved?: string;
  readonly integrity?: string;
  readonly dependencies?: Readonly<Record<string, string>>;
  readonly optionalDependencies?: Readonly<Record<string, string>>;
  readonly peerDependencies?: Readonly<Record<string, string>>;
  readonly dev?: boolean;
  readonly optional?: boolean;
  readonly devOptional?: boolean;
  readonly link?: boolean;
  readonly [key: string]: unknown;
}

/** A lockfile v2/v3, as far as it is read here. */
export interface Lockfile {
  readonly name?: string;
  readonly version?: string;
  readonly lockfileVersion: number;
  readonly requires?: boolean;
  readonly packages: Readonly<Record<string, LockEntry>>;
}

/** Where a lockfile that installed mlsweep is, and the path of mlsweep inside it. */
export interface LockSource {
  readonly file: string;
  readonly lock: Lockfile;
  /** `""` in mlsweep's own checkout, `node_modules/mlsweep` in a project that installed it. */
  readonly mlsweepPath: string;
}

/** The folder of mlsweep's package.json (src/serve/package and dist/serve/package are both three levels down). */
export function mlsweepPackageDir(): string {
  return fileURLToPath(new URL('../../../', import.meta.url));
}

/**
 * Finds the lockfile this copy of mlsweep was installed with: its own package-lock.json
 * (a checkout), else the hidden `node_modules/.package-lock.json` of the project that
 * installed it.
 *
 * @example
 * findLockSource().file; // '/work/main/package-lock.json'
 */
export function findLockSource(packageDir = mlsweepPackageDir()): LockSource {
  const own = join(packageDir, 'package-lock.json');
  if (existsSync(own)) {
    const lock = readLock(own);
    if (lock.packages['']?.name === 'mlsweep') return { file: own, lock, mlsweepPath: '' };
  }
  // <project>/node_modules/mlsweep -> <project>/node_modules/.package-lock.json
  const hidden = join(dirname(packageDir), '.package-lock.json');
  if (existsSync(hidden)) {
    const lock = readLock(hidden);
    if (lock.packages['node_modules/mlsweep'] !== undefined) {
      return { file: hidden, lock, mlsweepPath: 'node_modules/mlsweep' };
    }
  }
  throw new ConfigError(
    `no lockfile to pin the image's dependencies: neither ${own} nor ${hidden} lists mlsweep (install mlsweep with npm 7 or later)`,
  );
}

function readLock(file: string): Lockfile {
  let lock: Lockfile;
  try {
    lock = JSON.parse(readFileSync(file, 'utf8')) as Lockfile;
  } catch (error) {
    throw new ConfigError(`cannot read the lockfile: ${(error as Error).message}`, { file, cause: error });
  }
  if (typeof lock?.packages !== 'object' || lock.packages === null) {
    throw new ConfigError('not a lockfile of npm 7 or later (no "packages")', { file });
  }
  return lock;
}

/**
 * Where Node finds package `name` required from the package at lock path `from`: its own
 * `node_modules`, then each enclosing one, as the module resolution walks up.
 *
 * @example
 * resolveInLock(lock.packages, 'node_modules/fastify', 'pino'); // 'node_modules/pino'
 */
export function resolveInLock(
  packages: Readonly<Record<string, LockEntry>>,
  from: string,
  name: string,
): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base === '' ? `node_modules/${name}` : `${base}/node_modules/${name}`;
    if (packages[candidate] !== undefined) return candidate;
    if (base === '') return undefined;
    const cut = base.lastIndexOf('/node_modules/');
    base = cut === -1 ? '' : base.slice(0, cut);
  }
}

/**
 * The lockfile of a project named `projectName` whose only dependency is mlsweep at its
 * version, with mlsweep's production tree copied from `source`. Packages reached only
 * through optional dependencies are marked `optional` (npm skips them where they fail
 * to build, as better-sqlite3 may).
 *
 * @example
 * const lock = endpointLockfile('mlsweep-endpoint-iris', findLockSource());
 * lock.packages['node_modules/mlsweep'].version; // '0.1.0'
 */
export function endpointLockfile(projectName: string, source: LockSource): Lockfile {
  const { packages } = source.lock;
  const root = packages[source.mlsweepPath];
  if (root?.version === undefined) {
    throw new ConfigError(`the lockfile does not give mlsweep's version at "${source.mlsweepPath}"`, {
      file: source.file,
    });
  }
  // source path -> target path: mlsweep's own entry moves to node_modules/mlsweep; in a
  // checkout, node_modules/x of the checkout becomes node_modules/x of the project, where
  // mlsweep at node_modules/mlsweep finds it the same way.
  const target = (path: string) => (path === source.mlsweepPath ? 'node_modules/mlsweep' : path);
  /** Lock path -> reached by a required (not only optional) chain. */
  const reached = new Map<string, boolean>();
  const queue: Array<[string, boolean]> = [[source.mlsweepPath, true]];
  while (queue.length > 0) {
    const [path, required] = queue.shift()!;
    const previous = reached.get(path);
    if (previous === true || (previous === false && !required)) continue;
    reached.set(path, required);
    const entry = packages[path]!;
    const edges: Array<[string, boolean]> = [
      ...Object.keys(entry.dependencies ?? {}).map((n): [string, boolean] => [n, required]),
      ...Object.keys(entry.optionalDependencies ?? {}).map((n): [string, boolean] => [n, false]),
    ];
    for (const [name, req] of edges) {
      const found = resolveInLock(packages, path, name);
      // an optional dependency that did not install on this platform has no entry: fine
      if (found === undefined) continue;
      if (source.mlsweepPath === '' && found.startsWith('node_modules/mlsweep/')) continue;
      queue.push([found, req]);
    }
  }
  const out: Record<string, LockEntry> = {
    '': { name: projectName, version: '1.0.0', dependencies: { mlsweep: root.version } },
  };
  const paths = [...reached.keys()]
    .map((p) => [p, target(p)] as const)
    .sort((a, b) => a[1].localeCompare(b[1]));
  for (const [path, to] of paths) {
    const { dev: _dev, optional: _optional, devOptional: _devOptional, ...entry } = packages[path]!;
    const kept: Record<string, unknown> = { ...entry };
    if (path === source.mlsweepPath) {
      // mlsweep's root entry in a checkout carries its devDependencies and its name
      delete kept.devDependencies;
      delete kept.name;
    }
    if (reached.get(path) === false) kept.optional = true;
    out[to] = kept as LockEntry;
  }
  return { name: projectName, version: '1.0.0', lockfileVersion: 3, requires: true, packages: out };
}
