/**
 * The tracking API's one credential: a key, sent as MLflow clients send theirs
 * (`MLFLOW_TRACKING_TOKEN` becomes `Authorization: Bearer KEY`; `MLFLOW_TRACKING_USERNAME`
 * and `MLFLOW_TRACKING_PASSWORD` become HTTP Basic, the key being the password).
 */
import { sameSecret } from '../../serve/auth.ts';

/**
 * Whether an Authorization header carries `key`: Bearer KEY, or Basic with KEY as the
 * password (any user name), compared in constant time.
 *
 * @example
 * carriesKey('Bearer s3cret', 's3cret'); // true
 * carriesKey(`Basic ${Buffer.from('me:s3cret').toString('base64')}`, 's3cret'); // true
 */
export function carriesKey(header: string | undefined, key: string): boolean {
  if (typeof header !== 'string') return false;
  const bearer = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  if (bearer) return sameSecret(bearer[1]!, key);
  const basic = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (!basic) return false;
  const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon >= 0 && sameSecret(decoded.slice(colon + 1), key);
}
