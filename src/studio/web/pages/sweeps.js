// @ts-check
/** The sweeps page: every sweep and ask/tell study with its status, objectives, best value and trials by state. */
import { getJson } from '../lib/api.js';
import { h, pageSection, ready } from '../lib/dom.js';
import { formatDate, formatNumber } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/router.js';
import { createTable } from '../lib/table.js';
import {
  agoColumn,
  follow,
  numberColumn,
  objectiveText,
  pageLoader,
  sortRows,
  statusBadge,
  useDomainStyles,
} from './domain-kit.js';

/** @param {Record<string, number>} counts */
function countsText(counts) {
  const order = ['completed', 'running', 'early_terminated', 'failed', 'timed_out', 'cancelled'];
  return order
    .filter((state) => (counts[state] ?? 0) > 0)
    .map((state) => `${formatNumber(counts[state])} ${state.replace(/_/g, ' ')}`)
    .join(' · ');
}

/** @type {Record<string, (s: any) => unknown>} */
const SORT_VALUES = {
  name: (s) => s.name,
  kind: (s) => s.kind,
  status: (s) => s.status,
  best: (s) => s.best?.value,
  trials: (s) => s.trials,
  started: (s) => Date.parse(s.startedAt),
};

export default {
  route: '/sweeps',
  title: 'Sweeps',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @param {Record<string, string>} params
   * @returns {() => void}
   */
  render(container, params) {
    useDomainStyles();
    const section = pageSection(container, 'sweeps', 'Sweeps');
    const summary = h('p', { class: 'muted' }, 'loading…');
    /** @type {{ key: string, dir: 'ASC' | 'DESC' }} */
    let sort = { key: params.sort ?? 'started', dir: params.dir === 'ASC' ? 'ASC' : 'DESC' };
    /** @type {any[]} */
    let items = [];
    const table = createTable({
      label: 'Sweeps',
      rowKey: (s) => s.id,
      sort,
      onSort: (key, dir) => {
        sort = { key, dir };
        navigate('/sweeps', { sort: key, dir }, { replace: true });
        draw();
      },
      onOpen: (s) => navigate('/sweep', { id: s.id }),
    });
    section.append(summary, table.element);
    const columns = [
      {
        key: 'name',
        label: 'Name',
        sortable: true,
        render: (/** @type {any} */ s) => h('a', { href: hrefFor('/sweep', { id: s.id }) }, s.name),
      },
      { key: 'kind', label: 'Kind', sortable: true, render: (/** @type {any} */ s) => s.kind },
      {
        key: 'status',
        label: 'Status',
        sortable: true,
        render: (/** @type {any} */ s) => statusBadge(s.status),
      },
      {
        key: 'objectives',
        label: 'Objectives',
        render: (/** @type {any} */ s) => s.objectives.map(objectiveText).join(', ') || '—',
      },
      {
        key: 'best',
        label: 'Best',
        sortable: true,
        align: /** @type {const} */ ('right'),
        render: (/** @type {any} */ s) =>
          s.best ? h('span', { title: `trial ${s.best.trialId}` }, formatNumber(s.best.value)) : '—',
      },
      numberColumn('trials', 'Trials', (s) => s.trials, true),
      { key: 'states', label: 'By state', render: (/** @type {any} */ s) => countsText(s.counts) },
      agoColumn('started', 'Started', (s) => Date.parse(s.startedAt), true),
      {
        key: 'ended',
        label: 'Ended',
        render: (/** @type {any} */ s) => (s.endedAt ? formatDate(Date.parse(s.endedAt)) : '—'),
      },
    ];
    const draw = () =>
      table.update(columns, sortRows(items, SORT_VALUES[sort.key] ?? SORT_VALUES.started, sort.dir));
    const loader = pageLoader('sweeps', async (alive) => {
      const page = await getJson('/sweeps', { limit: 1000 });
      if (!alive()) return;
      items = page.items;
      const studies = items.filter((s) => s.kind === 'study').length;
      summary.textContent = `${formatNumber(page.total)} sweep${page.total === 1 ? '' : 's'} (${formatNumber(studies)} ask/tell ${studies === 1 ? 'study' : 'studies'})`;
      draw();
      ready(section);
    });
    return follow(loader, ['sweeps'], 500);
  },
};
