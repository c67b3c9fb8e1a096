#!/usr/bin/env node
// Runs every test/**/*.test.ts with node:test through tsx. Node 20's --test does not
// glob .ts files itself, so the list is expanded here; extra arguments narrow it
// (`npm run test:unit -- metrics` runs the files whose path contains "metrics").
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const filters = process.argv.slice(2);

// node --test runs os.availableParallelism() - 1 files at a time: one on a 2-core machine,
// where most files wait on child processes, servers and PostgreSQL clusters rather than
// compute: one per core keeps both cores busy (measured: 15 min against 18 for the native
// pass). MLSWEEP_TEST_CONCURRENCY overrides it.
const concurrency = Number(process.env.MLSWEEP_TEST_CONCURRENCY ?? availableParallelism());
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(
    `MLSWEEP_TEST_CONCURRENCY must be a whole number >= 1, not ${process.env.MLSWEEP_TEST_CONCURRENCY}`,
  );
  process.exit(2);
}

function walk(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'fixtures' ? [] : walk(path);
    return entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

// MLSWEEP_TEST_SKIP (comma-separated path substrings) leaves files out: .ci/run's second
// pass, with the TypeScript kernels, skips the suites that never reach a compute kernel.
const skips = (process.env.MLSWEEP_TEST_SKIP ?? '').split(',').filter((s) => s !== '');
const files = walk(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .filter((f) => !skips.some((s) => f.includes(s)))
  .sort();
if (skips.length > 0)
  console.log(`# leaving out the test files under ${skips.join(', ')} (MLSWEEP_TEST_SKIP)`);
// The tracking store needs better-sqlite3, an optional dependency compiled at install; where
// it could not be built (no C++ compiler), the library runs without tracking and the
// tests of the stores and the registry are left out, with the reason.
const sqliteMissing = (() => {
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3');
    new Database(':memory:').close();
    return undefined;
  } catch (error) {
    return error.message.split('\n')[0];
  }
})();
if (sqliteMissing !== undefined) {
  const left = files.filter((f) => /^test[\\/](tracking|registry|store)[\\/]/.test(f));
  console.log(
    `# skipping ${left.length} test files of the tracking store: better-sqlite3 is not usable (${sqliteMissing})`,
  );
  files.splice(0, files.length, ...files.filter((f) => !left.includes(f)));
}
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ')}`);
  process.exit(1);
}
// The tests start the command from dist/ (test/helpers/cli.ts): built here when a file
// under src/ is newer than it, so the tests never run a stale build.
function newest(dir) {
  return readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);
}
const builtEntry = join(root, 'dist', 'cli', 'main.js');
const builtAt = existsSync(builtEntry) ? statSync(builtEntry).mtimeMs : 0;
if (newest(join(root, 'src')) > builtAt) {
  console.log('# building dist/ (npm run build): a file under src/ is newer than it');
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The tests' temporary folders (and those the library makes by default, such as a command
// sweep's mlsweep-trials-*) go into one folder of this run, removed at the end: a run
// leaves nothing in the OS temp folder. MLSWEEP_TEST_KEEP_TMP=1 keeps it, to look into.
const testTmp = mkdtempSync(join(tmpdir(), 'mlsweep-test-'));
// traversable by the PostgreSQL clusters' own user (test/helpers/postgres.ts), as the OS's is
chmodSync(testTmp, 0o711);

/**
 * Stops the PostgreSQL clusters a killed test file left running in the run's folder (a
 * test process's exit stops its own): SIGQUIT is PostgreSQL's immediate shutdown.
 */
function stopLeftClusters(dir) {
  for (const name of readdirSync(dir)) {
    if (!name.startsWith('mlsweep-pg-')) continue;
    try {
      const pid = Number(readFileSync(join(dir, name, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGQUIT');
    } catch {
      // stopped already
    }
  }
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, MLSWEEP_TEST_CLI: 'dist', TMPDIR: testTmp },
  },
);
if (process.env.MLSWEEP_TEST_KEEP_TMP) console.log(`# the tests' temporary files are kept in ${testTmp}`);
else {
  stopLeftClusters(testTmp);
  rmSync(testTmp, { recursive: true, force: true });
}
process.exit(result.status ?? 1);
