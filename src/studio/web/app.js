// @ts-check
/**
 * The studio shell: the left navigation (pages with `nav: true`), the hash router
 * (`#/runs?experiment=1`), and the error banner. Each page renders into the view and
 * returns its cleanup (subscriptions, charts), called when another page opens.
 */
import { clearError, showError } from './lib/banner.js';
import { h, replaceChildren } from './lib/dom.js';
import { connect } from './lib/live.js';
import { hrefFor, parseHash } from './lib/router.js';
import { PAGES } from './pages/index.js';

/**
 * @typedef {object} Page
 * @property {string} route e.g. `/runs`
 * @property {string} title
 * @property {boolean} nav whether the left navigation lists it
 * @property {(container: HTMLElement, params: Record<string, string>) => (() => void) | void} render
 */

const DEFAULT_ROUTE = '/experiments';

/** @type {(() => void) | undefined} */
let cleanup;
let shownHash = '';

function drawNav() {
  const list = document.getElementById('nav-list');
  if (list === null) return;
  replaceChildren(
    list,
    PAGES.filter((page) => page.nav).map((page) =>
      h('li', null, h('a', { href: hrefFor(page.route), 'data-route': page.route }, page.title)),
    ),
  );
}

function show() {
  if (location.hash === shownHash) return;
  const { route, params } = parseHash();
  if (route === '/' || route === '') {
    location.replace(hrefFor(DEFAULT_ROUTE));
    return;
  }
  shownHash = location.hash;
  const view = /** @type {HTMLElement} */ (document.getElementById('view'));
  try {
    cleanup?.();
  } catch (error) {
    console.warn('page cleanup failed', error);
  }
  cleanup = undefined;
  clearError();
  for (const link of document.querySelectorAll('#nav-list a')) {
    const active = /** @type {HTMLElement} */ (link).dataset.route === route;
    if (active) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  const page = PAGES.find((p) => p.route === route);
  if (page === undefined) {
    document.title = 'Not found · mlsweep studio';
    replaceChildren(
      view,
      h(
        'section',
        { class: 'page', 'data-page': 'not-found', 'data-ready': 'true' },
        h('h1', null, 'Not found'),
        h(
          'p',
          null,
          'No page at ',
          h('code', null, route),
          '. ',
          h('a', { href: hrefFor(DEFAULT_ROUTE) }, 'Experiments'),
        ),
      ),
    );
    return;
  }
  try {
    cleanup = page.render(view, params) ?? undefined;
  } catch (error) {
    showError(`${page.title}: ${/** @type {Error} */ (error).message}`);
  }
}

window.addEventListener('unhandledrejection', (event) => {
  const reason = /** @type {any} */ (event.reason);
  if (reason?.name === 'AbortError') return;
  showError(reason?.message ?? String(reason));
});
window.addEventListener('hashchange', show);
drawNav();
connect();
show();
