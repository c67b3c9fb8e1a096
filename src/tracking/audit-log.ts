/**
 * The store's audit log: one row per write made through the studio (an alias moved,
 * traffic changed), saying who made it, when, to what, and how.
 */
import { ValidationError } from '../core/errors.ts';
import type { SqliteStore } from './sqlite-store.ts';

/** One recorded write. */
export interface AuditEntry {
  readonly id: number;
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** Who: `key` or `local`, with the caller's address. */
  readonly actor: string;
  /** What, e.g. `model.alias.set`. */
  readonly action: string;
  /** To what, e.g. `iris-rf@champion`. */
  readonly target: string;
  /** How: the values written. */
  readonly detail: Readonly<Record<string, unknown>>;
}

interface AuditRow {
  audit_id: number;
  at: number;
  actor: string;
  action: string;
  target: string;
  detail: string;
}

/**
 * Appends an entry to the audit log; returns it with its id.
 *
 * @example
 * appendAudit(store, { at: Date.now(), actor: 'local 127.0.0.1', action: 'model.alias.set', target: 'rf@prod', detail: { version: 3 } });
 */
export function appendAudit(store: SqliteStore, entry: Omit<AuditEntry, 'id'>): AuditEntry {
  if (entry.action.trim() === '')
    throw new ValidationError('an audit entry needs an action', { path: 'action' });
  const id = store
    .sql(
      'INSERT INTO audit_log (at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?) RETURNING audit_id',
    )
    .pluck()
    .get(entry.at, entry.actor, entry.action, entry.target, JSON.stringify(entry.detail)) as number;
  return { id: Number(id), ...entry };
}

/** What {@link listAudit} returns: a page, newest first, and how many entries there are. */
export interface AuditPage {
  readonly items: AuditEntry[];
  readonly total: number;
}

/**
 * The audit log newest first, paged; `action` keeps entries whose action starts with it.
 *
 * @example
 * listAudit(store, { limit: 50, offset: 0 }).items[0]?.action;
 */
export function listAudit(
  store: SqliteStore,
  options: { limit?: number; offset?: number; action?: string } = {},
): AuditPage {
  const limit = options.limit ?? 100;
  const offset = options.offset ?? 0;
  const prefix = options.action ?? '';
  const where = prefix === '' ? '' : 'WHERE substr(action, 1, ?) = ?';
  const whereParams = prefix === '' ? [] : [prefix.length, prefix];
  const rows = store
    .sql(`SELECT * FROM audit_log ${where} ORDER BY audit_id DESC LIMIT ? OFFSET ?`)
    .all(...whereParams, limit, offset) as AuditRow[];
  const total = Number(
    store
      .sql(`SELECT count(*) FROM audit_log ${where}`)
      .pluck()
      .get(...whereParams),
  );
  return {
    total,
    items: rows.map((row) => ({
      id: Number(row.audit_id),
      at: Number(row.at),
      actor: row.actor,
      action: row.action,
      target: row.target,
      detail: JSON.parse(row.detail) as Record<string, unknown>,
    })),
  };
}
