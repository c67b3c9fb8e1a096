import { createRequire } from 'node:module';

/**
 * Why tests of the SQLite tracking store cannot run here, or false when they can.
 * better-sqlite3 is an optional dependency compiled at install: without a C++ compiler
 * it is absent, and the library runs without tracking (test/run.mjs leaves the
 * tracking and registry test files out for the same reason).
 */
export const sqliteSkip: string | false = (() => {
  try {
    const Database = createRequire(import.meta.url)('better-sqlite3');
    new Database(':memory:').close();
    return false;
  } catch (error) {
    return `better-sqlite3 is not usable here (${(error as Error).message.split('\n')[0]})`;
  }
})();
