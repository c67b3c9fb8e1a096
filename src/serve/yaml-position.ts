/**
 * A ConfigError from config/issues.ts re-located at the exact spot of its key, line and
 * column, for endpoint and deployment files.
 */
import { ConfigError } from '../core/errors.ts';
import { errorAt, type Locate } from '../data/yaml-file.ts';
import { splitKeyPath } from '../data/yaml-source.ts';

/**
 * The same ConfigError with the column added (config/issues.ts's `check` names the file,
 * the line and the key path, not the column); any other error is returned as it is.
 *
 * @example
 * try { check(schema, value, [], doc); } catch (e) { throw withColumn(e, locate); }
 */
export function withColumn(error: unknown, locate: Locate): unknown {
  if (!(error instanceof ConfigError) || error.keyPath === undefined || error.column !== undefined)
    return error;
  return errorAt(locate, error.file, splitKeyPath(error.keyPath), error.detail);
}
