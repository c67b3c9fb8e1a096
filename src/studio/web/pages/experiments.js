// @ts-check
/** The experiments page: every experiment with its run count and last activity. */
import { getJson } from '../lib/api.js';
import { h, pageSection, ready } from '../lib/dom.js';
import { formatAgo, formatDate, formatNumber } from '../lib/format.js';
import { hrefFor, navigate } from '../lib/router.js';
import { createTable } from '../lib/table.js';
import { follow, pageLoader } from './domain-kit.js';

export default {
  route: '/experiments',
  title: 'Experiments',
  nav: true,
  /**
   * @param {HTMLElement} container
   * @returns {() => void}
   */
  render(container) {
    const section = pageSection(container, 'experiments', 'Experiments');
    const summary = h('p', { class: 'muted' }, 'loading…');
    const table = createTable({
      label: 'Experiments',
      rowKey: (e) => String(e.id),
      onOpen: (e) => navigate('/runs', { experiment: e.id }),
    });
    section.append(summary, table.element);
    const columns = [
      {
        key: 'name',
        label: 'Name',
        render: (/** @type {any} */ e) => h('a', { href: hrefFor('/runs', { experiment: e.id }) }, e.name),
      },
      {
        key: 'id',
        label: 'Id',
        align: /** @type {const} */ ('right'),
        render: (/** @type {any} */ e) => String(e.id),
      },
      {
        key: 'runs',
        label: 'Runs',
        align: /** @type {const} */ ('right'),
        render: (/** @type {any} */ e) => formatNumber(e.runCount),
      },
      {
        key: 'last',
        label: 'Last activity',
        render: (/** @type {any} */ e) =>
          h('span', { title: formatDate(e.lastRunAt ?? e.createdAt) }, formatAgo(e.lastRunAt ?? e.createdAt)),
      },
      { key: 'created', label: 'Created', render: (/** @type {any} */ e) => formatDate(e.createdAt) },
    ];
    const loader = pageLoader('experiments', async (alive) => {
      const page = await getJson('/experiments', { limit: 1000 });
      if (!alive()) return;
      summary.textContent = `${formatNumber(page.total)} experiment${page.total === 1 ? '' : 's'}`;
      table.update(columns, page.items);
      ready(section);
    });
    return follow(loader, ['runs'], 1000);
  },
};
