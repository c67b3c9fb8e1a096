/**
 * The studio's guard: with a key, every `/studio/api` request must carry it (the header
 * `Authorization: Bearer KEY`, or the session cookie a login sets, since EventSource cannot
 * send headers); and every write must carry `X-Mlsweep-Studio: 1`, a custom header that
 * forces a CORS preflight we never grant, so another web page cannot write (CSRF).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from '../../serve/auth.ts';
import { carriesKey } from '../mlflow/auth.ts';
import { studioError } from './errors.ts';

/** The session cookie's name. */
export const SESSION_COOKIE = 'mlsweep_studio';

/** The header every write must carry, with the value `1`. */
export const WRITE_HEADER = 'x-mlsweep-studio';

/** Methods that never write, and so need no write header. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** A studio's guard over one key (or none, on loopback). */
export interface StudioGuard {
  /** Whether a key is required. */
  readonly keyed: boolean;
  /** Whether the request may read and write the API (always, without a key). */
  allows(request: FastifyRequest): boolean;
  /** Whether `key` is the studio's key (a login). */
  isKey(key: string): boolean;
  /** The `Set-Cookie` value that logs a browser in for this server's life. */
  sessionCookie(): string;
  /** Who is asking, for the audit log. */
  actor(request: FastifyRequest): string;
}

/**
 * Creates the guard. The session cookie holds a random token made at start (never the
 * key), HttpOnly and SameSite=Strict.
 *
 * @example
 * const guard = createGuard('s3cret-key');
 * guard.allows(request); // true with Authorization: Bearer s3cret-key
 */
export function createGuard(key: string | undefined): StudioGuard {
  const session = randomBytes(32).toString('base64url');
  return {
    keyed: key !== undefined,
    allows(request) {
      if (key === undefined) return true;
      if (carriesKey(request.headers.authorization, key)) return true;
      const cookie = cookieValue(request.headers.cookie, SESSION_COOKIE);
      return cookie !== undefined && sameSecret(cookie, session);
    },
    isKey(candidate) {
      return key !== undefined && sameSecret(candidate, key);
    },
    sessionCookie() {
      return `${SESSION_COOKIE}=${session}; Path=/; HttpOnly; SameSite=Strict`;
    },
    actor(request) {
      return `${key === undefined ? 'local' : 'key'} ${request.ip}`;
    },
  };
}

/**
 * The API's onRequest hook: 401 without the key (when there is one), 403 for a write
 * without the write header.
 *
 * @example
 * scope.addHook('onRequest', (request, reply) => guardRequest(guard, request, reply));
 */
export async function guardRequest(
  guard: StudioGuard,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply | undefined> {
  if (!guard.allows(request)) {
    return studioError(
      reply,
      401,
      'UNAUTHENTICATED',
      'log in at /studio/login or send Authorization: Bearer <key>',
    );
  }
  if (!SAFE_METHODS.has(request.method) && request.headers[WRITE_HEADER] !== '1') {
    return studioError(reply, 403, 'FORBIDDEN', `writes need the header X-Mlsweep-Studio: 1`);
  }
  return undefined;
}

/**
 * One cookie's value from a Cookie header.
 *
 * @example
 * cookieValue('a=1; mlsweep_studio=xyz', 'mlsweep_studio'); // 'xyz'
 */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
