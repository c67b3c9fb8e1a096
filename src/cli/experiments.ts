import type { Command } from 'commander';
import { defaultStoreDir, SqliteStore } from '../tracking/sqlite-store.ts';
import { printResult } from './output.ts';

/** The `--store` option shared by the experiments, runs and models commands. */
export interface StoreOption {
  readonly store?: string;
  /** With a PostgreSQL store: the shared folder of artifacts and models. */
  readonly artifactsDir?: string;
}

/**
 * Adds `--store DIR` and `--json` to a tracking command.
 *
 * @example
 * withStoreOptions(program.command('list')).action(...);
 */
export function withStoreOptions(command: Command): Command {
  return command
    .option('--store <dir>', 'store folder or postgresql:// URL (default: $MLSWEEP_STORE or ./mlruns)')
    .option(
      '--artifacts-dir <dir>',
      'with a URL store: the shared artifacts folder (default: $MLSWEEP_ARTIFACTS or ./mlruns-artifacts)',
    )
    .option('--json', 'print one JSON document');
}

/**
 * Opens the store a command names; reading commands never create one.
 *
 * @example
 * const store = openCliStore(options, false);
 */
export function openCliStore(options: StoreOption, create = false): SqliteStore {
  return new SqliteStore({
    dir: options.store ?? defaultStoreDir(),
    create,
    ...(options.artifactsDir !== undefined ? { artifactsDir: options.artifactsDir } : {}),
  });
}

/**
 * Runs `fn` with the store a command names and closes the store when `fn` returns, throws
 * or, when it returns a promise, once that settles.
 *
 * @example
 * withCliStore(options, false, (store) => store.searchRuns({ maxResults: 10 }));
 */
export function withCliStore<T>(options: StoreOption, create: boolean, fn: (store: SqliteStore) => T): T {
  const store = openCliStore(options, create);
  let result: T;
  try {
    result = fn(store);
  } catch (error) {
    store.close();
    throw error;
  }
  if (result instanceof Promise) return result.finally(() => store.close()) as T;
  store.close();
  return result;
}

/**
 * A plain-text table with aligned columns.
 *
 * @example
 * table(['name', 'runs'], [['iris', '3']]); // 'name  runs\niris  3'
 */
export function table(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  if (rows.length === 0) return '(none)';
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** Commander's collector for a repeatable option. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** A time in ms as a short UTC date-time, or '-'. */
export function when(ms: number | undefined): string {
  return ms === undefined ? '-' : new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

/** Registers `mlsweep experiments list`. */
export function registerExperiments(program: Command): void {
  const experiments = program.command('experiments').description('experiments of the tracking store');
  withStoreOptions(experiments.command('list').description('list experiments with their run counts')).action(
    (options: StoreOption & { json?: boolean }) => {
      const store = openCliStore(options);
      try {
        const list = store.listExperiments();
        printResult(options.json === true, list, () =>
          table(
            ['id', 'name', 'runs', 'last run', 'created'],
            list.map((e) => [String(e.id), e.name, String(e.runCount), when(e.lastRunAt), when(e.createdAt)]),
          ),
        );
      } finally {
        store.close();
      }
    },
  );
}
