import { resolveDataInput } from '../../registry/data-input.ts';
import { dataHash } from '../../registry/data-paths.ts';
import type { SqliteStore } from '../../tracking/sqlite-store.ts';

/**
 * The content identity a data_change trigger watches: for a data asset reference, the
 * version and hash it resolves to (a new version registered under `@latest` is a change);
 * for a path, the sha256 of its files (see dataHash).
 *
 * @example
 * watchedHash('data/incoming', store); // 'b5bb9d80…'
 */
export function watchedHash(path: string, store: SqliteStore): string {
  const input = resolveDataInput(path, { store, verify: false });
  if (input.asset !== undefined) return `${input.asset.name}:${input.asset.version}:${input.asset.hash}`;
  return dataHash({ kind: input.kind, path: input.path, files: input.files });
}
