export { compileFilter, type SqlCondition } from './filter.ts';
export { SCHEMA_VERSION } from './migrations.ts';
export { compileOrderBy } from './order-by.ts';
export { type BatchOptions, RunHandle } from './run-handle.ts';
export {
  type CreateRunOptions,
  defaultStoreDir,
  SqliteStore,
  type SqliteStoreOptions,
} from './sqlite-store.ts';
export { Tracker, type TrackerOptions } from './tracker.ts';
export * from './types.ts';
