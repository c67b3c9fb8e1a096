// A private PostgreSQL cluster for tests: `initdb` in a fresh temporary folder, `pg_ctl`
// on 127.0.0.1 and a free port, trust authentication on loopback only. One cluster per
// test file (starting one takes about a second); each test makes its own database.
//
// We run as root in CI and on the machine image, and PostgreSQL refuses to run as root:
// then initdb and pg_ctl run as the user `postgres` (spawned with its uid/gid, no shell)
// and the folder is given to that user.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import pg from 'pg';

/** A running (or stopped) private PostgreSQL cluster. */
export interface PgCluster {
  /** `postgresql://postgres@127.0.0.1:PORT/postgres`: the maintenance database. */
  readonly url: string;
  readonly host: '127.0.0.1';
  readonly port: number;
  /** The temporary folder holding the data directory and the server log. */
  readonly dir: string;
  /**
   * Creates a database and returns its URL. Without a name, a fresh one (`t1`, `t2`...).
   * Names are plain identifiers: `[a-z_][a-z0-9_]*`.
   */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server (`fast` by default: clients are disconnected; `immediate`: as if it crashed). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts it again on the same port and folder (the restart tests). */
  start(): Promise<void>;
  /** Stops it and removes its folder. */
  destroy(): Promise<void>;
  /** The server log so far (for a failing test's message). */
  log(): string;
}

let cachedRunAs: { uid: number; gid: number } | undefined | null = null;

/** Folders where Debian and the machine image put PostgreSQL's programs, after PATH. */
function searchPath(): string[] {
  const dirs = (process.env['PATH'] ?? '').split(delimiter).filter((d) => d !== '');
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    for (const v of versions) dirs.push(join(debian, v, 'bin'));
  }
  return dirs;
}

function findProgram(name: string): string | undefined {
  for (const dir of searchPath()) {
    const path = join(dir, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

/**
 * Why the PostgreSQL tests cannot run here, or false when they can: `initdb` and `pg_ctl`
 * must be found (on PATH or in /usr/lib/postgresql/<v>/bin), and as root the user
 * `postgres` must exist.
 *
 * @example
 * describe('on PostgreSQL', { skip: pgSkip }, () => { ... });
 */
export const pgSkip: string | false = (() => {
  if (findProgram('initdb') === undefined || findProgram('pg_ctl') === undefined) {
    return 'PostgreSQL is not installed here (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin)';
  }
  if (process.getuid?.() === 0 && runAs() === undefined) {
    return 'running as root and there is no user "postgres" to run the test cluster as';
  }
  return false;
})();

/**
 * True when a private PostgreSQL cluster can be started here (see `pgSkip` for the reason).
 *
 * @example
 * if (!pgAvailable()) console.log(pgSkip);
 */
export function pgAvailable(): boolean {
  return pgSkip === false;
}

/** The uid/gid to run PostgreSQL as when we are root; undefined when we are not root or there is no such user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (cachedRunAs !== null) return cachedRunAs;
  cachedRunAs = undefined;
  if (process.getuid?.() === 0) {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      if (Number.isInteger(uid) && Number.isInteger(gid)) cachedRunAs = { uid, gid };
    } catch {
      cachedRunAs = undefined;
    }
  }
  return cachedRunAs;
}

/** A port free on 127.0.0.1 right now (the OS picks it; the cluster binds it right after). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Runs a PostgreSQL program (as `postgres` when we are root), throwing with its output on failure. */
function run(program: string, args: string[], cwd: string): string {
  const path = findProgram(program);
  if (path === undefined) throw new Error(`${program} not found`);
  const user = runAs();
  const result = spawnSync(path, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    ...(user === undefined ? {} : { uid: user.uid, gid: user.gid }),
    timeout: 60_000,
  });
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim();
    throw new Error(
      `${program} ${args.join(' ')} failed (${result.error?.message ?? `exit ${result.status}`}): ${output}`,
    );
  }
  return result.stdout;
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Stops and removes the clusters of test processes that died without cleaning up (killed
 * by a timeout: their exit handler never ran), so servers do not pile up on the machine.
 * A folder without its owner's pid yet is being set up by a live process: left alone.
 */
function removeOrphans(): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith('mlsweep-pg-')) continue;
    const dir = join(tmpdir(), name);
    let owner: number;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      continue;
    }
    if (!Number.isInteger(owner) || owner <= 0 || alive(owner)) continue;
    try {
      if (existsSync(join(dir, 'data', 'postmaster.pid'))) {
        run('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'], dir);
      }
    } catch {
      // already stopped
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Starts a private PostgreSQL cluster on 127.0.0.1 and a free port, in a fresh temporary
 * folder. Call `destroy()` when the test file ends (the process's exit stops it too).
 *
 * @example
 * const cluster = await startPostgres();
 * after(() => cluster.destroy());
 * const url = await cluster.createDatabase(); // postgresql://postgres@127.0.0.1:PORT/t1
 */
export async function startPostgres(): Promise<PgCluster> {
  if (pgSkip !== false) throw new Error(pgSkip);
  removeOrphans();
  const dir = mkdtempSync(join(tmpdir(), 'mlsweep-pg-'));
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  const user = runAs();
  if (user !== undefined) chownSync(dir, user.uid, user.gid);
  const data = join(dir, 'data');
  const logFile = join(dir, 'server.log');
  run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync'], dir);
  // Trust on loopback only: the server listens on 127.0.0.1 and nothing else, and no
  // Unix socket (its path would depend on the folder). fsync is off for test speed only:
  // a crash of the machine could corrupt this throwaway cluster, never a user's.
  writeFileSync(join(dir, 'hba.conf'), 'host all all 127.0.0.1/32 trust\n');
  const port = await freePort();
  const conf = [
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    "unix_socket_directories = ''",
    `hba_file = '${join(dir, 'hba.conf')}'`,
    'fsync = off',
    'max_connections = 200',
    "log_min_messages = 'warning'",
    '',
  ].join('\n');
  // postgresql.auto.conf is read last; it is owned by the server's user, so it is written by initdb's user.
  writeFileSync(join(data, 'postgresql.auto.conf'), conf);
  if (user !== undefined) {
    chownSync(join(data, 'postgresql.auto.conf'), user.uid, user.gid);
    chownSync(join(dir, 'hba.conf'), user.uid, user.gid);
  }

  let running = false;
  let destroyed = false;
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const start = async (): Promise<void> => {
    run('pg_ctl', ['-D', data, '-l', logFile, '-w', '-t', '60', 'start'], dir);
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast'): Promise<void> => {
    if (!running) return;
    run('pg_ctl', ['-D', data, '-m', mode, '-w', '-t', '60', 'stop'], dir);
    running = false;
  };
  // A test that crashes must not leave a server behind: stop it synchronously at exit.
  const onExit = (): void => {
    if (running) {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop'], dir);
      } catch {
        // best effort: the process is exiting
      }
    }
    if (!destroyed) rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', onExit);
  await start();

  let counter = 0;
  return {
    url,
    host: '127.0.0.1',
    port,
    dir,
    async createDatabase(name?: string): Promise<string> {
      const db = name ?? `t${++counter}`;
      if (!/^[a-z_][a-z0-9_]*$/.test(db)) throw new Error(`not a plain database name: ${db}`);
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${db}`);
      } finally {
        await client.end();
      }
      return `postgresql://postgres@127.0.0.1:${port}/${db}`;
    },
    stop,
    start,
    async destroy(): Promise<void> {
      await stop('immediate');
      rmSync(dir, { recursive: true, force: true });
      destroyed = true;
      process.off('exit', onExit);
    },
    log: () => readLog(logFile),
  };
}
