// @ts-check
/**
 * A data table: sortable headers (buttons: click, Enter or Space), rows navigable by
 * keyboard (arrows, Home/End; Enter opens, Space selects), optional selection checkboxes,
 * a column chooser and a pager. It draws rows it is given; sorting and paging are the
 * page's (the server's) to do.
 */
import { h, replaceChildren } from './dom.js';
import { formatNumber } from './format.js';

/**
 * @typedef {object} Column
 * @property {string} key what the page sorts by (e.g. `metrics.acc`, `start_time`)
 * @property {string} label
 * @property {boolean} [sortable]
 * @property {'left' | 'right'} [align]
 * @property {(row: any) => Node | string} render
 */

/**
 * @typedef {object} TableOptions
 * @property {string} label the table's accessible name
 * @property {(row: any) => string} rowKey
 * @property {{ key: string, dir: 'ASC' | 'DESC' } | null} [sort]
 * @property {(key: string, dir: 'ASC' | 'DESC') => void} [onSort]
 * @property {(row: any) => void} [onOpen] Enter or double click on a row
 * @property {(keys: string[]) => void} [onSelect] with selection checkboxes
 */

/**
 * Creates a table; `update(columns, rows)` draws it, keeping the selection and the row
 * that had focus.
 *
 * @example
 * const table = createTable({ label: 'Runs', rowKey: (r) => r.id, onSort: (k, d) => load({ orderBy: `${k} ${d}` }) });
 * section.append(table.element);
 * table.update(columns, runs);
 * @param {TableOptions} options
 */
export function createTable(options) {
  /** @type {Column[]} */
  let columns = [];
  /** @type {any[]} */
  let rows = [];
  let sort = options.sort ?? null;
  /** @type {Set<string>} */
  const selected = new Set();
  const head = h('thead');
  const body = h('tbody');
  const table = h('table', { class: 'data', 'aria-label': options.label, 'aria-rowcount': 0 }, head, body);
  const wrap = h('div', { class: 'table-wrap' }, table);

  /** @param {string} key */
  function toggleSort(key) {
    const dir = sort?.key === key && sort.dir === 'DESC' ? 'ASC' : 'DESC';
    sort = { key, dir };
    drawHead();
    options.onSort?.(key, dir);
  }

  /** Draws the header, keeping the keyboard focus on the sort button that had it. */
  function drawHead() {
    const focused = /** @type {HTMLElement | null} */ (head.querySelector('button.sort:focus'))?.dataset
      .sortKey;
    drawHeadCells();
    if (focused === undefined) return;
    for (const button of head.querySelectorAll('button.sort')) {
      if (/** @type {HTMLElement} */ (button).dataset.sortKey === focused)
        /** @type {HTMLElement} */ (button).focus();
    }
  }

  function drawHeadCells() {
    const cells = columns.map((column) => {
      const active = sort?.key === column.key;
      const ariaSort = active ? (sort?.dir === 'ASC' ? 'ascending' : 'descending') : 'none';
      const label = column.sortable
        ? h(
            'button',
            {
              type: 'button',
              class: 'sort',
              'data-sort-key': column.key,
              onclick: () => toggleSort(column.key),
            },
            column.label,
            h(
              'span',
              { class: 'arrow', 'aria-hidden': 'true' },
              active ? (sort?.dir === 'ASC' ? '▲' : '▼') : '',
            ),
          )
        : column.label;
      return h(
        'th',
        { scope: 'col', 'aria-sort': column.sortable ? ariaSort : null, class: column.align ?? null },
        label,
      );
    });
    const pick = options.onSelect
      ? h('th', { scope: 'col', class: 'pick' }, h('span', { class: 'visually-hidden' }, 'Select'))
      : null;
    replaceChildren(head, h('tr', null, pick, cells));
  }

  /** @param {any} row */
  function drawRow(row) {
    const key = options.rowKey(row);
    const box = options.onSelect
      ? h(
          'td',
          { class: 'pick' },
          h('input', {
            type: 'checkbox',
            'aria-label': `select ${key}`,
            checked: selected.has(key),
            tabindex: -1,
            onchange: (/** @type {Event} */ e) =>
              setSelected(key, /** @type {HTMLInputElement} */ (e.target).checked),
          }),
        )
      : null;
    return h(
      'tr',
      {
        tabindex: -1,
        'data-key': key,
        'aria-selected': options.onSelect ? String(selected.has(key)) : null,
        ondblclick: () => options.onOpen?.(row),
      },
      box,
      columns.map((column) => h('td', { class: column.align ?? null }, column.render(row))),
    );
  }

  /**
   * @param {string} key
   * @param {boolean} on
   */
  function setSelected(key, on) {
    if (on) selected.add(key);
    else selected.delete(key);
    const tr = body.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    if (tr) {
      tr.setAttribute('aria-selected', String(on));
      const input = /** @type {HTMLInputElement | null} */ (tr.querySelector('input[type=checkbox]'));
      if (input) input.checked = on;
    }
    options.onSelect?.([...selected]);
  }

  body.addEventListener('keydown', (event) => {
    const tr = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (event.target).closest('tr'));
    if (tr === null) return;
    const all = /** @type {HTMLElement[]} */ ([...body.querySelectorAll('tr')]);
    const index = all.indexOf(tr);
    /** @type {HTMLElement | undefined} */
    let next;
    if (event.key === 'ArrowDown') next = all[index + 1];
    else if (event.key === 'ArrowUp') next = all[index - 1];
    else if (event.key === 'Home') next = all[0];
    else if (event.key === 'End') next = all[all.length - 1];
    else if (event.key === 'Enter') {
      const row = rows.find((r) => options.rowKey(r) === tr.dataset.key);
      if (row !== undefined) options.onOpen?.(row);
      event.preventDefault();
      return;
    } else if (event.key === ' ' && options.onSelect && tr.dataset.key !== undefined) {
      setSelected(tr.dataset.key, !selected.has(tr.dataset.key));
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    if (next) focusRow(next);
  });
  body.addEventListener('click', (event) => {
    const tr = /** @type {HTMLElement | null} */ (/** @type {HTMLElement} */ (event.target).closest('tr'));
    if (tr) focusRow(tr);
  });

  /** @param {HTMLElement} tr */
  function focusRow(tr) {
    for (const other of body.querySelectorAll('tr[tabindex="0"]')) other.setAttribute('tabindex', '-1');
    tr.setAttribute('tabindex', '0');
    tr.focus();
  }

  return {
    element: wrap,
    /**
     * Draws the table.
     * @param {Column[]} nextColumns
     * @param {any[]} nextRows
     */
    update(nextColumns, nextRows) {
      const focusedKey = /** @type {HTMLElement | null} */ (document.activeElement)?.closest?.('tbody tr')
        ? /** @type {HTMLElement} */ (document.activeElement).dataset.key
        : undefined;
      columns = nextColumns;
      rows = nextRows;
      drawHead();
      replaceChildren(body, rows.map(drawRow));
      table.setAttribute('aria-rowcount', String(rows.length));
      const first = /** @type {HTMLElement | null} */ (body.querySelector('tr'));
      const again =
        focusedKey === undefined
          ? null
          : /** @type {HTMLElement | null} */ (
              body.querySelector(`tr[data-key="${CSS.escape(focusedKey)}"]`)
            );
      if (again) focusRow(again);
      else first?.setAttribute('tabindex', '0');
    },
    /** The selected row keys. */
    selected() {
      return [...selected];
    },
    /** Clears the selection. */
    clearSelection() {
      for (const key of [...selected]) setSelected(key, false);
    },
  };
}

/**
 * A cell showing a number right-aligned, '—' when missing.
 *
 * @example
 * numberCell(run.metrics.acc);
 * @param {number | null | undefined} value
 * @returns {string}
 */
export function numberCell(value) {
  return formatNumber(value);
}

/**
 * A pager: "1–50 of 100,000" with Previous and Next buttons.
 *
 * @example
 * const pager = createPager((offset) => load({ offset }));
 * pager.update(0, 50, 100000);
 * @param {(offset: number) => void} onPage
 */
export function createPager(onPage) {
  let offset = 0;
  let limit = 50;
  /** @type {number | null} */
  let total = 0;
  const text = h('span', { class: 'count', 'aria-live': 'polite' });
  const prev = h(
    'button',
    { type: 'button', onclick: () => onPage(Math.max(0, offset - limit)) },
    '← Previous',
  );
  const next = h('button', { type: 'button', onclick: () => onPage(offset + limit) }, 'Next →');
  const element = h('div', { class: 'pager' }, prev, text, next);
  return {
    element,
    /**
     * Shows the page; `total` may come later (null until counted: then `shown` rows and
     * whether there is a next page say what is known).
     * @param {number} nextOffset
     * @param {number} nextLimit
     * @param {number | null} nextTotal
     * @param {{ shown?: number, more?: boolean }} [known]
     */
    update(nextOffset, nextLimit, nextTotal, known) {
      offset = nextOffset;
      limit = nextLimit;
      total = nextTotal;
      const shown = known?.shown ?? (total === null ? 0 : Math.min(limit, total - offset));
      const more = total === null ? (known?.more ?? false) : offset + limit < total;
      text.textContent =
        total === 0 || (total === null && shown === 0)
          ? 'no runs'
          : `${formatNumber(offset + 1)}–${formatNumber(offset + shown)} of ${total === null ? '…' : formatNumber(total)}`;
      prev.disabled = offset === 0;
      next.disabled = !more;
    },
  };
}

/**
 * A column chooser: a disclosure with one checkbox per key, grouped (params, metrics,
 * tags); `onChange` gets the chosen keys (`params.lr`, `metrics.acc`, ...).
 *
 * @example
 * const chooser = createColumnChooser((keys) => redraw(keys));
 * chooser.update({ params: ['lr'], metrics: ['acc'], tags: [] }, new Set(['metrics.acc']));
 * @param {(keys: string[]) => void} onChange
 */
export function createColumnChooser(onChange) {
  const list = h('div', { class: 'chooser-list' });
  const element = h('details', { class: 'chooser' }, h('summary', null, 'Columns'), list);
  /** @type {Set<string>} */
  let chosen = new Set();
  return {
    element,
    /**
     * @param {Record<string, string[]>} groups
     * @param {Set<string>} selected
     */
    update(groups, selected) {
      chosen = new Set(selected);
      const fieldsets = Object.entries(groups)
        .filter(([, keys]) => keys.length > 0)
        .map(([group, keys]) =>
          h(
            'fieldset',
            null,
            h('legend', null, group),
            keys.map((key) => {
              const full = `${group}.${key}`;
              return h(
                'label',
                null,
                h('input', {
                  type: 'checkbox',
                  value: full,
                  checked: chosen.has(full),
                  onchange: (/** @type {Event} */ e) => {
                    if (/** @type {HTMLInputElement} */ (e.target).checked) chosen.add(full);
                    else chosen.delete(full);
                    onChange([...chosen]);
                  },
                }),
                ' ',
                key,
              );
            }),
          ),
        );
      replaceChildren(
        list,
        fieldsets.length > 0 ? fieldsets : h('p', null, 'no params, metrics or tags yet'),
      );
    },
  };
}
