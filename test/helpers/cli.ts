// How a test starts the `mlsweep` command in a child process. test/run.mjs builds dist/
// when a source is newer than it and says so in MLSWEEP_TEST_CLI=dist: the tests then run
// the compiled command, as users do, which starts in half the time of the sources through
// tsx (a few hundred ms less on each of the suite's many spawns). A test file run on its
// own (`node --import tsx --test FILE`) runs the sources, so it never meets a stale build.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Node's arguments before `mlsweep`'s own: the compiled entry point, or the source through tsx. */
export const CLI: readonly string[] =
  process.env['MLSWEEP_TEST_CLI'] === 'dist'
    ? [join(root, 'dist/cli/main.js')]
    : ['--import', 'tsx', join(root, 'src/cli/main.ts')];
