/**
 * The error hierarchy of mlsweep. Every error the library throws on purpose is an
 * `MlsweepError`, with a `code` a program can switch on and a message a person can act
 * on: it names what was wrong, where (file, line, key path, parameter) and the value
 * it got.
 *
 * @example
 * try { selectBackend('gpu'); } catch (e) {
 *   if (e instanceof BackendUnavailableError) console.error(e.message);
 * }
 */
export class MlsweepError extends Error {
  /** A stable machine-readable identifier, e.g. `E_BACKEND_UNAVAILABLE`. */
  readonly code: string;

  constructor(message: string, code = 'E_MLSWEEP', options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** A value given by the caller is out of its domain: a parameter, an option, a shape. */
export class ValidationError extends MlsweepError {
  /** Where the bad value sits, e.g. `search_space.lr.min_value` or `options.maxBins`. */
  readonly path: string | undefined;

  constructor(message: string, options?: { path?: string; cause?: unknown; code?: string }) {
    super(message, options?.code ?? 'E_VALIDATION', { cause: options?.cause });
    this.path = options?.path;
  }
}

/** Two arrays or matrices that must agree in size do not. */
export class ShapeError extends ValidationError {
  constructor(message: string, options?: { path?: string }) {
    super(message, { ...options, code: 'E_SHAPE' });
  }
}

/** A compute backend was requested that cannot run here (and why), or lacks a kernel. */
export class BackendUnavailableError extends MlsweepError {
  readonly backend: string;

  constructor(backend: string, reason: string) {
    super(`The '${backend}' backend is not available: ${reason}`, 'E_BACKEND_UNAVAILABLE');
    this.backend = backend;
  }
}

/** A sweep file, schema or option file is malformed; names the file, line and key. */
export class ConfigError extends MlsweepError {
  readonly file: string | undefined;
  readonly line: number | undefined;
  /** The 1-based column, where the reader knows it (endpoint files). */
  readonly column: number | undefined;
  readonly keyPath: string | undefined;
  /** The message without its location (what was wrong, to re-locate it elsewhere). */
  readonly detail: string;

  constructor(
    message: string,
    where: { file?: string; line?: number; column?: number; keyPath?: string; cause?: unknown } = {},
  ) {
    super(ConfigError.locate(message, where), 'E_CONFIG', { cause: where.cause });
    this.detail = message;
    this.file = where.file;
    this.line = where.line;
    this.column = where.column;
    this.keyPath = where.keyPath;
  }

  private static locate(
    message: string,
    where: { file?: string; line?: number; column?: number; keyPath?: string },
  ): string {
    const column = where.column === undefined ? '' : `, column ${where.column}`;
    const place = [where.file, where.line === undefined ? undefined : `line ${where.line}${column}`]
      .filter((p) => p !== undefined)
      .join(':');
    const key = where.keyPath ? `${where.keyPath}: ` : '';
    return place ? `${place}: ${key}${message}` : `${key}${message}`;
  }
}

/** Input data is unusable: a ragged CSV row, an unparseable value, a missing column. */
export class DataError extends MlsweepError {
  constructor(message: string, code = 'E_DATA') {
    super(message, code);
  }
}

/** An estimator was used before `fit`, or with data unlike what it was fitted on. */
export class NotFittedError extends MlsweepError {
  constructor(what: string) {
    super(`${what} is not fitted yet: call fit() before using it.`, 'E_NOT_FITTED');
  }
}

/** A trial failed: its function threw, its command exited non-zero or never reported. */
export class TrialError extends MlsweepError {
  constructor(message: string, code = 'E_TRIAL', options?: ErrorOptions) {
    super(message, code, options);
  }
}

/**
 * A database store (`--store postgresql://...`) cannot be reached, or refused us: names
 * the host and port (never the password) and the reason, in one line.
 *
 * @example
 * throw new StoreConnectionError('db.example', 5432, 'connection refused');
 * // cannot reach the PostgreSQL store at db.example:5432: connection refused
 */
export class StoreConnectionError extends MlsweepError {
  readonly host: string;
  readonly port: number;

  constructor(host: string, port: number, reason: string, options?: ErrorOptions) {
    super(`cannot reach the PostgreSQL store at ${host}:${port}: ${reason}`, 'E_STORE_CONNECTION', options);
    this.host = host;
    this.port = port;
  }
}
