/**
 * Who may call an endpoint. Key mode: `Authorization: Bearer <key>` with either of the
 * endpoint's two keys. Token mode (`aml_token`): `Authorization: Bearer <token>` with a
 * token issued by issueToken, signed with the endpoint's token secret, for that
 * endpoint, not yet expired. An endpoint without credentials is open.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { EndpointCredentials } from '../registry/endpoint-types.ts';
import type { ServedEndpoint } from './types.ts';

/** How long a token lives by default: one hour, as Azure's `aml_token`. */
export const DEFAULT_TOKEN_TTL_MS = 3_600_000;

/** A token as `az ml online-endpoint get-credentials` shows it for token auth. */
export interface AccessToken {
  readonly accessToken: string;
  /** When it stops being accepted, in seconds since the epoch (UTC), as Azure writes it. */
  readonly expiryTimeUtc: number;
  readonly tokenType: 'Bearer';
}

interface TokenPayload {
  /** The endpoint the token is for. */
  readonly e: string;
  /** Expiry, in ms since the epoch. */
  readonly x: number;
}

/**
 * Issues a token for an endpoint in token mode: a base64url JSON payload (endpoint name,
 * expiry) and its HMAC-SHA256 signature with the endpoint's token secret, joined by `.`.
 *
 * @example
 * const { accessToken } = issueToken('iris', credentials, Date.now());
 * // curl -H "Authorization: Bearer $accessToken" …
 */
export function issueToken(
  endpointName: string,
  credentials: EndpointCredentials,
  nowMs: number,
  ttlMs: number = DEFAULT_TOKEN_TTL_MS,
): AccessToken {
  const expiry = nowMs + ttlMs;
  const payload = Buffer.from(JSON.stringify({ e: endpointName, x: expiry } satisfies TokenPayload)).toString(
    'base64url',
  );
  return {
    accessToken: `${payload}.${sign(payload, credentials.tokenSecret)}`,
    expiryTimeUtc: Math.floor(expiry / 1000),
    tokenType: 'Bearer',
  };
}

/**
 * Whether a request's `Authorization` header lets it call the endpoint: always for an
 * endpoint without credentials; in key mode `Bearer` and one of the two keys (compared in
 * constant time); in token mode `Bearer` and a token of this endpoint, correctly signed,
 * expiring after `nowMs`.
 *
 * @example
 * if (!checkCredentials(endpoint, request.headers.authorization, Date.now())) reply.code(401);
 */
export function checkCredentials(
  endpoint: ServedEndpoint,
  authorization: string | undefined,
  nowMs: number,
): boolean {
  const credentials = endpoint.credentials;
  if (credentials === undefined) return true;
  const presented = bearer(authorization);
  if (presented === undefined) return false;
  if (endpoint.spec.authMode === 'key') {
    // Both comparisons always run, so the time taken does not tell which key was close.
    const primary = sameSecret(presented, credentials.primaryKey);
    const secondary = sameSecret(presented, credentials.secondaryKey);
    return primary || secondary;
  }
  return validToken(presented, endpoint.spec.name, credentials.tokenSecret, nowMs);
}

/** The credential of `Authorization: Bearer <credential>` (the scheme in any case), or undefined. */
function bearer(authorization: string | undefined): string | undefined {
  if (typeof authorization !== 'string') return undefined;
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
  return match?.[1];
}

/** Hosts only this machine reaches: a server bound to one of them may serve without a credential. */
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', '::1', 'localhost']);

/**
 * Whether binding `host` keeps a server on this machine; any other host must authenticate.
 *
 * @example
 * isLoopbackHost('127.0.0.1'); // true
 * isLoopbackHost('0.0.0.0'); // false
 */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

/**
 * Equality in time that depends on neither string: both are hashed to the same length first.
 *
 * @example
 * sameSecret(sent, primaryKey); // true only when equal
 */
export function sameSecret(a: string, b: string): boolean {
  const hash = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(hash(a), hash(b));
}

function sign(payload: string, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

function validToken(token: string, endpointName: string, secret: string, nowMs: number): boolean {
  const dot = token.indexOf('.');
  if (dot <= 0 || dot !== token.lastIndexOf('.')) return false;
  const payload = token.slice(0, dot);
  if (!sameSecret(token.slice(dot + 1), sign(payload, secret))) return false;
  let parsed: Partial<TokenPayload>;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Partial<TokenPayload>;
  } catch {
    return false;
  }
  return parsed.e === endpointName && typeof parsed.x === 'number' && parsed.x > nowMs;
}
