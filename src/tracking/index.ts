export { type Connection, type RunResult, SqliteConnection, type SqlStatement } from './connection.ts';
export { compileFilter, type SqlCondition } from './filter.ts';
export { SCHEMA_VERSION } from './migrations.ts';
export { compileOrderBy } from './order-by.ts';
export { SyncPgConnection } from './pg-connection.ts';
export { isPostgresUrl, redactUrl } from './pg-url.ts';
export { type BatchOptions, RunHandle } from './run-handle.ts';
export {
  type CreateRunOptions,
  defaultArtifactsDir,
  defaultStoreDir,
  displayStoreLocation,
  resolveStoreLocation,
  SqliteStore,
  type SqliteStoreOptions,
} from './sqlite-store.ts';
export { Tracker, type TrackerOptions } from './tracker.ts';
export * from './types.ts';
