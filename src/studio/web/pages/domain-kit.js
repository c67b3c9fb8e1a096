// @ts-check
/**
 * What the domain pages (sweeps, AutoML, models, endpoints, pipelines, schedules) share:
 * their stylesheet, status badges, links to runs, key-value cards, a loader that reports
 * errors in the banner, and client-side sorting of the short lists they show.
 */
import { showError } from '../lib/banner.js';
import { h } from '../lib/dom.js';
import { formatAgo, formatDate, formatNumber } from '../lib/format.js';
import { subscribe } from '../lib/live.js';
import { hrefFor } from '../lib/router.js';

/**
 * Loads the domain pages' stylesheet once (same origin, as the CSP allows).
 *
 * @example
 * useDomainStyles(); // in a page's render, before drawing
 */
export function useDomainStyles() {
  if (document.getElementById('domain-css') !== null) return;
  document.head.append(h('link', { id: 'domain-css', rel: 'stylesheet', href: '/static/domain.css' }));
}

/**
 * A status badge, coloured by its state (`completed`, `running`, `failed`, `early_terminated`, ...).
 *
 * @example
 * statusBadge('early_terminated');
 * @param {string} status
 * @returns {HTMLElement}
 */
export function statusBadge(status) {
  return h(
    'span',
    { class: `status st-${String(status).toLowerCase()}`, 'data-status': status },
    status.replace(/_/g, ' '),
  );
}

/**
 * A link to a run's page.
 *
 * @example
 * runLink('9c41ab…');
 * @param {string | undefined | null} runId
 * @param {string} [text]
 * @returns {Node | string}
 */
export function runLink(runId, text) {
  if (!runId) return '—';
  return h(
    'a',
    { href: hrefFor('/run', { id: runId }), class: 'mono', title: `run ${runId}` },
    text ?? runId.slice(0, 8),
  );
}

/**
 * A definition list of label and value pairs (values left out when undefined).
 *
 * @example
 * keyValues([['status', statusBadge('completed')], ['trials', '12']]);
 * @param {Array<[string, Node | string | number | null | undefined]>} entries
 * @returns {HTMLElement}
 */
export function keyValues(entries) {
  return h(
    'dl',
    { class: 'kv' },
    entries.filter(([, v]) => v !== undefined).map(([k, v]) => [h('dt', null, k), h('dd', null, v ?? '—')]),
  );
}

/**
 * A card with a title.
 *
 * @example
 * card('Best trial', keyValues([...]));
 * @param {string} title
 * @param {...(Node | string)} children
 * @returns {HTMLElement}
 */
export function card(title, ...children) {
  return h('div', { class: 'card' }, h('h2', null, title), ...children);
}

/**
 * A loader for a page: runs `fn` (which draws), reports a failure in the banner prefixed
 * with the page's name, and does nothing once the page is gone.
 *
 * @example
 * const loader = pageLoader('sweeps', async (alive) => { const page = await getJson('/sweeps'); if (alive()) draw(page); });
 * loader.load(); ... loader.stop();
 * @param {string} name
 * @param {(alive: () => boolean) => Promise<void>} fn
 */
export function pageLoader(name, fn) {
  let alive = true;
  let running = false;
  let again = false;
  const load = async () => {
    // One load at a time; a request during one runs once after it (the latest data).
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await fn(() => alive);
    } catch (error) {
      if (alive) showError(`${name}: ${/** @type {Error} */ (error).message}`);
    } finally {
      running = false;
      if (again && alive) {
        again = false;
        load();
      }
    }
  };
  return {
    load,
    stop() {
      alive = false;
    },
  };
}

/**
 * Loads a page now and again on each event of `topics` (at most once per `throttleMs`);
 * returns the page's cleanup, which also runs `more` (charts, timers).
 *
 * @example
 * return follow(loader, ['sweeps'], 500, [() => chart.dispose()]);
 * @param {{ load: () => void, stop: () => void }} loader
 * @param {string[]} topics
 * @param {number} [throttleMs]
 * @param {Array<() => void>} [more]
 * @returns {() => void}
 */
export function follow(loader, topics, throttleMs = 500, more = []) {
  loader.load();
  const stops = topics.map((topic) => subscribe(topic, loader.load, { throttleMs }));
  return () => {
    loader.stop();
    for (const stop of stops) stop();
    for (const fn of more) fn();
  };
}

/**
 * A right-aligned number column.
 *
 * @example
 * numberColumn('trials', 'Trials', (s) => s.trials, true);
 * @param {string} key
 * @param {string} label
 * @param {(row: any) => number | null | undefined} value
 * @param {boolean} [sortable]
 * @returns {import('../lib/table.js').Column}
 */
export function numberColumn(key, label, value, sortable = false) {
  return { key, label, sortable, align: 'right', render: (row) => formatNumber(value(row)) };
}

/**
 * A column of times shown as "5 min ago", the date in the tooltip.
 *
 * @example
 * agoColumn('started', 'Started', (j) => j.startTime);
 * @param {string} key
 * @param {string} label
 * @param {(row: any) => number | null | undefined} ms
 * @param {boolean} [sortable]
 * @returns {import('../lib/table.js').Column}
 */
export function agoColumn(key, label, ms, sortable = false) {
  return {
    key,
    label,
    sortable,
    render: (row) => h('span', { title: formatDate(ms(row)) }, formatAgo(ms(row))),
  };
}

/**
 * Rows sorted by a column's value (numbers as numbers, missing last).
 *
 * @example
 * sortRows(trials, (t) => t.value, 'DESC');
 * @template T
 * @param {T[]} rows
 * @param {(row: T) => unknown} value
 * @param {'ASC' | 'DESC'} dir
 * @returns {T[]}
 */
export function sortRows(rows, value, dir) {
  const sign = dir === 'ASC' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a);
    const y = value(b);
    if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1;
    if (y === undefined || y === null) return -1;
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x).localeCompare(String(y));
  });
}

/**
 * An objective in words: `accuracy ↑` (maximize) or `loss ↓` (minimize).
 *
 * @example
 * objectiveText({ goal: 'minimize', primaryMetric: 'loss' }); // 'loss ↓'
 * @param {{ goal: string, primaryMetric: string }} objective
 * @returns {string}
 */
export function objectiveText(objective) {
  return `${objective.primaryMetric} ${objective.goal === 'minimize' ? '↓' : '↑'}`;
}

/**
 * A parameter or metric value for a cell: numbers formatted, anything else as text.
 *
 * @example
 * valueText(0.000123); // '1.23e-4'
 * @param {unknown} value
 * @returns {string}
 */
export function valueText(value) {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'number') return formatNumber(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}
