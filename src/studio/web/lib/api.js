// @ts-check
/**
 * Calls to the studio's JSON API (`/studio/api/...`). Reads are plain GETs; writes carry
 * `X-Mlsweep-Studio: 1` (the server refuses a write without it: another site cannot send
 * it without a CORS preflight). A 401 goes to the login page.
 */

/** An answer of the API that was not 2xx: its status, code and message. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

/**
 * A URL of the API with a query (undefined, null and '' values left out).
 *
 * @example
 * apiUrl('/runs', { experiment: 1, filter: 'metrics.acc > 0.9' });
 * @param {string} path
 * @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function apiUrl(path, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    query.set(key, Array.isArray(value) ? value.join(',') : String(value));
  }
  const text = query.toString();
  return `/studio/api${path}${text === '' ? '' : `?${text}`}`;
}

/**
 * GETs JSON from the API.
 *
 * @example
 * const { items, total } = await getJson('/runs', { experiment: 1, limit: 50 });
 * @param {string} path
 * @param {Record<string, unknown>} [params]
 * @param {{ signal?: AbortSignal }} [options]
 * @returns {Promise<any>}
 */
export async function getJson(path, params, options) {
  const response = await fetch(apiUrl(path, params), {
    headers: { accept: 'application/json' },
    credentials: 'same-origin',
    ...(options?.signal ? { signal: options.signal } : {}),
  });
  return answer(response);
}

/**
 * Sends a write (POST, PUT, PATCH, DELETE) with a JSON body and the write header.
 *
 * @example
 * await send('POST', '/models/iris/aliases', { alias: 'champion', version: 3 });
 * @param {string} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function send(method, path, body) {
  const response = await fetch(apiUrl(path), {
    method,
    headers: {
      accept: 'application/json',
      'x-mlsweep-studio': '1',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return answer(response);
}

/**
 * @param {Response} response
 * @returns {Promise<any>}
 */
async function answer(response) {
  if (response.status === 401) {
    location.assign('/studio/login');
    throw new ApiError(401, 'UNAUTHENTICATED', 'log in first');
  }
  const text = await response.text();
  /** @type {any} */
  let json = null;
  try {
    json = text === '' ? null : JSON.parse(text);
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = json?.error;
    throw new ApiError(
      response.status,
      typeof error?.code === 'string' ? error.code : 'HTTP_ERROR',
      typeof error?.message === 'string' ? error.message : `${response.status} ${response.statusText}`,
    );
  }
  return json;
}
