// @ts-check
/**
 * The runs page: runs of an experiment (or all), filtered in MLflow's language, sorted by
 * any column, with chosen param/metric/tag columns, one page at a time (the server filters,
 * sorts and pages), updated live; select two or more to compare them.
 */
import { ApiError, getJson } from '../lib/api.js';
import { clearError, showError } from '../lib/banner.js';
import { h, pageSection, ready, replaceChildren } from '../lib/dom.js';
import { formatDate, formatDuration, formatNumber } from '../lib/format.js';
import { subscribe } from '../lib/live.js';
import { hrefFor, navigate } from '../lib/router.js';
import { createColumnChooser, createPager, createTable } from '../lib/table.js';

const LIMIT = 50;
/** How many params and metrics are shown before the user chooses. */
const DEFAULT_COLUMNS = 3;
/** Typing pauses this long before the filter applies (Enter applies at once). */
const TYPING_MS = 250;

/**
 * A field reference in the filter language, backquoted when the key is not a plain name.
 *
 * @example
 * fieldRef('metrics', 'val.acc'); // 'metrics.`val.acc`'
 * @param {string} group
 * @param {string} key
 * @returns {string}
 */
export function fieldRef(group, key) {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${group}.${key}` : `${group}.\`${key.replace(/`/g, '')}\``;
}

/**
 * @param {string} status
 * @returns {HTMLElement}
 */
function statusBadge(status) {
  return h('span', { class: `status ${status}` }, status.toLowerCase());
}

export default {
  route: '/runs',
  title: 'Runs',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    const section = pageSection(container, 'runs', 'Runs');
    const state = {
      experiment: params.experiment ?? '',
      filter: params.filter ?? '',
      orderBy: params.orderBy ?? '',
      offset: Number(params.offset ?? 0) || 0,
      /** @type {string[] | null} */
      cols: params.cols ? params.cols.split(',').filter(Boolean) : null,
    };
    /** @type {{ params: string[], metrics: string[], tags: string[] }} */
    let keys = { params: [], metrics: [], tags: [] };
    /** @type {any[]} */
    let rows = [];
    let alive = true;
    let generation = 0;
    /** @type {AbortController | undefined} */
    let inFlight;

    const experimentSelect = h(
      'select',
      {
        'aria-label': 'Experiment',
        onchange: () => {
          state.experiment = experimentSelect.value;
          state.offset = 0;
          load();
        },
      },
      h('option', { value: '' }, 'All experiments'),
    );
    const filterBox = h('input', {
      type: 'search',
      name: 'filter',
      'aria-label': 'Filter runs',
      placeholder: "metrics.acc > 0.9 and params.depth = '5'",
      value: state.filter,
      spellcheck: 'false',
      autocomplete: 'off',
    });
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let typing;
    const applyFilter = () => {
      clearTimeout(typing);
      if (filterBox.value.trim() === state.filter) return;
      state.filter = filterBox.value.trim();
      state.offset = 0;
      load();
    };
    filterBox.addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(applyFilter, TYPING_MS);
    });
    filterBox.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        applyFilter();
      }
    });
    const compareButton = h(
      'button',
      {
        type: 'button',
        class: 'primary',
        disabled: true,
        'data-action': 'compare',
        onclick: () => navigate('/compare', { runs: table.selected().join(',') }),
      },
      'Compare',
    );
    const chooser = createColumnChooser((chosen) => {
      state.cols = chosen;
      syncUrl();
      draw();
    });
    const count = h('span', { class: 'muted', 'aria-live': 'polite' });
    const table = createTable({
      label: 'Runs',
      rowKey: (r) => r.id,
      sort: parseSort(state.orderBy),
      onSort: (key, dir) => {
        state.orderBy = `${key} ${dir}`;
        state.offset = 0;
        load();
      },
      onOpen: (r) => navigate('/run', { id: r.id }),
      onSelect: (ids) => {
        compareButton.disabled = ids.length < 2;
        compareButton.textContent = ids.length >= 2 ? `Compare ${ids.length}` : 'Compare';
      },
    });
    const pager = createPager((offset) => {
      state.offset = offset;
      load();
    });
    section.append(
      h('div', { class: 'toolbar' }, experimentSelect, filterBox, chooser.element, compareButton),
      h(
        'p',
        { class: 'muted' },
        count,
        ' · ↑↓ move, Enter opens, Space selects; select two or more to compare.',
      ),
      table.element,
      pager.element,
    );

    function syncUrl() {
      navigate(
        '/runs',
        {
          experiment: state.experiment,
          filter: state.filter,
          orderBy: state.orderBy,
          offset: state.offset || undefined,
          cols: state.cols?.join(','),
        },
        { replace: true },
      );
    }

    /** @returns {string[]} */
    function chosenColumns() {
      if (state.cols !== null) return state.cols;
      return [
        ...keys.params.slice(0, DEFAULT_COLUMNS).map((k) => `params.${k}`),
        ...keys.metrics.slice(0, DEFAULT_COLUMNS).map((k) => `metrics.${k}`),
      ];
    }

    function draw() {
      const extra = chosenColumns().map((full) => {
        const dot = full.indexOf('.');
        const group = full.slice(0, dot);
        const key = full.slice(dot + 1);
        const numeric = group === 'metrics';
        return {
          key: fieldRef(group, key),
          label: `${group === 'params' ? 'param' : group === 'metrics' ? 'metric' : 'tag'} ${key}`,
          sortable: true,
          align: numeric ? /** @type {const} */ ('right') : undefined,
          render: (/** @type {any} */ r) => {
            const value = r[group]?.[key];
            return numeric ? formatNumber(value) : (value ?? '—');
          },
        };
      });
      const columns = [
        {
          key: 'name',
          label: 'Run',
          sortable: true,
          render: (/** @type {any} */ r) =>
            h('a', { href: hrefFor('/run', { id: r.id }) }, r.name || r.id.slice(0, 8)),
        },
        {
          key: 'status',
          label: 'Status',
          sortable: true,
          render: (/** @type {any} */ r) => statusBadge(r.status),
        },
        {
          key: 'start_time',
          label: 'Started',
          sortable: true,
          render: (/** @type {any} */ r) => formatDate(r.startTime),
        },
        {
          key: 'end_time',
          label: 'Duration',
          align: /** @type {const} */ ('right'),
          render: (/** @type {any} */ r) => formatDuration((r.endTime ?? Date.now()) - r.startTime),
        },
        ...extra,
      ];
      table.update(columns, rows);
      chooser.update(keys, new Set(chosenColumns()));
    }

    async function load() {
      const mine = ++generation;
      inFlight?.abort();
      inFlight = new AbortController();
      section.setAttribute('data-ready', 'false');
      syncUrl();
      try {
        const page = await getJson(
          '/runs',
          {
            experiment: state.experiment,
            filter: state.filter,
            orderBy: state.orderBy,
            limit: LIMIT,
            offset: state.offset,
            total: 'false',
          },
          { signal: inFlight.signal },
        );
        if (!alive || mine !== generation) return;
        clearError();
        rows = page.items;
        keys = page.keys;
        const known = { shown: rows.length, more: page.nextPageToken !== undefined };
        pager.update(state.offset, LIMIT, null, known);
        count.textContent = 'counting runs…';
        draw();
        ready(section);
        // the count visits every match: it follows the rows rather than holding them back
        const counted = await getJson(
          '/runs/count',
          { experiment: state.experiment, filter: state.filter },
          { signal: inFlight.signal },
        );
        if (!alive || mine !== generation) return;
        count.textContent = `${formatNumber(counted.total)} run${counted.total === 1 ? '' : 's'}`;
        pager.update(state.offset, LIMIT, counted.total, known);
      } catch (error) {
        if (!alive || mine !== generation || /** @type {Error} */ (error).name === 'AbortError') return;
        const message = /** @type {Error} */ (error).message;
        showError(error instanceof ApiError && error.status === 400 ? message : `runs: ${message}`);
        rows = [];
        draw();
        count.textContent = 'no runs';
        ready(section);
      }
    }

    // after the first rows: the experiment list counts every run, the rows need not wait for it
    load()
      .then(() => getJson('/experiments', { limit: 1000 }))
      .then((page) => {
        if (!alive) return;
        replaceChildren(
          experimentSelect,
          h('option', { value: '' }, 'All experiments'),
          page.items.map((/** @type {any} */ e) =>
            h(
              'option',
              { value: String(e.id), selected: String(e.id) === state.experiment },
              `${e.name} (${formatNumber(e.runCount)})`,
            ),
          ),
        );
      })
      .catch((error) => showError(`experiments: ${error.message}`));
    const stopRuns = subscribe('runs', () => load(), { throttleMs: 1000 });
    const stopMetrics = subscribe('metrics', () => load(), { throttleMs: 2000 });
    return () => {
      alive = false;
      clearTimeout(typing);
      inFlight?.abort();
      stopRuns();
      stopMetrics();
    };
  },
};

/**
 * @param {string} orderBy
 * @returns {{ key: string, dir: 'ASC' | 'DESC' } | null}
 */
function parseSort(orderBy) {
  const match = /^(.*?)\s+(ASC|DESC)$/i.exec(orderBy.trim());
  if (match === null) return orderBy.trim() === '' ? null : { key: orderBy.trim(), dir: 'ASC' };
  return {
    key: /** @type {string} */ (match[1]),
    dir: /** @type {'ASC' | 'DESC'} */ (/** @type {string} */ (match[2]).toUpperCase()),
  };
}
