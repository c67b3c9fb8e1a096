// @ts-check
/**
 * The hash router's URLs: `#/runs?experiment=1&filter=...`. Pages read their parameters
 * from it and change it to navigate, so every view has a link and the back button works.
 */

/**
 * The current route and its parameters.
 *
 * @example
 * parseHash('#/runs?experiment=1'); // { route: '/runs', params: { experiment: '1' } }
 * @param {string} [hash]
 * @returns {{ route: string, params: Record<string, string> }}
 */
export function parseHash(hash = location.hash) {
  const text = hash.replace(/^#/, '');
  const q = text.indexOf('?');
  const route = (q < 0 ? text : text.slice(0, q)) || '/';
  const params = Object.fromEntries(new URLSearchParams(q < 0 ? '' : text.slice(q + 1)));
  return { route, params };
}

/**
 * A link to a route with parameters (empty ones left out).
 *
 * @example
 * hrefFor('/run', { id: 'abc' }); // '#/run?id=abc'
 * @param {string} route
 * @param {Record<string, unknown>} [params]
 * @returns {string}
 */
export function hrefFor(route, params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    query.set(key, String(value));
  }
  const text = query.toString();
  return `#${route}${text === '' ? '' : `?${text}`}`;
}

/**
 * Goes to a route; with `replace`, without a new history entry (a page updating its own
 * parameters: filter, sort, page) and without rendering the page again.
 *
 * @example
 * navigate('/runs', { experiment: 1, filter: 'metrics.acc > 0.9' }, { replace: true });
 * @param {string} route
 * @param {Record<string, unknown>} [params]
 * @param {{ replace?: boolean }} [options]
 */
export function navigate(route, params, options) {
  const href = hrefFor(route, params);
  if (options?.replace) history.replaceState(null, '', href);
  else location.hash = href;
}
