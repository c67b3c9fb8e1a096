import { StoreConnectionError, ValidationError } from '../core/errors.ts';

/** The parts of a `postgresql://` URL that messages may show. */
export interface PgTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  /** The URL with the password replaced by `***`. */
  readonly redacted: string;
}

/**
 * Whether a `--store` value is a PostgreSQL URL (`postgresql://` or `postgres://`).
 *
 * @example
 * isPostgresUrl('postgresql://me@db:5432/mlsweep'); // true
 */
export function isPostgresUrl(where: string): boolean {
  return /^postgres(ql)?:\/\//i.test(where);
}

/**
 * Reads host, port, database and user from a PostgreSQL URL, as node-postgres will
 * (defaults: localhost, 5432, the user's name for both user and database).
 *
 * @example
 * pgTarget('postgresql://me:secret@db:5433/ml').redacted; // 'postgresql://me:***@db:5433/ml'
 */
export function pgTarget(url: string): PgTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`store: not a valid PostgreSQL URL: ${redactUrl(url)}`, { path: 'store' });
  }
  const socketHost = parsed.searchParams.get('host');
  const user = decodeURIComponent(parsed.username) || process.env['PGUSER'] || process.env['USER'] || '';
  return {
    host: parsed.hostname || socketHost || process.env['PGHOST'] || 'localhost',
    port: parsed.port === '' ? Number(process.env['PGPORT'] || 5432) : Number(parsed.port),
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || process.env['PGDATABASE'] || user,
    user,
    redacted: redactUrl(url),
  };
}

/**
 * A URL with its password (and a `password=` parameter) replaced by `***`.
 *
 * @example
 * redactUrl('postgresql://me:secret@db/ml'); // 'postgresql://me:***@db/ml'
 */
export function redactUrl(url: string): string {
  return url
    .replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*):[^@/]*@/i, '$1:***@')
    .replace(/([?&]password=)[^&]*/gi, '$1***');
}

/**
 * Turns a node-postgres or socket error on connecting into one line naming the server.
 *
 * @example
 * describeConnectError({ code: 'ECONNREFUSED', message: '...' }, pgTarget(url)).message;
 * // 'cannot reach the PostgreSQL store at 127.0.0.1:5432: connection refused (is the server running and listening there?)'
 */
export function describeConnectError(
  error: { code?: string; message: string },
  target: PgTarget,
): StoreConnectionError {
  const reasons: Record<string, string> = {
    ECONNREFUSED: 'connection refused (is the server running and listening there?)',
    ENOTFOUND: `unknown host ${target.host}`,
    EAI_AGAIN: `the host name ${target.host} could not be resolved`,
    ETIMEDOUT: 'the connection timed out',
    ECONNRESET: 'the server closed the connection',
    EHOSTUNREACH: 'the host is unreachable',
    '28P01': `authentication failed for user "${target.user}"`,
    '28000': `the server refused user "${target.user}" (check pg_hba.conf and the user name)`,
    '3D000': `the database "${target.database}" does not exist (create it with createdb ${target.database})`,
    '57P03': 'the server is starting up or shutting down',
    '53300': 'the server has too many connections',
  };
  const code = error.code ?? '';
  const reason = reasons[code] ?? `${error.message.split('\n')[0]}${code === '' ? '' : ` (${code})`}`;
  return new StoreConnectionError(target.host, target.port, reason);
}
